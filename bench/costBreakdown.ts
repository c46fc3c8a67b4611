// `npm run bench:breakdown`: where the CPU of a request goes, in parts measured on their own, to read beside
// `npm run bench`. In this process, over a fresh PostgreSQL database (BENCH_DATABASE_URL, default the local
// `test` one): the write path of addModel layer by layer (a bare knex transaction, the same with two INSERTs,
// MikroORM's transactional, our audited unit of work creating a model) and one SELECT through em.execute and
// through readRows. Then, over HTTP, a bare Apollo Server answering `{ hello }`: the floor under every request,
// with and without Node 20's promise hooks (which an AsyncLocalStorage in use switches on).
// Each figure is CPU microseconds per operation (process.cpuUsage), 10 operations in flight, median of rounds.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { MikroORM } from '@mikro-orm/postgresql';
import { auditedTransaction } from '../src/request/auditedTransaction';
import { AccessGuard } from '../src/access/AccessGuard';
import type { AuthenticatedPrincipal } from '../src/access/Principal';
import { UserRole } from '../src/access/UserRole';
import { ProxyModel } from '../src/database/entities/ProxyModel';
import { ormOptions } from '../src/database/ormOptions';
import { readRows } from '../src/database/readRows';
import { sql } from '../src/database/sql';
import { TABLES } from '../src/database/tables';
import { createBenchDatabase, migrate } from './compare/benchDatabase';
import { freePort, startChildServer, stopAllChildren } from './compare/childServer';
import { log, median, runBench } from './benchSupport';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const MASTER_KEY = 'sk-bench-breakdown-master-key-0123456789';
const IN_FLIGHT = 10;
const OPERATIONS_PER_ROUND = 1_000;
const ROUNDS = 7;
const HTTP_ROUNDS = 8;
const HTTP_ROUND_SECONDS = 2;

const principal: AuthenticatedPrincipal = { authenticated: true, userId: 'bench-user', role: UserRole.PROXY_ADMIN, teamId: null, isTeamAdmin: false, keyHash: 'bench' };

async function main(): Promise<void> {
  const database = await createBenchDatabase(process.env.BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL);
  try {
    await migrate(database.url, MASTER_KEY);
    const orm = await MikroORM.init(ormOptions({ databaseUrl: database.url, poolSize: IN_FLIGHT }));
    try {
      await measureInProcess(orm);
    } finally {
      await orm.close();
    }
    await measureBareApollo();
  } finally {
    await stopAllChildren();
    await database.drop();
  }
}

async function measureInProcess(orm: MikroORM): Promise<void> {
  const { em } = orm;
  const knex = em.getConnection().getKnex();
  const auditRow = () => `INSERT INTO "${TABLES.auditLog}" (id, action, table_name, object_id) VALUES ('${randomUUID()}', 'created', 'bench', 'bench')`;
  const select = `SELECT * FROM "${TABLES.auditLog}" WHERE id = ?`;
  const parts: [string, () => Promise<unknown>][] = [
    ['knex transaction, empty (BEGIN, COMMIT)', () => knex.transaction(async () => undefined)],
    ['knex transaction with two INSERTs', () => knex.transaction(async (trx) => { await trx.raw(auditRow()); await trx.raw(auditRow()); })],
    ['MikroORM em.transactional, empty', () => em.transactional(async () => undefined)],
    ['our unit of work: a model and its audit row', () => auditedTransaction(em, new AccessGuard(principal), async (fork) => fork.create(ProxyModel, newModel()))],
    ['one SELECT through em.execute', () => em.execute(select, [randomUUID()])],
    ['one SELECT through readRows', () => readRows(em, sql`SELECT * FROM ${sql`"LiteLLM_AuditLog"`} WHERE id = ${randomUUID()}`)],
  ];
  log(`In this process, PostgreSQL, ${IN_FLIGHT} in flight, median of ${ROUNDS} rounds of ${OPERATIONS_PER_ROUND}:`);
  for (const [label, operation] of parts) {
    await runOperations(operation, OPERATIONS_PER_ROUND); // warm-up
    const rounds: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const before = process.cpuUsage();
      await runOperations(operation, OPERATIONS_PER_ROUND);
      const used = process.cpuUsage(before);
      rounds.push((used.user + used.system) / OPERATIONS_PER_ROUND);
    }
    log(`  ${label.padEnd(46)} ${median(rounds).toFixed(0).padStart(6)} µs CPU/operation`);
  }
}

function newModel() {
  const id = randomUUID();
  return { modelId: id, modelName: `bench-${id}`, litellmParams: { model: 'openai/gpt-4o-mini' }, modelInfo: { id }, createdBy: 'bench-user', updatedBy: 'bench-user' };
}

async function runOperations(operation: () => Promise<unknown>, count: number): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (started < count) {
        started += 1;
        await operation();
      }
    }),
  );
}

/**
 * A bare Apollo Server answering `{ hello }`, twice over: as it is, and with one AsyncLocalStorage entered once
 * at start. On Node 20 that switches on async_hooks' promise hooks for every later promise of the process, and
 * MikroORM enters one in every em.transactional: after its first write our server always runs that way.
 * Both servers in alternating rounds; the median of the per-round CPU ratios.
 */
async function measureBareApollo(): Promise<void> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'mag-bench-breakdown-'));
  const variants = [
    { label: 'bare Apollo Server 5, { hello }', env: {} },
    { label: '  the same with promise hooks on', env: { WITH_ASYNC_LOCAL_STORAGE: '1' } },
  ];
  const servers = [];
  for (const [index, variant] of variants.entries()) {
    const port = await freePort();
    const server = await startChildServer({
      name: variant.label,
      command: process.execPath,
      args: [path.join(__dirname, 'bareApolloServer.js')],
      env: { ...process.env, ...variant.env, NODE_ENV: 'production', PORT: String(port) },
      cwd: workDir,
      logFile: path.join(workDir, `bare-apollo-${index}.log`),
      port,
      isReady: async (baseUrl) => (await fetch(`${baseUrl}/healthz`)).ok,
    });
    servers.push({ ...variant, server, cpuPerRequest: [] as number[], requestsPerSecond: [] as number[], failures: 0 });
  }
  const load = (baseUrl: string, duration: number) =>
    autocannon({ url: `${baseUrl}/graphql`, connections: IN_FLIGHT, duration, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ hello }' }) });
  for (const { server } of servers) await load(server.baseUrl, 3);
  for (let round = 0; round < HTTP_ROUNDS; round += 1) {
    for (const entry of round % 2 ? [...servers].reverse() : servers) {
      const before = entry.server.cpuMs();
      const result = await load(entry.server.baseUrl, HTTP_ROUND_SECONDS);
      entry.cpuPerRequest.push((1000 * (entry.server.cpuMs() - before)) / result.requests.total);
      entry.requestsPerSecond.push(result.requests.average);
      entry.failures += result.non2xx + result.errors + result.timeouts;
    }
  }
  log(`Over HTTP, ${IN_FLIGHT} connections, ${HTTP_ROUNDS} alternating rounds of ${HTTP_ROUND_SECONDS} s, medians:`);
  for (const entry of servers) {
    const failures = entry.failures ? `, ${entry.failures} FAILED` : '';
    log(`  ${entry.label.padEnd(46)} ${median(entry.cpuPerRequest).toFixed(0).padStart(6)} µs CPU/request, ${Math.round(median(entry.requestsPerSecond))} req/s${failures}`);
  }
  const [plain, hooked] = servers;
  const ratios = plain.cpuPerRequest.map((cpu, round) => hooked.cpuPerRequest[round] / cpu);
  log(`  CPU/request with promise hooks on / off, per round: ${median(ratios).toFixed(2)}`);
  await Promise.all(servers.map(({ server }) => server.stop()));
}

runBench('bench:breakdown', main);
