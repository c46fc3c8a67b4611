// Every place the LiteLLM proxy stores values encrypted with its salt key (encrypt_value_helper and its callers, late
// 2026), the one list `status`, `migrate`, `rotate` and the README go by. The first ones are covered: migrate and
// rotate rewrite them. The others are reported by status, and a rotation refuses while any of them holds a value
// under the salt key: rewriting them needs the proxy's own rules for each, which this API does not carry.
import { Credential } from '../database/entities/Credential';
import { ProxyModel } from '../database/entities/ProxyModel';
import { sql, trusted } from '../database/sql';
import { TABLES } from '../database/tables';
import { callbackVariables, everyString, namedStrings, snapshotParts, topLevelStrings } from './documentValues';
import { EntityRowRewriter } from './EntityRowRewriter';
import { JsonColumnRewriter } from './JsonColumnRewriter';
import type { SaltKeyLocation } from './SaltKeyLocation';

/** The proxy's tables that only this list needs (TABLES holds the ones the rest of the API uses). */
export const SALT_KEY_TABLES = {
  config: 'LiteLLM_Config',
  mcpServer: 'LiteLLM_MCPServerTable',
  mcpUserCredentials: 'LiteLLM_MCPUserCredentials',
  mcpUserEnvVars: 'LiteLLM_MCPUserEnvVars',
  mcpOAuthClients: 'LiteLLM_MCPServerOAuthClient',
  ssoIdentityAssertions: 'LiteLLM_SSOIdentityAssertion',
  userProviderCredentials: 'LiteLLM_UserProviderCredentials',
  ssoConfig: 'LiteLLM_SSOConfig',
  cacheConfig: 'LiteLLM_CacheConfig',
  configOverrides: 'LiteLLM_ConfigOverrides',
} as const;

/** The audit trail's snapshots of these tables hold their rows as stored, ciphertext included. */
const AUDITED_SECRET_TABLES = [TABLES.proxyModel, TABLES.teamModelAliases, TABLES.credentials];

const configRow = (paramName: string) => ({ description: `param_name = '${paramName}'`, condition: sql`param_name = ${paramName}` });
const auditedSecretRows = {
  description: 'entries of models and credentials',
  condition: trusted(`table_name IN (${AUDITED_SECRET_TABLES.map((name) => `'${name}'`).join(', ')})`),
};
const auditSnapshot = snapshotParts(['litellm_params', 'credential_values']);

export const COVERED_LOCATIONS: readonly SaltKeyLocation[] = [
  {
    table: TABLES.proxyModel,
    column: 'litellm_params',
    idColumn: 'model_id',
    selector: topLevelStrings,
    holds: 'every string value of a model deployment (api_key, api_base, vertex_credentials, …)',
    rewriter: new EntityRowRewriter(ProxyModel, 'modelId', (model, params) => (model.litellmParams = params)),
  },
  {
    table: TABLES.credentials,
    column: 'credential_values',
    idColumn: 'credential_id',
    selector: topLevelStrings,
    holds: 'every string value of a stored credential',
    rewriter: new EntityRowRewriter(Credential, 'credentialId', (credential, values) => (credential.credentialValues = values)),
  },
  {
    table: SALT_KEY_TABLES.config,
    column: 'param_value',
    idColumn: 'param_name',
    rows: configRow('environment_variables'),
    selector: topLevelStrings,
    holds: 'every environment variable set through the proxy UI',
    rewriter: new JsonColumnRewriter('object'),
  },
  // Last: a run's own audit rows, written when the rows above change, hold the old values in before_value.
  {
    table: TABLES.auditLog,
    column: 'before_value',
    idColumn: 'id',
    rows: auditedSecretRows,
    selector: auditSnapshot,
    holds: 'litellm_params and credential_values in the snapshots of models and credentials before a change',
    rewriter: new JsonColumnRewriter('as stored'),
  },
  {
    table: TABLES.auditLog,
    column: 'updated_values',
    idColumn: 'id',
    rows: auditedSecretRows,
    selector: auditSnapshot,
    holds: 'litellm_params and credential_values in the snapshots of models and credentials after a change',
    rewriter: new JsonColumnRewriter('as stored'),
  },
];

export const UNCOVERED_LOCATIONS: readonly SaltKeyLocation[] = [
  {
    table: SALT_KEY_TABLES.config,
    column: 'param_value',
    idColumn: 'param_name',
    rows: configRow('vantage_settings'),
    selector: namedStrings(['api_key', 'integration_token']),
    holds: 'the Vantage cost export api_key and integration_token',
  },
  {
    table: SALT_KEY_TABLES.config,
    column: 'param_value',
    idColumn: 'param_name',
    rows: configRow('cloudzero_settings'),
    selector: namedStrings(['api_key']),
    holds: 'the CloudZero cost export api_key',
  },
  {
    table: TABLES.team,
    column: 'metadata',
    idColumn: 'team_id',
    selector: callbackVariables,
    holds: 'team logging callback variables (callback_vars, marked litellm_enc::)',
  },
  {
    table: TABLES.verificationToken,
    column: 'metadata',
    idColumn: 'token',
    selector: callbackVariables,
    holds: 'key logging callback variables (callback_vars, marked litellm_enc::)',
  },
  ...(['credentials', 'env', 'env_vars'] as const).map(
    (column): SaltKeyLocation => ({
      table: SALT_KEY_TABLES.mcpServer,
      column,
      idColumn: 'server_id',
      selector: everyString(column),
      holds: 'MCP server credentials and environment',
    }),
  ),
  {
    table: SALT_KEY_TABLES.mcpOAuthClients,
    column: 'credentials',
    idColumn: 'id',
    selector: everyString('credentials'),
    holds: 'MCP OAuth client credentials',
  },
  {
    table: SALT_KEY_TABLES.mcpUserCredentials,
    column: 'credential_b64',
    idColumn: 'id',
    selector: everyString('credential_b64'),
    holds: "users' own MCP server credentials",
  },
  {
    table: SALT_KEY_TABLES.mcpUserEnvVars,
    column: 'values_b64',
    idColumn: 'id',
    selector: everyString('values_b64'),
    holds: "users' own MCP server environment variables",
  },
  {
    table: SALT_KEY_TABLES.userProviderCredentials,
    column: 'credential_b64',
    idColumn: 'id',
    selector: everyString('credential_b64'),
    holds: "users' own provider connections (a GitHub Copilot token)",
  },
  {
    table: SALT_KEY_TABLES.ssoIdentityAssertions,
    column: 'assertion_b64',
    idColumn: 'id',
    selector: everyString('assertion_b64'),
    holds: 'SSO identity assertions',
  },
  ...(
    [
      [SALT_KEY_TABLES.ssoConfig, 'sso_settings', 'SSO settings saved in the UI (client secrets)'],
      [SALT_KEY_TABLES.cacheConfig, 'cache_settings', 'cache settings saved in the UI (a Redis password)'],
      [SALT_KEY_TABLES.configOverrides, 'config_value', 'settings overridden in the UI (a Vault token)'],
    ] as const
  ).map(([table, column, holds]): SaltKeyLocation => ({ table, column, idColumn: table === SALT_KEY_TABLES.configOverrides ? 'config_type' : 'id', selector: topLevelStrings, holds })),
];

export const SALT_KEY_LOCATIONS: readonly SaltKeyLocation[] = [...COVERED_LOCATIONS, ...UNCOVERED_LOCATIONS];
