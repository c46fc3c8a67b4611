// The two ways an incoming set of keys merges over a stored one (litellm_params, model_info).

/**
 * updateModel, as the proxy does it: a non-null incoming value replaces the stored one;
 * an incoming null (or undefined) keeps the stored value. Returns a new object.
 */
export function mergeWhereNullKeeps(stored: Record<string, unknown>, incoming: Record<string, unknown>): Record<string, unknown> {
  const replacements = Object.entries(incoming).filter(([, value]) => value !== null && value !== undefined);
  return Object.fromEntries([...Object.entries(stored), ...replacements]);
}

/**
 * patchModel, shallow key by key: an incoming null removes the key (what the proxy's users ask for),
 * any other incoming value replaces it, undefined leaves it alone. Returns a new object.
 */
export function mergeWhereNullRemoves(stored: Record<string, unknown>, incoming: Record<string, unknown>): Record<string, unknown> {
  const merged = mergeWhereNullKeeps(stored, incoming);
  const removed = new Set(Object.keys(incoming).filter((name) => incoming[name] === null));
  return Object.fromEntries(Object.entries(merged).filter(([name]) => !removed.has(name)));
}
