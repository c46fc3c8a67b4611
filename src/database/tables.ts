// Table names, once: the proxy's exactly as Prisma created them (case-sensitive, quoted in SQL), and our own.
export const TABLES = {
  proxyModel: 'LiteLLM_ProxyModelTable',
  auditLog: 'LiteLLM_AuditLog',
  team: 'LiteLLM_TeamTable',
  teamModelAliases: 'LiteLLM_ModelTable',
  user: 'LiteLLM_UserTable',
  verificationToken: 'LiteLLM_VerificationToken',
  credentials: 'LiteLLM_CredentialsTable',
} as const;

export type TableName = (typeof TABLES)[keyof typeof TABLES];

/** Tables of ours, beside the proxy's: never a column added to one of its tables. */
export const OWN_TABLES = {
  /** The proxy tables this API created itself (on a database of its own), and so may bring to the current shape. */
  ownedProxyTables: 'model_admin_graphql_owned_tables',
  /** Which audit entry each restoreModel put back: AuditLog.restoredFrom. */
  restores: 'model_admin_graphql_restores',
} as const;
