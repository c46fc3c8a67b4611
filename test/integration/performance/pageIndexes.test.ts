// Every page the API serves is read through an index of ours, in the page's own order: PostgreSQL's plan for the
// exact statement the server sends (captured at the `pg` driver, as sqlStatementCount does) names our index and
// needs no sort. Run over a database the current proxy created, so the indexes are the ones the migration adds there.
import { Client } from 'pg';
import { statementsSentBy } from '../../support/sentStatements';
import { addModel } from '../../support/fixtures';
import { serverOverProxySchema } from '../../support/modelApi';
import { describeOnPostgres } from '../../support/testDatabases';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

const MODELS_TO_SEED = 2_000;
const AUDITED_MODELS = 5;

describeOnPostgres('pages served by our indexes on PostgreSQL', () => {
  const handle = serverOverProxySchema('postgres', 'current');
  const auditedIds: string[] = [];

  beforeAll(async () => {
    for (let index = 0; index < AUDITED_MODELS; index += 1) {
      const model = await addModel(handle.server);
      auditedIds.push(model.id as string);
      for (let change = 0; change < 3; change += 1) {
        const patched = await handle.server.graphql('mutation ($id: ID!, $rpm: Int!) { patchModel(id: $id, patch: { litellmParams: { rpm: $rpm } }) { id } }', {
          id: model.id,
          rpm: change,
        });
        if (patched.errors) throw new Error(`patchModel failed: ${JSON.stringify(patched.errors)}`);
      }
    }
    // Enough rows that a plan in the wrong order would have to sort them.
    await handle.server.sql(`
      INSERT INTO "LiteLLM_ProxyModelTable" (model_id, model_name, litellm_params, model_info, created_at, created_by, updated_at, updated_by)
      SELECT 'seeded-' || n, 'seeded-model-' || n, '{"model": "openai/gpt-4o"}', '{}', now() - n * interval '1 minute', 'seed', now(), 'seed'
      FROM generate_series(1, ${MODELS_TO_SEED}) AS n`);
    await handle.server.sql('ANALYZE');
  });

  /** The plan PostgreSQL makes for the one statement `operation` sends that reads `table`, with sequential and bitmap scans off. */
  async function planOfPage(table: string, operation: () => Promise<void>): Promise<PlanNode[]> {
    const reads = (await statementsSentBy(operation)).filter((statement) => statement.text.includes(`FROM "${table}"`) && /\bLIMIT\b|row_number/.test(statement.text));
    expect(reads).toHaveLength(1);
    // A connection of its own, closed before the database is dropped.
    const explainer = new Client({ connectionString: handle.database.url });
    await explainer.connect();
    try {
      await explainer.query('BEGIN');
      // On a small table a sequential scan (or a bitmap scan of a few rows) and a sort can be cheaper; the question is
      // whether an index in the page's order exists for the planner to use, so the cheaper-for-now plans are taken away.
      await explainer.query('SET LOCAL enable_seqscan = off');
      await explainer.query('SET LOCAL enable_bitmapscan = off');
      const { rows } = await explainer.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${reads[0].text}`, reads[0].values);
      return planNodes(rows[0]['QUERY PLAN'][0].Plan);
    } finally {
      await explainer.end();
    }
  }

  async function ask(query: string, variables?: Record<string, unknown>): Promise<Record<string, any>> {
    const response = await handle.server.graphql(query, variables);
    expect(response.errors).toBeUndefined();
    return response.data!;
  }

  const indexesUsed = (plan: PlanNode[]) => plan.map((node) => node['Index Name']).filter(Boolean);
  const sorts = (plan: PlanNode[]) => plan.filter((node) => node['Node Type'] === 'Sort');

  it('reads the first page of models in (created_at, model_id) order from model_admin_graphql_proxy_model_page_idx, with no sort', async () => {
    const plan = await planOfPage('LiteLLM_ProxyModelTable', async () => {
      expect((await ask('{ models(first: 100) { edges { node { id } } } }')).models.edges).toHaveLength(100);
    });
    expect(indexesUsed(plan)).toEqual(['model_admin_graphql_proxy_model_page_idx']);
    expect(sorts(plan)).toEqual([]);
  });

  it('reads a later page of models from the same index, starting at its cursor', async () => {
    const first = await ask('{ models(first: 100) { pageInfo { endCursor } } }');
    const plan = await planOfPage('LiteLLM_ProxyModelTable', async () => {
      expect((await ask('query ($after: String) { models(first: 100, after: $after) { edges { node { id } } } }', { after: first.models.pageInfo.endCursor })).models.edges).toHaveLength(100);
    });
    expect(indexesUsed(plan)).toEqual(['model_admin_graphql_proxy_model_page_idx']);
    expect(sorts(plan)).toEqual([]);
  });

  it("reads one object's audit entries, newest first, from model_admin_graphql_audit_log_object_idx, with no sort", async () => {
    const plan = await planOfPage('LiteLLM_AuditLog', async () => {
      expect((await ask('query ($id: ID!) { auditLogs(filter: { objectId: $id }, first: 3) { edges { node { id } } } }', { id: auditedIds[0] })).auditLogs.edges).toHaveLength(3);
    });
    expect(indexesUsed(plan)).toEqual(['model_admin_graphql_audit_log_object_idx']);
    expect(sorts(plan)).toEqual([]);
  });

  it('reads the whole audit trail, newest first, from model_admin_graphql_audit_log_time_idx, with no sort', async () => {
    const plan = await planOfPage('LiteLLM_AuditLog', async () => {
      expect((await ask('{ auditLogs(first: 10) { edges { node { id } } } }')).auditLogs.edges).toHaveLength(10);
    });
    expect(indexesUsed(plan)).toEqual(['model_admin_graphql_audit_log_time_idx']);
    expect(sorts(plan)).toEqual([]);
  });

  it('reads the newest entries of every model on a page (Model.auditLogs) from model_admin_graphql_audit_log_object_idx', async () => {
    const plan = await planOfPage('LiteLLM_AuditLog', async () => {
      const data = await ask('{ models(first: 100) { edges { node { auditLogs(first: 2) { id } } } } }');
      expect(data.models.edges).toHaveLength(100);
    });
    expect(indexesUsed(plan)).toEqual(['model_admin_graphql_audit_log_object_idx']);
  });
});
