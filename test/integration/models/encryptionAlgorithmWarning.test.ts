// With no encryption algorithm set, new values are written as v3:gcm, which an older proxy sharing the database
// cannot read: start-up warns once when the database looks like such a proxy's, and not when the setting is given.
import { loadSettings, type Settings } from '../../../src/config/settings';
import { TABLES } from '../../../src/database/tables';
import { proxyStored } from '../../fixtures/proxy-vectors/proxyVectors';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../../support/testDatabases';
import { proxySchemaFixture } from '../../support/proxySchemas';
import { captureLog, startTestServer, TEST_MASTER_KEY } from '../../support/testServer';
import { writeConfigFile } from '../../support/modelApi';

interface LoggedLine {
  level: number;
  msg: string;
}

const WARN = 40;

describe.each(testDatabaseKinds())('the start-up warning about an older proxy on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    // The tables as an older proxy created them (no `blocked` column), its models holding NaCl values only.
    await database.sql(proxySchemaFixture('older'));
    await insertModel('older-proxy-model', { model: proxyStored(TEST_MASTER_KEY, 'azure/gpt-4o', 'nacl-standard'), rpm: 5 });
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function insertModel(id: string, litellmParams: Record<string, unknown>) {
    await database.sql(
      `INSERT INTO "${TABLES.proxyModel}" (model_id, model_name, litellm_params, created_by, updated_by) VALUES ($1, $2, $3::jsonb, 'proxy', 'proxy')`,
      [id, id, JSON.stringify(litellmParams)],
    );
  }

  /** The warnings about the algorithm setting logged while a server starts (and stops) with these settings. */
  async function algorithmWarningsAtStart(settings: Partial<Settings> = {}): Promise<string[]> {
    const log = captureLog('warn');
    const server = await startTestServer(database, settings, log);
    await server.stop();
    return (log.lines() as LoggedLine[])
      .filter((line) => line.level === WARN && line.msg.includes('encryption_algorithm'))
      .map((line) => line.msg);
  }

  it('warns once, naming both settings, over a database with NaCl values only and no blocked column', async () => {
    const warnings = await algorithmWarningsAtStart();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('general_settings.encryption_algorithm');
    expect(warnings[0]).toContain('LITELLM_ENCRYPTION_ALGORITHM');
    expect(warnings[0]).toContain('xsalsa20-poly1305');
  });

  it.each([
    ['in the config file', () => ({ configFile: writeConfigFile('general_settings:\n  encryption_algorithm: xsalsa20-poly1305\n') })],
    ['in the environment', () => ({ encryptionAlgorithm: loadSettings({ LITELLM_ENCRYPTION_ALGORITHM: 'xsalsa20-poly1305' }).encryptionAlgorithm })],
    ['as aes-256-gcm, on purpose', () => ({ encryptionAlgorithm: loadSettings({ LITELLM_ENCRYPTION_ALGORITHM: 'aes-256-gcm' }).encryptionAlgorithm })],
  ])('does not warn over the same database when the algorithm is set %s', async (_where, settings) => {
    expect(await algorithmWarningsAtStart(settings())).toEqual([]);
  });

  it('does not warn once the database holds a v3:gcm value: a current proxy wrote it', async () => {
    await insertModel('current-proxy-model', { model: proxyStored(TEST_MASTER_KEY, 'azure/gpt-4o', 'v3:gcm') });
    expect(await algorithmWarningsAtStart()).toEqual([]);
    await database.sql(`DELETE FROM "${TABLES.proxyModel}" WHERE model_id = 'current-proxy-model'`);
  });

  it('does not warn once the model table has the blocked column of current proxies', async () => {
    await database.sql(`ALTER TABLE "${TABLES.proxyModel}" ADD COLUMN "blocked" BOOLEAN NOT NULL DEFAULT false`);
    expect(await algorithmWarningsAtStart()).toEqual([]);
  });
});
