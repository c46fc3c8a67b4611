import { NONCE_POOL_BYTES, NoncePool } from '../../../src/crypto/NoncePool';

describe('NoncePool', () => {
  it('never hands out the same nonce twice, across many draws from the CSPRNG', () => {
    const pool = new NoncePool();
    const count = (3 * NONCE_POOL_BYTES) / 12;
    const nonces = Array.from({ length: count }, () => pool.take(12));
    expect(nonces.every((nonce) => nonce.length === 12)).toBe(true);
    expect(new Set(nonces.map((nonce) => Buffer.from(nonce).toString('hex'))).size).toBe(count);
  });

  it('hands out copies: changing one nonce changes no other', () => {
    const pool = new NoncePool();
    const [first, second] = [pool.take(24), pool.take(24)];
    const secondBefore = Buffer.from(second).toString('hex');
    first.fill(0);
    expect(Buffer.from(second).toString('hex')).toBe(secondBefore);
  });

  it('serves a length larger than its block', () => {
    expect(new NoncePool().take(NONCE_POOL_BYTES + 1).length).toBe(NONCE_POOL_BYTES + 1);
  });
});
