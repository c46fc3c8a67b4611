// How the proxy stores an API key: LiteLLM_VerificationToken.token is the sha256 hex of the raw key.
import { createHash } from 'node:crypto';

export function hashApiKey(rawKey: string): string {
  return createHash('sha256').update(rawKey, 'utf8').digest('hex');
}
