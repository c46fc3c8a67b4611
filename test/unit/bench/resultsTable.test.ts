import { resultsTable, type CaseResult } from '../../../bench/compare/resultsTable';

const result = (requestsPerSecond: number, cpuMsPerRequest = 1): CaseResult => ({ requestsPerSecond, p50Ms: 2, p99Ms: 12.4, failures: 0, cpuMsPerRequest });

function rows(table: string): string[][] {
  return table.split('\n').map((line) => line.slice(2, -2).split(' | '));
}

describe('resultsTable', () => {
  it('compares ours with every other contestant, and the Apollo floor with PostGraphile', () => {
    const table = resultsTable({
      contestants: ['ours', 'PostGraphile', 'ceiling', 'apolloFloor'],
      byCase: { modelById: { ours: result(800), PostGraphile: result(1000), ceiling: result(3200), apolloFloor: result(1250) } },
      peakRssBytes: { ours: 200 * 2 ** 20 },
    });
    const [header, , modelById, memory] = rows(table);
    expect(header.slice(-4)).toEqual(['ours/PostGraphile', 'ours/ceiling', 'ours/apolloFloor', 'apolloFloor/PostGraphile']);
    expect(modelById[0]).toBe('(a) a model by id');
    expect(modelById.slice(-4)).toEqual(['0.80', '0.25', '0.64', '1.25']);
    expect(modelById.slice(1, 4)).toEqual(['800', '2.0 / 12', '1.00']);
    expect(memory[1]).toBe('200 MiB');
  });

  it('leaves out the ratios of contestants that did not run, and marks a missing result', () => {
    const table = resultsTable({
      contestants: ['ours', 'apolloFloor'],
      byCase: { addModel: { ours: result(300) } },
      peakRssBytes: {},
    });
    const [header, , addModel] = rows(table);
    expect(header.filter((cell) => cell.includes('/') && !cell.includes(' '))).toEqual(['ours/apolloFloor']);
    expect(addModel.slice(4, 7)).toEqual(['—', '—', '—']);
    expect(addModel.at(-1)).toBe('—');
  });
});
