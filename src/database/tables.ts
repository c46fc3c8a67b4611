// The proxy's table names, exactly as Prisma created them (case-sensitive, quoted in SQL).
export const TABLES = {
  proxyModel: 'LiteLLM_ProxyModelTable',
  auditLog: 'LiteLLM_AuditLog',
  team: 'LiteLLM_TeamTable',
  teamModelAliases: 'LiteLLM_ModelTable',
  user: 'LiteLLM_UserTable',
  verificationToken: 'LiteLLM_VerificationToken',
} as const;

export type TableName = (typeof TABLES)[keyof typeof TABLES];
