// The one migration body: reads what the database holds and runs proxyTablesPlan. It is idempotent, so every
// release that changes the plan lists it once more under a new name (see index.ts).
import { Migration } from '@mikro-orm/migrations';
import { readDatabaseTables } from '../schema/DatabaseTables';
import { proxyTablesPlan } from './proxyTablesPlan';

export class ReconcileProxyTables extends Migration {
  override async up(): Promise<void> {
    const tables = await readDatabaseTables((sql) => this.execute(sql));
    for (const statement of proxyTablesPlan(tables)) this.addSql(statement);
  }
}
