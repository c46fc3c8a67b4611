// The composition root: database, ORM, migrations, GraphQL and HTTP, started and stopped in order.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { MikroORM } from '@mikro-orm/postgresql';
import { AccessGuard } from '../access/AccessGuard';
import { KeyRepository } from '../access/KeyRepository';
import { loadOrCreateMasterKey } from '../access/masterKeyFile';
import { extractApiKey, resolvePrincipal } from '../access/resolvePrincipal';
import { loadConfigFile, type ConfigFile } from '../config/configFileModels';
import { ConfigFileError } from '../errors/ConfigFileError';
import { CONFIG_ENCRYPTION_ALGORITHM_SETTING, ENV_ENCRYPTION_ALGORITHM_SETTING, redactDatabaseUrl, withConfigFileAlgorithm, type Settings } from '../config/settings';
import { AtRestCipher } from '../crypto/AtRestCipher';
import { hashApiKey } from '../crypto/hashApiKey';
import { PresentedValues } from '../crypto/PresentedValues';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../database/embedded/EmbeddedDatabase';
import type { OrmOptionsInput } from '../database/ormOptions';
import { RowMemos } from '../database/RowMemos';
import { readDatabaseTables } from '../database/schema/DatabaseTables';
import { schemaFactsOf, type SchemaFacts } from '../database/schema/SchemaFacts';
import { TABLES } from '../database/tables';
import { StartupError } from '../errors/StartupError';
import type { ApiContext, AppServices } from '../graphql/context';
import { RequestLoaders } from '../graphql/requestLoaders';
import type { LiveContext } from '../live/liveEvents';
import { createHttpServer, GRAPHQL_PATH } from '../server/createHttpServer';
import { createErrorFormatter } from '../server/formatError';
import { createInputGuardPlugin } from '../server/inputGuard';
import { DirectQueries } from '../server/directQueries';
import { CompiledOperations, jitGateway } from '../server/jitExecutor';
import type { Logger } from '../server/logger';
import { queryLimits } from '../server/queryLimits';
import { createRequestLogPlugin } from '../server/requestLog';
import { createSubscriptionServer } from '../server/subscriptionServer';
import { AUDIT_CHANNEL } from '../audit/auditAnnouncements';
import { listenerFor } from '../live/listenerFor';
import { LiveConnections } from '../live/LiveConnections';
import { LiveFeed } from '../live/LiveFeed';
import { DEFAULT_RECONNECT_BACKOFF } from '../live/NotificationListener';
import { buildApiSchema } from './buildApiSchema';
import { createOrm, type OrmServices } from './createOrm';

export interface RunningApp {
  url: string;
  orm: MikroORM;
  /** How queries were answered (its `answered` counts those that skipped Apollo's pipeline). */
  direct: DirectQueries;
  stop(): Promise<void>;
}

export const READINESS_TIMEOUT_MS = 2000;

export async function startApp(environmentSettings: Settings, logger: Logger): Promise<RunningApp> {
  const configFile = readConfigFile(environmentSettings);
  const settings = withConfigFileAlgorithm(environmentSettings, configFile.encryptionAlgorithm);
  const embedded = settings.databaseUrl ? undefined : await startEmbeddedDatabase(settings.dataDir);
  try {
    const masterKey = settings.masterKey ?? provideMasterKey(settings, embedded);
    const cipher = AtRestCipher.create({
      saltKey: settings.saltKey ?? masterKey,
      previousSaltKey: settings.previousSaltKey,
      algorithm: settings.encryptionAlgorithm.algorithm,
    });
    const { orm, schema } = embedded
      ? // The embedded database is one session whatever connects to it (npm run encryption too): nothing is prepared there.
        await connectAndMigrate({ databaseUrl: embedded.url, poolSize: 1, logger, preparedStatements: false }, { cipher })
      : await connectAndMigrate(
          {
            databaseUrl: settings.databaseUrl!,
            poolSize: settings.databasePoolSize,
            preparedStatements: settings.databasePreparedStatements,
            logger,
            // A statement outliving its request's deadline is of no use to anyone: PostgreSQL cancels it.
            statementTimeoutMs: settings.requestTimeoutMs,
          },
          { cipher },
        );
    // PGlite has no autovacuum: without fresh statistics its planner scans the audit log instead of using its indexes.
    if (embedded) await orm.em.getConnection().execute('ANALYZE');
    if (settings.encryptionAlgorithm.source === 'default') await warnWhenOlderProxyCannotRead(orm, schema, logger);
    const services: AppServices = {
      cipher,
      presentedValues: new PresentedValues(cipher),
      rowMemos: new RowMemos(),
      masterKeyHash: hashApiKey(masterKey),
      configModels: configFile.models,
      configFile: settings.configFile,
      schema,
    };
    return await serve(settings, logger, orm, services, embedded, embedded?.url ?? settings.databaseUrl!);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

function readConfigFile(settings: Settings): ConfigFile {
  if (!settings.configFile) return { models: [] };
  try {
    return loadConfigFile(settings.configFile);
  } catch (error) {
    if (error instanceof ConfigFileError) throw new StartupError(error.message);
    throw error;
  }
}

function provideMasterKey(settings: Settings, embedded: EmbeddedDatabase | undefined): string {
  if (!embedded) {
    throw StartupError.invalidSetting('LITELLM_MASTER_KEY', 'must be set when DATABASE_URL points at a real database');
  }
  const stored = loadOrCreateMasterKey(settings.dataDir);
  if (stored.generated) {
    process.stdout.write(
      `\nGenerated a master key for the embedded database (shown once, kept in ${stored.file}):\n\n  ${stored.key}\n\n`,
    );
  }
  return stored.key;
}

async function connectAndMigrate(options: OrmOptionsInput, services: OrmServices): Promise<{ orm: MikroORM; schema: SchemaFacts }> {
  let orm = await connect(options, services);
  try {
    await orm.getMigrator().up();
    const schema = schemaFactsOf(await readDatabaseTables((sql) => orm.em.getConnection().execute(sql)));
    if (schema.modelBlockedColumn) return { orm, schema };
    // An older proxy's schema: the ORM maps only the columns it has (the migration above cannot have changed that).
    await orm.close();
    orm = await connect({ ...options, schemaFacts: schema }, services);
    return { orm, schema };
  } catch (error) {
    await orm.close(true);
    throw error;
  }
}

async function connect(options: OrmOptionsInput, services: OrmServices): Promise<MikroORM> {
  try {
    const orm = await createOrm(options, services);
    await orm.em.getConnection().execute('select 1');
    return orm;
  } catch (cause) {
    throw StartupError.databaseUnreachable(redactDatabaseUrl(options.databaseUrl), cause);
  }
}

/**
 * With no algorithm configured, values are written as v3:gcm, which a proxy from before AES-GCM cannot read.
 * Such a database holds no v2:gcm/v3:gcm value and has no `blocked` column on its model table: say so once.
 */
async function warnWhenOlderProxyCannotRead(orm: MikroORM, schema: SchemaFacts, logger: Logger): Promise<void> {
  if (schema.modelBlockedColumn) return;
  const [{ versioned }] = await orm.em.getConnection().execute<{ versioned: boolean }[]>(
    `SELECT EXISTS (SELECT 1 FROM "${TABLES.proxyModel}" WHERE litellm_params::text LIKE '%v3:gcm:%' OR litellm_params::text LIKE '%v2:gcm:%') AS versioned`,
  );
  if (versioned) return;
  logger.warn(
    `Neither ${CONFIG_ENCRYPTION_ALGORITHM_SETTING} nor ${ENV_ENCRYPTION_ALGORITHM_SETTING} is set, so litellm_params are ` +
      'written as aes-256-gcm (v3:gcm:…), which proxies from before AES-GCM cannot read, and this database looks like ' +
      "such a proxy's (no v2:gcm/v3:gcm value, no blocked column). Set one of them to xsalsa20-poly1305 while such a " +
      'proxy shares the database, or to aes-256-gcm once it is upgraded.',
  );
}

async function serve(
  settings: Settings,
  logger: Logger,
  orm: MikroORM,
  services: AppServices,
  embedded: EmbeddedDatabase | undefined,
  databaseUrl: string,
): Promise<RunningApp> {
  let apollo: ApolloServer<ApiContext>;
  const schema = buildApiSchema();
  const operations = new CompiledOperations(schema);
  const direct = new DirectQueries(operations, logger);
  const resolveKey = (apiKey: string | undefined) => resolvePrincipal(apiKey, services.masterKeyHash, new KeyRepository(orm.em));
  const httpServer = createHttpServer({
    get apollo() {
      return apollo;
    },
    direct,
    logger,
    async createContext(request, requestId) {
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      // No fork per request: reads go through the repositories' SELECTs, and every change runs in
      // em.transactional, which forks its own unit of work.
      const { em } = orm;
      const principal = await resolveKey(extractApiKey(header));
      const context: ApiContext = {
        requestId,
        principal,
        access: principal.authenticated ? new AccessGuard(principal) : undefined,
        em,
        services,
        loaders: new RequestLoaders(() => context),
      };
      return context;
    },
    async checkReadiness() {
      await withTimeout(orm.em.getConnection().execute('select 1'), READINESS_TIMEOUT_MS);
    },
    graphiql: settings.graphiql,
    requestTimeoutMs: settings.requestTimeoutMs,
  });
  const limits = queryLimits();
  const formatError = createErrorFormatter(logger, !settings.production);
  // Subscriptions: one LISTEN per instance feeds every WebSocket subscriber of it (README "Live changes").
  const feed = new LiveFeed(orm.em, logger);
  const listener = await listenerFor(orm, databaseUrl, { channel: AUDIT_CHANNEL, handlers: feed.handlers, logger, backoff: DEFAULT_RECONNECT_BACKOFF });
  const connections = new LiveConnections(resolveKey, settings.live, logger);
  const subscriptions = createSubscriptionServer({
    httpServer,
    path: GRAPHQL_PATH,
    schema,
    connections,
    createContext(session, requestId) {
      const context: LiveContext = {
        requestId,
        principal: session.principal,
        access: new AccessGuard(session.principal),
        em: orm.em,
        services,
        loaders: new RequestLoaders<ApiContext>(() => context),
        live: { feed, connections, session },
      };
      return context;
    },
    limits,
    formatError,
    allowedOrigins: settings.live.allowedOrigins,
    logger,
  });
  apollo = new ApolloServer<ApiContext>({
    // Operations run compiled by graphql-jit (server/jitExecutor.ts), over the same schema and resolvers.
    gateway: jitGateway(operations, (request, document, operation) => direct.accept(request, document, operation)),
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: !settings.production,
    csrfPrevention: true,
    // One operation per HTTP request: a JSON array of operations would multiply every limit below.
    allowBatchedHttpRequests: false,
    // No automatic persisted queries: their cache would live in this process's memory, one per instance.
    persistedQueries: false,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    logger,
    // main.ts owns SIGTERM/SIGINT. Apollo's own handlers would call stop() a second time, concurrently,
    // and in @apollo/server 5.5.1 a concurrent stop() never resolves: the process would never exit.
    stopOnTerminationSignals: false,
    // GraphiQL is served by the HTTP layer (src/server/graphiql), not by Apollo's landing page.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      subscriptions.plugin,
      ApolloServerPluginLandingPageDisabled(),
      // No cache hints are used; the default cache-control plugin would still wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      createRequestLogPlugin(logger),
      ...limits.plugins,
      createInputGuardPlugin(),
    ],
  });
  await apollo.start();
  await listener.start();
  connections.start();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(settings.port, settings.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`;
  return {
    url,
    orm,
    direct,
    async stop() {
      direct.close();
      await apollo.stop();
      await listener.stop();
      await orm.close();
      await embedded?.stop();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}
