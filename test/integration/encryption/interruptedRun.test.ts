// A rotation killed with SIGKILL before it commits leaves the old state whole: it runs in one transaction, which the
// database rolls back when the killed process's connection goes. The next run then completes.
import { TABLES } from '../../../src/database/tables';
import { PAUSE_BEFORE_COMMIT_VARIABLE } from '../../../src/app/runEncryptionCommand';
import { proxyStored } from '../../fixtures/proxy-vectors/proxyVectors';
import { proxySchemaFixture } from '../../support/proxySchemas';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../support/testDatabases';
import { encryptionCli, NEW_KEY_VARIABLE, NEW_SALT_KEY, OLD_SALT_KEY, startEncryptionCli, tablesAsStored } from '../../support/encryptionFixtures';

/** Several pages of models (LOCATION_PAGE_SIZE is 500), so a kill can land between two of them. */
const MODELS = 1500;
const ROTATE = ['rotate', '--new-key-env', NEW_KEY_VARIABLE, '--json'];

describe.each(testDatabaseKinds())('a rotation killed mid-way on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await database.sql(proxySchemaFixture('current'));
    const params = JSON.stringify({
      model: proxyStored(OLD_SALT_KEY, 'azure/gpt-4o', 'v3:gcm'),
      api_key: proxyStored(OLD_SALT_KEY, 'sk-azure-secret-0123456789', 'nacl-standard'),
      api_base: proxyStored(OLD_SALT_KEY, 'https://example.openai.azure.com', 'v2:gcm'),
    });
    await database.sql(
      `INSERT INTO "${TABLES.proxyModel}" (model_id, model_name, litellm_params, created_by, updated_by)
       SELECT 'model-' || lpad(n::text, 5, '0'), 'gpt-4o', $1::jsonb, 'proxy', 'proxy' FROM generate_series(1, ${MODELS}) AS n`,
      [params],
    );
  });
  afterAll(async () => {
    await database?.drop();
  });

  it.each([
    ['while it rewrites the models', /rewrote \d+ row\(s\) of LiteLLM_ProxyModelTable/],
    ['with everything written, just before the commit', /pausing \d+ ms before the commit/],
  ])('SIGKILL %s changes no row', async (_when, killAt) => {
    const before = await tablesAsStored(database);
    let stderr = '';
    let killed = false;
    // The pause keeps the commit away for as long as the kill could take to land.
    const run = await startEncryptionCli(database, ROTATE, { [NEW_KEY_VARIABLE]: NEW_SALT_KEY, [PAUSE_BEFORE_COMMIT_VARIABLE]: '120000' }, (chunk, child) => {
      stderr += chunk;
      if (!killed && killAt.test(stderr)) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    expect(run.signal).toBe('SIGKILL');
    expect(run.stderr).not.toContain('committing');
    expect(await tablesAsStored(database)).toEqual(before);
  });

  it('the next run completes and rewrites every model', async () => {
    const run = await encryptionCli(database, ROTATE, { [NEW_KEY_VARIABLE]: NEW_SALT_KEY });
    expect(run.code).toBe(0);
    const models = JSON.parse(run.stdout).rewritten.find((place: { table: string }) => place.table === TABLES.proxyModel);
    expect(models).toMatchObject({ rows: MODELS, values: 3 * MODELS });
    const [{ audited }] = await database.sql<{ audited: string }>(`SELECT count(*) AS audited FROM "${TABLES.auditLog}" WHERE changed_by = 'default_user_id'`);
    expect(Number(audited)).toBe(MODELS);
  });
});
