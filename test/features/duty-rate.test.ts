import { describe, expect, it } from 'vitest';
import { INNS, featuresAsOf, item, rowOf, storeWith } from './helpers.js';

const [F, P, H] = INNS.slice(1) as [string, string, string];

describe('duty_rate features', () => {
  it('compares the effective duty rate with the value-weighted median of the same code and preference group', async () => {
    const db = await storeWith({
      declarations: [
        item({ importer_inn: F, release_date: '2024-05-10', origin_country: 'MY', dispatch_country: 'CN', duty_rub: '2000.00' }),
        item({ importer_inn: P, release_date: '2024-05-10', duty_rub: '10000.00', customs_value_rub: '100000.00' }),
        item({ importer_inn: P, release_date: '2024-05-11', duty_rub: '10000.00', customs_value_rub: '100000.00' }),
        // A preference claimed while dispatched from another country.
        item({ importer_inn: H, release_date: '2024-05-10', origin_country: 'VN', dispatch_country: 'CN', preference: 'FTA', customs_value_rub: '100000.00' }),
        item({ importer_inn: H, release_date: '2024-05-10', customs_value_rub: '300000.00', duty_rub: '30000.00' }),
      ],
    });
    const { byInn, items } = await featuresAsOf(db, '2024-06-30');
    // No-preference peers of 8471300000: rates 0.02 (100k), 0.1 (200k), 0.1 (300k) -> median 0.1.
    expect(items.find((r) => r['inn'] === F)).toMatchObject({ duty_rate: 0.02, peer_duty_rate: 0.1 });
    expect(rowOf(byInn, F)).toMatchObject({ duty_rate_gap: -0.08, pref_dispatch_mismatch_share: 0 });
    expect(rowOf(byInn, H)).toMatchObject({ pref_dispatch_mismatch_share: 0.25 });
  });

  it('measures a shift of the code mix towards codes with a lower typical duty', async () => {
    const db = await storeWith({
      declarations: [
        item({ importer_inn: F, release_date: '2023-03-10', hs_code: '8471300000', duty_rub: '10000.00' }),
        item({ importer_inn: F, release_date: '2024-05-10', hs_code: '8471410000', duty_rub: '2000.00' }),
      ],
    });
    const { byInn } = await featuresAsOf(db, '2024-06-30');
    expect(rowOf(byInn, F)['duty_code_mix_shift']).toBe(-0.08);
  });
});
