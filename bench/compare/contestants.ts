// How each contestant is started over the benchmark database, and what a request to it carries.
import path from 'node:path';
import type { ContestantName } from './benchCases';
import type { ChildServerOptions } from './childServer';

export interface ContestantSetup {
  databaseUrl: string;
  masterKey: string;
  port: number;
  /** Connections each server may open to PostgreSQL: the same for all of them. */
  poolSize: number;
  workDir: string;
  /** Write a V8 CPU profile of our server into this folder. */
  cpuProfileDir?: string;
}

export interface Contestant {
  name: ContestantName;
  server(setup: ContestantSetup): Omit<ChildServerOptions, 'logFile'>;
  headers(setup: ContestantSetup): Record<string, string>;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const REPOSITORY_ROOT = path.resolve(__dirname, '../../..');
export const POSTGRAPHILE_DIR = path.join(REPOSITORY_ROOT, 'bench/compare/postgraphile');

const answers = (method: 'GET' | 'POST', route: string, body?: string) => async (baseUrl: string) =>
  (await fetch(`${baseUrl}${route}`, { method, headers: JSON_HEADERS, body })).ok;

export const CONTESTANTS: Contestant[] = [
  {
    name: 'ours',
    server: (setup) => ({
      name: 'our server',
      command: process.execPath,
      args: [...(setup.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', setup.cpuProfileDir] : []), path.join(REPOSITORY_ROOT, 'dist/src/main.js')],
      // Production mode, auth with the master key, masking always on; the work dir has no config.yaml.
      env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: setup.databaseUrl, DATABASE_POOL_SIZE: String(setup.poolSize), LITELLM_MASTER_KEY: setup.masterKey, HOST: '127.0.0.1', PORT: String(setup.port) },
      cwd: setup.workDir,
      port: setup.port,
      isReady: answers('GET', '/readyz'),
    }),
    headers: (setup) => ({ ...JSON_HEADERS, authorization: `Bearer ${setup.masterKey}` }),
  },
  {
    name: 'PostGraphile',
    server: (setup) => ({
      name: 'PostGraphile',
      command: process.execPath,
      args: [
        path.join(POSTGRAPHILE_DIR, 'node_modules/postgraphile/cli.js'),
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
      env: { ...process.env, NODE_ENV: 'production' },
      cwd: setup.workDir,
      port: setup.port,
      isReady: answers('POST', '/graphql', JSON.stringify({ query: '{ __typename }' })),
    }),
    headers: () => JSON_HEADERS,
  },
  scriptServer('ceiling', 'the ceiling server', 'ceilingServer.js'),
  scriptServer('apolloFloor', 'the Apollo floor server', 'apolloFloorServer.js'),
];

/** A reference server of this folder: a node script given the database, its pool size and its port. */
function scriptServer(name: ContestantName, description: string, script: string): Contestant {
  return {
    name,
    server: (setup) => ({
      name: description,
      command: process.execPath,
      args: [path.join(__dirname, script)],
      env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: setup.databaseUrl, DATABASE_POOL_SIZE: String(setup.poolSize), PORT: String(setup.port) },
      cwd: setup.workDir,
      port: setup.port,
      isReady: answers('GET', '/healthz'),
    }),
    headers: () => JSON_HEADERS,
  };
}
