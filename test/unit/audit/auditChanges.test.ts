import { AuditChangeKind, auditChanges } from '../../../src/audit/auditChanges';
import { AtRestCipher } from '../../../src/crypto/AtRestCipher';
import { maskSecret } from '../../../src/crypto/maskSecrets';
import { PresentedValues } from '../../../src/crypto/PresentedValues';

const CIPHER = AtRestCipher.create({ saltKey: 'sk-unit-master-key', algorithm: 'aes-256-gcm' });
const OPTIONS = { cipher: CIPHER, presentedValues: new PresentedValues(CIPHER), includeBookkeeping: false };

describe('auditChanges', () => {
  it('compares litellm_params decrypted: a new ciphertext of the same value is no change, a new value with the same mask is one', () => {
    const before = { litellm_params: { api_key: CIPHER.encrypt('sk-first-0123456789-wxyz') } };
    expect(auditChanges(before, { litellm_params: { api_key: CIPHER.encrypt('sk-first-0123456789-wxyz') } }, OPTIONS)).toEqual([]);
    const changed = auditChanges(before, { litellm_params: { api_key: CIPHER.encrypt('sk-other-0123456789-wxyz') } }, OPTIONS);
    expect(changed).toEqual([{ path: ['litellm_params', 'api_key'], before: 'sk-****wxyz', after: 'sk-****wxyz', kind: AuditChangeKind.CHANGED }]);
  });

  it('reports a secret holding an object as one masked leaf, never its inner keys', () => {
    const credentials = (key: string) => ({ litellm_params: { vertex_credentials: { private_key: key, project: 'p' } } });
    const [change, ...rest] = auditChanges(credentials('first-private-key'), credentials('second-private-key'), OPTIONS);
    expect(rest).toEqual([]);
    expect(change.path).toEqual(['litellm_params', 'vertex_credentials']);
    expect(change.before).toBe(maskSecret(JSON.stringify({ private_key: 'first-private-key', project: 'p' })));
    expect(JSON.stringify(change)).not.toContain('private-key');
  });

  it('treats lists as leaves and an empty object against none as one change', () => {
    expect(auditChanges({ model_info: { access_groups: ['a'] } }, { model_info: { access_groups: ['a', 'b'] } }, OPTIONS)).toEqual([
      { path: ['model_info', 'access_groups'], before: ['a'], after: ['a', 'b'], kind: AuditChangeKind.CHANGED },
    ]);
    expect(auditChanges({ model_info: null }, { model_info: {} }, OPTIONS)).toEqual([{ path: ['model_info'], before: null, after: {}, kind: AuditChangeKind.ADDED }]);
  });

  it('reads a "__proto__" key as data on one side only', () => {
    const after = JSON.parse('{"model_info": {"__proto__": {"x": 1}}}');
    expect(auditChanges({ model_info: {} }, after, OPTIONS)).toEqual([{ path: ['model_info', '__proto__', 'x'], before: null, after: 1, kind: AuditChangeKind.ADDED }]);
  });

  it('reads snapshots an older proxy dumped as JSON text, and lists nothing for one that is not JSON', () => {
    expect(auditChanges(JSON.stringify({ model_name: 'a' }), JSON.stringify({ model_name: 'b' }), OPTIONS)).toEqual([
      { path: ['model_name'], before: 'a', after: 'b', kind: AuditChangeKind.CHANGED },
    ]);
    expect(auditChanges('not json', 'still not json', OPTIONS)).toEqual([]);
  });

  it('includes created/updated at and by only when asked', () => {
    const before = { updated_at: '2026-01-01T00:00:00.000Z', updated_by: 'a', created_by: 'a' };
    const after = { updated_at: '2026-01-02T00:00:00.000Z', updated_by: 'b', created_by: 'a' };
    expect(auditChanges(before, after, OPTIONS)).toEqual([]);
    expect(auditChanges(before, after, { ...OPTIONS, includeBookkeeping: true }).map((change) => change.path)).toEqual([['updated_at'], ['updated_by']]);
  });
});
