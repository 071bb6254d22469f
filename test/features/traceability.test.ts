import { describe, expect, it } from 'vitest';
import { innFromBody } from '../../src/validation/inn.js';
import { SCORE_DEFAULTS } from '../../src/config/defaults.js';
import { AS_OF_TABLES } from '../../src/features/as-of-tables.js';
import { TRACE_FLOWS_TABLE, traceEvidenceSql } from '../../src/features/traceability.js';
import { windowStartSql } from '../../src/features/params.js';
import { MOVEMENT_BALANCES, MOVEMENT_MONTHS, servedMovementMonths } from '../../src/store/movement-months.js';
import { INNS, featuresAsOf, ingestRows, item, rowOf, sharedFeatures, storeWith } from './helpers.js';

// Importers: A sells beyond its import (and before the release), B consigns to C, D sells old stock,
// R resells far above the peers P1..P5, E moves in a unit its declaration does not have, F leaves an
// item unmoved, G sells to a buyer with no staff.
const [A, B, C, D, R, E, F, G] = INNS.slice(1, 9) as [string, string, string, string, string, string, string, string];
const PEERS = Array.from({ length: 5 }, (_, i) => innFromBody(String(780200000 + i * 41)));
const X = innFromBody('7745000011');
const W = innFromBody('7745000029');

const FRIDGE = '8418102001';
/** An item of 10 pieces: customs value 100,000, duty 10,000, import VAT 22,000 (landed 110,000, payments 32,000). */
function fridge(inn: string, release: string, values: Record<string, string> = {}): Record<string, string> {
  return item({ importer_inn: inn, release_date: release, hs_code: FRIDGE, customs_value_rub: '100000.00', duty_rub: '10000.00', import_vat_rub: '22000.00', supplementary_qty: '10', supplementary_unit: '796', ...values });
}
const rnpt = (row: Record<string, string>): string => `${row['decl_id'] as string}/001`;

let serial = 0;
function move(row: Record<string, string>, type: string, date: string, seller: string, buyer: string, quantity: number, value: number, extra: Record<string, string> = {}): Record<string, string> {
  serial += 1;
  return {
    rnpt: rnpt(row),
    doc_type: type,
    doc_no: `DOC-${serial}`,
    doc_date: date,
    correction_no: '0',
    correction_date: '',
    seller_inn: seller,
    buyer_inn: buyer,
    quantity: String(quantity),
    unit: '796',
    value_rub: value.toFixed(2),
    vat_rub: (value * 0.2).toFixed(2),
    ...extra,
  };
}

/** The store of the tests; `movementsFirst`: the movements ingested first, the declarations and the rest in a later ingest. */
async function world(movementsFirst = false) {
  const a1 = fridge(A, '2024-03-01');
  const b1 = fridge(B, '2024-03-01');
  const c1 = fridge(C, '2024-04-01');
  const dOld = fridge(D, '2022-12-01');
  const dNew = fridge(D, '2024-05-20');
  const r1 = fridge(R, '2024-02-01');
  const peers = PEERS.map((inn) => fridge(inn, '2024-02-01'));
  const e1 = fridge(E, '2024-02-01');
  const f1 = fridge(F, '2024-02-01');
  const f2 = fridge(F, '2024-01-15', { customs_value_rub: '300000.00' });
  const fShoes = item({ importer_inn: F, release_date: '2024-02-01', hs_code: '6403990000' });
  const g1 = fridge(G, '2024-02-01');
  const resale = move(r1, 'invoice', '2024-03-01', R, X, 10, 330_000);
  const { traceability, ...rest } = {
    declarations: [a1, b1, c1, dOld, dNew, r1, ...peers, e1, f1, f2, fShoes, g1],
    participants: [{ inn: W, snapshot_date: '2024-05-31', headcount: '0' }],
    tax_returns: [{ inn: A }],
    traceability: [
      // A: 15 pieces sold out of 10 imported, the first sale before the release.
      move(a1, 'invoice', '2024-02-20', A, X, 5, 66_000),
      move(a1, 'invoice', '2024-04-01', A, X, 10, 132_000),
      // B transfers to its commission agent C, who retires the goods at retail.
      move(b1, 'transfer_report', '2024-03-10', B, C, 10, 132_000),
      move(b1, 'retired_sale', '2024-04-10', C, '', 10, 250_000),
      // D sells stock imported in 2022, before the window.
      move(dOld, 'invoice', '2024-05-10', D, X, 10, 132_000),
      // R resells at 33,000 a piece (markup 3.0); the peers at 13,200 (1.2).
      resale,
      // A correction of R's invoice made after the as-of date.
      { ...resale, correction_no: '1', correction_date: '2024-07-10', value_rub: '264000.00', vat_rub: '52800.00' },
      ...peers.map((p, i) => move(p, 'invoice', '2024-03-01', PEERS[i] as string, X, 10, 132_000)),
      // A peer's sale after the as-of date: not seen.
      move(peers[0] as Record<string, string>, 'invoice', '2024-07-05', PEERS[0] as string, X, 100, 1_320_000),
      // E's movement in litres: its declaration has pieces and kilograms only.
      move(e1, 'invoice', '2024-03-01', E, X, 500, 132_000, { unit: '112' }),
      // F moved f2, not f1.
      move(f2, 'invoice', '2024-02-20', F, X, 10, 396_000),
      // G sells to W (no staff) and to X (not in the register).
      move(g1, 'invoice', '2024-03-01', G, W, 2, 100_000),
      move(g1, 'invoice', '2024-03-02', G, X, 8, 300_000),
    ],
  };
  if (!movementsFirst) return storeWith({ ...rest, traceability });
  const db = await storeWith({ traceability });
  await ingestRows(db, rest);
  return db;
}

/** The features of world(), computed once per as-of date for the tests that read them. */
const features = sharedFeatures(world);

describe('traceability features', () => {
  it('measures goods moved beyond what was received, and the payments they would have paid', async () => {
    const { byInn } = await features('2024-06-30');
    // 15 sent, 10 received: 5 × 10,000 / (10 × 10,000) = 0.5; 5 × 32,000 / 10 = 16,000.
    expect(rowOf(byInn, A)).toMatchObject({ trace_batches: 1, trace_excess_share: 0.5, trace_excess_payments_rub: 16000, trace_sold_before_release: 1 });
  });

  it('follows a transfer to a commission agent and counts stock imported before the window', async () => {
    const { byInn } = await features('2024-06-30');
    expect(rowOf(byInn, B)).toMatchObject({ trace_excess_share: 0, trace_excess_payments_rub: 0, trace_markup_vs_peers: null });
    // The agent received what it retired.
    expect(rowOf(byInn, C)).toMatchObject({ trace_excess_share: 0, trace_excess_payments_rub: 0 });
    // D sold in the window 10 pieces imported in 2022: no excess, although its window imports were never sold.
    expect(rowOf(byInn, D)).toMatchObject({ trace_batches: 1, trace_excess_share: 0, trace_sold_before_release: 0 });
  });

  it('compares the resale markup with the importers of the same goods', async () => {
    const { byInn } = await features('2024-06-30');
    // Markup 33,000 / 11,000 = 3.0 against the peers' 1.2: 2.5. At stake: (33,000 / 1.2 − 11,000) × 10 × 32,000 / 110,000 = 48,000.
    expect(rowOf(byInn, R)).toMatchObject({ trace_markup_vs_peers: 2.5, trace_markup_undervaluation_rub: 48000, trace_markup_past_control_rub: 0 });
    expect(rowOf(byInn, PEERS[1] as string)).toMatchObject({ trace_markup_vs_peers: 1, trace_markup_undervaluation_rub: 0 });
  });

  it('sees the store as of the date: later movements and corrections are not there yet', async () => {
    const db = await world();
    const before = await featuresAsOf(db, '2024-06-30');
    expect(rowOf(before.byInn, PEERS[0] as string)).toMatchObject({ trace_excess_share: 0 });
    const after = await featuresAsOf(db, '2024-07-31');
    // 110 sent against 10 imported: 100 × 10,000 / 100,000 = 10.
    expect(rowOf(after.byInn, PEERS[0] as string)).toMatchObject({ trace_excess_share: 10 });
    // R's corrected invoice: 26,400 a piece, markup 2.4; the peer reference is now 1.2 still (P1's 110 pieces at 13,200).
    expect(rowOf(after.byInn, R)['trace_markup_vs_peers']).toBe(2);
    // The as-of movements, the largest as-of table, live only while the families that read them run.
    expect(await db.all(`SELECT table_name FROM duckdb_tables() WHERE table_name = '${AS_OF_TABLES.traceability}'`)).toEqual([]);
  });

  it('leaves out a batch whose unit matches neither quantity of its declaration', async () => {
    const { byInn } = await features('2024-06-30');
    expect(rowOf(byInn, E)).toMatchObject({ trace_batches: 1, trace_excess_share: null, trace_excess_payments_rub: 0 });
  });

  it('measures the traceable imports never moved, from the traceable goods list', async () => {
    const db = await world();
    const { byInn } = await featuresAsOf(db, '2024-06-30');
    // f1 (100,000) unmoved, f2 (300,000) moved; the shoes are not traceable.
    expect(rowOf(byInn, F)['trace_unmoved_share']).toBe(0.25);
    // D's item of 2024-05-20 is too recent to count, its 2022 item is outside the window.
    expect(rowOf(byInn, D)['trace_unmoved_share']).toBeNull();
    const other = await featuresAsOf(db, '2024-06-30', { traceableCodes: ['6403'] });
    expect(rowOf(other.byInn, F)['trace_unmoved_share']).toBe(1);
  });

  it('measures sales to buyers with no staff, not to buyers the register does not know', async () => {
    const { byInn } = await features('2024-06-30');
    expect(rowOf(byInn, G)['trace_weak_buyer_share']).toBe(0.25);
    expect(rowOf(byInn, R)['trace_weak_buyer_share']).toBe(0);
  });

  it('computes the features of a store whose movements as of the date involve no scored participant', async () => {
    // Only movements between two firms with no import in the window (X and W): the family runs, every count is 0.
    const db = await storeWith({
      declarations: [fridge(A, '2024-03-01')],
      traceability: [move(fridge(A, '2024-03-01'), 'invoice', '2024-04-01', X, W, 1, 10_000)],
    });
    const { result, byInn } = await featuresAsOf(db, '2024-06-30');
    expect(result.unavailable.filter((u) => u.reason.includes('traceability'))).toEqual([]);
    expect(rowOf(byInn, A)).toMatchObject({ trace_batches: 0, trace_excess_payments_rub: 0 });
  });

  it('takes a line at its correction before keeping the scored participants\' movements', async () => {
    // K imports 10 pieces and sells them to X; X sells them on to L, a scored participant, who retires them;
    // a correction made before the as-of date names W as X's buyer instead: L never received them.
    const [K, L] = INNS.slice(9, 11) as [string, string];
    const k1 = fridge(K, '2024-02-01');
    const toL = move(k1, 'invoice', '2024-03-01', X, L, 10, 150_000);
    const db = await storeWith({
      declarations: [k1, fridge(L, '2024-02-01')],
      traceability: [
        move(k1, 'invoice', '2024-02-20', K, X, 10, 132_000),
        toL,
        { ...toL, correction_no: '1', correction_date: '2024-05-01', buyer_inn: W },
        move(k1, 'retired_sale', '2024-04-01', L, '', 10, 200_000),
      ],
    });
    const { byInn } = await featuresAsOf(db, '2024-06-30');
    // L sent 10 under K's batch and received nothing: not measurable (no quantity received), but moved.
    expect(rowOf(byInn, L)).toMatchObject({ trace_batches: 1, trace_excess_share: null });
    // Before the correction, L had bought the 10 it retired.
    const before = await featuresAsOf(db, '2024-04-30');
    expect(rowOf(before.byInn, L)).toMatchObject({ trace_batches: 1, trace_excess_share: 0 });
  });

  it.each([false, true])('gives the same features, balances and evidence, bit for bit, from the store\'s monthly balances as from the movements (movements ingested before the declarations: %s)', async (movementsFirst) => {
    const db = await world(movementsFirst);
    // The balances the batch reads are the importers'; those of a firm whose movements came first are marked by its declarations' ingest.
    const marked = await db.all(`SELECT firm, bool_and(declarant) AS declarant FROM ${MOVEMENT_BALANCES.table} WHERE firm IN ('${A}', '${X}') GROUP BY firm`);
    expect(new Map(marked.map((r) => [r['firm'], r['declarant']]))).toEqual(new Map([[A, true], [X, false]]));
    const snapshot = async (asOf: string): Promise<{ served: number; features: string; flows: string; evidence: string }> => {
      const params = { ...SCORE_DEFAULTS, asOf };
      const served = (await servedMovementMonths(db, asOf, windowStartSql(params, params.windowMonths))).size;
      const { result } = await featuresAsOf(db, asOf);
      expect(result.movementMonths.size).toBe(served);
      const features = JSON.stringify(await db.all(`SELECT * FROM ${result.table} ORDER BY inn`));
      const flows = JSON.stringify(await db.all(`SELECT * FROM ${TRACE_FLOWS_TABLE} ORDER BY firm, rnpt`));
      const evidence = JSON.stringify(await db.all(traceEvidenceSql(params, [A, B, C, D, R, G], 10, result.movementMonths)));
      await result.workspace.drop();
      return { served, features, flows, evidence };
    };
    // Month ends before and after R's late correction (2024-07-10: March is served only after it, with July), and a
    // mid-month date (May, not over, comes from the movements).
    const dates = ['2024-06-30', '2024-07-31', '2024-05-15'];
    const fromBalances = [];
    for (const asOf of dates) fromBalances.push(await snapshot(asOf));
    expect(fromBalances.map((s) => s.served)).toEqual([3, 5, 2]);
    await db.run(`DELETE FROM ${MOVEMENT_MONTHS}`);
    for (const [i, asOf] of dates.entries()) {
      const fromMovements = await snapshot(asOf);
      expect(fromMovements.served).toBe(0);
      expect(fromMovements.flows, asOf).toBe(fromBalances[i]?.flows);
      expect(fromMovements.features, asOf).toBe(fromBalances[i]?.features);
      expect(fromMovements.evidence, asOf).toBe(fromBalances[i]?.evidence);
    }
    expect(fromBalances[0]?.evidence).toContain('DOC-');
    expect(fromBalances[0]?.flows).toContain(A);
  });

  it('reports the traceability features unavailable when the store has no movements', async () => {
    const db = await storeWith({ declarations: [fridge(A, '2024-03-01')] });
    const { result, byInn } = await featuresAsOf(db, '2024-06-30');
    expect(result.unavailable).toContainEqual(expect.objectContaining({ family: 'traceability', reason: 'the store has no traceability rows as of 2024-06-30' }));
    expect(rowOf(byInn, A)).toMatchObject({ trace_batches: null, trace_excess_share: null, trace_markup_vs_peers: null });
  });

  it('gives the evidence of a participant: its batches with their balance and first outgoing documents', async () => {
    const db = await world();
    const params = { ...SCORE_DEFAULTS, asOf: '2024-06-30' };
    const { result } = await featuresAsOf(db, params.asOf);
    const rows = await db.all(traceEvidenceSql(params, [A, R, G], 10, result.movementMonths));
    await result.workspace.drop();
    const a = rows.filter((r) => r['inn'] === A);
    // A: 15 sent out of 10 imported, 5 × 10,000 of customs value beyond, first moved before the release.
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ imported_qty: 10, received_qty: 10, sent_qty: 15, excess_qty: 5, excess_customs_value_rub: 50000, moved_before_release: true, documents_out: 2 });
    expect(String(a[0]?.['documents'])).toMatch(/^invoice DOC-\d+ of 2024-02-20: 5; invoice DOC-\d+ of 2024-04-01: 10$/);
    // R's invoice, at its highest correction as of the date (the correction of 2024-07-10 is not there yet): markup 33,000 / 11,000.
    expect(rows.filter((r) => r['inn'] === R)).toEqual([expect.objectContaining({ excess_qty: 0, moved_before_release: false, invoice_value_rub: 330000, markup: 3, documents_out: 1 })]);
    // G: two invoices of one batch; participants outside the list have no rows.
    expect(rows.filter((r) => r['inn'] === G)).toEqual([expect.objectContaining({ sent_qty: 10, documents_out: 2 })]);
    expect(new Set(rows.map((r) => r['inn']))).toEqual(new Set([A, R, G]));
  });
});
