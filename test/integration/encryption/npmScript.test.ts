// `npm run --silent encryption -- status --json` prints exactly one JSON document on stdout: the script compiles
// with the compiler's output on stderr, and the command prints its progress there too.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabases';
import { commandEnvironment, neverPrinted, seedProxyDatabase } from '../../support/encryptionFixtures';

const REPOSITORY = path.join(__dirname, '..', '..', '..');

describe('npm run --silent encryption -- status --json', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    await seedProxyDatabase(database);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('writes one JSON document to stdout and nothing else', async () => {
    const env = { ...commandEnvironment(database), HOME: process.env.HOME };
    // Asynchronous: the embedded test database is served by this process.
    const child = spawn('npm', ['run', '--silent', 'encryption', '--', 'status', '--json'], { cwd: REPOSITORY, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stdout.trimStart().startsWith('{')).toBe(true);
    const document = JSON.parse(stdout);
    expect(document).toMatchObject({ ok: true, command: 'status', totals: { nacl: 11 } });
    expect(stderr).toContain('encryption: reading LiteLLM_ProxyModelTable.litellm_params');
    for (const secret of neverPrinted()) expect(stdout + stderr).not.toContain(secret);
  }, 300_000);
});
