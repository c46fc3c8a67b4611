// The parts of a model only proxy admins may set, change or remove (SPEC "Privileged keys", as the current proxy
// rules them), declared once. ModelService checks them early for a clear error; ModelChangeGuard checks them again in
// the flush, from the same list, so no code path can skip them. model_info.team_id is privileged too, beyond a team
// admin's own team: the MODEL_MANAGER rule on the states before and after a change covers it.
import { isDeepStrictEqual } from 'node:util';
import { isProxyAdmin } from '../access/accessRules';
import type { AuthenticatedPrincipal } from '../access/Principal';
import { CREDENTIAL_NAME_PARAM } from '../credentials/credentialReference';
import type { AtRestCipher } from '../crypto/AtRestCipher';
import { storedJsonObject, UNDECODABLE, type JsonObject } from '../database/types/storedJson';
import { ApiError } from '../errors/ApiError';

/** The parts of a model row these keys live in: litellm_params as stored (strings encrypted), model_info, blocked. */
export interface PrivilegedState {
  /** An object, or the JSON text a change set holds. */
  litellmParams: unknown;
  modelInfo: unknown;
  blocked: boolean;
}

/** A model that does not exist yet: none of the keys set. */
export const NEW_MODEL_STATE: PrivilegedState = { litellmParams: {}, modelInfo: {}, blocked: false };

/** The plaintext of a stored litellm_params value: strings are decrypted, anything else is as stored. */
export type RevealParam = (stored: unknown) => unknown;

export interface PrivilegedKey {
  /** How errors name it. */
  path: string;
  read(state: PrivilegedState, reveal: RevealParam): unknown;
  /** What counts as the same value (the proxy compares aws_session_tags as a set); deep equality otherwise. */
  canonical?(value: unknown): unknown;
}

/** A stored credential (LiteLLM_CredentialsTable) the model's calls authenticate with. */
export const STORED_CREDENTIAL_KEY: PrivilegedKey = {
  path: `litellm_params.${CREDENTIAL_NAME_PARAM}`,
  read: (state, reveal) => reveal(objectOf(state.litellmParams)[CREDENTIAL_NAME_PARAM]),
};

export const PRIVILEGED_KEYS: readonly PrivilegedKey[] = [
  STORED_CREDENTIAL_KEY,
  // Tags put on the AWS session the proxy assumes for the model: they can select IAM permissions.
  { path: 'litellm_params.aws_session_tags', read: (state, reveal) => reveal(objectOf(state.litellmParams).aws_session_tags), canonical: sessionTagSet },
  // Which access groups (hence which keys and teams) may call the model.
  { path: 'model_info.access_groups', read: (state) => objectOf(state.modelInfo).access_groups, canonical: stringSet },
  // The proxy routes no traffic to a blocked model.
  { path: 'blocked', read: (state) => state.blocked === true },
];

/** Decrypts with the app's cipher. Without one, stored values are compared as they are (re-encrypting changes them: fails closed). */
export function revealWith(cipher: AtRestCipher | undefined): RevealParam {
  return (stored) => (cipher && typeof stored === 'string' ? (cipher.decrypt(stored)?.plaintext ?? stored) : stored);
}

/** The paths of the privileged keys whose values differ between the two states (absent and null are the same). */
export function changedPrivilegedKeys(before: PrivilegedState, after: PrivilegedState, reveal: RevealParam): string[] {
  return PRIVILEGED_KEYS.filter((key) => !isDeepStrictEqual(comparable(key, before, reveal), comparable(key, after, reveal))).map((key) => key.path);
}

/** FORBIDDEN when a caller other than a proxy admin changes any privileged key. */
export function assertMayChangePrivilegedKeys(principal: AuthenticatedPrincipal, changedPaths: readonly string[]): void {
  if (changedPaths.length === 0 || isProxyAdmin(principal)) return;
  throw ApiError.forbidden(`Only a proxy admin may set, change or remove ${changedPaths.join(', ')}.`);
}

function comparable(key: PrivilegedKey, state: PrivilegedState, reveal: RevealParam): unknown {
  const value = key.read(state, reveal) ?? null;
  return value !== null && key.canonical ? key.canonical(value) : value;
}

/** A JSON object column, or JSON text of one; anything else has none of the keys. */
function objectOf(stored: unknown): JsonObject {
  const object = storedJsonObject(stored);
  return object === undefined || object === UNDECODABLE ? {} : object;
}

/** `[{Key, Value}]` in any order, as the proxy compares them (every field of a tag counts); any other value as it is. */
function sessionTagSet(value: unknown): unknown {
  if (!Array.isArray(value) || !value.every((tag) => typeof tag === 'object' && tag !== null && !Array.isArray(tag))) return value;
  return value.map((tag: Record<string, unknown>) => JSON.stringify(Object.entries(tag).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))).sort();
}

/** A list of names in any order, once each; any other value as it is. */
function stringSet(value: unknown): unknown {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return value;
  return [...new Set(value)].sort();
}
