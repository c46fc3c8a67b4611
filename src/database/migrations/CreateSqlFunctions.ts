// Creates (or replaces) our SQL functions: objects of our own, none of them in the proxy's tables.
import { Migration } from '@mikro-orm/migrations';
import { SQL_FUNCTION_DEFINITIONS } from '../schema/sqlFunctions';

export class CreateSqlFunctions extends Migration {
  override async up(): Promise<void> {
    for (const statement of SQL_FUNCTION_DEFINITIONS) this.addSql(statement);
  }
}
