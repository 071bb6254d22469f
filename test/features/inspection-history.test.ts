import { describe, expect, it } from 'vitest';
import { INNS, featuresAsOf, item, rowOf, sharedFeatures, storeWith } from './helpers.js';

const [A, B, C] = INNS.slice(9) as [string, string, string];

/** A completed inspection of `inn`; values override the valid row. */
function inspection(id: string, inn: string, values: Record<string, string>): Record<string, string> {
  return { inspection_id: id, inn, started_date: '2023-01-10', ...values };
}

async function store() {
  return storeWith({
    declarations: [A, B, C].map((inn) => item({ importer_inn: inn, release_date: '2024-05-10' })),
    outcomes: [
      inspection('I-A1', A, { completed_date: '2023-06-30', violation: '1', additional_charges_rub: '10000.00' }),
      inspection('I-A2', A, { completed_date: '2024-02-15', violation: '0', additional_charges_rub: '' }),
      // Completed after the as-of date 2024-06-30.
      inspection('I-A3', A, { started_date: '2024-05-01', completed_date: '2024-07-15', violation: '1', additional_charges_rub: '50000.00' }),
      // Open: no completion date.
      inspection('I-A4', A, { started_date: '2024-06-01', completed_date: '', violation: '', additional_charges_rub: '' }),
      // C has only an open inspection.
      inspection('I-C1', C, { started_date: '2024-04-01', completed_date: '', violation: '', additional_charges_rub: '' }),
    ],
  });
}

describe('inspection_history features', () => {
  const features = sharedFeatures(store);
  it('counts completed inspections, violations and charges', async () => {
    const { byInn } = await features('2024-06-30');
    // I-A1 and I-A2: one violation, 10 000 + nothing.
    expect(rowOf(byInn, A)).toMatchObject({ insp_count: 2, insp_violations: 1, insp_charges_rub: 10000 });
  });

  it('measures months since the last completed inspection in days / 30.4375', async () => {
    const { byInn } = await features('2024-06-30');
    // 2024-02-15 .. 2024-06-30 = 136 days / 30.4375 = 4.468.
    expect(rowOf(byInn, A)['months_since_last_inspection']).toBe(4.5);
  });

  it('does not count an inspection completed after the as-of date or one still open', async () => {
    const { byInn } = await features('2024-06-30');
    // I-A3 (completed 2024-07-15) and I-A4 (open) are left out; C only has an open one.
    expect(rowOf(byInn, A)).toMatchObject({ insp_count: 2, insp_violations: 1, insp_charges_rub: 10000 });
    expect(rowOf(byInn, C)).toMatchObject({ insp_count: 0, insp_violations: 0, insp_charges_rub: 0, months_since_last_inspection: null });
  });

  it('counts an inspection from its completion date on', async () => {
    const { byInn } = await features('2024-07-31');
    // I-A3 now counts: 2024-07-15 .. 2024-07-31 = 16 days / 30.4375 = 0.526.
    expect(rowOf(byInn, A)).toMatchObject({ insp_count: 3, insp_violations: 2, insp_charges_rub: 60000, months_since_last_inspection: 0.5 });
  });

  it('gives zeros and no recency to a participant never inspected', async () => {
    const { byInn } = await features('2024-06-30');
    expect(rowOf(byInn, B)).toMatchObject({ insp_count: 0, insp_violations: 0, insp_charges_rub: 0, months_since_last_inspection: null });
  });

  it('reports the inspection features unavailable when the store has no outcomes', async () => {
    const db = await storeWith({ declarations: [item({ importer_inn: A, release_date: '2024-05-10' })] });
    const { result, byInn } = await featuresAsOf(db, '2024-06-30');
    expect(result.unavailable).toContainEqual({
      family: 'inspection_history',
      features: ['insp_count', 'insp_violations', 'insp_charges_rub', 'months_since_last_inspection', 'office_violation_rate', 'hs_chapter_violation_rate'],
      reason: 'the store has no outcomes rows as of 2024-06-30',
    });
    expect(rowOf(byInn, A)).toMatchObject({ insp_count: null, insp_violations: null, insp_charges_rub: null, months_since_last_inspection: null, office_violation_rate: null });
  });
});

describe('past violation rates of customs offices and HS chapters', () => {
  const ratedFeatures = sharedFeatures(rated);
  const X = '10702030';
  const Y = '10216100';
  async function rated() {
    return storeWith({
      declarations: [
        item({ importer_inn: A, release_date: '2024-05-10', customs_office: X, customs_value_rub: '100000.00' }),
        item({ importer_inn: B, release_date: '2024-05-10', customs_office: Y, hs_code: '6403990000', customs_value_rub: '50000.00' }),
        item({ importer_inn: C, release_date: '2024-05-10', customs_office: Y, customs_value_rub: '300000.00' }),
        item({ importer_inn: C, release_date: '2024-05-11', customs_office: X, customs_value_rub: '100000.00' }),
      ],
      outcomes: [
        inspection('I-A1', A, { completed_date: '2023-06-30', violation: '1', additional_charges_rub: '10000.00' }),
        inspection('I-A2', A, { completed_date: '2024-02-15', violation: '0', additional_charges_rub: '' }),
        // Completed after the as-of date 2024-06-30: not known yet.
        inspection('I-A3', A, { started_date: '2024-05-01', completed_date: '2024-07-15', violation: '0', additional_charges_rub: '' }),
        inspection('I-C1', C, { completed_date: '2024-01-31', violation: '1', additional_charges_rub: '5000.00' }),
      ],
    });
  }

  it('spreads each inspection over the inspected participant\'s offices by customs value and smooths each office towards the overall rate', async () => {
    const { byInn } = await ratedFeatures('2024-06-30');
    // X: A's 2 inspections (1 violation) + a quarter of C's (a violation): n 2.25, v 1.25. Y: three quarters of C's: n 0.75, v 0.75.
    // Overall 2 / 3. X = (1.25 + 10 x 2/3) / (2.25 + 10) = 0.646259; Y = (0.75 + 10 x 2/3) / (0.75 + 10) = 0.689922.
    expect(rowOf(byInn, A)['office_violation_rate']).toBe(0.6463);
    // B was never inspected: its office's rate all the same.
    expect(rowOf(byInn, B)['office_violation_rate']).toBe(0.6899);
    // C: 0.25 x X + 0.75 x Y.
    expect(rowOf(byInn, C)['office_violation_rate']).toBe(0.679);
  });

  it('gives a chapter no inspection saw the overall rate', async () => {
    const { byInn } = await ratedFeatures('2024-06-30');
    // Chapter 84: A's 2 inspections and C's: n 3, v 2 = the overall 2/3; chapter 64 (B) has none: the overall rate.
    expect(rowOf(byInn, A)['hs_chapter_violation_rate']).toBe(0.6667);
    expect(rowOf(byInn, B)['hs_chapter_violation_rate']).toBe(0.6667);
  });

  it('counts an inspection in the rates only from its completion date on', async () => {
    const { byInn } = await ratedFeatures('2024-07-31');
    // I-A3 (no violation) now counts: X n 3.25, v 1.25; Y as before; overall 2 / 4 = 0.5.
    // X = (1.25 + 5) / 13.25 = 0.471698; Y = (0.75 + 5) / 10.75 = 0.534884.
    expect(rowOf(byInn, A)['office_violation_rate']).toBe(0.4717);
    expect(rowOf(byInn, B)['office_violation_rate']).toBe(0.5349);
  });
});
