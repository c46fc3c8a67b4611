import { hashApiKey } from '../../../src/crypto/hashApiKey';

describe('hashApiKey', () => {
  it('is the sha256 hex of the raw key, as LiteLLM_VerificationToken.token holds it', () => {
    // Computed independently with Python's hashlib.sha256(b"sk-1234").hexdigest().
    expect(hashApiKey('sk-1234')).toBe('88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b');
  });

  it('matches the FIPS 180-2 test vector for "abc"', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
