// The model row an audit entry can put back (restoreModel): the state right after the entry, or right before a
// `deleted` one, read from its snapshot. Every stored secret must open under the current salt key: a value the
// proxy could not decrypt is never written back.
import type { AtRestCipher } from '../crypto/AtRestCipher';
import { V2_GCM_PREFIX, V3_GCM_PREFIX } from '../crypto/atRestFormats';
import { isSecretKey } from '../crypto/maskSecrets';
import { storedJsonObject, UNDECODABLE, type JsonObject } from '../database/types/storedJson';
import { ApiError } from '../errors/ApiError';
import type { RestoredModelState } from '../models/ModelService';
import type { StoredAuditEntry } from './AuditLogRepository';

/** The row `entry` restores, litellm_params as they are to be stored; BAD_USER_INPUT when it holds none that can be. */
export function restoredModelState(entry: StoredAuditEntry, cipher: AtRestCipher): RestoredModelState {
  const undelete = entry.action === 'deleted';
  const column = undelete ? 'before_value' : 'updated_values';
  const refuse = (why: string) => ApiError.badInput(`Audit entry ${JSON.stringify(entry.id)} cannot be restored: ${why}. Nothing was changed.`);
  const row = storedJsonObject(undelete ? entry.beforeValue : entry.updatedValues);
  if (row === undefined || row === UNDECODABLE) throw refuse(`its ${column} holds no model row`);
  if (row.model_id !== undefined && row.model_id !== entry.objectId) throw refuse(`its ${column} is the row of another model`);
  if (typeof row.model_name !== 'string' || row.model_name === '') throw refuse(`its ${column} has no model_name`);
  const litellmParams = storedJsonObject(row.litellm_params);
  if (litellmParams === undefined || litellmParams === UNDECODABLE) throw refuse(`its ${column}.litellm_params is not a JSON object`);
  const modelInfo = storedJsonObject(row.model_info);
  if (modelInfo === UNDECODABLE) throw refuse(`its ${column}.model_info is not a JSON object`);

  const undecryptable: string[] = [];
  const params = storableUnderCurrentKey(litellmParams, cipher, (name) => undecryptable.push(`litellm_params.${name}`));
  if (undecryptable.length > 0) {
    throw refuse(
      `its stored ${undecryptable.join(', ')} ${undecryptable.length === 1 ? 'does' : 'do'} not decrypt under the current salt key ` +
        '(LITELLM_SALT_KEY, else the master key). Set the key it was written under as LITELLM_SALT_KEY_PREVIOUS, or restore another entry',
    );
  }
  const createdAt = typeof row.created_at === 'string' ? new Date(row.created_at) : undefined;
  return {
    modelId: entry.objectId,
    modelName: row.model_name,
    litellmParams: params,
    modelInfo: modelInfo ?? null,
    blocked: typeof row.blocked === 'boolean' ? row.blocked : undefined,
    createdAt: createdAt && !Number.isNaN(createdAt.getTime()) ? createdAt : undefined,
    createdBy: typeof row.created_by === 'string' ? row.created_by : undefined,
  };
}

/**
 * The stored litellm_params as they may be written back: a value under the current salt key byte for byte, one under
 * the previous key re-encrypted under the current one (writes always use it). A secret, or anything in a GCM format,
 * that opens under neither is reported; other strings that open under none are plaintext, kept as the proxy keeps them.
 */
function storableUnderCurrentKey(params: JsonObject, cipher: AtRestCipher, reportUndecryptable: (name: string) => void): JsonObject {
  const storable: JsonObject = {};
  for (const name of Object.keys(params)) {
    const value = params[name];
    let stored = value;
    if (typeof value === 'string') {
      const opened = cipher.decrypt(value);
      if (opened?.key === 'previous') stored = cipher.encrypt(opened.plaintext);
      else if (!opened && (isSecretKey(name) || value.startsWith(V3_GCM_PREFIX) || value.startsWith(V2_GCM_PREFIX))) reportUndecryptable(name);
    }
    Object.defineProperty(storable, name, { value: stored, enumerable: true, writable: true, configurable: true });
  }
  return storable;
}
