// A rotation, or a migration, that could strand or misplace a value refuses and changes no row: every table is
// compared before and after. Refusals name the setting, place, row and key, never a value or a key.
import { TABLES } from '../../../src/database/tables';
import { SALT_KEY_TABLES } from '../../../src/encryption/saltKeyLocations';
import { PROXY_VECTORS, proxyStored } from '../../fixtures/proxy-vectors/proxyVectors';
import { testDatabaseKinds } from '../../support/testDatabases';
import { encryptionCli, insertModel, neverPrinted, NEW_KEY_VARIABLE, NEW_SALT_KEY, OLD_SALT_KEY, PRINTED, tablesAsStored, useSeededProxyDatabase } from '../../support/encryptionFixtures';

const ROTATE = ['rotate', '--new-key-env', NEW_KEY_VARIABLE, '--json'];
const WITH_NEW_KEY = { [NEW_KEY_VARIABLE]: NEW_SALT_KEY };
const otherKeysValue = (why: string) => PROXY_VECTORS.undecryptable.find((value) => value.saltKey === OLD_SALT_KEY && value.why === why)!.stored;

describe.each(testDatabaseKinds())('refusals on %s', (kind) => {
  const seeded = useSeededProxyDatabase(kind);

  /** Runs the command and checks that it refused with `code` and left every table as it was; returns its JSON answer. */
  async function expectRefusal(args: string[], env: Record<string, string | undefined>, code: string, exitCode = 1) {
    const before = await tablesAsStored(seeded());
    const run = await encryptionCli(seeded(), args, env);
    expect(run.code).toBe(exitCode);
    const answer = JSON.parse(run.stdout);
    expect(answer).toMatchObject({ ok: false, error: { code } });
    expect(await tablesAsStored(seeded())).toEqual(before);
    return answer.error as { message: string; addresses: { table: string; column: string; rowId: string; key: string }[]; locations: string[] };
  }

  describe('a value that opens under neither configured key', () => {
    afterEach(async () => {
      await seeded().sql(`DELETE FROM "${TABLES.proxyModel}" WHERE model_id = 'model-broken'`);
      // A migration's audit row of the model holds its undecryptable value too.
      await seeded().sql(`DELETE FROM "${TABLES.auditLog}" WHERE id = 'audit-broken' OR object_id = 'model-broken'`);
    });

    it('in a model: the rotation refuses, naming its table, row and key', async () => {
      await insertModel(seeded(), 'model-broken', { model: proxyStored(OLD_SALT_KEY, 'azure/gpt-4o', 'v3:gcm'), api_key: otherKeysValue('v3:gcm under another salt key') });
      const error = await expectRefusal(ROTATE, WITH_NEW_KEY, 'UNDECRYPTABLE_VALUES');
      expect(error.addresses).toEqual([{ table: TABLES.proxyModel, column: 'litellm_params', rowId: 'model-broken', key: 'api_key' }]);
      expect(error.message).toContain('LiteLLM_ProxyModelTable.litellm_params row "model-broken" key api_key');
      expect(error.message).toContain('nothing was changed');
    });

    it('in the audit trail: the rotation refuses too', async () => {
      await seeded().sql(
        `INSERT INTO "${TABLES.auditLog}" (id, changed_by, action, table_name, object_id, before_value) VALUES ('audit-broken', 'proxy', 'deleted', $1, 'model-x', $2::jsonb)`,
        [TABLES.proxyModel, JSON.stringify({ litellm_params: { api_key: otherKeysValue('NaCl under another salt key') } })],
      );
      const error = await expectRefusal(ROTATE, WITH_NEW_KEY, 'UNDECRYPTABLE_VALUES');
      expect(error.addresses).toEqual([{ table: TABLES.auditLog, column: 'before_value', rowId: 'audit-broken', key: 'litellm_params.api_key' }]);
    });

    it('migrate leaves it as it is, rewrites the rest, and lists it', async () => {
      await insertModel(seeded(), 'model-broken', { api_key: otherKeysValue('v3:gcm under another salt key'), api_base: proxyStored(OLD_SALT_KEY, 'https://example.openai.azure.com', 'nacl-standard') });
      const run = await encryptionCli(seeded(), ['migrate']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Left as they are, since no configured key opens them (1):');
      expect(run.stdout).toContain('LiteLLM_ProxyModelTable.litellm_params row "model-broken" key api_key');
      const [row] = await seeded().sql<{ litellm_params: Record<string, string> }>(`SELECT litellm_params FROM "${TABLES.proxyModel}" WHERE model_id = 'model-broken'`);
      expect(row.litellm_params.api_key).toBe(otherKeysValue('v3:gcm under another salt key'));
      expect(row.litellm_params.api_base).toMatch(/^v3:gcm:/);
    });
  });

  it('a row whose litellm_params is not a JSON object: the rotation refuses', async () => {
    await seeded().sql(`INSERT INTO "${TABLES.proxyModel}" (model_id, model_name, litellm_params, created_by, updated_by) VALUES ('model-garbled', 'g', '"not json {"'::jsonb, 'p', 'p')`);
    try {
      const error = await expectRefusal(ROTATE, WITH_NEW_KEY, 'UNREADABLE_ROWS');
      expect(error.addresses).toEqual([{ table: TABLES.proxyModel, column: 'litellm_params', rowId: 'model-garbled', key: '' }]);
    } finally {
      await seeded().sql(`DELETE FROM "${TABLES.proxyModel}" WHERE model_id = 'model-garbled'`);
    }
  });

  it.each([
    ['the current salt key', { [NEW_KEY_VARIABLE]: OLD_SALT_KEY }, 'LITELLM_SALT_KEY'],
    ['the previous salt key', { [NEW_KEY_VARIABLE]: 'sk-some-retired-key', LITELLM_SALT_KEY_PREVIOUS: 'sk-some-retired-key' }, 'LITELLM_SALT_KEY_PREVIOUS'],
  ])('a new key equal to %s: refused', async (_which, env, setting) => {
    const error = await expectRefusal(ROTATE, env, 'SAME_KEY');
    expect(error.message).toContain(`the new salt key equals the one in ${setting}`);
  });

  it('a place the rotation does not cover holding values under the salt key: refused, naming each place', async () => {
    await seeded().sql(`CREATE TABLE "${SALT_KEY_TABLES.mcpServer}" (server_id TEXT PRIMARY KEY, credentials JSONB, env JSONB)`);
    await seeded().sql(`INSERT INTO "${SALT_KEY_TABLES.mcpServer}" (server_id, credentials, env) VALUES ('mcp-1', $1::jsonb, '{"PATH": "/usr/bin"}')`, [
      JSON.stringify({ auth_value: proxyStored(OLD_SALT_KEY, 'sk-azure-secret-0123456789', 'v3:gcm') }),
    ]);
    const callbackSecret = `litellm_enc::${proxyStored(OLD_SALT_KEY, 'sk-azure-secret-0123456789', 'nacl-urlsafe')}`;
    await seeded().sql(`INSERT INTO "${TABLES.team}" (team_id, metadata) VALUES ('team-with-callbacks', $1::jsonb)`, [
      JSON.stringify({ logging: [{ callback_name: 'langfuse', callback_vars: { langfuse_secret_key: callbackSecret, langfuse_host: 'https://cloud.langfuse.com' } }] }),
    ]);
    try {
      const error = await expectRefusal(ROTATE, WITH_NEW_KEY, 'UNCOVERED_LOCATIONS');
      expect(error.locations).toEqual([`${TABLES.team}.metadata`, `${SALT_KEY_TABLES.mcpServer}.credentials`]);
      const status = JSON.parse((await encryptionCli(seeded(), ['status', '--json'])).stdout);
      const place = (table: string, column: string) => status.locations.find((location: { table: string; column: string }) => location.table === table && location.column === column);
      expect(place(SALT_KEY_TABLES.mcpServer, 'credentials')).toMatchObject({ covered: false, present: true, rowCount: 1, counts: { v3Gcm: 1 } });
      expect(place(SALT_KEY_TABLES.mcpServer, 'env')).toMatchObject({ present: true, counts: { v3Gcm: 0, clear: 1 } });
      expect(place(TABLES.team, 'metadata')).toMatchObject({ covered: false, present: true, counts: { nacl: 1, clear: 1 } });
    } finally {
      await seeded().sql(`DROP TABLE "${SALT_KEY_TABLES.mcpServer}"`);
      await seeded().sql(`DELETE FROM "${TABLES.team}" WHERE team_id = 'team-with-callbacks'`);
    }
  });

  it.each([
    ['not set', {}, 'NEW_KEY_MISSING'],
    ['empty', { [NEW_KEY_VARIABLE]: '' }, 'NEW_KEY_MISSING'],
    ['padded with white space', { [NEW_KEY_VARIABLE]: ` ${NEW_SALT_KEY} ` }, 'SETTING'],
  ])('the variable named by --new-key-env %s: refused, naming the variable', async (_how, env, code) => {
    const error = await expectRefusal(ROTATE, env, code);
    expect(error.message).toContain(NEW_KEY_VARIABLE);
  });

  it('a key typed on the command line: refused as usage, without repeating it', async () => {
    const error = await expectRefusal(['rotate', '--new-key', NEW_SALT_KEY, '--json'], WITH_NEW_KEY, 'USAGE', 2);
    expect(error.message).toContain('never from the command line');
    expect(error.message).not.toContain(NEW_SALT_KEY);
  });

  it('migrate while the write algorithm is xsalsa20-poly1305 (a proxy needing NaCl shares the seeded()): refused', async () => {
    const error = await expectRefusal(['migrate', '--json'], { LITELLM_ENCRYPTION_ALGORITHM: 'xsalsa20-poly1305' }, 'LEGACY_ALGORITHM');
    expect(error.message).toContain('LITELLM_ENCRYPTION_ALGORITHM is xsalsa20-poly1305');
  });

  it('a change without LITELLM_MASTER_KEY to attribute it to: refused', async () => {
    const error = await expectRefusal(['migrate', '--json'], { LITELLM_MASTER_KEY: undefined }, 'SETTING');
    expect(error.message).toContain('LITELLM_MASTER_KEY');
  });

  it('without --json a refusal goes to stderr, and stdout stays empty', async () => {
    const run = await encryptionCli(seeded(), ['rotate', '--new-key-env', NEW_KEY_VARIABLE], { [NEW_KEY_VARIABLE]: OLD_SALT_KEY });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('encryption rotate: the new salt key equals the one in LITELLM_SALT_KEY');
  });

  it('no refusal printed a secret, a ciphertext or a key', () => {
    const printed = PRINTED.join('\n');
    for (const secret of [...neverPrinted(), otherKeysValue('v3:gcm under another salt key'), otherKeysValue('NaCl under another salt key')]) expect(printed).not.toContain(secret);
  });
});
