/// <reference path="./pg-utils.d.ts" />
import { escapeLiteral } from 'pg';
import { prepareValue } from 'pg/lib/utils';
import { inlineParameters } from './statement-batch';

describe('inlineParameters', () => {
  test('quotes every value the way pg prepares parameters', () => {
    const at = new Date('2026-03-29T07:00:00.000Z');
    const sql = inlineParameters('select * from t where a = $1 and b = $2 and c = $3 and d = $4 and e = $10 limit $5', ['x', 5, null, at, 20, 0, 0, 0, 0, true], escapeLiteral);
    expect(sql).toBe(`select * from t where a = 'x' and b = '5' and c = NULL and d = ${escapeLiteral(prepareValue(at) as string)} and e = 'true' limit '20'`);
  });

  test("escapes quotes and backslashes so a value can never end its literal", () => {
    const sql = inlineParameters('select $1', ["O'Brien \\'); drop table users; --"], escapeLiteral);
    expect(sql).toBe(`select ${escapeLiteral("O'Brien \\'); drop table users; --")}`);
  });

  test('leaves placeholders inside strings and quoted identifiers alone', () => {
    expect(inlineParameters(`select '$1', "col$1", $1`, ['v'], escapeLiteral)).toBe(`select '$1', "col$1", 'v'`);
    expect(inlineParameters(`select 'it''s $1', $1`, ['v'], escapeLiteral)).toBe(`select 'it''s $1', 'v'`);
  });

  test('arrays and objects are prepared like pg parameters', () => {
    expect(inlineParameters('select $1, $2', [['a', 'b'], { k: 1 }], escapeLiteral)).toBe(`select '{"a","b"}', '{"k":1}'`);
  });

  test('a placeholder without a value is an error, not a silent NULL', () => {
    expect(() => inlineParameters('select $2', ['only one'], escapeLiteral)).toThrow(/\$2/);
  });
});
