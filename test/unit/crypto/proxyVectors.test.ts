// Compatibility with the proxy, checked against values its own libraries made (test/fixtures/proxy-vectors):
// Python's `cryptography` for AES-GCM and HKDF, PyNaCl for secretbox, used as the proxy uses them.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { AtRestCipher, ENCRYPTION_ALGORITHMS } from '../../../src/crypto/AtRestCipher';
import { atRestFormatOf, PROXY_VECTORS as fixture, PROXY_VECTORS_DIR, VECTOR_FORMATS, type ProxyVector, type VectorFormat } from '../../fixtures/proxy-vectors/proxyVectors';

const PYTHON = '/usr/bin/python3';

const reader = (saltKey: string) => AtRestCipher.create({ saltKey, algorithm: 'aes-256-gcm' });
const label = (vector: ProxyVector) => `${vector.format}, salt key ${JSON.stringify(vector.saltKey)}, plaintext of ${vector.plaintext.length} characters`;

describe('the fixture made by the proxy libraries', () => {
  it('covers every format, salt key kind and plaintext kind the tests below rely on', () => {
    const formats = new Set(fixture.vectors.map((vector) => vector.format));
    expect([...formats].sort()).toEqual([...VECTOR_FORMATS].sort());
    expect(fixture.vectors.some((vector) => Buffer.byteLength(vector.saltKey) > vector.saltKey.length)).toBe(true);
    expect(fixture.vectors.some((vector) => vector.plaintext === '')).toBe(true);
    expect(fixture.vectors.some((vector) => vector.plaintext.includes('"private_key"'))).toBe(true);
    expect(fixture.undecryptable.map((value) => value.stored)).toEqual(expect.arrayContaining(['', '*']));
  });
});

describe('reading what the proxy wrote', () => {
  it.each(fixture.vectors.map((vector) => [label(vector), vector] as const))('%s decrypts to its plaintext', (_label, vector) => {
    expect(reader(vector.saltKey).decrypt(vector.stored)).toEqual({ plaintext: vector.plaintext, format: atRestFormatOf(vector.format), key: 'current' });
  });

  it.each(fixture.vectors.map((vector) => [label(vector), vector] as const))('%s decrypts under the previous salt key after a rotation', (_label, vector) => {
    const rotated = AtRestCipher.create({ saltKey: 'sk-the-new-salt-key', previousSaltKey: vector.saltKey, algorithm: 'aes-256-gcm' });
    expect(rotated.decrypt(vector.stored)).toEqual({ plaintext: vector.plaintext, format: atRestFormatOf(vector.format), key: 'previous' });
  });

  it.each(fixture.undecryptable.map((value) => [value.why, JSON.stringify(value.saltKey), value] as const))(
    '%s (salt key %s) does not decrypt',
    (_why, _saltKey, value) => {
      expect(reader(value.saltKey).decrypt(value.stored)).toBeUndefined();
    },
  );
});

describe('writing what the proxy writes, byte for byte', () => {
  const written = (format: VectorFormat) => fixture.vectors.filter((vector) => vector.format === format).map((vector) => [label(vector), vector] as const);

  it.each(written('v3:gcm'))('aes-256-gcm with the fixture nonce: %s', (_label, vector) => {
    const cipher = AtRestCipher.create({ saltKey: vector.saltKey, algorithm: 'aes-256-gcm' });
    expect(cipher.encrypt(vector.plaintext, Buffer.from(vector.nonce, 'hex'))).toBe(vector.stored);
  });

  it.each(written('nacl-standard'))('xsalsa20-poly1305 with the fixture nonce: %s', (_label, vector) => {
    const cipher = AtRestCipher.create({ saltKey: vector.saltKey, algorithm: 'xsalsa20-poly1305' });
    expect(cipher.encrypt(vector.plaintext, Buffer.from(vector.nonce, 'hex'))).toBe(vector.stored);
  });

  it('the vectors compared include every length of "=" padding', () => {
    const paddings = written('v3:gcm').map(([, vector]) => /=*$/.exec(vector.stored)![0].length);
    expect(new Set(paddings)).toEqual(new Set([0, 1, 2]));
  });
});

/** Why the round trip through Python cannot run here, or undefined when it can. */
function pythonUnavailable(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import cryptography.hazmat.primitives.ciphers.aead, nacl.secret'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} cannot be run (${probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} lacks cryptography or PyNaCl (python3-cryptography, python3-nacl)`;
  return undefined;
}

const skipReason = pythonUnavailable();
const roundTrip = skipReason ? it.skip : it;
const skipped = skipReason ? ` — SKIPPED: ${skipReason}` : '';

describe("the proxy's own libraries decrypt what we write (random nonces)", () => {
  roundTrip.each(ENCRYPTION_ALGORITHMS)(`%s${skipped}`, (algorithm) => {
    const saltKeys = [...new Set(fixture.vectors.map((vector) => vector.saltKey))];
    const plaintexts = [...new Set(fixture.vectors.map((vector) => vector.plaintext))];
    for (const saltKey of saltKeys) {
      const cipher = AtRestCipher.create({ saltKey, algorithm });
      const values = plaintexts.map((plaintext) => cipher.encrypt(plaintext));
      const decrypt = spawnSync(PYTHON, ['-B', path.join(PROXY_VECTORS_DIR, 'decrypt_values.py')], {
        input: JSON.stringify({ saltKey, values }),
        encoding: 'utf8',
      });
      expect(decrypt.stderr).toBe('');
      expect(JSON.parse(decrypt.stdout)).toEqual(plaintexts);
    }
  });
});
