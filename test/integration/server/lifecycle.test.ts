// The compiled server (`node dist/src/main.js`, built by `npm test`) as a user runs it: the generated master
// key, a clean stop on SIGTERM/SIGINT with the data kept, and a one-line error for bad input.
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCompiledServerToExit, startCompiledServer, type CompiledServerOutput } from '../../support/compiledServer';

const GENERATED_KEY = /sk-[A-Za-z0-9_-]{32,}/g;

// Outside the repository, so no ./config.yaml or ./.data of the working tree is picked up.
const workDir = mkdtempSync(path.join(os.tmpdir(), 'mag-lifecycle-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const startServer = (settings: Record<string, string>) => startCompiledServer(settings, { cwd: workDir });
const runToExit = (settings: Record<string, string>) => runCompiledServerToExit(settings, { cwd: workDir });

async function graphql(url: string, key: string, query: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
}

function expectOneLineFailure(result: CompiledServerOutput & { code: number | null }, problem: RegExp): void {
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^model-admin-graphql: /);
  expect(lines[0]).toMatch(problem);
  expect(result.code).toBe(1);
}

describe('the embedded database with no LITELLM_MASTER_KEY', () => {
  const dataDir = path.join(workDir, 'data');
  const keyFile = path.join(dataDir, 'master-key');
  let masterKey: string;
  let modelId: string;

  // The tests below run in order on the same DATA_DIR: first start, restart, then copies of it corrupted.
  it('first start: prints a generated master key once, keeps it in DATA_DIR/master-key (0600), and SIGTERM stops it with exit code 0', async () => {
    const server = await startServer({ DATA_DIR: dataDir });
    const printed = [...server.output.stdout.matchAll(GENERATED_KEY)].map((match) => match[0]);
    expect(printed).toHaveLength(1);
    masterKey = printed[0];
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(masterKey);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    expect((await graphql(server.url, masterKey, '{ me { role userId } }')).data).toEqual({ me: { role: 'PROXY_ADMIN', userId: 'default_user_id' } });
    const added = await graphql(
      server.url,
      masterKey,
      'mutation ($input: AddModelInput!) { addModel(input: $input) { id } }',
      { input: { modelName: 'kept-across-restarts', litellmParams: { model: 'openai/gpt-4o', api_key: 'sk-provider-0123456789' } } },
    );
    expect(added.errors).toBeUndefined();
    modelId = added.data!.addModel.id;

    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.output.stderr).toBe('');
  }, 90_000);

  it('second start: prints no key, the stored key still works, what was written before the signal is there, a third process is refused, and SIGINT stops it with 0', async () => {
    const server = await startServer({ DATA_DIR: dataDir });
    expect(server.output.stdout).not.toMatch(GENERATED_KEY);
    const read = await graphql(server.url, masterKey, 'query ($id: ID!) { model(id: $id) { modelName auditLogs { action } } }', { id: modelId });
    expect(read.data).toEqual({ model: { modelName: 'kept-across-restarts', auditLogs: [{ action: 'CREATED' }] } });

    // PGlite takes no lock of its own: a second process on the same directory would corrupt it.
    expectOneLineFailure(await runToExit({ DATA_DIR: dataDir }), /embedded database in .* is in use by process \d+/);
    expect(await server.stop('SIGINT')).toBe(0);
    expect(server.output.stderr).toBe('');
  }, 90_000);

  it.each([
    ['PG_VERSION overwritten with garbage', (pglite: string) => writeFileSync(path.join(pglite, 'PG_VERSION'), 'garbage\n')],
    ['global/pg_control overwritten with garbage', (pglite: string) => writeFileSync(path.join(pglite, 'global/pg_control'), randomBytes(8192))],
    ['PG_VERSION deleted from a non-empty database directory', (pglite: string) => rmSync(path.join(pglite, 'PG_VERSION'))],
  ])('a copy of that DATA_DIR with %s: a one-line error naming the directory, exit code 1', async (_corruption, corrupt) => {
    expect(existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
    const copy = mkdtempSync(path.join(workDir, 'corrupt-'));
    cpSync(dataDir, copy, { recursive: true });
    corrupt(path.join(copy, 'pglite'));
    expectOneLineFailure(await runToExit({ DATA_DIR: copy }), /embedded database in .*corrupt-.*pglite cannot be opened/);
  });
});

describe('bad input: one line on stderr naming the problem, exit code 1, no stack', () => {
  const fileInPlaceOfDirectory = path.join(workDir, 'a-file');
  writeFileSync(fileInPlaceOfDirectory, '');
  const realDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const missingDatabaseUrl = Object.assign(new URL(realDatabaseUrl), { pathname: `/mag_missing_${randomBytes(4).toString('hex')}` }).toString();

  const cases: [string, Record<string, string>, RegExp][] = [
    ['a DATABASE_URL that is not a URL', { DATABASE_URL: 'not a url' }, /DATABASE_URL: is not a valid URL/],
    ['a DATABASE_URL of another database', { DATABASE_URL: 'mysql://root@127.0.0.1:3306/litellm' }, /DATABASE_URL: must start with postgres:\/\/ .*not mysql:\/\//],
    [
      'an unreachable database',
      { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x', LITELLM_MASTER_KEY: 'sk-test-master-key' },
      /cannot connect to the database at postgres:\/\/postgres@127\.0\.0\.1:1\/x: .*ECONNREFUSED/,
    ],
    ['a real database without LITELLM_MASTER_KEY', { DATABASE_URL: realDatabaseUrl }, /LITELLM_MASTER_KEY: must be set when DATABASE_URL/],
    ['a CONFIG_FILE that does not exist', { CONFIG_FILE: path.join(workDir, 'missing.yaml'), DATA_DIR: path.join(workDir, 'unused') }, /config file .*missing\.yaml not found/],
    ['a PORT that is not a port number', { PORT: 'eighty' }, /PORT: "eighty" is not a port number/],
    ['a DATA_DIR that is a file', { DATA_DIR: fileInPlaceOfDirectory }, /embedded database in .*a-file.*cannot be opened/],
    ['an invalid LOG_LEVEL', { LOG_LEVEL: 'loud' }, /^model-admin-graphql: LOG_LEVEL: "loud" is not one of/],
  ];
  if (process.env.TEST_DATABASE_URL) {
    cases.push([
      'a DATABASE_URL naming a database that does not exist (never created silently)',
      { DATABASE_URL: missingDatabaseUrl, LITELLM_MASTER_KEY: 'sk-test-master-key' },
      /cannot connect to the database at .*mag_missing_.*does not exist/,
    ]);
  }

  it.each(cases)('%s', async (_case, settings, problem) => {
    const result = await runToExit(settings);
    expectOneLineFailure(result, problem);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
