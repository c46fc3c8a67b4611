// The optional parts of the proxy's schema a database has: the code adapts to the columns it finds.
import { TABLES } from '../tables';
import type { DatabaseTables } from './DatabaseTables';

export interface SchemaFacts {
  /** LiteLLM_ProxyModelTable.blocked: current proxies have it, older ones do not. */
  modelBlockedColumn: boolean;
  /** LiteLLM_CredentialsTable: current proxies have it, older ones do not. */
  credentialsTable: boolean;
}

/** A database of our own, or a current proxy's. */
export const CURRENT_PROXY_SCHEMA: SchemaFacts = { modelBlockedColumn: true, credentialsTable: true };

export function schemaFactsOf(tables: DatabaseTables): SchemaFacts {
  return {
    modelBlockedColumn: tables.columnsByTable.get(TABLES.proxyModel)?.has('blocked') ?? false,
    credentialsTable: tables.columnsByTable.has(TABLES.credentials),
  };
}
