// Checks and normalises the model mutations' inputs before anything is read or written.
// Every failure is BAD_USER_INPUT with a message naming the field.
import { CREDENTIAL_NAME_PARAM } from '../credentials/credentialReference';
import type { JsonObject } from '../database/entities/columns';
import { ApiError } from '../errors/ApiError';
import type { AddModelInput, ModelFilter, PatchModelInput, UpdateModelInput } from './model.input';

export const MAX_MODEL_NAME_LENGTH = 256;
export const MAX_ID_LENGTH = 256;

export interface NewModel {
  /** modelInfo.id when given. */
  id?: string;
  modelName: string;
  litellmParams: JsonObject;
  modelInfo: JsonObject;
  teamId: string | null;
}

export interface ModelParamsUpdate {
  id: string;
  litellmParams: JsonObject;
}

export interface ModelPatch {
  modelName?: string;
  litellmParams?: JsonObject;
  modelInfo?: JsonObject;
}

export function validateAddModelInput(input: AddModelInput): NewModel {
  const modelName = validateModelName(input.modelName, 'modelName');
  const litellmParams = requireJsonObject(input.litellmParams, 'litellmParams');
  validateCredentialNameIfPresent(litellmParams, 'litellmParams');
  if (typeof litellmParams.model !== 'string' || litellmParams.model.trim() === '') {
    throw ApiError.badInput('litellmParams.model is required: the provider model to call, e.g. "openai/gpt-4o".');
  }
  const modelInfo = input.modelInfo === undefined || input.modelInfo === null ? {} : requireJsonObject(input.modelInfo, 'modelInfo');
  const id = optionalIdentifier(modelInfo.id, 'modelInfo.id');
  const teamId = optionalIdentifier(modelInfo.team_id, 'modelInfo.team_id') ?? null;
  return { id, modelName, litellmParams, modelInfo, teamId };
}

export function validateUpdateModelInput(input: UpdateModelInput): ModelParamsUpdate {
  const id = requireIdentifier(input.id, 'id');
  const litellmParams = requireJsonObject(input.litellmParams, 'litellmParams');
  validateModelParamIfPresent(litellmParams, { removable: true });
  validateCredentialNameIfPresent(litellmParams, 'litellmParams');
  return { id, litellmParams };
}

export function validatePatchModelInput(patch: PatchModelInput): ModelPatch {
  const result: ModelPatch = {};
  if (patch.modelName !== undefined && patch.modelName !== null) result.modelName = validateModelName(patch.modelName, 'patch.modelName');
  if (patch.litellmParams !== undefined && patch.litellmParams !== null) {
    result.litellmParams = requireJsonObject(patch.litellmParams, 'patch.litellmParams');
    validateModelParamIfPresent(result.litellmParams, { removable: false });
    validateCredentialNameIfPresent(result.litellmParams, 'patch.litellmParams');
  }
  if (patch.modelInfo !== undefined && patch.modelInfo !== null) {
    result.modelInfo = requireJsonObject(patch.modelInfo, 'patch.modelInfo');
    if ('id' in result.modelInfo) throw ApiError.badInput('patch.modelInfo.id cannot be changed: it is the model id.');
    if (result.modelInfo.team_id !== null) optionalIdentifier(result.modelInfo.team_id, 'patch.modelInfo.team_id');
  }
  return result;
}

/** The models query's filter: its strings must be ones the database can compare. */
export function validateModelFilter(filter: ModelFilter | null | undefined): void {
  if (filter?.modelName != null) rejectNulCharacters(filter.modelName, 'filter.modelName');
  if (filter?.teamId != null) rejectNulCharacters(filter.teamId, 'filter.teamId');
}

export function requireIdentifier(value: unknown, field: string): string {
  const id = optionalIdentifier(value, field);
  if (id === undefined) throw ApiError.badInput(`${field} is required.`);
  return id;
}

function optionalIdentifier(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw ApiError.badInput(`${field} must be a non-empty string.`);
  if (value.length > MAX_ID_LENGTH) throw ApiError.badInput(`${field} is longer than ${MAX_ID_LENGTH} characters.`);
  rejectNulCharacters(value, field);
  return value;
}

function validateModelName(value: string, field: string): string {
  const name = value.trim();
  if (name === '') throw ApiError.badInput(`${field} must not be empty.`);
  if (name.length > MAX_MODEL_NAME_LENGTH) throw ApiError.badInput(`${field} is longer than ${MAX_MODEL_NAME_LENGTH} characters.`);
  rejectNulCharacters(name, field);
  return name;
}

/** litellmParams.model, when present, must stay a usable model name. */
function validateModelParamIfPresent(params: JsonObject, { removable }: { removable: boolean }): void {
  if (!('model' in params)) return;
  const model = params.model;
  if (model === null && removable) return;
  if (model === null) throw ApiError.badInput('litellmParams.model cannot be removed.');
  if (typeof model !== 'string' || model.trim() === '') throw ApiError.badInput('litellmParams.model must be a non-empty string.');
}

/** litellm_credential_name, when given a value, names a stored credential: a non-empty string. */
function validateCredentialNameIfPresent(params: JsonObject, field: string): void {
  const name = params[CREDENTIAL_NAME_PARAM];
  if (name === undefined || name === null) return;
  if (typeof name !== 'string' || name.trim() === '') {
    throw ApiError.badInput(`${field}.${CREDENTIAL_NAME_PARAM} must be the name of a stored credential (a non-empty string).`);
  }
  if (name.length > MAX_ID_LENGTH) throw ApiError.badInput(`${field}.${CREDENTIAL_NAME_PARAM} is longer than ${MAX_ID_LENGTH} characters.`);
}

export function requireJsonObject(value: unknown, field: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ApiError.badInput(`${field} must be a JSON object.`);
  }
  rejectNulCharacters(value, field);
  return value as JsonObject;
}

/** PostgreSQL text and jsonb cannot hold U+0000; refuse it up front with a clear message. */
function rejectNulCharacters(value: unknown, field: string): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw ApiError.badInput(`${field} contains a NUL character, which cannot be stored.`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => rejectNulCharacters(item, `${field}[${index}]`));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      rejectNulCharacters(key, `${field} key`);
      rejectNulCharacters(item, `${field}.${key}`);
    }
  }
}
