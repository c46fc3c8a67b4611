// What migrate and rotate make of each kind of stored value.
import { AtRestCipher } from '../../../src/crypto/AtRestCipher';
import { classifyStoredValue, type StoredValueClass } from '../../../src/encryption/classifyStoredValue';
import { needsRewrite, rewrittenValue, type ReencryptionPlan } from '../../../src/encryption/ReencryptionMode';
import { proxyStored } from '../../fixtures/proxy-vectors/proxyVectors';

const encrypted = (format: 'v3:gcm' | 'v2:gcm' | 'nacl', key: 'current' | 'previous' | 'target'): StoredValueClass => ({ kind: 'encrypted', format, key, plaintext: 'sk-secret-value' });
const oldKey = AtRestCipher.create({ saltKey: 'sk-1234', algorithm: 'aes-256-gcm' });
const newKey = AtRestCipher.create({ saltKey: 'sk-the-new-salt-key', algorithm: 'aes-256-gcm' });
const migrate: ReencryptionPlan = { mode: 'migrate', writer: oldKey };
const rotate: ReencryptionPlan = { mode: 'rotate', writer: newKey };

describe('needsRewrite', () => {
  it.each([
    ['v3:gcm under the current key', encrypted('v3:gcm', 'current'), false, true],
    ['v3:gcm under the previous key', encrypted('v3:gcm', 'previous'), true, true],
    ['v2:gcm', encrypted('v2:gcm', 'current'), true, true],
    ['NaCl', encrypted('nacl', 'current'), true, true],
    ['v3:gcm under the key the run writes with', encrypted('v3:gcm', 'target'), false, false],
    ['NaCl under the key the run writes with', encrypted('nacl', 'target'), true, true],
    ['a plaintext secret', { kind: 'plaintext' } as const, true, true],
    ['a value in clear under a key bearing no secret', { kind: 'clear' } as const, false, false],
    ['an undecryptable value', { kind: 'undecryptable' } as const, false, false],
  ])('%s: migrate %s, rotate %s', (_label, value, migrates, rotates) => {
    expect(needsRewrite(migrate, value)).toBe(migrates);
    expect(needsRewrite(rotate, value)).toBe(rotates);
  });

  it('a rotation writing NaCl (xsalsa20-poly1305) leaves NaCl values under the new key alone', () => {
    const naclRotation: ReencryptionPlan = { mode: 'rotate', writer: AtRestCipher.create({ saltKey: 'sk-the-new-salt-key', algorithm: 'xsalsa20-poly1305' }) };
    expect(needsRewrite(naclRotation, encrypted('nacl', 'target'))).toBe(false);
    expect(needsRewrite(naclRotation, encrypted('v3:gcm', 'target'))).toBe(true);
  });
});

describe('rewrittenValue', () => {
  it('encrypts the plaintext of a ciphertext, and a plaintext secret itself, under the writer', () => {
    const fromNacl = rewrittenValue(rotate, 'stored-nacl', encrypted('nacl', 'current'))!;
    expect(newKey.decrypt(fromNacl)).toEqual({ plaintext: 'sk-secret-value', format: 'v3:gcm', key: 'current' });
    const fromPlaintext = rewrittenValue(migrate, 'sk-in-clear', { kind: 'plaintext' })!;
    expect(oldKey.decrypt(fromPlaintext)).toEqual({ plaintext: 'sk-in-clear', format: 'v3:gcm', key: 'current' });
  });

  it('leaves alone what the run does not rewrite', () => {
    expect(rewrittenValue(migrate, 'v3', encrypted('v3:gcm', 'current'))).toBeUndefined();
    expect(rewrittenValue(rotate, 'x', { kind: 'clear' })).toBeUndefined();
  });

  it('a value this rotation already wrote reads as its own, not as undecryptable under the old key', () => {
    const rotated = newKey.encrypt('sk-secret-value');
    expect(classifyStoredValue(oldKey, 'api_key', rotated)).toEqual({ kind: 'undecryptable' });
    const own = classifyStoredValue(oldKey, 'api_key', rotated, rotate.writer);
    expect(own).toMatchObject({ kind: 'encrypted', key: 'target', format: 'v3:gcm' });
    expect(rewrittenValue(rotate, rotated, own)).toBeUndefined();
    const old = proxyStored('sk-1234', 'sk-azure-secret-0123456789', 'nacl-standard');
    expect(classifyStoredValue(oldKey, 'api_key', old, rotate.writer)).toMatchObject({ kind: 'encrypted', key: 'current', format: 'nacl' });
  });
});
