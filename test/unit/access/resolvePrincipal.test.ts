// Reading the caller's key from the request headers, and comparing it with the master key.
import { extractApiKey, isMasterKeyHash } from '../../../src/access/resolvePrincipal';
import { hashApiKey } from '../../../src/crypto/hashApiKey';

function headers(values: Record<string, string>) {
  return (name: string) => values[name];
}

describe('extractApiKey', () => {
  it.each([
    ['Authorization: Bearer <key>', { authorization: 'Bearer sk-one' }, 'sk-one'],
    ['a lower-case scheme', { authorization: 'bearer sk-one' }, 'sk-one'],
    ['a bare key in Authorization', { authorization: 'sk-one' }, 'sk-one'],
    ['x-litellm-api-key', { 'x-litellm-api-key': ' sk-two ' }, 'sk-two'],
    ['Authorization before x-litellm-api-key', { authorization: 'Bearer sk-one', 'x-litellm-api-key': 'sk-two' }, 'sk-one'],
    ['an empty Bearer, then x-litellm-api-key', { authorization: 'Bearer ', 'x-litellm-api-key': 'sk-two' }, 'sk-two'],
    ['an empty Bearer alone', { authorization: 'Bearer' }, undefined],
    ['no header', {}, undefined],
  ])('%s', (_case, values, expected) => {
    expect(extractApiKey(headers(values))).toBe(expected);
  });
});

describe('isMasterKeyHash', () => {
  const isMasterKey = (candidate: string, masterKey: string) => isMasterKeyHash(hashApiKey(candidate), hashApiKey(masterKey));

  it('accepts the master key only, whatever the length of the candidate', () => {
    expect(isMasterKey('sk-master', 'sk-master')).toBe(true);
    expect(isMasterKey('sk-maste', 'sk-master')).toBe(false);
    expect(isMasterKey('sk-masterx', 'sk-master')).toBe(false);
    expect(isMasterKey('', 'sk-master')).toBe(false);
  });
});
