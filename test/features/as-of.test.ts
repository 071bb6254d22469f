import { describe, expect, it } from 'vitest';
import type { ExtractId } from '../../src/contract/extracts.js';
import { INNS, featuresAsOf, item, rowOf, storeWith } from './helpers.js';

const A = INNS[0] as string;
const B = INNS[1] as string;

type Rows = Partial<Record<ExtractId, Record<string, string>[]>>;

const base: Required<Pick<Rows, 'participants' | 'tax_returns' | 'declarations' | 'outcomes'>> = {
  participants: [{ inn: A }, { inn: B, snapshot_date: '2024-05-31' }],
  tax_returns: [{ inn: A }],
  declarations: [item({ decl_id: 'D-1', importer_inn: A }), item({ decl_id: 'D-2', importer_inn: B, release_date: '2024-05-20', duty_rub: '5000.00' })],
  outcomes: [{ inn: A, completed_date: '2024-04-01' }],
};

/** The same store with rows dated after 2024-06-30 added: a return correction, a declaration version, an outcome, a register snapshot. */
const later: Rows = {
  participants: [...base.participants, { inn: A, snapshot_date: '2024-07-31', headcount: '0', mass_address: '1' }],
  tax_returns: [...base.tax_returns, { inn: A, correction_no: '1', filed_date: '2024-07-02', revenue_rub: '10.00' }],
  declarations: [...base.declarations, item({ decl_id: 'D-1', importer_inn: A, version: '2', version_date: '2024-07-03', customs_value_rub: '999999.00' })],
  outcomes: [...base.outcomes, { inspection_id: 'I-2', inn: B, started_date: '2024-06-01', completed_date: '2024-07-15', violation: '1' }],
};

describe('features as of a date', () => {
  it('are unchanged by a correction, a declaration version, a snapshot or an outcome dated after the as-of date', async () => {
    const before = await featuresAsOf(await storeWith(base), '2024-06-30');
    const withLater = await featuresAsOf(await storeWith(later), '2024-06-30');
    expect([...withLater.byInn.values()]).toEqual([...before.byInn.values()]);
    expect(withLater.items).toEqual(before.items);
  });

  it('see the later rows from their dates on', async () => {
    const { byInn } = await featuresAsOf(await storeWith(later), '2024-07-31');
    expect(rowOf(byInn, A)).toMatchObject({ headcount: 0, mass_address: 1, ct_customs_to_revenue_ratio: 999999 / 10 });
    expect(rowOf(byInn, B)).toMatchObject({ insp_count: 1, insp_violations: 1, insp_charges_rub: 15000, months_since_last_inspection: 0.5 });
  });

  it('give the universe its register data, office and window value', async () => {
    const { byInn } = await featuresAsOf(await storeWith(base), '2024-06-30');
    expect(rowOf(byInn, A)).toMatchObject({ name: 'ООО Ромашка', region: '77', office: '10702030', customs_value_window_rub: '100000.00' });
    expect(rowOf(byInn, A)).toMatchObject({ insp_count: 1, insp_violations: 1, insp_charges_rub: 15000, months_since_last_inspection: 3 }); // 90 days / 30.4375
    expect(rowOf(byInn, A)).toMatchObject({ firm_age_years: 14.17, headcount: 12, mass_address: 0, unreliable_record: 0 });
    expect(rowOf(byInn, B)).toMatchObject({ insp_count: 0, months_since_last_inspection: null });
  });
});
