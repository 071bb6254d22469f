import { describe, expect, it } from 'vitest';
import { INNS, featuresAsOf, item, rowOf, storeWith } from './helpers.js';

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

describe('vat_deductions features', () => {
  it('does not count deductions taken two quarters after the release as an excess', async () => {
    const { byInn } = await featuresAsOf(await store(), '2024-06-30');
    // Six quarters of data (2022-Q4..2024-Q1): the last four are compared, so that
    // their two predecessors are known. D = 60 000 (2023-Q2..2024-Q1) against
    // max(V0 = 80 000, V1 = 80 000, V2 = 60 000).
    expect(rowOf(byInn, LAG)).toMatchObject({ vat_import_deduction_excess_rub: 0, vat_import_deduction_ratio: 0.75 });
  });

  it('measures a cumulative surplus of deductions over VAT paid', async () => {
    const { byInn } = await featuresAsOf(await store(), '2024-06-30');
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
});
