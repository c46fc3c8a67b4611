import { EntityIdentifier } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { rowSnapshot, snapshotColumns, type SnapshotColumn } from '../../../src/audit/auditSnapshot';
import { ProxyModel } from '../../../src/database/entities/ProxyModel';
import { Team } from '../../../src/database/entities/Team';
import { ormOptions } from '../../../src/database/ormOptions';

// Discovery only: initSync never connects, so the URL needs no server behind it.
const orm = MikroORM.initSync(ormOptions({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none', poolSize: 1 }));
const parseArray = (literal: string) => orm.em.getPlatform().unmarshallArray(literal);
afterAll(() => orm.close(true));

describe('snapshotColumns', () => {
  it("lists a model's columns by their column names, in declaration order", () => {
    expect(snapshotColumns(orm.getMetadata().get(ProxyModel.name))).toEqual([
      { property: 'modelId', column: 'model_id', encoding: 'plain' },
      { property: 'modelName', column: 'model_name', encoding: 'plain' },
      { property: 'litellmParams', column: 'litellm_params', encoding: 'json' },
      { property: 'modelInfo', column: 'model_info', encoding: 'json' },
      { property: 'blocked', column: 'blocked', encoding: 'plain' },
      { property: 'createdAt', column: 'created_at', encoding: 'date' },
      { property: 'createdBy', column: 'created_by', encoding: 'plain' },
      { property: 'updatedAt', column: 'updated_at', encoding: 'date' },
      { property: 'updatedBy', column: 'updated_by', encoding: 'plain' },
    ]);
  });

  it("includes a team's text arrays and the foreign key it owns", () => {
    const columns = snapshotColumns(orm.getMetadata().get(Team.name));
    expect(columns).toContainEqual({ property: 'models', column: 'models', encoding: 'array' });
    expect(columns).toContainEqual({ property: 'modelAliases', column: 'model_id', encoding: 'plain' });
  });
});

describe('rowSnapshot', () => {
  const columns: SnapshotColumn[] = [
    { property: 'modelId', column: 'model_id', encoding: 'plain' },
    { property: 'litellmParams', column: 'litellm_params', encoding: 'json' },
    { property: 'modelInfo', column: 'model_info', encoding: 'json' },
    { property: 'models', column: 'models', encoding: 'array' },
    { property: 'createdAt', column: 'created_at', encoding: 'date' },
    { property: 'modelAliases', column: 'alias_id', encoding: 'plain' },
  ];

  it('keys the row by column and turns JSON text back into the JSON stored, ciphertext untouched', () => {
    const row = rowSnapshot(
      columns,
      {
        modelId: 'm1',
        litellmParams: '{"model":"b64nonce+box==","rpm":60}',
        modelInfo: '{"id":"m1"}',
        models: '{gpt-4o,"a,b"}',
        createdAt: new Date('2026-01-02T03:04:05.678Z'),
        modelAliases: 7,
      },
      parseArray,
    );
    expect(row).toEqual({
      model_id: 'm1',
      litellm_params: { model: 'b64nonce+box==', rpm: 60 },
      model_info: { id: 'm1' },
      models: ['gpt-4o', 'a,b'],
      created_at: '2026-01-02T03:04:05.678Z',
      alias_id: 7,
    });
  });

  it('writes a column the snapshot lacks as null, so every row has every column', () => {
    expect(rowSnapshot(columns, { modelId: 'm1', modelInfo: null }, parseArray)).toEqual({
      model_id: 'm1',
      litellm_params: null,
      model_info: null,
      models: null,
      created_at: null,
      alias_id: null,
    });
  });

  it('accepts values already decoded: objects, arrays and ISO strings pass through', () => {
    const row = rowSnapshot(columns, { litellmParams: { a: 1 }, models: ['x'], createdAt: '2026-01-02T03:04:05.678Z' }, parseArray);
    expect(row).toMatchObject({ litellm_params: { a: 1 }, models: ['x'], created_at: '2026-01-02T03:04:05.678Z' });
  });

  it('resolves a foreign key to a row inserted in the same flush to its id', () => {
    expect(rowSnapshot(columns, { modelAliases: new EntityIdentifier(42) }, parseArray).alias_id).toBe(42);
  });
});
