import { describe, expect, it } from 'vitest';
import { SCORE_DEFAULTS } from '../../src/config/defaults.js';
import { computeFeatures } from '../../src/features/compute.js';
import { windowStartSql } from '../../src/features/params.js';
import { TRACE_FLOWS_TABLE, traceEvidenceSql } from '../../src/features/traceability.js';
import type { Db } from '../../src/io/db.js';
import { MOVEMENT_AGGREGATE_TABLES, MOVEMENT_BALANCES, MOVEMENT_MONTHS, refreshMovementMonths, servedMovementMonths } from '../../src/store/movement-months.js';
import { aggregateTwins, rebuilds } from '../util/aggregate-stores.js';
import { extractCsv, fixtureFile, ingestInto } from '../util/fixtures.js';
import { buildWorld } from '../scenario/worlds.js';

/** The features table and the traceability flows as of a date, as text, and how many months the balances served. */
async function computed(db: Db, asOf: string): Promise<{ served: number; features: string; flows: string; evidence: string }> {
  const params = { ...SCORE_DEFAULTS, asOf };
  const served = (await servedMovementMonths(db, asOf, windowStartSql(params, params.windowMonths))).size;
  const result = await computeFeatures(db, params);
  const features = JSON.stringify(await db.all(`SELECT * FROM ${result.table} ORDER BY inn`));
  const flows = JSON.stringify(await db.all(`SELECT * FROM ${TRACE_FLOWS_TABLE} ORDER BY firm, rnpt`));
  // The evidence of the 100 participants with the most batches moved (their first documents read from both sources).
  const inns = (await db.all(`SELECT firm FROM ${TRACE_FLOWS_TABLE} GROUP BY firm ORDER BY count(*) DESC, firm LIMIT 100`)).map((r) => String(r['firm']));
  const evidence = JSON.stringify(await db.all(traceEvidenceSql(params, inns, 10, result.movementMonths)));
  await result.workspace.drop();
  return { served, features, flows, evidence };
}

const count = async (db: Db, sql: string): Promise<number> => Number((await db.all(`SELECT count(*)::INTEGER AS n FROM (${sql})`))[0]?.['n']);

/** A stored movement of `month` (YYYY-MM) as an extract row, to correct it. */
async function movementOf(db: Db, month: string, docType: string): Promise<Record<string, string>> {
  const row = (await db.all(`SELECT rnpt, doc_type, doc_no, doc_date, correction_no, correction_date, seller_inn, buyer_inn, quantity, unit, value_rub, vat_rub
    FROM traceability WHERE strftime(doc_date, '%Y-%m') = '${month}' AND doc_type = '${docType}' ORDER BY ALL LIMIT 1`))[0];
  if (row === undefined) throw new Error(`no ${docType} movement in ${month}`);
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

describe('per-month balances of the movements', () => {
  it('give, bit for bit, the features, flows and evidence the movements give, on month ends, mid-month and before late corrections', async () => {
    const world = await buildWorld('small');
    // A late correction of an old month's invoice, so that the month falls back to its movements before the correction's date.
    const { withAggregates: a, rowsOnly: b } = await aggregateTwins(world.store, MOVEMENT_MONTHS, async (db) => {
      expect(await count(db, `SELECT * FROM ${MOVEMENT_BALANCES.table}`)).toBeGreaterThan(1000);
      const old = await movementOf(db, '2025-09', 'invoice');
      const correction = { ...old, correction_no: String(Number(old['correction_no']) + 1), correction_date: '2026-05-10', quantity: String(Number(old['quantity']) * 3), value_rub: '1.00' };
      const file = await fixtureFile('late.csv', extractCsv('traceability', [correction]));
      expect((await ingestInto(db, [{ extract: 'traceability', file }])).files[0]?.inserted).toBe(1);
      expect(await count(db, `SELECT * FROM ${MOVEMENT_MONTHS} WHERE doc_month = DATE '2025-09-01' AND last_made = DATE '2026-05-10'`)).toBe(1);
    });
    try {
      for (const asOf of ['2026-06-30', '2026-04-30', '2026-03-15', '2025-12-31']) {
        const [fromBalances, fromMovements] = [await computed(a, asOf), await computed(b, asOf)];
        // The balances serve most months (all but the corrected one before its date, a month not over, the window's first when it starts inside it).
        expect(fromBalances.served, asOf).toBeGreaterThan(3);
        expect(fromMovements.served, asOf).toBe(0);
        expect(fromBalances.flows.length, asOf).toBeGreaterThan(1000);
        expect(fromBalances.flows, asOf).toBe(fromMovements.flows);
        expect(fromBalances.features, asOf).toBe(fromMovements.features);
        expect(fromBalances.evidence, asOf).toBe(fromMovements.evidence);
        expect(fromBalances.evidence.length, asOf).toBeGreaterThan(10_000);
      }
    } finally {
      a.close();
      b.close();
    }
  });

  it('are rebuilt for the months an ingest touches, to what a full rebuild gives', async () => {
    const world = await buildWorld('small');
    const { before, incremental, full } = await rebuilds(world.store, MOVEMENT_AGGREGATE_TABLES, async (db) => {
      // A correction of an old month's retirement and a new invoice of another month, in one delivery.
      const retired = await movementOf(db, '2025-10', 'retired_sale');
      const invoice = await movementOf(db, '2026-01', 'invoice');
      const file = await fixtureFile('moves.csv', extractCsv('traceability', [
        { ...retired, correction_no: String(Number(retired['correction_no']) + 1), correction_date: '2026-03-02', quantity: '1' },
        { ...invoice, doc_no: `${invoice['doc_no']}-N`, correction_no: '0', correction_date: '' },
      ]));
      expect((await ingestInto(db, [{ extract: 'traceability', file }])).files[0]?.inserted).toBe(2);
    }, (db) => refreshMovementMonths(db, 'all'));
    expect(incremental).not.toBe(before);
    expect(full).toBe(incremental);
  });
});
