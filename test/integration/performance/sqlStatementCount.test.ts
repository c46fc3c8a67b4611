// Per-request DataLoaders keep reads N+1-free: the SQL statements a page costs do not grow with its size.
// Statements are counted at the `pg` driver, which MikroORM uses for PostgreSQL and PGlite alike: the
// hook lives in this test only, so the server has no code path for it.
import { Client } from 'pg';
import { addModel, createTeam, createUser, generateKey } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile } from '../../support/testServer';

const TEAM_COUNT = 3;
const MODELS_PER_TEAM = 40;
const PAGE_SIZES = [10, 100] as const;

const MODELS_PAGE = `query ModelsPage($first: Int!) {
  models(first: $first) { edges { node { id team { id } auditLogs(first: 3) { id } } } }
}`;
const AUDIT_PAGE = `query AuditPage($first: Int!) {
  auditLogs(first: $first) { edges { node { id model { modelName } } } }
}`;

/** Counts the statements every `pg` client in this process sends while `run` runs. */
async function countStatements(run: () => Promise<void>): Promise<number> {
  const prototype = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = prototype.query;
  let statements = 0;
  prototype.query = function countedQuery(this: Client, ...args: unknown[]) {
    statements += 1;
    return query.apply(this, args);
  };
  try {
    await run();
  } finally {
    prototype.query = query;
  }
  return statements;
}

describe.each(testDatabaseKinds())('SQL statements per request on %s', (kind) => {
  const handle = serverForEachFile(kind);
  let teamAdminKey: string;
  const counts: string[] = [];

  beforeAll(async () => {
    const ownerId = await createUser(handle.server);
    for (let team = 0; team < TEAM_COUNT; team += 1) {
      const teamId = await createTeam(handle.server, [{ userId: ownerId, role: 'ADMIN' }]);
      teamAdminKey ??= (await generateKey(handle.server, ownerId, teamId)).key;
      for (let index = 0; index < MODELS_PER_TEAM; index += 1) {
        const model = await addModel(handle.server, { modelName: `model-${team}-${index}`, modelInfo: { team_id: teamId } });
        // A second history entry for every model: its "created" row and now an "updated" one.
        const patched = await handle.server.graphql('mutation ($id: ID!) { patchModel(id: $id, patch: { modelInfo: { tier: "gold" } }) { id } }', { id: model.id });
        if (patched.errors) throw new Error(`patchModel failed: ${JSON.stringify(patched.errors)}`);
      }
    }
  });
  afterAll(async () => {
    console.info(`SQL statements per request on ${kind}:\n${counts.join('\n')}`);
  });

  /** The statements one request costs, after a first identical request has warmed up the connection. */
  async function statementsFor(query: string, first: number, edgesOf: (data: any) => unknown[]): Promise<number> {
    const ask = async () => {
      const response = await handle.server.graphql(query, { first });
      expect(response.errors).toBeUndefined();
      expect(edgesOf(response.data)).toHaveLength(first);
    };
    await ask();
    return countStatements(ask);
  }

  it('models(first: N) with each model’s team and 3 newest audit entries costs the same few statements for N = 10 and 100', async () => {
    const perPageSize: number[] = [];
    for (const first of PAGE_SIZES) {
      perPageSize.push(await statementsFor(MODELS_PAGE, first, (data) => data.models.edges));
    }
    counts.push(`  models(first: 10 | 100) { team auditLogs(first: 3) }: ${perPageSize.join(' | ')}`);
    expect(perPageSize[0]).toBeGreaterThan(0);
    expect(perPageSize[1]).toBe(perPageSize[0]);
    // count + page, Model.team, Model.auditLogs: one each.
    expect(perPageSize[0]).toBeLessThanOrEqual(4);
  });

  it('auditLogs(first: N) with each entry’s model costs the same few statements for N = 10 and 100', async () => {
    const perPageSize: number[] = [];
    for (const first of PAGE_SIZES) {
      perPageSize.push(await statementsFor(AUDIT_PAGE, first, (data) => data.auditLogs.edges));
    }
    counts.push(`  auditLogs(first: 10 | 100) { model }: ${perPageSize.join(' | ')}`);
    expect(perPageSize[0]).toBeGreaterThan(0);
    expect(perPageSize[1]).toBe(perPageSize[0]);
    // count (when asked for) + page, AuditLog.model: one each.
    expect(perPageSize[0]).toBeLessThanOrEqual(3);
  });

  it('finds the caller of an sk- key (the key, its user and its team) with one statement', async () => {
    const me = () => handle.server.graphql<{ me: { isTeamAdmin: boolean } }>('{ me { userId role teamId isTeamAdmin } }', undefined, teamAdminKey);
    expect((await me()).data?.me.isTeamAdmin).toBe(true);
    const statements = await countStatements(async () => {
      expect((await me()).data?.me.isTeamAdmin).toBe(true);
    });
    counts.push(`  me with a team admin's key: ${statements}`);
    expect(statements).toBe(1);
  });
});
