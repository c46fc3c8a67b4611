// The nodes of database models as read: built once from a stored row and used again while the row is unchanged
// (database/RowMemos.ts), with their position in `models` and, once asked for, their presented litellmParams and
// modelInfo (ModelNode.presented). A page of models read again costs a comparison per row instead of parsing, building,
// decrypting, masking and encoding it.
import type { RowMemoKind, RowMemos } from '../database/RowMemos';
import { isoTimestamp } from '../database/utcTimestamps';
import { encodeCursor } from '../graphql/connection';
import { storedModelNode, type ModelNode } from './model.type';
import { storedModelOf, type StoredModelRow } from './ModelRepository';

/** Model rows kept: each holds its row and node, a few kB; a scan of more models than this rebuilds the ones it reads. */
export const READ_MODEL_MEMO_SIZE = 5000;

export interface ReadModel {
  node: ModelNode;
  /** Its position in `models` (config-file models come first and have their own). */
  cursor: string;
}

/** Every column of the row, so that a new one cannot be left out of the comparison. */
const COLUMNS: Record<keyof StoredModelRow, true> = {
  model_id: true,
  model_name: true,
  litellm_params: true,
  model_info: true,
  blocked: true,
  created_at: true,
  created_by: true,
  updated_at: true,
  updated_by: true,
};

const READ_MODELS: RowMemoKind<StoredModelRow, ReadModel> = {
  max: READ_MODEL_MEMO_SIZE,
  columns: Object.keys(COLUMNS) as (keyof StoredModelRow)[],
};

export function readModel(memos: RowMemos, row: StoredModelRow): ReadModel {
  return memos.present(READ_MODELS, row.model_id, row, () => {
    const model = storedModelOf(row);
    return { node: storedModelNode(model), cursor: encodeCursor({ createdAt: isoTimestamp(model.createdAt), id: model.modelId }) };
  });
}
