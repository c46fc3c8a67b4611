// Reads a request body up to a size limit, so a huge upload is refused before it is buffered.
import type { IncomingMessage } from 'node:http';

export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

export class RequestBodyTooLarge extends Error {
  override name = 'RequestBodyTooLarge';
}

export async function readRequestBody(request: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new RequestBodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RequestBodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
