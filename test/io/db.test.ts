import { describe, expect, it } from 'vitest';
import { openDuckDb, QueryError } from '../../src/io/db.js';
import { sqlDate } from '../../src/io/sql.js';

describe('Db parameters', () => {
  it('binds $name values as values, never as SQL text', async () => {
    const db = await openDuckDb(':memory:');
    try {
      await db.run(`CREATE TABLE t (inn VARCHAR, d DATE)`);
      const hostile = "x'); DROP TABLE t; --";
      await db.run(`INSERT INTO t VALUES ($inn, CAST($d AS DATE))`, { inn: hostile, d: '2026-06-30' });
      expect(await db.all(`SELECT inn, strftime(d, '%Y-%m-%d') AS d FROM t WHERE inn = $inn`, { inn: hostile })).toEqual([{ inn: hostile, d: '2026-06-30' }]);
      expect(await db.all(`SELECT count(*)::INTEGER AS n FROM t WHERE d >= CAST($from AS DATE)`, { from: '2026-07-01' })).toEqual([{ n: 0 }]);
    } finally {
      db.close();
    }
  });

  it('reports a failed statement with its SQL', async () => {
    const db = await openDuckDb(':memory:');
    try {
      await expect(db.all(`SELECT $missing AS x`, {})).rejects.toBeInstanceOf(QueryError);
    } finally {
      db.close();
    }
  });
});

describe('Db bulk rows', () => {
  it('appends rows to a TEMP table and to a table, and streams a result in chunks with every value', async () => {
    const db = await openDuckDb(':memory:');
    try {
      await db.run(`CREATE TEMP TABLE batch (id INTEGER, name VARCHAR, x DOUBLE)`);
      await db.run(`CREATE TABLE kept (id INTEGER, name VARCHAR, x DOUBLE)`);
      const n = 5000;
      const valueAt = (r: number, c: number): string | number | null => (c === 0 ? r : c === 1 ? (r % 7 === 0 ? null : `it's ${r}`) : r / 4);
      await db.appendRows('batch', ['integer', 'varchar', 'double'], n, valueAt);
      await db.appendRows('kept', ['integer', 'varchar', 'double'], 3, valueAt);
      expect(await db.all(`SELECT count(*)::INTEGER AS n, count(name)::INTEGER AS named, sum(x) AS s FROM batch`)).toEqual([{ n, named: n - Math.ceil(n / 7), s: ((n - 1) * n) / 8 }]);
      expect(await db.all(`SELECT count(*)::INTEGER AS n FROM kept`)).toEqual([{ n: 3 }]);
      const seen: unknown[][] = [];
      let chunks = 0;
      await db.scan(`SELECT id, name, x FROM batch WHERE id >= $from ORDER BY id`, { from: 10 }, (columns, rows) => {
        chunks++;
        for (let r = 0; r < rows; r++) seen.push(columns.map((c) => c[r]));
      });
      expect(chunks).toBeGreaterThan(1);
      expect(seen).toHaveLength(n - 10);
      expect(seen[0]).toEqual([10, "it's 10", 2.5]);
      expect(seen[4]).toEqual([14, null, 3.5]);
      await expect(db.scan(`SELECT nothing FROM batch`, undefined, () => undefined)).rejects.toBeInstanceOf(QueryError);
    } finally {
      db.close();
    }
  });
});

describe('sqlDate', () => {
  it('streams numeric columns as Float64Arrays, NaN for NULL, equal to the values scan reads', async () => {
    const db = await openDuckDb(':memory:');
    try {
      // Several chunks, NULLs at irregular rows of every column (validity words beyond the first 32 and 64 bits).
      const sql = `SELECT CASE WHEN i % 7 = 3 THEN NULL ELSE i END::INTEGER AS int_col,
          CASE WHEN i % 11 = 5 THEN NULL ELSE i / 8.0 - 300 END::DOUBLE AS double_col,
          CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 200) - 100 END::SMALLINT AS small_col,
          (i * 1000003)::BIGINT AS big_col, CASE WHEN i % 5 = 1 THEN NULL ELSE i % 2 = 0 END AS bool_col,
          CASE WHEN i = 4100 THEN 'NaN'::DOUBLE ELSE NULL END AS mostly_null
        FROM range(5000) t(i)`;
      const expected: number[][] = [];
      await db.scan(sql, undefined, (columns, rows) => {
        for (let r = 0; r < rows; r++) expected.push(columns.map((c) => (c[r] === null ? Number.NaN : Number(c[r]))));
      });
      const got: number[][] = [];
      await db.scanNumbers(sql, undefined, (columns, rows) => {
        expect(columns.every((c) => c instanceof Float64Array && c.length === rows)).toBe(true);
        for (let r = 0; r < rows; r++) got.push(columns.map((c) => c[r] as number));
      });
      expect(got.length).toBe(5000);
      expect(got).toEqual(expected);
      expect(got[3]?.[0]).toBeNaN();
      expect(got[4]?.[0]).toBe(4);
      expect(got[5]?.[1]).toBeNaN();
    } finally {
      db.close();
    }
  });

  it('writes the one date literal and refuses anything but a real date', () => {
    expect(sqlDate('2026-06-30')).toBe("DATE '2026-06-30'");
    for (const bad of ['2026-02-30', "2026-06-30' OR 1=1 --", '30.06.2026', '']) expect(() => sqlDate(bad)).toThrow('A SQL date must be a real date YYYY-MM-DD');
  });
});
