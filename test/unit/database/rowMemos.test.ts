// RowMemos: a value is used again only for a row identical in every listed column, per kind, within its bound.
import { RowMemos, type RowMemoKind } from '../../../src/database/RowMemos';

interface Row {
  id: string;
  name: string;
  params: string | null;
  updatedAt: string;
}

const ROW: Row = { id: 'm1', name: 'gpt', params: '{"rpm": 1}', updatedAt: '2026-12-01 10:00:00.000' };
const kind = (max = 10): RowMemoKind<Row, { built: number }> => ({ max, columns: ['id', 'name', 'params', 'updatedAt'] });

function counter() {
  let builds = 0;
  return {
    build: () => ({ built: (builds += 1) }),
    get builds() {
      return builds;
    },
  };
}

describe('RowMemos', () => {
  it('answers the value built before for a row with the same column values, even as another object', () => {
    const memos = new RowMemos();
    const rows = kind();
    const builds = counter();
    const first = memos.present(rows, ROW.id, ROW, builds.build);
    expect(memos.present(rows, ROW.id, { ...ROW }, builds.build)).toBe(first);
    expect(builds.builds).toBe(1);
  });

  it.each(['name', 'params', 'updatedAt'] as const)('builds again when %s differs, and keeps the new value', (column) => {
    const memos = new RowMemos();
    const rows = kind();
    const builds = counter();
    const first = memos.present(rows, ROW.id, ROW, builds.build);
    const changed = { ...ROW, [column]: column === 'params' ? null : `${ROW[column]}x` };
    const second = memos.present(rows, ROW.id, changed, builds.build);
    expect(second).not.toBe(first);
    expect(memos.present(rows, ROW.id, { ...changed }, builds.build)).toBe(second);
    // The old row is not remembered beside the new one.
    expect(memos.present(rows, ROW.id, ROW, builds.build)).toEqual({ built: 3 });
  });

  it('keeps kinds apart, and ids apart within a kind', () => {
    const memos = new RowMemos();
    const builds = counter();
    const [one, other] = [kind(), kind()];
    const value = memos.present(one, ROW.id, ROW, builds.build);
    expect(memos.present(other, ROW.id, ROW, builds.build)).not.toBe(value);
    expect(memos.present(one, 'm2', { ...ROW, id: 'm2' }, builds.build)).not.toBe(value);
    expect(builds.builds).toBe(3);
  });

  it('holds at most `max` rows of a kind, dropping the least recently read', () => {
    const memos = new RowMemos();
    const rows = kind(2);
    const builds = counter();
    const row = (id: string) => ({ ...ROW, id });
    const a = memos.present(rows, 'a', row('a'), builds.build);
    memos.present(rows, 'b', row('b'), builds.build);
    expect(memos.present(rows, 'a', row('a'), builds.build)).toBe(a); // a is now the most recent
    memos.present(rows, 'c', row('c'), builds.build); // drops b
    expect(memos.present(rows, 'a', row('a'), builds.build)).toBe(a);
    expect(builds.builds).toBe(3);
    memos.present(rows, 'b', row('b'), builds.build);
    expect(builds.builds).toBe(4);
  });
});
