import { describe, expect, it } from 'vitest';
import { INNS, featuresAsOf, item, rowOf, storeWith } from './helpers.js';

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

describe('EAEU import VAT features', () => {
  it('compares the EAEU VAT deducted with the VAT paid with applications, allowing a lag of up to two quarters', async () => {
    const { byInn } = await featuresAsOf(await world(), '2024-12-31');
    // One quarter compared (Q3; Q1 and Q2 are its predecessors): D = 100,000 against max(40,000, 30,000, 20,000).
    expect(rowOf(byInn, A)).toMatchObject({ eaeu_vat_deductions_rub: 100000, eaeu_vat_paid_rub: 40000, eaeu_vat_deduction_excess_rub: 60000, eaeu_vat_unpaid_share: 0.6 });
    expect(rowOf(byInn, B)).toMatchObject({ eaeu_vat_deductions_rub: 50000, eaeu_vat_paid_rub: 50000, eaeu_vat_deduction_excess_rub: 0, eaeu_vat_unpaid_share: 0 });
    expect(rowOf(byInn, C)).toMatchObject({ eaeu_vat_deductions_rub: 0, eaeu_vat_deduction_excess_rub: 0, eaeu_vat_unpaid_share: null });
  });

  it('sees a corrected application from the day the correction was filed', async () => {
    const { byInn } = await featuresAsOf(await world(), '2025-01-31');
    expect(rowOf(byInn, A)).toMatchObject({ eaeu_vat_paid_rub: 100000, eaeu_vat_deduction_excess_rub: 0 });
  });

  it('reports the EAEU features unavailable when the store has no applications', async () => {
    const db = await storeWith({ declarations: [item({ importer_inn: A, release_date: '2024-11-10' })], tax_returns: [{ inn: A, tax_period: '2024-Q3', filed_date: '2024-10-20', vat_deductions_eaeu_rub: '100000.00' }] });
    const { result, byInn } = await featuresAsOf(db, '2024-12-31');
    expect(result.unavailable).toContainEqual(expect.objectContaining({ family: 'eaeu', reason: 'the store has no eaeu_imports rows as of 2024-12-31' }));
    expect(rowOf(byInn, A)).toMatchObject({ eaeu_vat_deduction_excess_rub: null });
  });
});
