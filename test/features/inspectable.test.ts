import { describe, expect, it } from 'vitest';
import { inspectableSql, inspectableUntilSql } from '../../src/features/item-signals.js';
import { openDuckDb } from '../../src/io/db.js';
import { windowStartSql } from '../../src/features/params.js';
import { windowStartDay } from '../../src/util/period.js';
import { SCORE_DEFAULTS } from '../../src/config/defaults.js';

describe('inspectableSql', () => {
  it('selects exactly the days whose inspectable_until reaches the as-of date, month ends and leap days included', async () => {
    const db = await openDuckDb(':memory:');
    for (const asOf of ['2024-06-30', '2024-02-29', '2025-02-28', '2026-07-31', '2023-12-31', '2024-09-30']) {
      for (const [controlYears, leadMonths] of [[3, 6], [3, 0], [2, 7], [1, 1]] as const) {
        const p = { asOf, controlYears, leadMonths };
        const [row] = await db.all(`SELECT count(*) FILTER (WHERE (${inspectableSql('d', p)}) <> (${inspectableUntilSql('d', p)} >= DATE '${asOf}')) AS differ,
            count(*) FILTER (WHERE ${inspectableSql('d', p)}) AS inspectable
          FROM (SELECT CAST(range AS DATE) AS d FROM range(DATE '2019-01-01', DATE '2027-01-01', INTERVAL 1 DAY))`);
        expect(Number(row?.['differ']), `${asOf} ${controlYears}y-${leadMonths}m`).toBe(0);
        expect(Number(row?.['inspectable'])).toBeGreaterThan(0);
      }
    }
    db.close();
  });
});

describe('windowStartDay', () => {
  it('is the day windowStartSql gives in SQL, on every day of 2023-2026 and for windows of 1 to 36 months', async () => {
    const db = await openDuckDb(':memory:');
    const days = (await db.all(`SELECT strftime(CAST(range AS DATE), '%Y-%m-%d') AS d FROM range(DATE '2023-01-01', DATE '2027-01-01', INTERVAL 1 DAY)`)).map((r) => String(r['d']));
    for (const months of [1, 3, 12, 24, 36]) {
      const sql = (await db.all(`SELECT strftime(CAST(d - INTERVAL ${months} MONTH + INTERVAL 1 DAY AS DATE), '%Y-%m-%d') AS s
        FROM (SELECT CAST(range AS DATE) AS d FROM range(DATE '2023-01-01', DATE '2027-01-01', INTERVAL 1 DAY)) ORDER BY d`)).map((r) => String(r['s']));
      const js = days.map((d) => windowStartDay(d, months));
      expect(js, `${months} months`).toEqual(sql);
      // The same SQL as the features use.
      const [row] = await db.all(`SELECT strftime(${windowStartSql({ ...SCORE_DEFAULTS, asOf: '2024-02-29' }, months)}, '%Y-%m-%d') AS s`);
      expect(windowStartDay('2024-02-29', months)).toBe(String(row?.['s']));
    }
    db.close();
  });
});
