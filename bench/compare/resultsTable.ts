// The one results table (Markdown), and bench/RESULTS.md: the latest table, the machine, the date, the data, the command.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { CASES, type CaseName } from './benchCases';
import type { ContestantName } from './contestants';

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
  /** In column order; ours first, as every ratio is ours against another. */
  contestants: { name: ContestantName; label: string }[];
  byCase: Partial<Record<CaseName, Partial<Record<ContestantName, CaseResult>>>>;
  peakRssBytes: Partial<Record<ContestantName, number>>;
}

export interface RunConditions {
  command: string;
  connections: number;
  poolSize: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  /** os.loadavg() when the run started and when it ended. */
  loadBefore: number[];
  loadAfter: number[];
  postgresVersion: string;
  /** Contestants, each with its version and how it runs. */
  contestants: string[];
  seed: string;
}

export function resultsTable({ contestants, byCase, peakRssBytes }: BenchResults): string {
  const others = contestants.filter(({ name }) => name !== 'ours');
  const hasOurs = contestants.some(({ name }) => name === 'ours');
  const labels = contestants.map(({ label }) => label).join(' / ');
  const header = [
    'case',
    ...contestants.map(({ label }) => `${label} req/s`),
    ...(hasOurs ? others.map(({ label }) => `ours/${label}`) : []),
    `CPU ms/req: ${labels}`,
    `p50 ms: ${labels}`,
    `p99 ms: ${labels}`,
  ];
  const rows = CASES.filter(({ name }) => byCase[name]).map(({ name, label }) => {
    const results = byCase[name]!;
    const each = (format: (result: CaseResult) => string) =>
      contestants.map((contestant) => (results[contestant.name] ? format(results[contestant.name]!) : '—')).join(' / ');
    return [
      label,
      ...contestants.map((contestant) => {
        const result = results[contestant.name];
        if (!result) return '—';
        return `${Math.round(result.requestsPerSecond)}${result.failures ? ` (${result.failures} failed)` : ''}`;
      }),
      ...(hasOurs ? others.map((other) => ratio(results.ours, results[other.name])) : []),
      each((result) => result.cpuMsPerRequest.toFixed(2)),
      each((result) => formatMs(result.p50Ms)),
      each((result) => formatMs(result.p99Ms)),
    ];
  });
  const table = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
  const memory = contestants.map(({ name, label }) => `${label} ${peakRssBytes[name] ? `${Math.round(peakRssBytes[name]! / 2 ** 20)} MiB` : '—'}`);
  return `${table}\n\nPeak RSS (VmHWM) over the run: ${memory.join(', ')}.`;
}

function ratio(one: CaseResult | undefined, other: CaseResult | undefined): string {
  return one && other && other.requestsPerSecond > 0 ? (one.requestsPerSecond / other.requestsPerSecond).toFixed(2) : '—';
}

function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

/** A 1-minute load average above this, per CPU, before the run means other work was competing for the CPUs. */
export const BUSY_LOAD_PER_CPU = 0.5;

export function writeResultsFile(file: string, table: string, conditions: RunConditions): void {
  const memoryGiB = (os.totalmem() / 2 ** 30).toFixed(1);
  const load = (averages: number[]) => averages.map((average) => average.toFixed(2)).join(' ');
  const cpus = os.availableParallelism();
  const busy =
    conditions.loadBefore[0] > cpus * BUSY_LOAD_PER_CPU
      ? `\n**Taken on a busy machine** (load average ${conditions.loadBefore[0].toFixed(2)} on ${cpus} CPUs before the run started): the req/s ratios are pulled toward 1.0 and noisy; the CPU ms/req ratios hold better. Rerun on a quiet machine before quoting (README.md, "On a shared machine").\n`
      : '';
  const text = `# Benchmark results

Written by \`npm run bench\`; how it measures and what the ratios mean: [README.md](README.md). Ratios compare
requests/s within this run. CPU ms/req is each server process's own CPU time (user + system, from /proc) per
answered request. p50 and p99 are autocannon's latency percentiles, the mean over the rounds.
${busy}
${table}

- Date: ${new Date().toISOString()}
- Command: \`${conditions.command}\`
- Machine: ${cpus} CPUs (nproc), ${cpuModel()}, ${memoryGiB} GiB RAM, ${os.type()} ${os.release()}; load average (1, 5, 15 min) ${load(conditions.loadBefore)} at the start, ${load(conditions.loadAfter)} at the end
- Node ${process.version} for every server; ${conditions.postgresVersion}
- Load: autocannon in the bench process, ${conditions.connections} connections; each server a pool of ${conditions.poolSize} database connections; per case and server ${conditions.warmupSeconds} s warm-up, then ${conditions.durationSeconds} s measured in ${conditions.rounds} rounds, the servers taking turns in rotating order (all stay up, idle when not measured)
- Data: ${conditions.seed}
${conditions.contestants.map((line) => `- ${line}`).join('\n')}
`;
  writeFileSync(file, text + keptSections(file));
}

/** The sections other benchmarks keep in the same file (`npm run bench:subscriptions`'s): from its heading on. */
const KEPT_SECTION_HEADING = '\n## Subscriptions';

function keptSections(file: string): string {
  let existing = '';
  try {
    existing = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const start = existing.indexOf(KEPT_SECTION_HEADING);
  return start < 0 ? '' : existing.slice(start);
}

function cpuModel(): string {
  const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
  return match ? match[1].trim() : (os.cpus()[0]?.model ?? 'unknown CPU');
}
