// Creates the proxy's tables where absent; on a database the proxy already created it only adds what is missing.
import { Migration } from '@mikro-orm/migrations';
import { LIFT_STATEMENT_TIMEOUT_SQL, PROXY_INDEXES, PROXY_TABLES, addMissingColumnsSql, createTableSql } from './proxySchema';

export class Migration20261126000000_ProxyTables extends Migration {
  override async up(): Promise<void> {
    // The server's connections cancel long statements (ormOptions' statementTimeoutMs); an index built over a
    // large existing audit table may take longer, so this transaction runs without the limit.
    this.addSql(LIFT_STATEMENT_TIMEOUT_SQL);
    for (const table of PROXY_TABLES) {
      this.addSql(createTableSql(table));
      for (const statement of addMissingColumnsSql(table)) this.addSql(statement);
    }
    for (const statement of PROXY_INDEXES) this.addSql(statement);
  }
}
