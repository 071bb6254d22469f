import { describe, expect, it } from 'vitest';
import { INNS, featuresAsOf, item, rowOf, sharedFeatures, storeWith } from './helpers.js';

const [A, B, C] = INNS as [string, string, string];

async function store() {
  return storeWith({
    participants: [{ inn: A }, { inn: B }, { inn: C, tax_regime: 'usn' }],
    tax_returns: [{ inn: A }],
    declarations: [
      item({ importer_inn: A }),
      item({ importer_inn: A, release_date: '2024-05-10', customs_value_rub: '900000.00' }),
      item({ importer_inn: B, release_date: '2024-02-10', customs_value_rub: '300000.00' }),
      item({ importer_inn: C, release_date: '2024-02-10', customs_value_rub: '300000.00' }),
    ],
  });
}

/** The features of store(), computed once per as-of date for the tests that read them. */
const features = sharedFeatures(store);

describe('customs_vs_tax features', () => {
  it('compares customs value with revenue of the due quarters only', async () => {
    const { byInn } = await features('2024-06-30');
    // 2024-Q2 is due on 2024-07-25 + 15 days: its 900 000 is left out.
    expect(rowOf(byInn, A)).toMatchObject({ ct_customs_to_revenue_ratio: 0.02, ct_customs_over_revenue_rub: 0, ct_unreported_customs_value_rub: 0, ct_missing_return_quarters: 0 });
  });

  it('counts a quarter without a return as missing once due date + grace has passed', async () => {
    const db = await store();
    expect(rowOf((await featuresAsOf(db, '2024-08-08')).byInn, A)['ct_unreported_customs_value_rub']).toBe(0);
    expect(rowOf((await featuresAsOf(db, '2024-08-09')).byInn, A)).toMatchObject({ ct_unreported_customs_value_rub: 900000, ct_missing_return_quarters: 1 });
  });

  it('flags imports without returns of general-regime firms and never of special regimes', async () => {
    const { byInn } = await features('2024-06-30');
    expect(rowOf(byInn, B)).toMatchObject({ ct_unreported_customs_value_rub: 300000, ct_missing_return_quarters: 1, ct_customs_to_revenue_ratio: null });
    expect(rowOf(byInn, C)).toMatchObject({ ct_unreported_customs_value_rub: 0, ct_missing_return_quarters: 0, ct_customs_over_revenue_rub: null });
  });

  it('uses a correction only from its filing date on', async () => {
    const db = await storeWith({
      participants: [{ inn: A }],
      tax_returns: [{ inn: A }, { inn: A, correction_no: '1', filed_date: '2024-07-01', revenue_rub: '50000.00' }],
      declarations: [item({ importer_inn: A })],
    });
    expect(rowOf((await featuresAsOf(db, '2024-06-30')).byInn, A)).toMatchObject({ ct_customs_to_revenue_ratio: 0.02, ct_customs_over_revenue_rub: 0 });
    expect(rowOf((await featuresAsOf(db, '2024-07-01')).byInn, A)).toMatchObject({ ct_customs_to_revenue_ratio: 2, ct_customs_over_revenue_rub: 50000 });
  });

  it('reports the customs-vs-tax features unavailable when the store has no returns', async () => {
    const db = await storeWith({ participants: [{ inn: A }], declarations: [item({ importer_inn: A })] });
    const { result, byInn } = await featuresAsOf(db, '2024-06-30');
    expect(result.unavailable).toContainEqual({
      family: 'customs_vs_tax',
      features: ['ct_customs_to_revenue_ratio', 'ct_customs_over_revenue_rub', 'ct_unreported_customs_value_rub', 'ct_missing_return_quarters', 'ct_customs_value_filed_rub', 'ct_revenue_rub'],
      reason: 'the store has no tax_returns rows as of 2024-06-30',
    });
    expect(rowOf(byInn, A)['ct_unreported_customs_value_rub']).toBeNull();
  });

  it('shows the customs value and the revenue of the window quarters with a return', async () => {
    const D = INNS[3] as string;
    const db = await storeWith({
      participants: [{ inn: D }],
      tax_returns: [
        { inn: D, tax_period: '2024-Q1', filed_date: '2024-04-20', revenue_rub: '600000.00' },
        { inn: D, tax_period: '2023-Q4', filed_date: '2024-01-20', revenue_rub: '400000.00' },
        // A return for a quarter without imports still reports revenue.
        { inn: D, tax_period: '2023-Q2', filed_date: '2023-07-20', revenue_rub: '250000.00' },
        // 2023-Q1 is the fifth due quarter as of 2024-06-30: outside the window's four.
        { inn: D, tax_period: '2023-Q1', filed_date: '2023-04-20', revenue_rub: '10000000.00' },
      ],
      declarations: [
        item({ importer_inn: D, release_date: '2024-02-10', customs_value_rub: '300000.00' }),
        item({ importer_inn: D, release_date: '2023-11-10', customs_value_rub: '200000.00' }),
        // Not a payment procedure.
        item({ importer_inn: D, release_date: '2024-01-10', customs_value_rub: '1000000.00', procedure: '51' }),
        // 2023-Q3 has no return; 2024-Q2 is not due; 2023-Q1 is outside the window quarters.
        item({ importer_inn: D, release_date: '2023-08-10', customs_value_rub: '50000.00' }),
        item({ importer_inn: D, release_date: '2024-05-10', customs_value_rub: '900000.00' }),
        item({ importer_inn: D, release_date: '2023-02-10', customs_value_rub: '70000.00' }),
      ],
    });
    const { byInn } = await featuresAsOf(db, '2024-06-30');
    // Filed: 300 000 + 200 000 = 500 000 against 600 000 + 400 000 + 250 000 = 1 250 000.
    expect(rowOf(byInn, D)).toMatchObject({
      ct_customs_value_filed_rub: 500000,
      ct_revenue_rub: 1250000,
      ct_customs_to_revenue_ratio: 0.4,
      ct_unreported_customs_value_rub: 50000,
      ct_missing_return_quarters: 1,
    });
  });

  it('leaves the filed customs value and the revenue NULL without a return in the window quarters', async () => {
    const { byInn } = await features('2024-06-30');
    // B imported 300 000 in 2024-Q1 but filed nothing.
    expect(rowOf(byInn, B)).toMatchObject({ ct_customs_value_filed_rub: null, ct_revenue_rub: null });
    // A: 100 000 released in 2024-Q1 against its return's 5 000 000; 2024-Q2 (900 000) is not due.
    expect(rowOf(byInn, A)).toMatchObject({ ct_customs_value_filed_rub: 100000, ct_revenue_rub: 5000000 });
  });
});
