// What rows read often present as, kept per app between requests. Reading a page of models used to parse two JSON
// columns and build, decrypt, mask and encode every row again on each request, although rows rarely change between
// two reads. An entry is used only while every stored column of its row is exactly what it was built from (compared
// as the driver returns them, JSON as text), so a changed row is rebuilt on its next read and nothing goes stale:
// many instances may share the database, and none is told of another's writes. What is kept is what the API may
// answer anyway (masked values, stored ciphertext), never a plaintext secret.
import { LRUCache } from 'lru-cache';

/** One kind of row presentation, typed by what it holds; `max` rows are kept, the least recently read dropped first. */
export interface RowMemoKind<Row extends object, Value extends object> {
  readonly max: number;
  /** The row's stored columns: a value is used again only while each of them is identical (`===`). */
  readonly columns: readonly (keyof Row)[];
  /** Never set: carries the type of the values only. */
  readonly value?: Value;
}

interface Entry {
  row: object;
  value: object;
}

export class RowMemos {
  private readonly memos = new Map<object, LRUCache<string, Entry>>();

  /** What the row `id` presents as: the value built from an identical row before, else `build()`'s, kept. */
  present<Row extends object, Value extends object>(kind: RowMemoKind<Row, Value>, id: string, row: Row, build: () => Value): Value {
    let memo = this.memos.get(kind);
    if (!memo) this.memos.set(kind, (memo = new LRUCache<string, Entry>({ max: kind.max })));
    const entry = memo.get(id);
    if (entry && sameColumns(kind.columns, entry.row as Row, row)) return entry.value as Value;
    const value = build();
    memo.set(id, { row, value });
    return value;
  }
}

function sameColumns<Row extends object>(columns: readonly (keyof Row)[], kept: Row, read: Row): boolean {
  for (const column of columns) if (kept[column] !== read[column]) return false;
  return true;
}
