// `npm run bench:subscriptions [-- --embedded]`: how many idle subscribers one instance holds within 100 MiB of extra
// resident memory, and how long a committed change takes to reach 1,000 of them. The compiled server runs as a user
// runs it (node dist/src/main.js) on a fresh PostgreSQL database (BENCH_DATABASE_URL, default the local test server)
// or, with --embedded, on its embedded database; the subscribers are graphql-ws connections from this process, one
// `modelChanged` subscription each (the dashboard case: the heaviest per subscriber).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import WebSocket from 'ws';
import { log, median, runBench } from './benchSupport';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const EMBEDDED = process.argv.includes('--embedded');
const MASTER_KEY = 'sk-bench-master-key-0123456789';
const MAIN = path.join(__dirname, '../src/main.js');
/** The memory budget the issue names. */
const EXTRA_RSS_BUDGET_MIB = 100;
/** Subscribers opened between two memory readings. */
const BATCH = 500;
/** This process and the server each have a file descriptor limit; stay below it. */
const MAX_SUBSCRIBERS = Number(process.env.BENCH_MAX_SUBSCRIBERS ?? Math.min(9_000, Number(readFileSync('/proc/self/limits', 'utf8').match(/Max open files\s+(\d+)/)?.[1] ?? 9_000) - 1_000));
const DELIVERY_SUBSCRIBERS = 1_000;
const DELIVERY_CHANGES = 30;
const SETTLE_MS = 2_000;
const QUERY = 'subscription { modelChanged { action modelId model { id modelName } } }';

interface Subscriber {
  socket: WebSocket;
  /** Called with performance.now() of every event it receives. */
  onEvent?: (at: number) => void;
}

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startServer(env: Record<string, string>, cwd: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: { ...process.env, NODE_OPTIONS: '', PORT: String(port), HOST: '127.0.0.1', LITELLM_MASTER_KEY: MASTER_KEY, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 1_200; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { child, url };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error('the server did not start');
}

async function graphql(url: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER_KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

function openSubscriber(url: string): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const subscriber: Subscriber = { socket };
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${MASTER_KEY}` } })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY } }));
        resolve(subscriber);
      } else if (message.type === 'next') subscriber.onEvent?.(performance.now());
      else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    });
    socket.once('close', (code) => reject(new Error(`closed with ${code} before it was acknowledged`)));
  });
}

async function openMany(url: string, count: number): Promise<Subscriber[]> {
  const opened: Subscriber[] = [];
  // A few dozen handshakes at a time: the server's accept queue is not what is measured.
  for (let start = 0; start < count; start += 50) opened.push(...(await Promise.all(Array.from({ length: Math.min(50, count - start) }, () => openSubscriber(url)))));
  return opened;
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mag-bench-live-'));
  const databaseName = `mag_bench_live_${randomBytes(4).toString('hex')}`;
  const admin = EMBEDDED ? undefined : new Client({ connectionString: ADMIN_URL });
  let server: { child: ChildProcess; url: string } | undefined;
  try {
    const env: Record<string, string> = { DATA_DIR: dataDir, LIVE_MAX_CONNECTIONS_PER_KEY: String(MAX_SUBSCRIBERS + 100) };
    if (admin) {
      await admin.connect();
      await admin.query(`CREATE DATABASE "${databaseName}"`);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${databaseName}`;
      env.DATABASE_URL = url.toString();
    }
    server = await startServer(env, dataDir);
    const { url } = server;
    const pid = server.child.pid!;
    const { addModel } = await graphql(url, 'mutation { addModel(input: { modelName: "bench-live", litellmParams: { model: "openai/gpt-4o", api_key: "sk-bench-0123456789abcdef" } }) { id } }');

    // Warm the paths an event takes (one subscriber, a few changes), then read the idle baseline.
    const warm = await openSubscriber(url);
    for (let change = 0; change < 5; change += 1) await graphql(url, 'mutation ($id: ID!, $n: Int!) { patchModel(id: $id, patch: { modelInfo: { n: $n } }) { id } }', { id: addModel.id, n: change });
    warm.socket.close();
    await sleep(SETTLE_MS);
    const baseline = rssMiB(pid);
    log(`server idle RSS before any subscriber: ${baseline.toFixed(1)} MiB (${EMBEDDED ? 'embedded PGlite in the server process' : 'PostgreSQL'})`);

    const subscribers: Subscriber[] = [];
    const readings: { subscribers: number; extraMiB: number }[] = [];
    while (subscribers.length < MAX_SUBSCRIBERS) {
      subscribers.push(...(await openMany(url, Math.min(BATCH, MAX_SUBSCRIBERS - subscribers.length))));
      await sleep(SETTLE_MS);
      const extraMiB = rssMiB(pid) - baseline;
      readings.push({ subscribers: subscribers.length, extraMiB });
      log(`${String(subscribers.length).padStart(6)} idle subscribers: +${extraMiB.toFixed(1)} MiB RSS`);
      if (extraMiB > EXTRA_RSS_BUDGET_MIB) break;
    }
    const within = readings.filter((reading) => reading.extraMiB <= EXTRA_RSS_BUDGET_MIB).at(-1);
    const last = readings.at(-1)!;
    const perSubscriberKiB = (last.extraMiB * 1024) / last.subscribers;
    log(
      `held within +${EXTRA_RSS_BUDGET_MIB} MiB: ${within ? within.subscribers : 0} subscribers measured` +
        (last.extraMiB <= EXTRA_RSS_BUDGET_MIB ? ` (the most this run opens; at ${perSubscriberKiB.toFixed(1)} KiB each, about ${Math.floor((EXTRA_RSS_BUDGET_MIB * 1024) / perSubscriberKiB)} would fit)` : '') +
        `; ${perSubscriberKiB.toFixed(1)} KiB per subscriber at ${last.subscribers}`,
    );

    // Delivery to 1,000: close the rest, then time each change from the mutation's response to the 1,000th receipt.
    for (const subscriber of subscribers.splice(DELIVERY_SUBSCRIBERS)) subscriber.socket.close();
    await sleep(SETTLE_MS);
    const toFirst: number[] = [];
    const toLast: number[] = [];
    for (let change = 0; change < DELIVERY_CHANGES; change += 1) {
      const arrivals: number[] = [];
      const allHeard = new Promise<void>((resolve) => {
        for (const subscriber of subscribers) {
          subscriber.onEvent = (at) => {
            arrivals.push(at);
            if (arrivals.length === subscribers.length) resolve();
          };
        }
      });
      await graphql(url, 'mutation ($id: ID!, $n: Int!) { patchModel(id: $id, patch: { modelInfo: { n: $n } }) { id } }', { id: addModel.id, n: 100 + change });
      const answeredAt = performance.now();
      await Promise.race([allHeard, sleep(30_000).then(() => Promise.reject(new Error(`only ${arrivals.length} of ${subscribers.length} heard change ${change}`)))]);
      toFirst.push(Math.min(...arrivals) - answeredAt);
      toLast.push(Math.max(...arrivals) - answeredAt);
    }
    log(
      `delivery to ${subscribers.length} subscribers over ${DELIVERY_CHANGES} changes, from the mutation's response: ` +
        `first subscriber p50 ${median(toFirst).toFixed(0)} ms; all ${subscribers.length} p50 ${median(toLast).toFixed(0)} ms, p99 ${percentile(toLast, 0.99).toFixed(0)} ms`,
    );
    log(`load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs; Node ${process.version}`);
    for (const subscriber of subscribers) subscriber.socket.close();
  } finally {
    server?.child.kill('SIGTERM');
    if (server) await new Promise((resolve) => server!.child.once('exit', resolve));
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench('bench:subscriptions', main);
