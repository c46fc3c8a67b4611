import { numberedPlaceholders } from '../../../src/database/readRows';

describe('numberedPlaceholders', () => {
  it('numbers every ? in order', () => {
    expect(numberedPlaceholders('SELECT * FROM t WHERE a = ? AND b IN (?, ?) LIMIT ?')).toBe('SELECT * FROM t WHERE a = $1 AND b IN ($2, $3) LIMIT $4');
  });

  it('keeps casts after a placeholder', () => {
    expect(numberedPlaceholders('(updated_at, id) < (?::timestamp, ?)')).toBe('(updated_at, id) < ($1::timestamp, $2)');
  });

  it('leaves a ? inside a string literal or a quoted identifier alone, doubled quotes included', () => {
    expect(numberedPlaceholders(`SELECT '?', 'it''s ?', "odd?name" FROM t WHERE x = ?`)).toBe(`SELECT '?', 'it''s ?', "odd?name" FROM t WHERE x = $1`);
  });

  it('leaves SQL without placeholders as it is', () => {
    const sql = `SELECT (CASE WHEN jsonb_typeof(model_info) = 'string' THEN (model_info #>> '{}')::jsonb ELSE model_info END) ->> 'team_id' FROM t`;
    expect(numberedPlaceholders(sql)).toBe(sql);
  });

  it.each(['a ?? b', "info ?| array['x']", "info ?& array['x']"])('refuses %s rather than guess', (sql) => {
    expect(() => numberedPlaceholders(sql)).toThrow(/not a placeholder/);
  });
});
