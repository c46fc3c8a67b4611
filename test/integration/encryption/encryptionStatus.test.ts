// `npm run encryption -- status` and the encryptionStatus query count, for every place the proxy encrypts with its
// salt key, how many values are v3:gcm, v2:gcm, NaCl, plaintext secrets or undecryptable, exactly; never a value.
import { testDatabaseKinds } from '../../support/testDatabases';
import { keyWithRole, teamWithKeys } from '../../support/fixtures';
import { startTestServer, type TestServer } from '../../support/testServer';
import { VECTOR_FORMATS } from '../../fixtures/proxy-vectors/proxyVectors';
import {
  encryptionCli,
  neverPrinted,
  NEW_SALT_KEY,
  OLD_SALT_KEY,
  PRINTED,
  SEED_AUDIT_ROWS,
  SEED_CREDENTIALS,
  SEED_ENVIRONMENT_VARIABLES,
  SEED_MODELS,
  type SeedValue,
  useSeededProxyDatabase,
} from '../../support/encryptionFixtures';

const ENVIRONMENT_VARIABLES = "param_name = 'environment_variables'";
const zero = { v3Gcm: 0, v2Gcm: 0, nacl: 0, plaintext: 0, undecryptable: 0, clear: 0, previousKey: 0 };

/** What the seed holds, counted by hand from proxyDatabase.ts. */
const SEEDED: Record<string, { rowCount: number; counts: typeof zero }> = {
  'LiteLLM_ProxyModelTable.litellm_params': { rowCount: 5, counts: { ...zero, v3Gcm: 3, v2Gcm: 3, nacl: 5, plaintext: 1, clear: 1 } },
  'LiteLLM_CredentialsTable.credential_values': { rowCount: 2, counts: { ...zero, v3Gcm: 1, v2Gcm: 1, nacl: 2, plaintext: 1, clear: 1 } },
  [`LiteLLM_Config.param_value ${ENVIRONMENT_VARIABLES}`]: { rowCount: 1, counts: { ...zero, v3Gcm: 1, v2Gcm: 1, nacl: 2, clear: 1 } },
  'LiteLLM_AuditLog.before_value': { rowCount: 3, counts: { ...zero, v2Gcm: 1, nacl: 1 } },
  'LiteLLM_AuditLog.updated_values': { rowCount: 3, counts: { ...zero, v3Gcm: 1, v2Gcm: 1, nacl: 1 } },
};
const SEEDED_TOTALS = { ...zero, v3Gcm: 6, v2Gcm: 7, nacl: 11, plaintext: 2, clear: 3 };

interface LocationStatus {
  table: string;
  column: string;
  rowsWhere: string | null;
  covered: boolean;
  present: boolean;
  rowCount: number;
  counts: typeof zero;
  undecryptableValues: { table: string; column: string; rowId: string; key: string }[];
}

const placeOf = (location: LocationStatus) => `${location.table}.${location.column}${location.rowsWhere?.startsWith('entries') || !location.rowsWhere ? '' : ` ${location.rowsWhere}`}`;

/** The covered places as the seed left them, by place. */
function coveredPlaces(locations: LocationStatus[]) {
  return Object.fromEntries(locations.filter((location) => location.covered).map((location) => [placeOf(location), { rowCount: location.rowCount, counts: location.counts }]));
}

const STATUS_QUERY = `{ encryptionStatus {
  previousKeyConfigured needPreviousKey
  totals { v3Gcm v2Gcm nacl plaintext undecryptable clear previousKey }
  locations { table column rowsWhere holds covered present rowCount unreadableRowCount
    counts { v3Gcm v2Gcm nacl plaintext undecryptable clear previousKey }
    undecryptableValues { table column rowId key } unreadableRows { rowId } }
} }`;

describe('the seed', () => {
  const formatsOf = (documents: unknown[]): Set<string> => {
    const formats = new Set<string>();
    const visit = (node: unknown) => {
      if (typeof node !== 'object' || node === null) return;
      if ('format' in node && 'plaintext' in node) formats.add((node as SeedValue).format);
      else Object.values(node).forEach(visit);
    };
    documents.forEach(visit);
    return formats;
  };

  it.each([
    ['the model table', SEED_MODELS.map((model) => model.params)],
    ['the credentials table', SEED_CREDENTIALS.map((credential) => credential.values)],
    ['the environment_variables config row', [SEED_ENVIRONMENT_VARIABLES]],
    ['the audit snapshots', SEED_AUDIT_ROWS.flatMap((row) => [row.before, row.after])],
  ])('holds every format the proxy wrote (v3:gcm, v2:gcm, NaCl in both alphabets) in %s', (_place, documents) => {
    expect([...formatsOf(documents)].filter((format) => format !== 'in clear').sort()).toEqual([...VECTOR_FORMATS].sort());
  });
});

describe.each(testDatabaseKinds())('encryption status on %s', (kind) => {
  const seeded = useSeededProxyDatabase(kind);

  describe('npm run encryption -- status', () => {
    it('--json prints one JSON document counting every covered place exactly', async () => {
      const run = await encryptionCli(seeded(), ['status', '--json']);
      expect(run.code).toBe(0);
      const status = JSON.parse(run.stdout);
      expect(status).toMatchObject({ ok: true, command: 'status', saltKey: 'LITELLM_SALT_KEY', previousKeyConfigured: false, needPreviousKey: 0 });
      expect(coveredPlaces(status.locations)).toEqual(SEEDED);
      expect(status.totals).toEqual(SEEDED_TOTALS);
    });

    it('lists the places it does not cover too, and says which tables this database lacks', async () => {
      const status = JSON.parse((await encryptionCli(seeded(), ['status', '--json'])).stdout);
      const uncovered = (status.locations as LocationStatus[]).filter((location) => !location.covered);
      expect(uncovered.map((location) => `${location.table}.${location.column}`)).toEqual(
        expect.arrayContaining(['LiteLLM_TeamTable.metadata', 'LiteLLM_VerificationToken.metadata', 'LiteLLM_MCPServerTable.credentials', 'LiteLLM_SSOConfig.sso_settings']),
      );
      const present = (name: string) => (status.locations as LocationStatus[]).find((location) => `${location.table}.${location.column}` === name)!.present;
      expect(present('LiteLLM_TeamTable.metadata')).toBe(true);
      expect(present('LiteLLM_MCPServerTable.credentials')).toBe(false);
    });

    it('prints a readable table by default', async () => {
      const run = await encryptionCli(seeded(), ['status']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Salt key: LITELLM_SALT_KEY; previous key (LITELLM_SALT_KEY_PREVIOUS): not set');
      const modelLine = run.stdout.split('\n').find((line) => line.trimStart().startsWith('LiteLLM_ProxyModelTable.litellm_params'))!;
      // rows, v3:gcm, v2:gcm, NaCl, plaintext, undecryptable, previous key, clear
      expect(modelLine.trim().split(/\s+/).slice(1)).toEqual(['5', '3', '3', '5', '1', '0', '0', '1']);
      expect(run.stdout).toContain('Not in this database: ');
      expect(run.stdout).toContain('Values that still need the previous key: 0');
    });

    it('with the old key as LITELLM_SALT_KEY_PREVIOUS, counts every encrypted value as needing it', async () => {
      const status = JSON.parse((await encryptionCli(seeded(), ['status', '--json'], { LITELLM_SALT_KEY: NEW_SALT_KEY, LITELLM_SALT_KEY_PREVIOUS: OLD_SALT_KEY })).stdout);
      expect(status.previousKeyConfigured).toBe(true);
      expect(status.needPreviousKey).toBe(24);
      expect(status.totals).toEqual({ ...SEEDED_TOTALS, previousKey: 24 });
    });

    it('under a salt key that opens nothing, lists every ciphertext as undecryptable by table, row and key', async () => {
      const status = JSON.parse((await encryptionCli(seeded(), ['status', '--json'], { LITELLM_SALT_KEY: NEW_SALT_KEY })).stdout);
      expect(status.totals).toEqual({ ...zero, undecryptable: 24, plaintext: 2, clear: 3 });
      const models = (status.locations as LocationStatus[]).find((location) => location.table === 'LiteLLM_ProxyModelTable')!;
      expect(models.undecryptableValues).toContainEqual({ table: 'LiteLLM_ProxyModelTable', column: 'litellm_params', rowId: 'model-nacl', key: 'vertex_credentials' });
      expect(models.undecryptableValues).toHaveLength(11);
    });

    it('reads the embedded salt key from the master key when LITELLM_SALT_KEY is not set, and says so', async () => {
      const run = await encryptionCli(seeded(), ['status'], { LITELLM_SALT_KEY: undefined, LITELLM_MASTER_KEY: OLD_SALT_KEY });
      expect(run.stdout).toContain('Salt key: the master key (LITELLM_SALT_KEY is not set)');
    });

    it('prints no value, ciphertext or key, on stdout or stderr', () => {
      const printed = PRINTED.join('\n');
      expect(printed.length).toBeGreaterThan(0);
      for (const secret of neverPrinted()) expect(printed).not.toContain(secret);
    });
  });

  describe('the encryptionStatus query', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(seeded(), { saltKey: OLD_SALT_KEY });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('answers a proxy admin with the same exact counts, never a value', async () => {
      const response = await server.graphql(STATUS_QUERY);
      expect(response.errors).toBeUndefined();
      const status = response.data!.encryptionStatus;
      expect(status).toMatchObject({ previousKeyConfigured: false, needPreviousKey: 0, totals: SEEDED_TOTALS });
      expect(coveredPlaces(status.locations)).toEqual(SEEDED);
      const text = JSON.stringify(response);
      for (const secret of neverPrinted()) expect(text).not.toContain(secret);
    });

    it('answers a proxy admin viewer', async () => {
      const viewer = await keyWithRole(server, 'PROXY_ADMIN_VIEWER');
      const response = await server.graphql('{ encryptionStatus { totals { nacl } } }', {}, viewer.key);
      expect(response.errors).toBeUndefined();
      expect(response.data!.encryptionStatus.totals.nacl).toBe(11);
    });

    it('refuses team admins and other keys (FORBIDDEN) and callers without a key (UNAUTHENTICATED)', async () => {
      const team = await teamWithKeys(server);
      const internal = await keyWithRole(server, 'INTERNAL_USER');
      for (const key of [team.adminKey, team.memberKey, internal.key]) {
        const response = await server.graphql('{ encryptionStatus { needPreviousKey } }', {}, key);
        expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
        expect(response.data).toBeNull();
      }
      const anonymous = await server.graphql('{ encryptionStatus { needPreviousKey } }', {}, null);
      expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });
  });
});

describe.each(testDatabaseKinds())('encryption status over an older proxy on %s', (kind) => {
  const seeded = useSeededProxyDatabase(kind, 'older');

  it('counts the model table and reports the credentials and config tables as absent', async () => {
    const run = await encryptionCli(seeded(), ['status', '--json']);
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout);
    const byPlace = Object.fromEntries((status.locations as LocationStatus[]).map((location) => [placeOf(location), location]));
    expect(byPlace['LiteLLM_ProxyModelTable.litellm_params']).toMatchObject(SEEDED['LiteLLM_ProxyModelTable.litellm_params']);
    expect(byPlace['LiteLLM_CredentialsTable.credential_values'].present).toBe(false);
    expect(byPlace[`LiteLLM_Config.param_value ${ENVIRONMENT_VARIABLES}`].present).toBe(false);
  });
});
