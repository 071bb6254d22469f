import { describe, expect, it } from 'vitest';
import { INNS, featuresAsOf, item, rowOf, sharedFeatures, storeWith } from './helpers.js';

const LAG = INNS[3] as string;
const INFLATED = INNS[4] as string;
const QUARTERS = ['2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4', '2024-Q1'];
const RELEASES = ['2023-01-15', '2023-04-15', '2023-07-15', '2023-10-15', '2024-01-15'];
const FILED = ['2023-04-20', '2023-07-20', '2023-10-20', '2024-01-20', '2024-04-20'];

async function store() {
  const declarations = [
    // Starts the store's customs history at 2022-Q4 (procedure 51 pays no VAT).
    item({ importer_inn: LAG, release_date: '2022-10-01', procedure: '51', import_vat_rub: '0.00' }),
    ...[LAG, INFLATED].flatMap((inn) => RELEASES.map((release_date) => item({ importer_inn: inn, release_date, import_vat_rub: '20000.00' }))),
  ];
  const lagged = ['0.00', '0.00', '20000.00', '20000.00', '20000.00'];
  const tax_returns = QUARTERS.flatMap((tax_period, n) => [
    { inn: LAG, tax_period, filed_date: FILED[n] as string, vat_deductions_import_rub: lagged[n] as string },
    { inn: INFLATED, tax_period, filed_date: FILED[n] as string, vat_deductions_import_rub: '30000.00' },
  ]);
  return storeWith({ participants: [{ inn: LAG }, { inn: INFLATED }], declarations, tax_returns });
}

/** The features of store(), computed once per as-of date for the tests that read them. */
const features = sharedFeatures(store);

describe('vat_deductions features', () => {
  it('does not count deductions taken two quarters after the release as an excess', async () => {
    const { byInn } = await features('2024-06-30');
    // Six quarters of data (2022-Q4..2024-Q1): the last four are compared, so that
    // their two predecessors are known. D = 60 000 (2023-Q2..2024-Q1) against
    // max(V0 = 80 000, V1 = 80 000, V2 = 60 000).
    expect(rowOf(byInn, LAG)).toMatchObject({ vat_import_deduction_excess_rub: 0, vat_import_deduction_ratio: 0.75 });
  });

  it('measures a cumulative surplus of deductions over VAT paid', async () => {
    const { byInn } = await features('2024-06-30');
    // D = 4 × 30 000 = 120 000 (2023-Q2..2024-Q1); V0 = 80 000, V1 = 80 000, V2 = 60 000.
    expect(rowOf(byInn, INFLATED)).toMatchObject({ vat_import_deduction_excess_rub: 40000, vat_import_deduction_ratio: 1.5 });
  });

  it('never counts a not-yet-due quarter', async () => {
    const db = await store();
    const before = rowOf((await featuresAsOf(db, '2024-06-30')).byInn, INFLATED);
    // 2024-Q2 is not due as of 2024-08-08: a return filed for it early changes nothing.
    const db2 = await store();
    await db2.run(`INSERT INTO tax_returns SELECT * REPLACE ('2024-Q2' AS tax_period, DATE '2024-07-05' AS filed_date) FROM tax_returns WHERE inn = '${INFLATED}' AND tax_period = '2024-Q1'`);
    expect(rowOf((await featuresAsOf(db2, '2024-08-08')).byInn, INFLATED)).toMatchObject({
      vat_import_deduction_excess_rub: before['vat_import_deduction_excess_rub'],
      vat_import_deduction_ratio: before['vat_import_deduction_ratio'],
    });
  });

  it('shows the deductions D and the VAT paid max(V0, V1, V2) of the comparison', async () => {
    const { byInn } = await features('2024-06-30');
    // As in the cases above: D = 60 000 and 120 000, max(80 000, 80 000, 60 000) = 80 000.
    expect(rowOf(byInn, LAG)).toMatchObject({ vat_import_deductions_rub: 60000, vat_import_paid_rub: 80000 });
    expect(rowOf(byInn, INFLATED)).toMatchObject({ vat_import_deductions_rub: 120000, vat_import_paid_rub: 80000 });
  });

  it('takes as VAT paid the largest of the compared quarters and the same number shifted one or two back', async () => {
    const [S, N] = INNS.slice(5) as [string, string];
    const vat = (inn: string, release_date: string, v: number) => item({ importer_inn: inn, release_date, import_vat_rub: v.toFixed(2) });
    const db = await storeWith({
      declarations: [vat(S, '2023-04-01', 50000), vat(S, '2023-07-10', 40000), vat(S, '2023-10-10', 10000), vat(S, '2024-01-10', 20000), vat(N, '2024-02-10', 20000)],
      tax_returns: [
        { inn: S, tax_period: '2024-Q1', filed_date: '2024-04-20', vat_deductions_import_rub: '45000.00' },
        { inn: S, tax_period: '2023-Q4', filed_date: '2024-01-20', vat_deductions_import_rub: '55000.00' },
        // The third due quarter is not among the two compared.
        { inn: S, tax_period: '2023-Q3', filed_date: '2023-10-20', vat_deductions_import_rub: '999.00' },
      ],
    });
    const { byInn } = await featuresAsOf(db, '2024-06-30', { vatQuarters: 2 });
    // Data from 2023-04-01: all four due quarters 2023-Q2..2024-Q1 are known, two compared (2023-Q4, 2024-Q1).
    // V0 = 10 000 + 20 000, V1 = 40 000 + 10 000, V2 = 50 000 + 40 000 = 90 000; D = 45 000 + 55 000.
    expect(rowOf(byInn, S)).toMatchObject({
      vat_import_deductions_rub: 100000,
      vat_import_paid_rub: 90000,
      vat_import_deduction_excess_rub: 10000,
      vat_import_deduction_ratio: 1.1111,
    });
  });

  it('gives 0 deductions and the VAT paid when no return was filed', async () => {
    const [S, N] = INNS.slice(5) as [string, string];
    const db = await storeWith({
      declarations: [item({ importer_inn: S, release_date: '2023-04-01' }), item({ importer_inn: N, release_date: '2024-02-10', import_vat_rub: '20000.00' })],
      tax_returns: [{ inn: S, tax_period: '2024-Q1', filed_date: '2024-04-20' }],
    });
    const { byInn } = await featuresAsOf(db, '2024-06-30', { vatQuarters: 2 });
    // N: V0 = 20 000 (2024-Q1), V1 = V2 = 0.
    expect(rowOf(byInn, N)).toMatchObject({
      vat_import_deductions_rub: 0,
      vat_import_paid_rub: 20000,
      vat_import_deduction_excess_rub: 0,
      vat_import_deduction_ratio: null,
    });
  });
});
