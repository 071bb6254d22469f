import { describe, expect, it } from 'vitest';
import { INNS, featuresAsOf, item, rowOf, sharedFeatures, storeWith } from './helpers.js';

const [A, B, C] = INNS.slice(1, 4) as [string, string, string];

let serial = 0;
/** One application line of `inn` paying `vat`, for goods accepted on `accepted`. */
function application(inn: string, accepted: string, vat: number, values: Record<string, string> = {}): Record<string, string> {
  serial += 1;
  return { application_no: `APP-${serial}`, applicant_inn: inn, accepted_date: accepted, application_date: accepted, vat_rub: vat.toFixed(2), value_rub: (vat * 5).toFixed(2), ...values };
}

async function world() {
  const aQ3 = application(A, '2024-09-28', 40_000, { application_date: '2024-10-05' });
  return storeWith({
    declarations: [A, B, C].map((inn) => item({ importer_inn: inn, release_date: '2024-11-10' })),
    tax_returns: [
      { inn: A, tax_period: '2024-Q3', filed_date: '2024-10-20', vat_deductions_eaeu_rub: '100000.00' },
      { inn: B, tax_period: '2024-Q3', filed_date: '2024-10-20', vat_deductions_eaeu_rub: '50000.00' },
    ],
    eaeu_imports: [
      // A pays 20,000, 30,000 and 40,000 in the first three quarters (the Q3 goods filed for in October) and deducts 100,000 in Q3;
      // its first goods, on 1 January, start the applications' data: a quarter is compared when its two predecessors start on or after it.
      application(A, '2024-01-01', 20_000),
      application(A, '2024-05-15', 30_000),
      aQ3,
      // Corrected after the as-of date: the full 100,000 paid after all.
      { ...aQ3, correction_no: '1', correction_date: '2025-01-15', vat_rub: '100000.00', value_rub: '500000.00' },
      // B paid in Q2 what it deducts in Q3: a lag.
      application(B, '2024-06-20', 50_000),
      // C pays and files no return.
      application(C, '2024-08-01', 10_000),
    ],
  });
}

/** The features of world(), computed once per as-of date for the tests that read them. */
const features = sharedFeatures(world);

describe('EAEU import VAT features', () => {
  it('compares the EAEU VAT deducted with the VAT paid with applications, allowing a lag of up to two quarters', async () => {
    const { byInn } = await features('2024-12-31');
    // One quarter compared (Q3; Q1 and Q2 are its predecessors): D = 100,000 against max(40,000, 30,000, 20,000).
    expect(rowOf(byInn, A)).toMatchObject({ eaeu_vat_deductions_rub: 100000, eaeu_vat_paid_rub: 40000, eaeu_vat_deduction_excess_rub: 60000, eaeu_vat_unpaid_share: 0.6 });
    expect(rowOf(byInn, B)).toMatchObject({ eaeu_vat_deductions_rub: 50000, eaeu_vat_paid_rub: 50000, eaeu_vat_deduction_excess_rub: 0, eaeu_vat_unpaid_share: 0 });
    expect(rowOf(byInn, C)).toMatchObject({ eaeu_vat_deductions_rub: 0, eaeu_vat_deduction_excess_rub: 0, eaeu_vat_unpaid_share: null });
  });

  it('sees a corrected application from the day the correction was filed', async () => {
    const { byInn } = await features('2025-01-31');
    expect(rowOf(byInn, A)).toMatchObject({ eaeu_vat_paid_rub: 100000, eaeu_vat_deduction_excess_rub: 0 });
  });

  it('reports the EAEU features unavailable when the store has no applications', async () => {
    const db = await storeWith({ declarations: [item({ importer_inn: A, release_date: '2024-11-10' })], tax_returns: [{ inn: A, tax_period: '2024-Q3', filed_date: '2024-10-20', vat_deductions_eaeu_rub: '100000.00' }] });
    const { result, byInn } = await featuresAsOf(db, '2024-12-31');
    expect(result.unavailable).toContainEqual(expect.objectContaining({ family: 'eaeu', reason: 'the store has no eaeu_imports rows as of 2024-12-31' }));
    expect(rowOf(byInn, A)).toMatchObject({ eaeu_vat_deduction_excess_rub: null });
  });

  it('prices EAEU arrivals against the same goods through customs, per unit of the line', async () => {
    const [P1, P2, P3, D] = INNS.slice(4, 8) as [string, string, string, string];
    const SHOES = '6403990000';
    // Through customs: 100 pairs (50 kg) for 100,000 RUB, duty 10,000: 1,000 RUB a pair, 2,000 RUB a kg, duty rate 10%.
    const shoes = (inn: string) =>
      item({ importer_inn: inn, release_date: '2024-11-10', hs_code: SHOES, customs_value_rub: '100000.00', duty_rub: '10000.00', supplementary_qty: '100', supplementary_unit: '796', net_weight_kg: '50' });
    const db = await storeWith({
      declarations: [P1, P2, P3].map(shoes).concat([A, B, C, D].map((inn) => item({ importer_inn: inn, release_date: '2024-11-10' }))),
      eaeu_imports: [
        // A: 100 pairs declared at 25,000 RUB, a quarter of the customs price.
        application(A, '2024-10-01', 5_000, { hs_code: SHOES, quantity: '100', unit: '796', value_rub: '25000.00' }),
        // B: 80% of the customs price, genuinely cheaper goods from a neighbour.
        application(B, '2024-10-01', 16_000, { hs_code: SHOES, quantity: '100', unit: '796', value_rub: '80000.00' }),
        // C: by weight, at the customs price per kg.
        application(C, '2024-10-01', 20_000, { hs_code: SHOES, quantity: '50', unit: '166', value_rub: '100000.00' }),
        // D: a 10-digit code customs never saw, priced at its 6-digit code (640399): half the customs price.
        application(D, '2024-10-01', 10_000, { hs_code: '6403991000', quantity: '100', unit: '796', value_rub: '50000.00' }),
      ],
    });
    const { byInn } = await featuresAsOf(db, '2024-12-31', { peerMinItems: 3, peerMinImporters: 1 });
    expect(Number(rowOf(byInn, A)['eaeu_price_vs_customs_log'])).toBeCloseTo(Math.log(0.25), 3);
    // Duty on goods worth 100,000 (10,000) and VAT on the value gap: (110,000 − 25,000) × 20% = 17,000.
    expect(rowOf(byInn, A)).toMatchObject({ eaeu_false_origin_at_stake_rub: 27_000, eaeu_compared_value_rub: 25_000, eaeu_below_half_share: 1 });
    expect(Number(rowOf(byInn, A)['eaeu_below_half_log'])).toBeCloseTo(Math.log(0.25), 3);
    expect(Number(rowOf(byInn, B)['eaeu_price_vs_customs_log'])).toBeCloseTo(Math.log(0.8), 3);
    expect(rowOf(byInn, B)).toMatchObject({ eaeu_false_origin_at_stake_rub: 0, eaeu_below_half_share: 0, eaeu_below_half_log: null });
    expect(Number(rowOf(byInn, C)['eaeu_price_vs_customs_log'])).toBeCloseTo(0, 4);
    expect(Number(rowOf(byInn, D)['eaeu_price_vs_customs_log'])).toBeCloseTo(Math.log(0.5), 3);
    expect(rowOf(byInn, D)).toMatchObject({ eaeu_compared_value_rub: 50_000 });
    // P1 brings no shoes from the EAEU: nothing compared.
    expect(rowOf(byInn, P1)).toMatchObject({ eaeu_price_vs_customs_log: null, eaeu_compared_value_rub: 0 });
  });

  it('finds the codes an importer moved from customs to EAEU arrivals after an inspection', async () => {
    const D = INNS[8] as string;
    const db = await storeWith({
      declarations: [
        item({ importer_inn: D, release_date: '2024-03-10', hs_code: '6403990000' }),
        item({ importer_inn: D, release_date: '2024-03-10', hs_code: '8471300000' }),
        // Still imports computers through customs after the inspection.
        item({ importer_inn: D, release_date: '2024-09-10', hs_code: '8471300000' }),
      ],
      outcomes: [{ inspection_id: 'I-D', inn: D, period_from: '2023-01-01', period_to: '2023-12-31', started_date: '2024-05-01', completed_date: '2024-06-30' }],
      eaeu_imports: [
        application(D, '2024-05-01', 10_000, { hs_code: '6403990000', value_rub: '50000.00' }),
        application(D, '2024-10-01', 60_000, { hs_code: '6403990000', value_rub: '300000.00' }),
        application(D, '2024-10-01', 40_000, { hs_code: '8471300000', value_rub: '200000.00' }),
      ],
    });
    const { byInn } = await featuresAsOf(db, '2024-12-31');
    // Shoes after the inspection only: the arrival before it and the computers still declared at customs do not count.
    expect(rowOf(byInn, D)).toMatchObject({ eaeu_codes_switched_rub: 300_000 });
    // Before the inspection was completed nothing had switched.
    expect(rowOf((await featuresAsOf(db, '2024-06-29')).byInn, D)).toMatchObject({ eaeu_codes_switched_rub: 0 });
  });
});
