import { MikroORM } from '@mikro-orm/postgresql';
import { Migration20261126000000_ProxyTables } from '../../../src/database/migrations/Migration20261126000000_ProxyTables';
import { LIFT_STATEMENT_TIMEOUT_SQL } from '../../../src/database/migrations/proxySchema';
import { ormOptions } from '../../../src/database/ormOptions';

// Never connects: the migration only collects its statements here.
const orm = MikroORM.initSync(ormOptions({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none', poolSize: 1 }));

describe('the proxy tables migration', () => {
  it('first lifts the statement timeout for its transaction, so an index over a large audit table is not cancelled', async () => {
    const migration = new Migration20261126000000_ProxyTables(orm.em.getDriver(), orm.config);
    await migration.up();
    const [first, ...rest] = migration.getQueries();
    expect(first).toBe(LIFT_STATEMENT_TIMEOUT_SQL);
    expect(LIFT_STATEMENT_TIMEOUT_SQL).toMatch(/^SET LOCAL statement_timeout = 0$/);
    expect(rest.length).toBeGreaterThan(0);
  });
});
