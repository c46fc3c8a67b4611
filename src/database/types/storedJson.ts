// What a jsonb column of the proxy's holds, read as SQL's model_admin_graphql_decoded_json reads it: older proxies
// stored some JSON columns as a JSON-encoded string, which reads as the JSON it encodes. A string that PostgreSQL
// could not cast to jsonb is UNDECODABLE in both, so the TypeScript and the SQL side always decide alike.

export const UNDECODABLE = Symbol('undecodable JSON text');

export type JsonObject = Record<string, unknown>;

export function decodeStoredJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  let decoded: unknown;
  try {
    // JSON.parse skips exactly the white space jsonb does (space, tab, CR, LF): no String#trim here.
    decoded = JSON.parse(value);
  } catch {
    return UNDECODABLE;
  }
  return holdsOnlyStorableText(decoded) ? decoded : UNDECODABLE;
}

/** A JSON object as stored (or JSON-encoded); undefined for an absent value (SQL NULL or JSON null); UNDECODABLE otherwise. */
export function storedJsonObject(value: unknown): JsonObject | undefined | typeof UNDECODABLE {
  if (value === null || value === undefined) return undefined;
  const decoded = decodeStoredJson(value);
  return isJsonObject(decoded) ? decoded : UNDECODABLE;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** jsonb refuses U+0000 and unpaired surrogates, which JSON.parse accepts from `\u` escapes. */
function holdsOnlyStorableText(value: unknown): boolean {
  const pending = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current === 'string') {
      if (current.includes('\u0000') || UNPAIRED_SURROGATE.test(current)) return false;
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, item] of Object.entries(current)) pending.push(key, item);
    }
  }
  return true;
}
