// The four cases, and how each contestant is asked for them: the same data, the same fields where the
// contestant has them (PostGraphile and the ceiling know nothing of publicModelName or teamId).
import { randomUUID } from 'node:crypto';
import type { SeededData } from './benchDatabase';
import type { ContestantName } from './contestants';

export type CaseName = 'modelById' | 'firstModels' | 'modelHistory' | 'addModel';

export const FIRST_MODELS = 100;
export const HISTORY_ENTRIES = 50;

export const CASES: { name: CaseName; label: string; /** items a correct answer holds */ expectedItems?: number }[] = [
  { name: 'modelById', label: '(a) a model by id' },
  { name: 'firstModels', label: `(b) the first ${FIRST_MODELS} models`, expectedItems: FIRST_MODELS },
  { name: 'modelHistory', label: `(c) the ${HISTORY_ENTRIES} newest audit entries of one model`, expectedItems: HISTORY_ENTRIES },
  { name: 'addModel', label: '(d) addModel' },
];

export interface BenchRequest {
  path: string;
  body: string;
}

/** A fresh request for each call: reads rotate over the seeded ids, writes get new names (and ids). */
export type RequestFactory = () => BenchRequest;

const OUR_MODEL_FIELDS = 'id modelName publicModelName teamId litellmParams modelInfo createdAt createdBy updatedAt updatedBy';
const POSTGRAPHILE_MODEL_FIELDS = 'modelId modelName litellmParams modelInfo createdAt createdBy updatedAt updatedBy';
const AUDIT_FIELDS = 'action tableName objectId changedBy updatedAt beforeValue updatedValues';
/** What a client sends: plaintext, which ours encrypts before storing and PostGraphile and the ceiling store as sent. */
const NEW_MODEL_PARAMS = { model: 'openai/gpt-4o-mini', api_key: 'sk-proj-bench-0123456789abcdef0123456789', api_base: 'https://api.openai.com/v1', rpm: 600 };

const graphql = (query: string, variables?: Record<string, unknown>): BenchRequest => ({ path: '/graphql', body: JSON.stringify({ query, variables }) });

/** PostGraphile v4 and v5 name the fields alike, except the audit table's `id`: v5 calls it rowId (its `id` is the node id). */
const postGraphileQueries = (auditRowId: 'id' | 'rowId'): Record<CaseName, string> => ({
  modelById: `query Model($id: String!) { liteLlmProxyModelTableByModelId(modelId: $id) { ${POSTGRAPHILE_MODEL_FIELDS} } }`,
  firstModels: `query Models { allLiteLlmProxyModelTables(first: ${FIRST_MODELS}, orderBy: [CREATED_AT_ASC, MODEL_ID_ASC]) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${POSTGRAPHILE_MODEL_FIELDS} } } } }`,
  modelHistory: `query History($id: String!) { allLiteLlmAuditLogs(condition: { objectId: $id }, first: ${HISTORY_ENTRIES},
    orderBy: [UPDATED_AT_DESC, ${auditRowId === 'id' ? 'ID' : 'ROW_ID'}_DESC]) { edges { cursor node { ${auditRowId} ${AUDIT_FIELDS} } } } }`,
  addModel: `mutation Add($model: LiteLlmProxyModelTableInput!) { createLiteLlmProxyModelTable(input: { liteLlmProxyModelTable: $model }) {
    liteLlmProxyModelTable { modelId modelName } } }`,
});

const QUERIES: Record<Exclude<ContestantName, 'ceiling'>, Record<CaseName, string>> = {
  ours: {
    modelById: `query Model($id: ID!) { model(id: $id) { ${OUR_MODEL_FIELDS} } }`,
    firstModels: `query Models { models(first: ${FIRST_MODELS}) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${OUR_MODEL_FIELDS} } } } }`,
    modelHistory: `query History($id: ID!) { auditLogs(filter: { objectId: $id }, first: ${HISTORY_ENTRIES}) { edges { cursor node { id ${AUDIT_FIELDS} } } } }`,
    addModel: 'mutation Add($name: String!, $params: JSON!) { addModel(input: { modelName: $name, litellmParams: $params }) { id modelName } }',
  },
  postgraphile4: postGraphileQueries('id'),
  postgraphile5: postGraphileQueries('rowId'),
};

export function requestFactory(contestant: ContestantName, name: CaseName, data: SeededData): RequestFactory {
  const modelIds = rotation(data.modelIds);
  const hotModelIds = rotation(data.hotModelIds);
  let written = 0;
  const newModelName = () => `bench-write-${(written += 1)}`;

  if (contestant === 'ceiling') {
    const ceiling = (path: string, body: Record<string, unknown>): BenchRequest => ({ path, body: JSON.stringify(body) });
    switch (name) {
      case 'modelById':
        return () => ceiling('/model', { id: modelIds() });
      case 'firstModels':
        return () => ceiling('/models', { first: FIRST_MODELS });
      case 'modelHistory':
        return () => ceiling('/audit', { modelId: hotModelIds(), first: HISTORY_ENTRIES });
      case 'addModel':
        return () => ceiling('/addModel', { modelName: newModelName(), litellmParams: NEW_MODEL_PARAMS });
    }
  }
  const query = QUERIES[contestant][name];
  switch (name) {
    case 'modelById':
      return () => graphql(query, { id: modelIds() });
    case 'firstModels': {
      const request = graphql(query);
      return () => request;
    }
    case 'modelHistory':
      return () => graphql(query, { id: hotModelIds() });
    case 'addModel':
      if (contestant === 'ours') return () => graphql(query, { name: newModelName(), params: NEW_MODEL_PARAMS });
      return () => {
        const id = randomUUID();
        return graphql(query, {
          model: { modelId: id, modelName: newModelName(), litellmParams: NEW_MODEL_PARAMS, modelInfo: { id }, createdBy: 'default_user_id', updatedBy: 'default_user_id' },
        });
      };
  }
}

function rotation<T>(items: readonly T[]): () => T {
  let next = 0;
  return () => items[next++ % items.length];
}
