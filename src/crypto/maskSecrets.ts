// The one list of secret-bearing keys, and the masking that keeps their values out of every response.

/** Keys that always hold a secret, whatever the type of their value. */
export const SECRET_KEY_NAMES: readonly string[] = ['api_key', 'aws_secret_access_key', 'aws_session_token', 'vertex_credentials'];

/** A key containing any of these (case-insensitive) is secret-bearing too. */
export const SECRET_KEY_FRAGMENTS: readonly string[] = ['key', 'secret', 'token', 'password', 'credential'];

/** What stands in for the hidden middle of a secret. */
export const SECRET_MASK = '****';

/** Characters shown at each end of a long secret. */
export const SHOWN_PREFIX_LENGTH = 3;
export const SHOWN_SUFFIX_LENGTH = 4;

/** Shorter secrets are masked whole: showing 7 of their characters would reveal too much. */
export const MIN_LENGTH_TO_SHOW_ENDS = 12;

// As long as the shortest secret that shows its ends, so it never equals a shorter secret; a long
// secret masks to 3 + 4 + 4 = 11 characters, shorter than itself. So no value ever masks to itself.
const FULLY_MASKED = '*'.repeat(MIN_LENGTH_TO_SHOW_ENDS);

// Column and parameter names repeat on every row of a page: each name is classified once.
const MAX_CLASSIFIED_NAMES = 10_000;
const classifiedNames = new Map<string, boolean>();

export function isSecretKey(name: string): boolean {
  let secret = classifiedNames.get(name);
  if (secret === undefined) {
    const lowerCaseName = name.toLowerCase();
    secret = SECRET_KEY_NAMES.includes(lowerCaseName) || SECRET_KEY_FRAGMENTS.some((fragment) => lowerCaseName.includes(fragment));
    if (classifiedNames.size >= MAX_CLASSIFIED_NAMES) classifiedNames.clear();
    classifiedNames.set(name, secret);
  }
  return secret;
}

/** At most the first 3 and last 4 characters, e.g. `sk-****wxyz`; short values fully masked. */
export function maskSecret(value: string): string {
  const characters = Array.from(value); // code points, so a mask never splits a surrogate pair
  if (characters.length < MIN_LENGTH_TO_SHOW_ENDS) return FULLY_MASKED;
  const prefix = characters.slice(0, SHOWN_PREFIX_LENGTH).join('');
  const suffix = characters.slice(-SHOWN_SUFFIX_LENGTH).join('');
  return `${prefix}${SECRET_MASK}${suffix}`;
}

/** A deep copy of a JSON value in which every value under a secret-bearing key is masked. */
export function maskSecrets(value: unknown): unknown {
  if (!isJsonObject(value)) return value;
  if (Array.isArray(value)) return value.map(maskSecrets);
  const masked: Record<string, unknown> = {};
  for (const name of Object.keys(value)) setOwnProperty(masked, name, maskEntry(name, value[name]));
  return masked;
}

/** The value of one key of a JSON object, masked as maskSecrets masks it. */
export function maskEntry(name: string, value: unknown): unknown {
  return isSecretKey(name) ? maskSecretValue(name, value) : maskSecrets(value);
}

/** `target[name] = value`, also for a "__proto__" key (which JSON.parse makes an own property): it stays data. */
export function setOwnProperty(target: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}

// Spec-literal fragment matching makes `max_tokens` or `input_cost_per_token` secret-bearing, yet masking
// their numbers would only hurt users: a number or boolean under a key matched by a fragment alone is
// not a secret and is returned as is. Under a named secret key every non-null value is masked.
function maskSecretValue(name: string, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return maskSecret(value);
  const isScalar = typeof value === 'number' || typeof value === 'boolean';
  if (isScalar && !SECRET_KEY_NAMES.includes(name.toLowerCase())) return value;
  return maskSecret(isScalar ? String(value) : JSON.stringify(value));
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
