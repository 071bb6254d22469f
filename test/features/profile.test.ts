import { describe, expect, it } from 'vitest';
import { INNS, featuresAsOf, item, rowOf, sharedFeatures, storeWith } from './helpers.js';

// As of 2024-06-30 with the defaults: window 2023-07-01..2024-06-30; the last
// peerWindowMonths (3) months 2024-03-31..2024-06-30; the 12 months before them
// 2023-03-31..2024-03-30; due quarters of the window 2024-Q1, 2023-Q4, 2023-Q3, 2023-Q2.
const AS_OF = '2024-06-30';

/** A VAT return of a quarter, filed on the 20th of the month after it; values override the valid row. */
function vatReturn(inn: string, taxPeriod: string, values: Record<string, string> = {}): Record<string, string> {
  const [year, q] = taxPeriod.split('-Q').map(Number) as [number, number];
  const month = q * 3 + 1;
  const filed = month > 12 ? `${year + 1}-01-20` : `${year}-${String(month).padStart(2, '0')}-20`;
  return { inn, tax_period: taxPeriod, filed_date: filed, ...values };
}

/** A return whose VAT kept (accrued − deductions) and revenue are given, in RUB. */
function burdenReturn(inn: string, taxPeriod: string, kept: number, revenue: number, values: Record<string, string> = {}): Record<string, string> {
  return vatReturn(inn, taxPeriod, {
    revenue_rub: revenue.toFixed(2),
    vat_accrued_rub: (200000 + kept).toFixed(2),
    vat_deductions_rub: '200000.00',
    ...values,
  });
}

describe('profile features: imports', () => {
  const features = sharedFeatures(store);
  const [V, G, N, O, U] = INNS.slice(1) as [string, string, string, string, string];

  async function store() {
    return storeWith({
      declarations: [
        // V: in the window 100 000 by method 1, 200 000 by method 2, 100 000 by method 6 under
        // procedure 51; before the window 500 000 by method 3 (chapter 94).
        item({ importer_inn: V, release_date: '2024-02-10', customs_value_rub: '100000.00', valuation_method: '1', hs_code: '8471300000' }),
        item({ importer_inn: V, release_date: '2023-09-10', customs_value_rub: '200000.00', valuation_method: '2', hs_code: '8471410000' }),
        item({ importer_inn: V, release_date: '2023-07-01', customs_value_rub: '100000.00', valuation_method: '6', hs_code: '6109100000', procedure: '51' }),
        item({ importer_inn: V, release_date: '2023-06-30', customs_value_rub: '500000.00', valuation_method: '3', hs_code: '9403200000' }),
        // G: before 2023-03-31 (ignored) 5 000 000; 2023-03-31..2024-03-30 600 000 + 600 000;
        // 2024-03-31..2024-06-30 300 000 + 300 000.
        item({ importer_inn: G, release_date: '2023-03-30', customs_value_rub: '5000000.00' }),
        item({ importer_inn: G, release_date: '2023-03-31', customs_value_rub: '600000.00' }),
        item({ importer_inn: G, release_date: '2024-03-30', customs_value_rub: '600000.00' }),
        item({ importer_inn: G, release_date: '2024-03-31', customs_value_rub: '300000.00' }),
        item({ importer_inn: G, release_date: '2024-06-30', customs_value_rub: '300000.00' }),
        // N imports only in the last three months, O only before them.
        item({ importer_inn: N, release_date: '2024-05-10', customs_value_rub: '100000.00' }),
        item({ importer_inn: O, release_date: '2023-10-10', customs_value_rub: '100000.00' }),
        // U: a window item whose valuation method the extract does not give.
        item({ importer_inn: U, release_date: '2024-01-10', customs_value_rub: '100000.00', valuation_method: '' }),
      ],
    });
  }

  it('measures the share of window value declared by valuation methods 2-6', async () => {
    const { byInn } = await features(AS_OF);
    // (200 000 + 100 000) / (100 000 + 200 000 + 100 000); the method-3 item before the window is left out.
    expect(rowOf(byInn, V)['nontx_valuation_share']).toBe(0.75);
    // Only transaction value (method 1) in the window: 0, not unknown.
    expect(rowOf(byInn, G)['nontx_valuation_share']).toBe(0);
    expect(rowOf(byInn, O)['nontx_valuation_share']).toBe(0);
  });

  it('leaves the share NULL when no window item gives a valuation method', async () => {
    const { byInn } = await features(AS_OF);
    expect(rowOf(byInn, U)['nontx_valuation_share']).toBeNull();
  });

  it('sums the window customs value of all procedures', async () => {
    const { byInn } = await features(AS_OF);
    // 100 000 + 200 000 + 100 000 (procedure 51 counts); 500 000 of 2023-06-30 is before the window.
    expect(rowOf(byInn, V)).toMatchObject({ window_customs_value_rub: 400000, customs_value_window_rub: '400000.00' });
  });

  it('counts distinct two-digit HS chapters of window items', async () => {
    const { byInn } = await features(AS_OF);
    // 8471300000 and 8471410000 share chapter 84, 6109100000 is 61; 9403 is before the window.
    expect(rowOf(byInn, V)['hs_chapter_count']).toBe(2);
  });

  it('compares the monthly mean value of the last three months with the twelve months before', async () => {
    const { byInn } = await features(AS_OF);
    // ln((600 000 / 3) / (1 200 000 / 12)) = ln 2 = 0.693147; 2023-03-30 is outside both periods.
    expect(rowOf(byInn, G)['customs_value_growth_log']).toBe(0.6931);
  });

  it('leaves the growth NULL without imports in either period', async () => {
    const { byInn } = await features(AS_OF);
    expect(rowOf(byInn, N)['customs_value_growth_log']).toBeNull();
    expect(rowOf(byInn, O)['customs_value_growth_log']).toBeNull();
  });
});

describe('profile features: register snapshot', () => {
  const features = sharedFeatures(store);
  const [R, U, W] = INNS.slice(4) as [string, string, string];

  async function store() {
    return storeWith({
      participants: [
        { inn: R, snapshot_date: '2024-03-31', registration_date: '2020-06-30', headcount: '12', mass_address: '0', unreliable_record: '0' },
        // Valid from the as-of date itself.
        { inn: R, snapshot_date: '2024-06-30', registration_date: '2020-06-30', headcount: '3', mass_address: '1', unreliable_record: '0' },
        // Taken after the as-of date.
        { inn: R, snapshot_date: '2024-07-31', registration_date: '2020-06-30', headcount: '0', mass_address: '1', unreliable_record: '1' },
        // U's only snapshot is later than the as-of date.
        { inn: U, snapshot_date: '2024-07-31', registration_date: '2024-01-10', headcount: '1', mass_address: '1', unreliable_record: '1' },
      ],
      declarations: [R, U, W].map((inn) => item({ importer_inn: inn, release_date: '2024-05-10' })),
    });
  }

  it('computes the firm age from the registration date in years of 365.25 days', async () => {
    const { byInn } = await features(AS_OF);
    // 2020-06-30 .. 2024-06-30 = 1461 days (one 29 February) / 365.25 = 4.
    expect(rowOf(byInn, R)['firm_age_years']).toBe(4);
  });

  it('takes headcount and register flags from the snapshot valid at the as-of date, not a later one', async () => {
    const { byInn } = await features(AS_OF);
    // The 2024-06-30 snapshot, not 2024-03-31 (older) nor 2024-07-31 (later).
    expect(rowOf(byInn, R)).toMatchObject({ headcount: 3, mass_address: 1, unreliable_record: 0 });
  });

  it('uses the later snapshot from its date on', async () => {
    const { byInn } = await features('2024-07-31');
    expect(rowOf(byInn, R)).toMatchObject({ headcount: 0, mass_address: 1, unreliable_record: 1 });
    // U is in the register now: 2024-01-10 .. 2024-07-31 = 203 days / 365.25 = 0.5558.
    expect(rowOf(byInn, U)).toMatchObject({ headcount: 1, mass_address: 1, unreliable_record: 1, firm_age_years: 0.56 });
  });

  it('leaves register features NULL for a participant without a snapshot by the as-of date', async () => {
    const { byInn } = await features(AS_OF);
    const none = { firm_age_years: null, headcount: null, mass_address: null, unreliable_record: null };
    expect(rowOf(byInn, U)).toMatchObject(none);
    expect(rowOf(byInn, W)).toMatchObject(none);
  });
});

describe('profile features: VAT burden and gross margin', () => {
  const burdenFeatures = sharedFeatures(burdenStore);
  const [P1, P2, P3, P4, P5, Q1, Q2, S] = INNS.slice(1, 9) as [string, string, string, string, string, string, string, string];

  async function burdenStore() {
    const wholesale = [P1, P2, P3, P4, P5, S];
    return storeWith({
      participants: [...wholesale.map((inn) => ({ inn, activity_code: '46.90' })), { inn: Q1, activity_code: '47.11' }, { inn: Q2, activity_code: '47.11' }],
      declarations: [...wholesale, Q1, Q2].map((inn) => item({ importer_inn: inn, release_date: '2024-02-10' })),
      tax_returns: [
        // P1: 30 000 kept on 1 000 000 and 10 000 on 3 000 000 -> 40 000 / 4 000 000 = 0.01
        // (a mean of the quarters' ratios would give 0.0167).
        burdenReturn(P1, '2024-Q1', 30000, 1000000),
        burdenReturn(P1, '2023-Q4', 10000, 3000000),
        // Outside the due quarters of the window: 2023-Q1 is the fifth due quarter, 2024-Q2 is not due.
        burdenReturn(P1, '2023-Q1', 500000, 1000000),
        burdenReturn(P1, '2024-Q2', 500000, 1000000, { filed_date: '2024-06-20' }),
        burdenReturn(P2, '2024-Q1', 20000, 1000000),
        burdenReturn(P3, '2024-Q1', 30000, 1000000),
        burdenReturn(P4, '2024-Q1', 40000, 1000000),
        burdenReturn(P5, '2024-Q1', 50000, 1000000),
        burdenReturn(Q1, '2024-Q1', 100000, 1000000),
        burdenReturn(Q2, '2024-Q1', 200000, 1000000),
      ],
    });
  }

  it('compares the VAT burden with the median of its activity code when at least 5 share it', async () => {
    const { byInn } = await burdenFeatures(AS_OF);
    // 46.90 burdens 0.01, 0.02, 0.03, 0.04, 0.05 -> median 0.03.
    expect(rowOf(byInn, P1)['vat_burden_gap']).toBe(-0.02);
    expect(rowOf(byInn, P3)['vat_burden_gap']).toBe(0);
    expect(rowOf(byInn, P5)['vat_burden_gap']).toBe(0.02);
  });

  it('compares the VAT burden with the median of all participants when fewer than 5 share the code', async () => {
    const { byInn } = await burdenFeatures(AS_OF);
    // 47.11 has two: all burdens 0.01, 0.02, 0.03, 0.04, 0.05, 0.10, 0.20 -> median 0.04.
    expect(rowOf(byInn, Q1)['vat_burden_gap']).toBe(0.06);
    expect(rowOf(byInn, Q2)['vat_burden_gap']).toBe(0.16);
  });

  it('leaves the VAT burden gap NULL without a return in the due quarters of the window', async () => {
    const { byInn } = await burdenFeatures(AS_OF);
    expect(rowOf(byInn, S)['vat_burden_gap']).toBeNull();
  });

  it('computes the gross margin over the window returns that report cost of sales', async () => {
    const [M, E] = [P1, P2];
    const db = await storeWith({
      declarations: [item({ importer_inn: M, release_date: '2024-02-10' }), item({ importer_inn: E, release_date: '2024-02-10' })],
      tax_returns: [
        vatReturn(M, '2024-Q1', { revenue_rub: '1000000.00', cost_of_sales_rub: '700000.00' }),
        vatReturn(M, '2023-Q4', { revenue_rub: '3000000.00', cost_of_sales_rub: '' }),
        vatReturn(M, '2023-Q3', { revenue_rub: '1000000.00', cost_of_sales_rub: '900000.00' }),
        vatReturn(M, '2023-Q1', { revenue_rub: '1000000.00', cost_of_sales_rub: '0.00' }),
        vatReturn(E, '2024-Q1', { revenue_rub: '1000000.00', cost_of_sales_rub: '' }),
      ],
    });
    const { byInn } = await featuresAsOf(db, AS_OF);
    // (1 000 000 + 1 000 000 − 700 000 − 900 000) / 2 000 000 = 0.2: 2023-Q4 reports no cost of
    // sales, 2023-Q1 is outside the window's due quarters.
    expect(rowOf(byInn, M)['gross_margin']).toBe(0.2);
    expect(rowOf(byInn, E)['gross_margin']).toBeNull();
  });
});
