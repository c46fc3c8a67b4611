import { createDecipheriv, hkdfSync } from 'node:crypto';
import { buildSeed, HOT_MODEL_HISTORY, SECRET_ROTATION_EVERY, SEED_AUDIT_ROWS, SEED_MODELS, SEED_TEAMS, type Seed } from '../../../bench/compare/benchDatabase';
import { SEED_ENCRYPTION } from '../../../bench/compare/seedEncryption';
import { isSecretKey } from '../../../src/crypto/maskSecrets';

const SALT_KEY = 'sk-bench-master-key-0123456789';

const v3Key = (saltKey: string) => Buffer.from(hkdfSync('sha256', Buffer.from(saltKey), Buffer.alloc(0), 'litellm-at-rest-v3', 32));
const SALT_KEY_V3 = v3Key(SALT_KEY);

/** Decrypts a v3:gcm value as SPEC.md "Secrets at rest" describes it (and the proxy reads it), independently of the seed. */
function decryptV3(stored: string, key = SALT_KEY_V3): string {
  if (!stored.startsWith('v3:gcm:')) throw new Error(`not a v3:gcm value: ${stored}`);
  const raw = Buffer.from(stored.slice('v3:gcm:'.length), 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
}

const strings = (params: Record<string, unknown>) => Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === 'string');

describe('the seed encryption', () => {
  it('writes "v3:gcm:" + padded base64url of nonce, ciphertext and tag, readable under the HKDF key only', () => {
    const stored = SEED_ENCRYPTION('sk-proj-abc', SALT_KEY);
    expect(stored).toMatch(/^v3:gcm:[A-Za-z0-9_-]+=*$/);
    expect((stored.length - 'v3:gcm:'.length) % 4).toBe(0);
    expect(decryptV3(stored)).toBe('sk-proj-abc');
    expect(() => decryptV3(stored, v3Key('another-key'))).toThrow();
    expect(SEED_ENCRYPTION('sk-proj-abc', SALT_KEY)).not.toBe(stored);
  });
});

describe('buildSeed', () => {
  let seed: Seed;
  beforeAll(() => {
    seed = buildSeed(SALT_KEY);
  });

  it('holds the issue\'s shape: 1,000 team models over 20 teams, 10,000 audit rows, one model per team with 200 of them', () => {
    expect(seed.models).toHaveLength(SEED_MODELS);
    expect(seed.teams).toHaveLength(SEED_TEAMS);
    expect(seed.auditRows).toHaveLength(SEED_AUDIT_ROWS);
    expect(new Set(seed.models.map((model) => model.model_info.team_id)).size).toBe(SEED_TEAMS);
    expect(new Set(seed.hotModels.map((model) => model.model_info.team_id)).size).toBe(SEED_TEAMS);
    for (const hot of seed.hotModels) expect(seed.auditRows.filter((row) => row.object_id === hot.model_id)).toHaveLength(HOT_MODEL_HISTORY);
  });

  it('stores every litellm_params string as v3:gcm, in the models and in every audit snapshot', () => {
    const stored = new Set<string>();
    for (const params of [...seed.models, ...seed.auditRows.flatMap((row) => [row.before_value, row.updated_values])].map((row) => row?.litellm_params)) {
      if (params) for (const [, value] of strings(params as Record<string, unknown>)) stored.add(value);
    }
    const plaintexts = new Set([...stored].map((value) => decryptV3(value)));
    expect([...seed.plaintextModels].filter((model) => !plaintexts.has(model))).toEqual([]);
  });

  it('shares no secret and no ciphertext between two models', () => {
    const ownerOfCiphertext = new Map<string, string>();
    const ownerOfSecret = new Map<string, string>();
    const shared: string[] = [];
    for (const row of seed.auditRows) {
      for (const [name, ciphertext] of strings(row.updated_values.litellm_params as Record<string, unknown>)) {
        const owner = ownerOfCiphertext.get(ciphertext);
        if (owner !== undefined) {
          if (owner !== row.object_id) shared.push(`ciphertext of ${name}`);
          continue;
        }
        ownerOfCiphertext.set(ciphertext, row.object_id);
        if (!isSecretKey(name)) continue; // a string under a secret-bearing name: api_key, aws_secret_access_key, …
        const secret = decryptV3(ciphertext);
        if ((ownerOfSecret.get(secret) ?? row.object_id) !== row.object_id) shared.push(`plaintext of ${name}`);
        ownerOfSecret.set(secret, row.object_id);
      }
    }
    expect(shared).toEqual([]);
    expect(ownerOfSecret.size).toBeGreaterThan(SEED_MODELS);
  });

  it('writes history as an update does: untouched values keep their ciphertext, every 10th update rotates the secrets, the model is its newest entry', () => {
    const hot = seed.hotModels[0];
    const history = seed.auditRows.filter((row) => row.object_id === hot.model_id);
    expect(history[0]).toMatchObject({ action: 'created', before_value: null });
    for (const [index, row] of history.entries()) {
      if (index === 0) continue;
      const before = row.before_value!.litellm_params as Record<string, unknown>;
      const after = row.updated_values.litellm_params as Record<string, unknown>;
      const changed = Object.keys(after).filter((name) => after[name] !== before[name]);
      const secrets = strings(after).map(([name]) => name).filter(isSecretKey);
      expect(changed).toEqual(index % SECRET_ROTATION_EVERY === 0 ? secrets : ['rpm']);
      expect(row.before_value).toEqual(history[index - 1].updated_values);
    }
    expect(history.at(-1)!.updated_values).toEqual({ ...hot, created_at: hot.created_at.toISOString(), updated_at: hot.updated_at.toISOString() });
  });
});
