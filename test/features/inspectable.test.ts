import { describe, expect, it } from 'vitest';
import { inspectableSql, inspectableUntilSql } from '../../src/features/item-signals.js';
import { openDuckDb } from '../../src/io/db.js';

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
