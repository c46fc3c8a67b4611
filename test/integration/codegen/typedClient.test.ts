// The codegen-typed dashboard client of examples/ over the committed schema.graphql: a schema change that
// breaks a client's operations fails here, at codegen, at type-checking or against the live server.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, TEST_MASTER_KEY } from '../../support/testServer';
import type { DashboardSession } from '../../../examples/dashboardClient';

type DashboardClient = typeof import('../../../examples/dashboardClient');
// Named so the assertions stay typed while examples/generated/ is still missing (see beforeAll).
type HistoryEntry = NonNullable<DashboardSession['withHistory']['auditLogs']>[number];
type AuditPageEntry = DashboardSession['auditPages'][number]['edges'][number]['node'];

const PROJECT_ROOT = path.join(__dirname, '../../..');
const COMPILED_EXAMPLES = path.join(PROJECT_ROOT, 'dist/examples');
const CODEGEN_AND_COMPILE_TIMEOUT_MS = 120_000;

/** Runs one of the project's node tools from the project root; resolves to its output and exit status. */
async function runProjectTool(script: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(PROJECT_ROOT, script), ...args], { cwd: PROJECT_ROOT });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${path.basename(script)} ${args.join(' ')} failed:\n${stdout}${stderr}` };
  }
}

// examples/generated/ is not committed, so codegen runs first. tsc, not ts-jest, then compiles the
// examples (into dist/examples/) and the tests load that output: ts-jest would type-check the client
// against the generated module it had found missing when it compiled this file, before codegen ran.
let typeCheckErrors = '';
beforeAll(async () => {
  const codegen = await runProjectTool('node_modules/@graphql-codegen/cli/cjs/bin.js', ['--config', 'codegen.ts']);
  if (!codegen.ok) throw new Error(codegen.output);
  const compile = await runProjectTool('node_modules/typescript/bin/tsc', ['-p', 'examples/tsconfig.json', '--noEmit', 'false', '--outDir', COMPILED_EXAMPLES]);
  typeCheckErrors = compile.ok ? '' : compile.output;
}, CODEGEN_AND_COMPILE_TIMEOUT_MS);

function loadDashboardClient(): Promise<DashboardClient> {
  return import(path.join(COMPILED_EXAMPLES, 'dashboardClient.js')) as Promise<DashboardClient>;
}

it('the example client type-checks (strict) against the documents generated from schema.graphql', () => {
  expect(typeCheckErrors).toBe('');
});

describe.each(testDatabaseKinds())('the typed dashboard client on %s', (kind) => {
  const handle = serverForEachFile(kind);

  it('runs a team admin session: add, patch, rotate, list, read with history, page the audit log, delete', async () => {
    const { runDashboardSession, AUDIT_PAGE_SIZE } = await loadDashboardClient();
    const session = await runDashboardSession(handle.server.url, TEST_MASTER_KEY);
    const { team, added } = session;

    expect(session.principal).toMatchObject({ authenticated: true, userId: session.teamAdmin.id, teamId: team.id, isTeamAdmin: true });
    expect(added).toMatchObject({ source: 'DB', teamId: team.id, publicModelName: expect.stringMatching(/^gpt-4o-/) });
    expect(added.modelInfo).toMatchObject({ team_id: team.id, team_public_model_name: added.publicModelName });
    expect(added.modelName.startsWith(`model_name_${team.id}_`)).toBe(true);
    expect(session.patched.litellmParams).toMatchObject({ model: 'openai/gpt-4o', rpm: 60 });
    expect(session.rotated.id).toBe(added.id);

    expect(session.teamModels.totalCount).toBe(1);
    expect(session.teamModels.edges[0].node).toMatchObject({ id: added.id, publicModelName: added.publicModelName, team: { id: team.id, alias: team.alias } });

    expect(session.withHistory).toMatchObject({ id: added.id, publicModelName: added.publicModelName, modelInfo: { description: 'rate limited' } });
    const oldestFirst: HistoryEntry[] = [...(session.withHistory.auditLogs ?? [])].reverse();
    expect(oldestFirst.map((entry: HistoryEntry) => entry.action)).toEqual(['CREATED', 'UPDATED', 'UPDATED']);
    expect(oldestFirst.every((entry: HistoryEntry) => entry.changedBy === session.teamAdmin.id)).toBe(true);

    const entries: AuditPageEntry[] = session.auditPages.flatMap((page) => page.edges.map((edge: { node: AuditPageEntry }) => edge.node));
    expect(session.auditPages.length).toBe(Math.ceil(oldestFirst.length / AUDIT_PAGE_SIZE));
    expect(entries.map((entry) => entry.id)).toEqual(oldestFirst.map((entry) => entry.id).reverse());
    expect(entries.every((entry) => entry.objectId === added.id && entry.model?.publicModelName === added.publicModelName)).toBe(true);
    expect(session.auditPages[0].totalCount).toBe(entries.length);

    expect(session.deleted).toMatchObject({ id: added.id, model: { id: added.id, teamId: team.id } });

    // The subscription to the model, over graphql-ws, heard the patch, the rotation and the delete, secrets masked.
    expect(session.liveChanges.map((change) => [change.action, change.modelId])).toEqual([
      ['UPDATED', added.id],
      ['UPDATED', added.id],
      ['DELETED', added.id],
    ]);
    expect(session.liveChanges[0].model).toMatchObject({ id: added.id, litellmParams: { rpm: 60, api_key: expect.stringMatching(/^sk-\*+/) } });
    expect(session.liveChanges[2].model).toBeNull();
  });

  it('reports GraphQL errors as a GraphqlRequestError carrying extensions.code', async () => {
    const { runDashboardSession, GraphqlRequestError } = await loadDashboardClient();
    const failure = await runDashboardSession(handle.server.url, 'sk-not-the-master-key').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GraphqlRequestError);
    expect((failure as InstanceType<typeof GraphqlRequestError>).errors[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
