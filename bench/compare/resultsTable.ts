// The one results table (Markdown), and bench/RESULTS.md: the latest table, the machine and the date.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { CASES, type CaseName, type ContestantName } from './benchCases';

/** One contestant on one case, over all rounds. */
export interface CaseResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  /** The server process's CPU time per answered request: steadier than req/s on a busy machine. */
  cpuMsPerRequest: number;
}

export interface BenchResults {
  contestants: ContestantName[];
  byCase: Partial<Record<CaseName, Partial<Record<ContestantName, CaseResult>>>>;
  peakRssBytes: Partial<Record<ContestantName, number>>;
}

export interface RunConditions {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  postgresVersion: string;
  seed: string;
}

export function resultsTable({ contestants, byCase, peakRssBytes }: BenchResults): string {
  // ours against each other contestant; then the Apollo floor against PostGraphile: how far our stack alone gets.
  const pairs: [ContestantName, ContestantName][] = [['ours', 'PostGraphile'], ['ours', 'ceiling'], ['ours', 'apolloFloor'], ['apolloFloor', 'PostGraphile']];
  const ratioColumns = pairs.filter(([one, other]) => contestants.includes(one) && contestants.includes(other));
  const header = [
    'case',
    ...contestants.flatMap((name) => [`${name} req/s`, `${name} p50 / p99 ms`, `${name} CPU ms/req`]),
    ...ratioColumns.map(([one, other]) => `${one}/${other}`),
  ];
  const rows = CASES.filter(({ name }) => byCase[name]).map(({ name, label }) => {
    const results = byCase[name]!;
    return [
      label,
      ...contestants.flatMap((contestant) => {
        const result = results[contestant];
        if (!result) return ['—', '—', '—'];
        const failures = result.failures ? ` (${result.failures} failed)` : '';
        return [`${Math.round(result.requestsPerSecond)}${failures}`, `${formatMs(result.p50Ms)} / ${formatMs(result.p99Ms)}`, result.cpuMsPerRequest.toFixed(2)];
      }),
      ...ratioColumns.map(([one, other]) => ratio(results[one], results[other])),
    ];
  });
  const memory = [
    'peak RSS (VmHWM)',
    ...contestants.flatMap((name) => [peakRssBytes[name] ? `${Math.round(peakRssBytes[name]! / 2 ** 20)} MiB` : '—', '', '']),
    ...ratioColumns.map(() => ''),
  ];
  return [header, header.map(() => '---'), ...rows, memory].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function ratio(one: CaseResult | undefined, other: CaseResult | undefined): string {
  return one && other && other.requestsPerSecond > 0 ? (one.requestsPerSecond / other.requestsPerSecond).toFixed(2) : '—';
}

function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

export function writeResultsFile(file: string, table: string, conditions: RunConditions): void {
  const memoryGiB = (os.totalmem() / 2 ** 30).toFixed(1);
  const text = `# Benchmark: this server, PostGraphile v4, a hand-written ceiling and the Apollo floor

Written by \`npm run bench\` (bench/compare). Ratios compare requests/s. CPU ms/req is the server process's own CPU time
(user + system, from /proc) per answered request: on a shared machine it moves less than req/s with outside load.

${table}

- Date: ${new Date().toISOString()}
- Machine: ${os.availableParallelism()} CPUs (nproc), ${cpuModel()}, ${memoryGiB} GiB RAM, ${os.type()} ${os.release()}
- Node ${process.version}; ${conditions.postgresVersion}
- Load: autocannon in the bench process, ${conditions.connections} connections; per case and server ${conditions.warmupSeconds} s warm-up, then ${conditions.durationSeconds} s measured in ${conditions.rounds} rounds, the servers taking turns in rotating order (all four stay up, idle when not measured); latency percentiles are the mean over the rounds; each server has a pool of 10 database connections
- Data: ${conditions.seed}
- Our server: \`node dist/src/main.js\`, NODE_ENV=production, auth on (master key, role proxy_admin), every litellm_params string encrypted at rest and masked on the way out, one pino log line per request
- PostGraphile 4.14: CLI with --dynamic-json --disable-graphiql --disable-query-log; no auth, returns stored ciphertext as is, writes no audit row
- Ceiling: node:http + pg, one SQL statement per request building its JSON in Postgres (bench/compare/ceilingServer.ts); the write inserts model and audit row in one statement
- Apollo floor: Apollo Server 5 over node:http with our Apollo options, answering our own operations with one hand-written pg resolver each (bench/compare/apolloFloorServer.ts): no auth, ORM, type-graphql, decryption, masking or log line; the write runs our unit of work's statements (BEGIN, INSERT model, INSERT audit row, COMMIT). ours/apolloFloor is what our own code costs; apolloFloor/PostGraphile is how far the stack alone gets
`;
  writeFileSync(file, text);
}

function cpuModel(): string {
  const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
  return match ? match[1].trim() : os.cpus()[0]?.model ?? 'unknown CPU';
}
