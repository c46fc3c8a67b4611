import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUSY_LOAD_PER_CPU, KEPT_SECTION_HEADING, resultsTable, writeResultsFile, type BenchResults, type CaseResult, type RunConditions } from '../../../bench/compare/resultsTable';

const result = (requestsPerSecond: number, cpuMsPerRequest = 1, failures = 0): CaseResult => ({ requestsPerSecond, p50Ms: 2, p99Ms: 12.4, failures, cpuMsPerRequest });

const ALL: BenchResults['contestants'] = [
  { name: 'ours', label: 'ours' },
  { name: 'postgraphile4', label: 'PG v4' },
  { name: 'postgraphile5', label: 'PG v5' },
  { name: 'ceiling', label: 'ceiling' },
];

function rows(table: string): string[][] {
  return table
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => line.slice(2, -2).split(' | '));
}

describe('resultsTable', () => {
  it('puts ours beside PostGraphile v4, v5 and the ceiling: req/s, the three ratios, then CPU, p50 and p99 of each', () => {
    const table = resultsTable({
      contestants: ALL,
      byCase: { modelById: { ours: result(800, 0.25), postgraphile4: result(1000, 0.17), postgraphile5: result(640, 0.3), ceiling: result(3200, 0.05) } },
      peakRssBytes: { ours: 213 * 2 ** 20, postgraphile4: 207 * 2 ** 20, postgraphile5: 249 * 2 ** 20, ceiling: 103 * 2 ** 20 },
    });
    const [header, , modelById] = rows(table);
    expect(header).toEqual([
      'case',
      'ours req/s',
      'PG v4 req/s',
      'PG v5 req/s',
      'ceiling req/s',
      'ours/PG v4',
      'ours/PG v5',
      'ours/ceiling',
      'CPU ms/req: ours / PG v4 / PG v5 / ceiling',
      'p50 ms: ours / PG v4 / PG v5 / ceiling',
      'p99 ms: ours / PG v4 / PG v5 / ceiling',
    ]);
    expect(modelById).toEqual(['(a) a model by id', '800', '1000', '640', '3200', '0.80', '1.25', '0.25', '0.25 / 0.17 / 0.30 / 0.05', '2.0 / 2.0 / 2.0 / 2.0', '12 / 12 / 12 / 12']);
    expect(table).toContain('Peak RSS (VmHWM) over the run: ours 213 MiB, PG v4 207 MiB, PG v5 249 MiB, ceiling 103 MiB.');
  });

  it('keeps the cases in their order and says how many requests failed', () => {
    const table = resultsTable({
      contestants: ALL.slice(0, 2),
      byCase: { addModel: { ours: result(300, 1, 7), postgraphile4: result(600) }, firstModels: { ours: result(100), postgraphile4: result(50) } },
      peakRssBytes: {},
    });
    const [, , firstModels, addModel] = rows(table);
    expect(firstModels.slice(0, 4)).toEqual(['(b) the first 100 models', '100', '50', '2.00']);
    expect(addModel.slice(0, 4)).toEqual(['(d) addModel', '300 (7 failed)', '600', '0.50']);
  });

  it('marks a contestant without a result, and gives no ratio without ours', () => {
    const withGap = rows(resultsTable({ contestants: ALL.slice(0, 3), byCase: { modelHistory: { ours: result(300), postgraphile5: result(150) } }, peakRssBytes: {} }));
    expect(withGap[2].slice(1, 6)).toEqual(['300', '—', '150', '—', '2.00']);
    expect(withGap[2][6]).toBe('1.00 / — / 1.00');

    const [header] = rows(resultsTable({ contestants: ALL.slice(1), byCase: {}, peakRssBytes: {} }));
    expect(header.some((cell) => cell.startsWith('ours/'))).toBe(false);
  });
});

describe('writeResultsFile', () => {
  const conditions = (loadBefore: number): RunConditions => ({
    command: 'BENCH_ROUNDS=4 npm run bench',
    connections: 20,
    poolSize: 10,
    durationSeconds: 10,
    warmupSeconds: 3,
    rounds: 4,
    loadBefore: [loadBefore, 1, 1],
    loadAfter: [2.5, 1, 1],
    postgresVersion: 'PostgreSQL 15.20',
    contestants: ['ours: the server', 'ceiling: node:http + pg'],
    seed: '1000 models',
  });
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'results-file-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  function written(loadBefore: number): string {
    const file = path.join(directory, 'RESULTS.md');
    writeResultsFile(file, '| case |', conditions(loadBefore));
    return readFileSync(file, 'utf8');
  }

  it('records the command, the load average at both ends, the data and each contestant', () => {
    const text = written(0.1);
    expect(text).toContain('- Command: `BENCH_ROUNDS=4 npm run bench`');
    expect(text).toContain('load average (1, 5, 15 min) 0.10 1.00 1.00 at the start, 2.50 1.00 1.00 at the end');
    expect(text).toContain('20 connections; each server a pool of 10 database connections');
    expect(text).toContain('- Data: 1000 models');
    expect(text).toContain('- ours: the server\n- ceiling: node:http + pg\n');
    expect(text).not.toContain('busy machine');
  });

  it('keeps the hand-written section of the previous file, from its heading on, below the new table', () => {
    const file = path.join(directory, 'RESULTS.md');
    writeFileSync(file, `# old\n\n| old table |\n\n${KEPT_SECTION_HEADING}\n\nWhere (b) spends its time.\n`);
    writeResultsFile(file, '| new table |', conditions(0.1));
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('| old table |');
    expect(text.indexOf('| new table |')).toBeLessThan(text.indexOf(KEPT_SECTION_HEADING));
    expect(text.endsWith(`\n${KEPT_SECTION_HEADING}\n\nWhere (b) spends its time.\n`)).toBe(true);
  });

  it('says it was taken on a busy machine when the load before the run was above half a process per CPU', () => {
    expect(written(os.availableParallelism() * BUSY_LOAD_PER_CPU + 0.5)).toContain('**Taken on a busy machine**');
  });
});
