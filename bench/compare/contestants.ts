// How each contestant is started over the benchmark database, and what a request to it carries.
import path from 'node:path';
import type { ChildServerOptions } from './childServer';

export type ContestantName = 'ours' | 'postgraphile4' | 'postgraphile5' | 'ceiling';

export interface ContestantSetup {
  databaseUrl: string;
  masterKey: string;
  port: number;
  /** Connections each server may open to PostgreSQL: the same for all of them. */
  poolSize: number;
  workDir: string;
  /** Write a V8 CPU profile of the server into this folder. */
  cpuProfileDir?: string;
}

export interface Contestant {
  name: ContestantName;
  /** The column heading in the results. */
  label: string;
  server(setup: ContestantSetup): Omit<ChildServerOptions, 'logFile'>;
  headers(setup: ContestantSetup): Record<string, string>;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const REPOSITORY_ROOT = path.resolve(__dirname, '../../..');
/** Each PostGraphile lives in a folder of its own with its own lockfile: v4 needs graphql 15, v5 declares Node >= 22. */
export const POSTGRAPHILE4_DIR = path.join(REPOSITORY_ROOT, 'bench/compare/postgraphile');
export const POSTGRAPHILE5_DIR = path.join(REPOSITORY_ROOT, 'bench/compare/postgraphile5');

const answers = (method: 'GET' | 'POST', route: string, body?: string) => async (baseUrl: string) =>
  (await fetch(`${baseUrl}${route}`, { method, headers: JSON_HEADERS, body })).ok;

const profileArgs = (setup: ContestantSetup) => (setup.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', setup.cpuProfileDir] : []);

/** Every server gets the same pool, port, host and NODE_ENV=production. */
const serverEnv = (setup: ContestantSetup): NodeJS.ProcessEnv => ({
  ...process.env,
  NODE_ENV: 'production',
  DATABASE_URL: setup.databaseUrl,
  DATABASE_POOL_SIZE: String(setup.poolSize),
  HOST: '127.0.0.1',
  PORT: String(setup.port),
});

const graphqlIsReady = answers('POST', '/graphql', JSON.stringify({ query: '{ __typename }' }));

export const CONTESTANTS: Contestant[] = [
  {
    name: 'ours',
    label: 'ours',
    server: (setup) => ({
      name: 'our server',
      command: process.execPath,
      args: [...profileArgs(setup), path.join(REPOSITORY_ROOT, 'dist/src/main.js')],
      // Auth with the master key (also the salt key), masking always on, info logging; the work dir has no config.yaml.
      env: { ...serverEnv(setup), LITELLM_MASTER_KEY: setup.masterKey, LOG_LEVEL: 'info' },
      cwd: setup.workDir,
      port: setup.port,
      isReady: answers('GET', '/readyz'),
    }),
    headers: (setup) => ({ ...JSON_HEADERS, authorization: `Bearer ${setup.masterKey}` }),
  },
  {
    name: 'postgraphile4',
    label: 'PG v4',
    server: (setup) => ({
      name: 'PostGraphile v4',
      command: process.execPath,
      args: [
        ...profileArgs(setup),
        path.join(POSTGRAPHILE4_DIR, 'node_modules/postgraphile/cli.js'),
        '--connection', setup.databaseUrl,
        '--schema', 'public',
        '--host', '127.0.0.1',
        '--port', String(setup.port),
        '--max-pool-size', String(setup.poolSize),
        // Its documented production settings.
        '--dynamic-json',
        '--disable-graphiql',
        '--disable-query-log',
      ],
      env: serverEnv(setup),
      cwd: setup.workDir,
      port: setup.port,
      isReady: graphqlIsReady,
      // Its CLI exits on SIGINT and leaves SIGTERM to the default action.
      stopSignal: 'SIGINT',
    }),
    headers: () => JSON_HEADERS,
  },
  {
    name: 'postgraphile5',
    label: 'PG v5',
    server: (setup) => ({
      name: 'PostGraphile v5',
      command: process.execPath,
      args: [...profileArgs(setup), '-r', path.join(__dirname, 'promiseWithResolvers.js'), path.join(__dirname, 'postGraphile5Server.js')],
      env: serverEnv(setup),
      cwd: setup.workDir,
      port: setup.port,
      isReady: graphqlIsReady,
    }),
    headers: () => JSON_HEADERS,
  },
  {
    name: 'ceiling',
    label: 'ceiling',
    server: (setup) => ({
      name: 'the ceiling server',
      command: process.execPath,
      args: [...profileArgs(setup), path.join(__dirname, 'ceilingServer.js')],
      env: serverEnv(setup),
      cwd: setup.workDir,
      port: setup.port,
      isReady: answers('GET', '/healthz'),
    }),
    headers: () => JSON_HEADERS,
  },
];
