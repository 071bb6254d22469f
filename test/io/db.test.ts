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

describe('sqlDate', () => {
  it('writes the one date literal and refuses anything but a real date', () => {
    expect(sqlDate('2026-06-30')).toBe("DATE '2026-06-30'");
    for (const bad of ['2026-02-30', "2026-06-30' OR 1=1 --", '30.06.2026', '']) expect(() => sqlDate(bad)).toThrow('A SQL date must be a real date YYYY-MM-DD');
  });
});
