// Per-request DataLoaders keep reads N+1-free: the SQL statements a page costs do not grow with its size, and a
// total is counted only when a client selects totalCount.
// Statements are counted at the `pg` driver (test/support/sentStatements.ts).
import { addModel, createTeam, createUser, generateKey } from '../../support/fixtures';
import { statementsSentBy } from '../../support/sentStatements';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile } from '../../support/testServer';

const TEAM_COUNT = 3;
const MODELS_PER_TEAM = 40;
const PAGE_SIZES = [10, 50, 100] as const;

const MODELS_PAGE = `query ModelsPage($first: Int!) {
  models(first: $first) { edges { node { id team { id } auditLogs(first: 3) { id } } } }
}`;
const COUNTED_MODELS_PAGE = `query CountedModelsPage($first: Int!) {
  models(first: $first) { totalCount edges { node { id } } }
}`;
const AUDIT_PAGE = `query AuditPage($first: Int!) {
  auditLogs(first: $first) { edges { node { id model { modelName } } } }
}`;

/** The text of each statement every `pg` client in this process sends while `run` runs. */
async function statementsSent(run: () => Promise<void>): Promise<string[]> {
  return (await statementsSentBy(run)).map((statement) => statement.text);
}

async function countStatements(run: () => Promise<void>): Promise<number> {
  return (await statementsSent(run)).length;
}

const COUNT_STATEMENT = /\bcount\(\*\)/i;

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

  /** The statements one request sends, after a first identical request has warmed up the connection. */
  async function statementsFor(query: string, first: number, edgesOf: (data: any) => unknown[]): Promise<string[]> {
    const ask = async () => {
      const response = await handle.server.graphql(query, { first });
      expect(response.errors).toBeUndefined();
      expect(edgesOf(response.data)).toHaveLength(first);
    };
    await ask();
    return statementsSent(ask);
  }

  /** The statements of `query` for each page size: the same number for every size. */
  async function constantAsPagesGrow(label: string, query: string, edgesOf: (data: any) => unknown[]): Promise<string[][]> {
    const perPageSize: string[][] = [];
    for (const first of PAGE_SIZES) perPageSize.push(await statementsFor(query, first, edgesOf));
    counts.push(`  ${label} for first: ${PAGE_SIZES.join(' | ')}: ${perPageSize.map((statements) => statements.length).join(' | ')}`);
    expect(perPageSize[0].length).toBeGreaterThan(0);
    for (const statements of perPageSize) expect(statements.length).toBe(perPageSize[0].length);
    return perPageSize;
  }

  it('models(first: N) with each model’s team and 3 newest audit entries costs the same few statements for N = 10, 50 and 100, and counts nothing', async () => {
    const [statements] = await constantAsPagesGrow('models { team auditLogs(first: 3) }', MODELS_PAGE, (data) => data.models.edges);
    // The page, Model.team, Model.auditLogs: one each. No totalCount selected: no count.
    expect(statements.length).toBeLessThanOrEqual(3);
    expect(statements.filter((text) => COUNT_STATEMENT.test(text))).toEqual([]);
  });

  it('models(first: N) { totalCount } counts once, whatever N', async () => {
    for (const statements of await constantAsPagesGrow('models { totalCount }', COUNTED_MODELS_PAGE, (data) => data.models.edges)) {
      expect(statements.filter((text) => COUNT_STATEMENT.test(text))).toHaveLength(1);
      expect(statements.length).toBeLessThanOrEqual(2);
    }
  });

  it('auditLogs(first: N) with each entry’s model costs the same few statements for N = 10, 50 and 100, and counts nothing', async () => {
    const [statements] = await constantAsPagesGrow('auditLogs { model }', AUDIT_PAGE, (data) => data.auditLogs.edges);
    // The page, AuditLog.model: one each.
    expect(statements.length).toBeLessThanOrEqual(2);
    expect(statements.filter((text) => COUNT_STATEMENT.test(text))).toEqual([]);
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

  it('addModel with no subscriber on the instance writes in one transaction and reads nothing after it commits', async () => {
    const statements = await statementsSent(async () => {
      await addModel(handle.server, { modelName: 'counted-write' });
      // The change's pg_notify reaches this instance's LISTEN after the commit: give it time to be handled.
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    const afterCommit = statements.slice(statements.findIndex((text) => /^COMMIT/i.test(text)) + 1);
    expect(statements.filter((text) => /^BEGIN/i.test(text))).toHaveLength(1);
    expect(afterCommit).toEqual([]);
  });
});
