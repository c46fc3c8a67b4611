// Which strings of a stored JSON document hold salt-key values, and the document with some of them replaced. Each
// place the proxy encrypts has its own rule (every top-level string, a few named fields, the callback variables of a
// metadata object); the rules are pure functions over the document as the driver read it.
import { decodeStoredJson, isJsonObject, UNDECODABLE } from '../database/types/storedJson';

export interface SelectedValue {
  /** Where it sits: keys (array indexes as strings) from the document's root; empty for a text column. */
  path: readonly string[];
  /** The key it is stored under, which decides whether it bears a secret. */
  name: string;
  /** As stored. */
  value: string;
}

/** The document is not the JSON object its place holds (text that is not JSON, a list, a number). */
export const UNREADABLE_DOCUMENT = Symbol('unreadable document');

export type ValueSelector = (document: unknown) => SelectedValue[] | typeof UNREADABLE_DOCUMENT;

/** The marker the proxy puts in front of an encrypted callback variable. */
export const CALLBACK_VARIABLE_MARKER = 'litellm_enc::';

/** Every string value at the top of a JSON object, as the proxy encrypts litellm_params and credential_values. */
export function topLevelStrings(document: unknown): SelectedValue[] | typeof UNREADABLE_DOCUMENT {
  return stringsOf(document, []);
}

/** The named top-level string fields only (the proxy encrypts just those in a settings object). */
export function namedStrings(names: readonly string[]): ValueSelector {
  return (document) => {
    const values = stringsOf(document, []);
    return values === UNREADABLE_DOCUMENT ? values : values.filter((value) => names.includes(value.name));
  };
}

/** The top-level strings of these parts of an audit snapshot (a whole row, maybe JSON-encoded, as are its parts). */
export function snapshotParts(parts: readonly string[]): ValueSelector {
  return (snapshot) => {
    if (isAbsent(snapshot)) return [];
    const row = decodeStoredJson(snapshot);
    if (!isJsonObject(row)) return UNREADABLE_DOCUMENT;
    const values: SelectedValue[] = [];
    for (const part of parts) {
      if (!Object.hasOwn(row, part)) continue;
      const partValues = stringsOf(row[part], [part]);
      if (partValues === UNREADABLE_DOCUMENT) return UNREADABLE_DOCUMENT;
      values.push(...partValues);
    }
    return values;
  };
}

/**
 * The callback variables of a team's or key's metadata (`logging[*].callback_vars` and
 * `callback_settings.callback_vars`), without the proxy's marker. Other metadata is the user's own.
 */
export function callbackVariables(document: unknown): SelectedValue[] {
  const metadata = decodeStoredJson(document);
  if (!isJsonObject(metadata)) return [];
  const holders: { path: string[]; variables: unknown }[] = [];
  if (Array.isArray(metadata.logging)) {
    metadata.logging.forEach((entry, index) => {
      if (isJsonObject(entry)) holders.push({ path: ['logging', String(index), 'callback_vars'], variables: entry.callback_vars });
    });
  }
  if (isJsonObject(metadata.callback_settings)) {
    holders.push({ path: ['callback_settings', 'callback_vars'], variables: metadata.callback_settings.callback_vars });
  }
  return holders.flatMap(({ path, variables }) =>
    isJsonObject(variables)
      ? Object.entries(variables).flatMap(([name, value]) =>
          typeof value === 'string' ? [{ path: [...path, name], name, value: value.startsWith(CALLBACK_VARIABLE_MARKER) ? value.slice(CALLBACK_VARIABLE_MARKER.length) : value }] : [],
        )
      : [],
  );
}

/** Every string anywhere in the document, each named by the key nearest above it (`rootName` for the root itself). */
export function everyString(rootName: string): ValueSelector {
  return (document) => {
    const values: SelectedValue[] = [];
    const pending: { node: unknown; path: string[]; name: string }[] = [{ node: document, path: [], name: rootName }];
    while (pending.length > 0) {
      const { node, path, name } = pending.pop()!;
      if (typeof node === 'string') values.push({ path, name, value: node });
      else if (Array.isArray(node)) node.forEach((item, index) => pending.push({ node: item, path: [...path, String(index)], name }));
      else if (isJsonObject(node)) for (const [key, item] of Object.entries(node)) pending.push({ node: item, path: [...path, key], name: key });
    }
    return values.reverse();
  };
}

/**
 * A copy of the document with the string at each path replaced. Where the path runs through a JSON-encoded string
 * (as older proxies stored whole columns), that string is decoded, changed and encoded again: the document keeps
 * the shape it was stored in.
 */
export function withReplacedValues(document: unknown, replacements: readonly { path: readonly string[]; value: string }[]): unknown {
  return replacements.reduce((current, { path, value }) => replaceAt(current, path, value), document);
}

function replaceAt(node: unknown, path: readonly string[], value: string): unknown {
  if (path.length === 0) return value;
  if (typeof node === 'string') {
    const decoded = decodeStoredJson(node);
    if (decoded === UNDECODABLE || typeof decoded !== 'object' || decoded === null) throw new Error(`no value at ${path.join('.')}`);
    return JSON.stringify(replaceAt(decoded, path, value));
  }
  const [key, ...rest] = path;
  if (Array.isArray(node)) return node.map((item, index) => (String(index) === key ? replaceAt(item, rest, value) : item));
  if (!isJsonObject(node) || !Object.hasOwn(node, key)) throw new Error(`no value at ${path.join('.')}`);
  // fromEntries defines own properties, so a "__proto__" key stays data.
  return Object.fromEntries(Object.entries(node).map(([name, item]) => [name, name === key ? replaceAt(item, rest, value) : item]));
}

/** The string values at the top of `document`, which must be a JSON object (or the JSON text of one). */
function stringsOf(document: unknown, path: readonly string[]): SelectedValue[] | typeof UNREADABLE_DOCUMENT {
  if (isAbsent(document)) return [];
  const object = decodeStoredJson(document);
  if (!isJsonObject(object)) return UNREADABLE_DOCUMENT;
  return Object.entries(object).flatMap(([name, value]) => (typeof value === 'string' ? [{ path: [...path, name], name, value }] : []));
}

/** SQL NULL or JSON null: the place holds nothing. */
function isAbsent(document: unknown): boolean {
  return document === null || document === undefined;
}
