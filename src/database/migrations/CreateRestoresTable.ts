// Creates our table of restores: which audit entry each restoreModel wrote, and which entry it put back. A table of
// our own beside the proxy's, never a column added to LiteLLM_AuditLog; no foreign key to it either, so the proxy may
// prune its audit trail as it likes.
import { Migration } from '@mikro-orm/migrations';
import { OWN_TABLES } from '../tables';

export const CREATE_RESTORES_TABLE_SQL = `CREATE TABLE IF NOT EXISTS "${OWN_TABLES.restores}" (
  "audit_log_id" TEXT NOT NULL PRIMARY KEY,
  "restored_from_audit_log_id" TEXT NOT NULL,
  "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
)`;

export class CreateRestoresTable extends Migration {
  override async up(): Promise<void> {
    this.addSql(CREATE_RESTORES_TABLE_SQL);
  }
}
