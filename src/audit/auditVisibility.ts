// Which audit entries a caller may read: proxy admins and viewers every entry; a team admin the entries of their
// team's models, by the team the model had before or after the change. One rule, as a check on an entry read and as
// the SQL condition of a list, both built from the caller's TeamScope.
import { scopeAllows, scopeCondition, type TeamScope } from '../access/TeamScope';
import { SQL_FUNCTIONS } from '../database/schema/sqlFunctions';
import { sql, trusted, type SqlFragment } from '../database/sql';
import { TABLES } from '../database/tables';
import { decodeStoredJson, isJsonObject } from '../database/types/storedJson';
import { ownerTeamOfSnapshot, snapshotOwnerTeamSql } from '../models/ownerTeam';

/** The parts of an entry the rule reads. */
export interface AuditEntryFacts {
  tableName: string;
  beforeValue: unknown;
  updatedValues: unknown;
}

/**
 * Model history: entries of LiteLLM_ProxyModelTable, and those older proxies wrote as LiteLLM_ModelTable. That is
 * also the name of the team alias table, whose own entries (written by this API) are not model history: their
 * snapshots are alias rows, with an `aliases` column.
 */
export function isModelAuditEntry(entry: AuditEntryFacts): boolean {
  if (entry.tableName === TABLES.proxyModel) return true;
  if (entry.tableName !== TABLES.teamModelAliases) return false;
  const snapshot = decodeStoredJson(entry.updatedValues ?? entry.beforeValue);
  return !(isJsonObject(snapshot) && 'aliases' in snapshot);
}

const SNAPSHOT = trusted(`${SQL_FUNCTIONS.decodedJson}(coalesce(updated_values, before_value))`);

/** isModelAuditEntry in SQL. */
export const MODEL_AUDIT_ENTRY: SqlFragment = sql`(table_name = ${TABLES.proxyModel} OR (table_name = ${TABLES.teamModelAliases} AND NOT coalesce(jsonb_typeof(${SNAPSHOT}) = 'object' AND ${SNAPSHOT} ? 'aliases', false)))`;

export function auditEntryVisible(scope: TeamScope, entry: AuditEntryFacts): boolean {
  if (scope.all) return true;
  return isModelAuditEntry(entry) && (scopeAllows(scope, ownerTeamOfSnapshot(entry.updatedValues)) || scopeAllows(scope, ownerTeamOfSnapshot(entry.beforeValue)));
}

/** auditEntryVisible in SQL; undefined when the scope lets every entry through. */
export function auditVisibilityCondition(scope: TeamScope): SqlFragment | undefined {
  if (scope.all) return undefined;
  return sql`(${MODEL_AUDIT_ENTRY} AND (${scopeCondition(scope, snapshotOwnerTeamSql('updated_values'))} OR ${scopeCondition(scope, snapshotOwnerTeamSql('before_value'))}))`;
}
