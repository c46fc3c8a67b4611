// No lost updates: concurrent changes to one model apply one after the other, each with its own audit row.
import { AtRestCipher } from '../../../src/crypto/AtRestCipher';
import { decryptLitellmParams } from '../../../src/crypto/litellmParamsAtRest';
import { addModel } from '../../support/fixtures';
import { testDatabaseKinds } from '../../support/testDatabases';
import { serverForEachFile, TEST_MASTER_KEY } from '../../support/testServer';
import { auditRowsOf } from '../../support/auditTrail';
import { PATCH_MODEL, storedModel, UPDATE_MODEL } from '../../support/modelApi';

const CIPHER = AtRestCipher.create({ saltKey: TEST_MASTER_KEY, algorithm: 'aes-256-gcm' });
const CONCURRENT_PATCHES = 50;
const CONCURRENT_UPDATES = 20;

const range = (count: number) => Array.from({ length: count }, (_, index) => index);

describe.each(testDatabaseKinds())('concurrent changes to one model on %s', (kind) => {
  const handle = serverForEachFile(kind);

  /** Decrypted litellm_params as stored. */
  async function storedParams(id: string): Promise<Record<string, unknown>> {
    return decryptLitellmParams((await storedModel(handle.server, id))!.litellm_params, CIPHER);
  }

  it(`${CONCURRENT_PATCHES} concurrent patchModel calls each adding a key leave all ${CONCURRENT_PATCHES} keys and as many audit rows`, async () => {
    const model = await addModel(handle.server, { litellmParams: { model: 'openai/gpt-4o' } });
    const responses = await Promise.all(
      range(CONCURRENT_PATCHES).map((index) =>
        handle.server.graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { [`patched_${index}`]: `value-${index}` } } }),
      ),
    );
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);

    const params = await storedParams(model.id);
    for (const index of range(CONCURRENT_PATCHES)) expect(params[`patched_${index}`]).toBe(`value-${index}`);
    expect(Object.keys(params)).toHaveLength(CONCURRENT_PATCHES + 1);
    expect(await auditRowsOf(handle.server, model.id, 'updated')).toHaveLength(CONCURRENT_PATCHES);
  });

  it(`${CONCURRENT_UPDATES} concurrent updateModel calls each adding a key leave all ${CONCURRENT_UPDATES} keys and as many audit rows`, async () => {
    const model = await addModel(handle.server, { litellmParams: { model: 'openai/gpt-4o', rpm: 1 } });
    const responses = await Promise.all(
      range(CONCURRENT_UPDATES).map((index) =>
        handle.server.graphql(UPDATE_MODEL, { input: { id: model.id, litellmParams: { [`updated_${index}`]: index, rpm: null } } }),
      ),
    );
    expect(responses.flatMap((response) => response.errors ?? [])).toEqual([]);

    const params = await storedParams(model.id);
    for (const index of range(CONCURRENT_UPDATES)) expect(params[`updated_${index}`]).toBe(index);
    expect(params).toMatchObject({ model: 'openai/gpt-4o', rpm: 1 });
    expect(await auditRowsOf(handle.server, model.id, 'updated')).toHaveLength(CONCURRENT_UPDATES);
  });

  it('concurrent patches and updates on one model interleave without losing either', async () => {
    const model = await addModel(handle.server, { litellmParams: { model: 'openai/gpt-4o' } });
    await Promise.all(
      range(10).flatMap((index) => [
        handle.server.graphql(PATCH_MODEL, { id: model.id, patch: { litellmParams: { [`p_${index}`]: index } } }),
        handle.server.graphql(UPDATE_MODEL, { input: { id: model.id, litellmParams: { [`u_${index}`]: index } } }),
      ]),
    );
    const params = await storedParams(model.id);
    expect(Object.keys(params).sort()).toEqual(['model', ...range(10).flatMap((index) => [`p_${index}`, `u_${index}`])].sort());
    expect(await auditRowsOf(handle.server, model.id, 'updated')).toHaveLength(20);
  });
});
