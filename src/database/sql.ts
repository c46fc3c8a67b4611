// SQL statements as fragments with their values beside them: `sql` puts a value where it is interpolated, so no
// placeholder is ever parsed out of SQL text (jsonb's `?` operators stay operators), and fragments compose.

/** A piece of SQL and the values of its placeholders, in order. */
export class SqlFragment {
  constructor(
    /** The text between the values: always one more than `values`. */
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}

  /** PostgreSQL's own form: `$1, $2, …` numbered in order. */
  get text(): string {
    let text = this.strings[0];
    for (let index = 1; index < this.strings.length; index += 1) text += `$${index}${this.strings[index]}`;
    return text;
  }
}

/** Values interpolated into a statement: a fragment is spliced in with its values, anything else is one value. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment {
  const texts = [strings[0]];
  const flat: unknown[] = [];
  values.forEach((value, index) => {
    if (value instanceof SqlFragment) {
      texts[texts.length - 1] += value.strings[0];
      for (let part = 1; part < value.strings.length; part += 1) texts.push(value.strings[part]);
      flat.push(...value.values);
      texts[texts.length - 1] += strings[index + 1];
    } else {
      flat.push(value);
      texts.push(strings[index + 1]);
    }
  });
  return new SqlFragment(texts, flat);
}

/** Text written into the statement as it is: only ever a constant of ours (a table or column name), never input. */
export function trusted(text: string): SqlFragment {
  return new SqlFragment([text], []);
}

/** The fragments joined by `separator` (text of ours). */
export function join(fragments: readonly SqlFragment[], separator: string): SqlFragment {
  if (fragments.length === 0) return trusted('');
  return fragments.slice(1).reduce((joined, fragment) => sql`${joined}${trusted(separator)}${fragment}`, fragments[0]);
}

/** `WHERE a AND b`, or nothing when there are no conditions. */
export function where(conditions: readonly SqlFragment[]): SqlFragment {
  return conditions.length === 0 ? trusted('') : sql`WHERE ${join(conditions, ' AND ')}`;
}

/** A quoted identifier of ours (a table name from TABLES). */
export function table(name: string): SqlFragment {
  return trusted(`"${name}"`);
}

/** A Date as a timestamp-without-time-zone literal holding UTC, as the proxy's columns do. */
export function utcTimestampLiteral(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}
