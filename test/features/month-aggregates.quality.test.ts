import { describe, expect, it } from 'vitest';
import { SCORE_DEFAULTS } from '../../src/config/defaults.js';
import { computeFeatures } from '../../src/features/compute.js';
import { FAMILIES } from '../../src/features/families.js';
import type { Db } from '../../src/io/db.js';
import { cleanMonths, cleanMonthsSql, CODE_RATES, DECLARATION_MONTHS, MONTH_AGGREGATE_TABLES, OWN_MONTHS, refreshMonthAggregates } from '../../src/store/month-aggregates.js';
import { aggregateTwins, rebuilds } from '../util/aggregate-stores.js';
import { extractCsv, fixtureFile, ingestInto } from '../util/fixtures.js';
import { buildWorld } from '../scenario/worlds.js';

/** The features table and the own-history months (the unit-value family's aggregate table) as of a date, as text. */
async function computed(db: Db, asOf: string, paymentProcedures = SCORE_DEFAULTS.paymentProcedures): Promise<{ features: string; own: string }> {
  const params = { ...SCORE_DEFAULTS, asOf, paymentProcedures };
  const result = await computeFeatures(db, params);
  const features = JSON.stringify(await db.all(`SELECT * FROM ${result.table} ORDER BY inn`));
  const [ownMonths] = FAMILIES.unit_value.prepare?.(params, { cleanMonths: await cleanMonths(db, asOf), movementMonths: new Set() }) ?? [];
  await db.run(ownMonths as string);
  const own = JSON.stringify(await db.all(`SELECT * FROM ccrg_own_month ORDER BY inn, hs_code, origin_country NULLS FIRST, mb`));
  await db.run('DROP TABLE ccrg_own_month');
  await result.workspace.drop();
  return { features, own };
}

const count = async (db: Db, sql: string): Promise<number> => Number((await db.all(`SELECT count(*)::INTEGER AS n FROM (${sql})`))[0]?.['n']);

describe('per-month aggregates', () => {
  it('give, bit for bit, the features the items give, on month ends, mid-month and before late corrections', async () => {
    const world = await buildWorld('small');
    // A late correction of an old month, so that the month falls back to its items before the correction's date.
    const { withAggregates: a, rowsOnly: b } = await aggregateTwins(world.store, DECLARATION_MONTHS, async (db) => {
      const old = (await db.all(`SELECT * EXCLUDE (superseded_on, extra_cat, extra_num, label_violation, label_charges_rub, label_known_date, ingest_id, source_line, row_hash, key_hash)
        FROM declarations WHERE release_date BETWEEN DATE '2025-09-01' AND DATE '2025-09-30' AND procedure = '40' ORDER BY decl_id, item_no LIMIT 1`))[0] ?? {};
      const row = Object.fromEntries(Object.entries(old).map(([k, v]) => [k, v === null ? '' : String(v)]));
      const file = await fixtureFile('late.csv', extractCsv('declarations', [{ ...row, version: '7', version_date: '2026-05-10', customs_value_rub: '1.00' }]));
      expect((await ingestInto(db, [{ extract: 'declarations', file }])).files[0]?.inserted).toBe(1);
      expect(await count(db, `SELECT * FROM ${DECLARATION_MONTHS} WHERE release_month = DATE '2025-09-01' AND last_version_date = DATE '2026-05-10'`)).toBe(1);
    });
    try {
      for (const asOf of ['2026-06-30', '2026-04-30', '2026-03-15', '2025-12-31']) {
        // The aggregates serve most months of the range (all but the corrected one before its date).
        const served = await count(a, `${cleanMonthsSql(asOf)} AND release_month >= DATE '${asOf}' - INTERVAL 24 MONTH`);
        expect(served, asOf).toBeGreaterThan(3);
        expect(await count(b, cleanMonthsSql(asOf)), asOf).toBe(0);
        const [fromAggregates, fromItems] = [await computed(a, asOf), await computed(b, asOf)];
        expect(fromAggregates.own.length).toBeGreaterThan(1000);
        expect(fromAggregates.own, asOf).toBe(fromItems.own);
        expect(fromAggregates.features, asOf).toBe(fromItems.features);
      }
      // Several payment procedures: the months' rows of each procedure are summed (exports are never one).
      const procedures = (await a.all(`SELECT DISTINCT procedure FROM declarations WHERE procedure <> '10' ORDER BY procedure`)).map((r) => String(r['procedure']));
      expect(procedures.length).toBeGreaterThan(1);
      const [withAll, withAllItems] = [await computed(a, '2026-04-30', procedures), await computed(b, '2026-04-30', procedures)];
      expect(withAll.own).toBe(withAllItems.own);
      expect(withAll.own).not.toBe((await computed(a, '2026-04-30')).own);
    } finally {
      a.close();
      b.close();
    }
  });

  it('are rebuilt for the months an ingest touches, to what a full rebuild gives', async () => {
    const world = await buildWorld('small');
    const { before, incremental, full } = await rebuilds(world.store, MONTH_AGGREGATE_TABLES, async (db) => {
      // A correction that moves an item to another release month changes the aggregates of both months.
      const old = (await db.all(`SELECT * EXCLUDE (superseded_on, extra_cat, extra_num, label_violation, label_charges_rub, label_known_date, ingest_id, source_line, row_hash, key_hash)
        FROM declarations WHERE release_date BETWEEN DATE '2025-08-01' AND DATE '2025-08-31' AND procedure = '40' ORDER BY decl_id, item_no LIMIT 1`))[0] ?? {};
      const row = Object.fromEntries(Object.entries(old).map(([k, v]) => [k, v === null ? '' : String(v)]));
      const file = await fixtureFile('moved.csv', extractCsv('declarations', [{ ...row, version: '8', version_date: '2026-02-01', release_date: '2025-10-14' }]));
      expect((await ingestInto(db, [{ extract: 'declarations', file }])).files[0]?.inserted).toBe(1);
      expect(await count(db, `SELECT * FROM ${OWN_MONTHS.table}`)).toBeGreaterThan(1000);
      expect(await count(db, `SELECT * FROM ${CODE_RATES.table}`)).toBeGreaterThan(100);
    }, (db) => refreshMonthAggregates(db, 'all'));
    expect(incremental).not.toBe(before);
    expect(full).toBe(incremental);
  });
});
