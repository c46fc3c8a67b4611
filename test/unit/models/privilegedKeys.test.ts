import type { AuthenticatedPrincipal } from '../../../src/access/Principal';
import { UserRole } from '../../../src/access/UserRole';
import { AtRestCipher } from '../../../src/crypto/AtRestCipher';
import { ApiError } from '../../../src/errors/ApiError';
import {
  assertMayChangePrivilegedKeys,
  changedPrivilegedKeys,
  NEW_MODEL_STATE,
  PRIVILEGED_KEYS,
  revealWith,
  type PrivilegedState,
} from '../../../src/models/privilegedKeys';

const CIPHER = AtRestCipher.create({ saltKey: 'sk-unit-salt-key', algorithm: 'aes-256-gcm' });
const reveal = revealWith(CIPHER);

const state = (litellmParams: Record<string, unknown> = {}, modelInfo: Record<string, unknown> = {}, blocked = false): PrivilegedState => ({ litellmParams, modelInfo, blocked });

const principal = (role: UserRole, isTeamAdmin = false): AuthenticatedPrincipal => ({ authenticated: true, userId: 'u', role, teamId: 't', isTeamAdmin, keyHash: 'h' });

describe('the privileged keys', () => {
  it('are exactly the stored credential, the AWS session tags, the access groups and blocked', () => {
    expect(PRIVILEGED_KEYS.map((key) => key.path)).toEqual(['litellm_params.litellm_credential_name', 'litellm_params.aws_session_tags', 'model_info.access_groups', 'blocked']);
  });

  it('sees no change between two states that differ only elsewhere', () => {
    expect(changedPrivilegedKeys(state({ rpm: 1 }, { note: 'a' }), state({ rpm: 2 }, { note: 'b' }), reveal)).toEqual([]);
  });

  it('compares the credential name decrypted: the same name under two ciphertexts is no change, another name is', () => {
    const before = state({ litellm_credential_name: CIPHER.encrypt('azure-prod') });
    expect(changedPrivilegedKeys(before, state({ litellm_credential_name: CIPHER.encrypt('azure-prod') }), reveal)).toEqual([]);
    expect(changedPrivilegedKeys(before, state({ litellm_credential_name: CIPHER.encrypt('azure-dev') }), reveal)).toEqual(['litellm_params.litellm_credential_name']);
    // Plaintext another writer left is read as it is, and compares with its encrypted form.
    expect(changedPrivilegedKeys(state({ litellm_credential_name: 'azure-prod' }), before, reveal)).toEqual([]);
  });

  it('without a cipher, compares stored values: a re-encrypted name counts as changed (fails closed)', () => {
    const before = state({ litellm_credential_name: CIPHER.encrypt('azure-prod') });
    expect(changedPrivilegedKeys(before, state({ litellm_credential_name: CIPHER.encrypt('azure-prod') }), revealWith(undefined))).toEqual(['litellm_params.litellm_credential_name']);
    expect(changedPrivilegedKeys(before, before, revealWith(undefined))).toEqual([]);
  });

  it('counts setting and removing as changes, and an absent key the same as null', () => {
    expect(changedPrivilegedKeys(NEW_MODEL_STATE, state({}, { access_groups: ['premium'] }), reveal)).toEqual(['model_info.access_groups']);
    expect(changedPrivilegedKeys(state({}, { access_groups: ['premium'] }), state(), reveal)).toEqual(['model_info.access_groups']);
    expect(changedPrivilegedKeys(state({}, { access_groups: null }), state(), reveal)).toEqual([]);
    expect(changedPrivilegedKeys(state(), state({}, {}, true), reveal)).toEqual(['blocked']);
  });

  it('compares access groups and session tags as sets, as the proxy compares session tags', () => {
    const tags = [
      { Key: 'a', Value: '1' },
      { Key: 'b', Value: '2' },
    ];
    expect(changedPrivilegedKeys(state({ aws_session_tags: tags }, { access_groups: ['x', 'y'] }), state({ aws_session_tags: [...tags].reverse() }, { access_groups: ['y', 'x', 'y'] }), reveal)).toEqual([]);
    expect(changedPrivilegedKeys(state({ aws_session_tags: tags }), state({ aws_session_tags: [tags[0], { Key: 'b', Value: '3' }] }), reveal)).toEqual(['litellm_params.aws_session_tags']);
    expect(changedPrivilegedKeys(state({ aws_session_tags: tags }), state({ aws_session_tags: [...tags, { Key: 'a', Value: '1', Extra: 'x' }] }), reveal)).toEqual(['litellm_params.aws_session_tags']);
    // A value of another shape is compared as it is.
    expect(changedPrivilegedKeys(state({}, { access_groups: 'x' }), state({}, { access_groups: ['x'] }), reveal)).toEqual(['model_info.access_groups']);
  });

  it('reads JSON text as a change set holds it, and a value that is not a JSON object as holding none of the keys', () => {
    const asText: PrivilegedState = { litellmParams: JSON.stringify({ aws_session_tags: [{ Key: 'a', Value: '1' }] }), modelInfo: '{"access_groups":["x"]}', blocked: false };
    expect(changedPrivilegedKeys(asText, state({ aws_session_tags: [{ Key: 'a', Value: '1' }] }, { access_groups: ['x'] }), reveal)).toEqual([]);
    expect(changedPrivilegedKeys({ ...NEW_MODEL_STATE, modelInfo: 'not json' }, state({}, { access_groups: ['x'] }), reveal)).toEqual(['model_info.access_groups']);
  });

  it('lets only proxy admins change them, naming every key changed', () => {
    expect(() => assertMayChangePrivilegedKeys(principal(UserRole.PROXY_ADMIN), ['blocked'])).not.toThrow();
    expect(() => assertMayChangePrivilegedKeys(principal(UserRole.INTERNAL_USER, true), [])).not.toThrow();
    for (const caller of [principal(UserRole.INTERNAL_USER, true), principal(UserRole.PROXY_ADMIN_VIEWER), principal(UserRole.ORG_ADMIN)]) {
      let error: unknown;
      try {
        assertMayChangePrivilegedKeys(caller, ['model_info.access_groups', 'blocked']);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: 'FORBIDDEN', message: 'Only a proxy admin may set, change or remove model_info.access_groups, blocked.' });
    }
  });
});
