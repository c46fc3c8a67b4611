// What counts as a secret, by name and by meaning, and the masking that keeps secrets out of every response.
// Pure: the same input always masks the same way, and nothing is remembered between calls.

/** Keys that always hold a secret, whatever the type of their value. */
export const SECRET_KEY_NAMES: readonly string[] = ['api_key', 'aws_secret_access_key', 'aws_session_token', 'vertex_credentials'];

/** A key containing any of these (case-insensitive) is secret-bearing too, unless it is a known non-secret parameter. */
export const SECRET_KEY_FRAGMENTS: readonly string[] = ['key', 'secret', 'token', 'password', 'credential'];

/**
 * Known non-secret parameters of the proxy's litellm_params and model_info whose names contain a fragment
 * (case-insensitive; `*` stands for any characters holding no fragment but `token`, the unit prices and limits
 * are counted in). Their value is shown when it is what the parameter holds:
 * a number, a boolean, null, or a string spelling a number (a config file's `os.environ/` value is a string).
 * Any other value under them (text, an object, a list) is masked as a secret would be: a count or a price
 * holding text is something else, perhaps a secret pasted into the wrong field.
 * Left out on purpose: names whose values are text (`tokenizer`, `s3_encryption_key_id`, `aws_access_key_id`,
 * `litellm_credential_name`, model_info's `key`): under this rule they would be masked anyway.
 */
export const NON_SECRET_PARAMETERS: readonly string[] = [
  'max_tokens',
  'max_input_tokens',
  'max_output_tokens',
  'max_completion_tokens',
  // Prices: input_cost_per_token, input_cost_per_token_batches, output_cost_per_reasoning_token,
  // input_cost_per_character_above_128k_tokens, …
  '*_cost_per_token',
  '*_cost_per_token_*',
  '*_cost_per_*_token',
  '*_cost_per_*_tokens',
  // Prices: cache_read_input_token_cost, cache_creation_input_token_cost_above_1hr, …
  '*_token_cost',
  '*_token_cost_*',
  // Rate limits the proxy applies to every API key using the deployment.
  'default_api_key_tpm_limit',
  'default_api_key_rpm_limit',
];

/** Keys holding HTTP headers to send upstream: `headers`, `extra_headers`, and any other `*_headers`. */
const HEADER_CONTAINER_NAME = 'headers';

/**
 * Headers that carry a credential, by name (case-insensitive). A header whose name contains a secret fragment
 * (`x-goog-api-key`, `X-Auth-Token`) or `auth` (`X-Auth-Key`) carries one too.
 */
export const CREDENTIAL_HEADER_NAMES: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];

/** What stands in for the hidden middle of a secret, and for the whole userinfo of a URL. */
export const SECRET_MASK = '****';

/** Characters shown at each end of a long secret. */
export const SHOWN_PREFIX_LENGTH = 3;
export const SHOWN_SUFFIX_LENGTH = 4;

/** Shorter secrets are masked whole: showing 7 of their characters would reveal too much. */
export const MIN_LENGTH_TO_SHOW_ENDS = 12;

// As long as the shortest secret that shows its ends, so it never equals a shorter secret; a long
// secret masks to 3 + 4 + 4 = 11 characters, shorter than itself. So no value ever masks to itself.
const FULLY_MASKED = '*'.repeat(MIN_LENGTH_TO_SHOW_ENDS);

const SECRET_FRAGMENT = new RegExp(SECRET_KEY_FRAGMENTS.join('|'), 'i');
// `api_key_cost_per_token` is no price: what `*` stands for holds no fragment but `token`.
const WILDCARD = `(?:(?!${SECRET_KEY_FRAGMENTS.filter((fragment) => fragment !== 'token').join('|')}).)*`;
const NON_SECRET_PARAMETER = new RegExp(`^(?:${NON_SECRET_PARAMETERS.map(globToPattern).join('|')})$`, 'i');
const CREDENTIAL_HEADER_FRAGMENT = new RegExp([...SECRET_KEY_FRAGMENTS, 'auth'].join('|'), 'i');
const NUMBER_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?\s*$/i;
/** Where the authority of a URL ends (a URL parser treats `\\` as `/` in http URLs). */
const AUTHORITY_END = /[\s/\\?#]/;

/** How the values under a key are masked. */
const enum KeyKind {
  /** Masked whole, whatever their type. */
  Secret,
  /** A documented non-secret parameter: shown when a number, a boolean or a numeric string, else masked whole. */
  NonSecretParameter,
  /** HTTP headers: credential headers masked. */
  Headers,
  /** Masked inside: nested keys, URL userinfo. */
  Other,
}

function classifyKey(name: string): KeyKind {
  if (SECRET_FRAGMENT.test(name)) {
    if (SECRET_KEY_NAMES.includes(name.toLowerCase())) return KeyKind.Secret;
    return NON_SECRET_PARAMETER.test(name) ? KeyKind.NonSecretParameter : KeyKind.Secret;
  }
  // Every named secret key contains a fragment, and so does every entry of the non-secret list (a unit test pins both).
  return isHeaderContainer(name) ? KeyKind.Headers : KeyKind.Other;
}

/** Whether values under this key are secrets: a named secret key, or a name with a fragment that is not a known non-secret parameter. */
export function isSecretKey(name: string): boolean {
  return classifyKey(name) === KeyKind.Secret;
}

/** Whether `name` is on the documented list of non-secret parameters (see NON_SECRET_PARAMETERS). */
export function isNonSecretParameter(name: string): boolean {
  return classifyKey(name) === KeyKind.NonSecretParameter;
}

/** Whether an HTTP header of this name carries a credential. */
export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADER_NAMES.includes(name.toLowerCase()) || CREDENTIAL_HEADER_FRAGMENT.test(name);
}

/** At most the first 3 and last 4 characters, e.g. `sk-****wxyz`; short values fully masked. */
export function maskSecret(value: string): string {
  const characters = Array.from(value); // code points, so a mask never splits a surrogate pair
  if (characters.length < MIN_LENGTH_TO_SHOW_ENDS) return FULLY_MASKED;
  const prefix = characters.slice(0, SHOWN_PREFIX_LENGTH).join('');
  const suffix = characters.slice(-SHOWN_SUFFIX_LENGTH).join('');
  return `${prefix}${SECRET_MASK}${suffix}`;
}

/**
 * `text` with the userinfo of every URL in it masked whole: `https://user:pass@host/v1` → `https://****@host/v1`.
 * The userinfo runs to the last `@` before the authority ends (`/`, `?`, `#` or white space), as a URL parser
 * reads it: `https://user:p@ss@host` hides `user:p@ss`. One pass over the text, whatever it holds.
 */
export function maskUrlCredentials(text: string): string {
  if (!text.includes('@')) return text;
  let masked = '';
  let copiedUpTo = 0;
  let separator = text.indexOf('://');
  while (separator >= 0) {
    const authorityStart = separator + 3;
    let authorityEnd = authorityStart;
    let lastAt = -1;
    for (; authorityEnd < text.length && !AUTHORITY_END.test(text[authorityEnd]); authorityEnd += 1) {
      if (text[authorityEnd] === '@') lastAt = authorityEnd;
    }
    if (lastAt >= 0) {
      masked += `${text.slice(copiedUpTo, authorityStart)}${SECRET_MASK}`;
      copiedUpTo = lastAt;
    }
    separator = text.indexOf('://', authorityEnd);
  }
  return copiedUpTo === 0 ? text : masked + text.slice(copiedUpTo);
}

/**
 * A deep copy of a JSON value in which every secret is masked: values under secret-bearing keys, credential
 * headers, and the userinfo of URLs in any text.
 */
export function maskSecrets(value: unknown): unknown {
  if (typeof value === 'string') return maskUrlCredentials(value);
  if (!isJsonObject(value)) return value;
  if (Array.isArray(value)) return value.map(maskSecrets);
  const masked: Record<string, unknown> = {};
  for (const name of Object.keys(value)) setOwnProperty(masked, name, maskEntry(name, value[name]));
  return masked;
}

/** The value of one key of a JSON object, masked as maskSecrets masks it. */
export function maskEntry(name: string, value: unknown): unknown {
  if (value === null || value === undefined) return value; // nothing to reveal
  switch (classifyKey(name)) {
    case KeyKind.Secret:
      return maskWhole(value);
    case KeyKind.NonSecretParameter:
      return isShownParameterValue(value) ? value : maskWhole(value);
    case KeyKind.Headers:
      return maskHeaders(value);
    case KeyKind.Other:
      return maskSecrets(value);
  }
}

/** `target[name] = value`, also for a "__proto__" key (which JSON.parse makes an own property): it stays data. */
export function setOwnProperty(target: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__') Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}

function isHeaderContainer(name: string): boolean {
  if (name.length < HEADER_CONTAINER_NAME.length) return false;
  const before = name.length - HEADER_CONTAINER_NAME.length;
  return name.slice(before).toLowerCase() === HEADER_CONTAINER_NAME && (before === 0 || name[before - 1] === '_');
}

/** A secret of any type masks as text: objects and lists as their JSON, numbers and booleans as written. */
function maskWhole(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  return maskSecret(typeof value === 'string' ? value : isJsonObject(value) ? JSON.stringify(value) : String(value));
}

function isShownParameterValue(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && NUMBER_TEXT.test(value));
}

/**
 * Headers as a map (`{ Authorization: "Bearer …" }`), as a list of `{ name, value }` (or `key` / `header` for the
 * name), or as a list of `"Name: value"` lines. Credential headers are masked; the others are masked like any value.
 * Headers as one string are masked whole: there is no telling which part is a credential.
 */
function maskHeaders(headers: unknown): unknown {
  if (typeof headers === 'string') return maskSecret(headers);
  if (!isJsonObject(headers)) return maskSecrets(headers);
  if (Array.isArray(headers)) return headers.map(maskHeaderListItem);
  const masked: Record<string, unknown> = {};
  for (const name of Object.keys(headers)) setOwnProperty(masked, name, maskHeaderValue(name, headers[name]));
  return masked;
}

const HEADER_NAME_FIELDS = ['name', 'key', 'header'];
const HEADER_LINE = /^(\s*[^\s:]+\s*:)([\s\S]*)$/;

function maskHeaderListItem(item: unknown): unknown {
  if (typeof item === 'string') {
    const line = HEADER_LINE.exec(item);
    if (!line) return maskUrlCredentials(item);
    const name = line[1].slice(0, -1).trim();
    return isCredentialHeader(name) ? `${line[1]} ${maskSecret(line[2].trim())}` : maskUrlCredentials(item);
  }
  if (!isJsonObject(item) || Array.isArray(item)) return maskSecrets(item);
  const nameField = HEADER_NAME_FIELDS.find((field) => typeof item[field] === 'string');
  if (!nameField) return maskSecrets(item);
  const headerName = item[nameField] as string;
  const masked: Record<string, unknown> = {};
  for (const field of Object.keys(item)) {
    const value = item[field];
    if (field === nameField) setOwnProperty(masked, field, maskUrlCredentials(headerName));
    else if (field === 'value') setOwnProperty(masked, field, maskHeaderValue(headerName, value));
    else setOwnProperty(masked, field, maskEntry(field, value));
  }
  return masked;
}

function maskHeaderValue(headerName: string, value: unknown): unknown {
  return isCredentialHeader(headerName) ? maskWhole(value) : maskSecrets(value);
}

function globToPattern(glob: string): string {
  return glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join(WILDCARD);
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
