import { describe, expect, it } from 'vitest';
import { INNS, featuresAsOf, item, rowOf, sharedFeatures, storeWith } from './helpers.js';

const [F, P, H] = INNS.slice(1) as [string, string, string];

/** The features of preferenceStore(), computed once per as-of date for the tests that read them. */
const preferenceFeatures = sharedFeatures(preferenceStore);

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

  it('counts only inspectable items in the duty gap at stake, all items in the rate gap', async () => {
    // Window of 36 months: the item of 2021-12-10 is in it but past the control limit
    // (release + 3 years − 6 months = 2024-06-10 < 2024-06-30).
    const db = await storeWith({
      declarations: [
        item({ importer_inn: F, release_date: '2024-05-10', customs_value_rub: '100000.00', duty_rub: '2000.00' }),
        item({ importer_inn: F, release_date: '2021-12-10', customs_value_rub: '100000.00', duty_rub: '0.00' }),
        item({ importer_inn: P, release_date: '2024-05-11', customs_value_rub: '300000.00', duty_rub: '30000.00' }),
        item({ importer_inn: P, release_date: '2021-12-11', customs_value_rub: '300000.00', duty_rub: '30000.00' }),
      ],
    });
    const { byInn, items } = await featuresAsOf(db, '2024-06-30', { windowMonths: 36 });
    expect(items.find((r) => r['inn'] === F && r['release_date'] === '2021-12-10')).toMatchObject({ inspectable_until: '2024-06-10', inspectable: false, duty_rate: 0, peer_duty_rate: 0.1 });
    // Each peer block: 100 000 at the own rate, 300 000 at 0.1 -> value-weighted median 0.1.
    // Rate gap over both items: (−0.08 − 0.1) / 2 = −0.09.
    // At stake, the 2024 item only: 100 000 × (0.1 − 0.02) × 1.2 = 9 600 (with the old one: + 12 000).
    expect(rowOf(byInn, F)).toMatchObject({ duty_rate_gap: -0.09, duty_gap_at_stake_rub: 9600 });
    expect(rowOf(byInn, P)).toMatchObject({ duty_rate_gap: 0, duty_gap_at_stake_rub: 0 });
  });

  it('sums the payment-procedure window value with a preference dispatched from another country', async () => {
    const { byInn } = await preferenceFeatures('2024-06-30', { windowMonths: 36 });
    // 100 000 + 200 000 (the old item counts); procedure 51, dispatch from the origin and no
    // preference do not. Share: 300 000 / 380 000 payment window value.
    expect(rowOf(byInn, H)).toMatchObject({ pref_mismatch_value_rub: 300000, pref_dispatch_mismatch_share: 0.7895 });
    expect(rowOf(byInn, P)).toMatchObject({ pref_mismatch_value_rub: 0 });
  });

  it('prices the duty a mismatched preference saved at the typical rate of the code, inspectable items only', async () => {
    const { byInn } = await preferenceFeatures('2024-06-30', { windowMonths: 36 });
    // Typical rate of 6110200000: 350 000 at 0 and 430 000 at 0.12 -> value-weighted median 0.12.
    // 100 000 × (0.12 − 0) × 1.2 = 14 400; the item past the control limit would add 28 800.
    expect(rowOf(byInn, H)['pref_mismatch_at_stake_rub']).toBe(14400);
    expect(rowOf(byInn, P)['pref_mismatch_at_stake_rub']).toBe(0);
  });

  it('counts inspectable items whose quantity per kg is far off the declared code and prices them at the code they fit', async () => {
    const [G] = INNS.slice(8) as [string];
    const peers = INNS.slice(1, 7);
    const rows: Record<string, string>[] = [];
    for (const inn of peers) {
      for (let k = 0; k < 4; k++) {
        // 8471300000: 10 pieces per 12.5 kg (0.8 per kg), duty free.
        rows.push(item({ importer_inn: inn, release_date: '2024-05-10' }));
        // 8703230000: 1 piece per 1 000 kg at 1 500 RUB per kg, duty 10%.
        rows.push(item({ importer_inn: inn, release_date: '2024-05-10', hs_code: '8703230000', supplementary_qty: '1', net_weight_kg: '1000', customs_value_rub: '1500000.00', duty_rub: '150000.00' }));
        // 8528720000: 0.5 pieces per kg at the same price per kg, duty 5%.
        rows.push(item({ importer_inn: inn, release_date: '2024-05-10', hs_code: '8528720000', supplementary_qty: '500', net_weight_kg: '1000', customs_value_rub: '1500000.00', duty_rub: '75000.00' }));
      }
    }
    // Cars declared as computers, duty free: two by F, one by G, one by F past the control limit.
    const car = { hs_code: '8471300000', supplementary_qty: '1', net_weight_kg: '1000', customs_value_rub: '1500000.00', duty_rub: '0.00' };
    rows.push(item({ importer_inn: F, release_date: '2024-05-10', ...car }), item({ importer_inn: F, release_date: '2024-05-11', ...car }));
    rows.push(item({ importer_inn: G, release_date: '2024-05-10', ...car }));
    rows.push(item({ importer_inn: F, release_date: '2021-12-10', ...car }));
    const { byInn } = await featuresAsOf(await storeWith({ declarations: rows }), '2024-06-30');
    // 8471300000: median ln(0.8), MAD 0 -> spread 0.05; ln(0.001 / 0.8) = −6.7 is 134 spreads off.
    // Best fit: 8703230000 (quantity and price per kg both at its median), typical rate 0.1:
    // 1 500 000 × (0.1 − 0) × 1.2 = 180 000 per item.
    expect(rowOf(byInn, F)).toMatchObject({ qty_per_kg_off_code_items: 2, qty_per_kg_off_code_value_rub: 3000000, qty_per_kg_off_code_at_stake_rub: 360000 });
    expect(rowOf(byInn, G)).toMatchObject({ qty_per_kg_off_code_items: 1, qty_per_kg_off_code_value_rub: 1500000, qty_per_kg_off_code_at_stake_rub: 180000 });
    expect(rowOf(byInn, P)).toMatchObject({ qty_per_kg_off_code_items: 0, qty_per_kg_off_code_value_rub: 0, qty_per_kg_off_code_at_stake_rub: 0 });
  });
});

/** Items of 6110200000 released 2024-05-10 without duty unless given; H claims a preference. */
async function preferenceStore() {
  const knit = (inn: string, values: Record<string, string>) => item({ importer_inn: inn, hs_code: '6110200000', release_date: '2024-05-10', duty_rub: '0.00', ...values });
  return storeWith({
    declarations: [
      knit(P, { customs_value_rub: '400000.00', duty_rub: '48000.00' }),
      // Preference claimed, origin VN, dispatched from CN.
      knit(H, { customs_value_rub: '100000.00', preference: 'FTA', origin_country: 'VN', dispatch_country: 'CN' }),
      // The same but past the control limit (2021-12-10 + 30 months = 2024-06-10).
      knit(H, { customs_value_rub: '200000.00', preference: 'FTA', origin_country: 'VN', dispatch_country: 'CN', release_date: '2021-12-10' }),
      // The same but not a payment procedure.
      knit(H, { customs_value_rub: '70000.00', preference: 'FTA', origin_country: 'VN', dispatch_country: 'CN', procedure: '51' }),
      // Preference dispatched from the origin country; no preference, dispatched from another country.
      knit(H, { customs_value_rub: '50000.00', preference: 'FTA', origin_country: 'VN', dispatch_country: 'VN' }),
      knit(H, { customs_value_rub: '30000.00', duty_rub: '3600.00', origin_country: 'VN', dispatch_country: 'CN' }),
    ],
  });
}

describe('pref_dispatch_excess_z', () => {
  it('tests dispatch from another country against the rate of other importers of the same origin', async () => {
    const [A, B] = INNS.slice(4) as [string, string];
    const pref = (inn: string, dispatch: string, day: number) =>
      item({ importer_inn: inn, release_date: `2024-05-${String(day).padStart(2, '0')}`, origin_country: 'VN', dispatch_country: dispatch, preference: 'FTA' });
    const db = await storeWith({
      declarations: [
        // H: 3 of 4 preferential VN items shipped from CN.
        pref(H, 'CN', 1), pref(H, 'CN', 2), pref(H, 'CN', 3), pref(H, 'VN', 4),
        // A: 1 of 5 through a hub; B: none of 5.
        pref(A, 'SG', 1), pref(A, 'VN', 2), pref(A, 'VN', 3), pref(A, 'VN', 4), pref(A, 'VN', 5),
        pref(B, 'VN', 1), pref(B, 'VN', 2), pref(B, 'VN', 3), pref(B, 'VN', 4), pref(B, 'VN', 5),
        // F claims no preference.
        item({ importer_inn: F, release_date: '2024-05-10', origin_country: 'VN', dispatch_country: 'CN' }),
      ],
    });
    const { byInn } = await featuresAsOf(db, '2024-06-30');
    // H: others' rate r = (1 + 0.5) / (10 + 1) = 0.136364; e = 4r = 0.545455, v = 4r(1 − r) = 0.471074;
    // z = (3 − 0.545455) / sqrt(0.471074) = 3.5762.
    expect(rowOf(byInn, H)['pref_dispatch_excess_z']).toBe(3.58);
    // A: others' rate (3 + 0.5) / (9 + 1) = 0.35; z = (1 − 1.75) / sqrt(5 × 0.35 × 0.65) = −0.7032.
    expect(rowOf(byInn, A)['pref_dispatch_excess_z']).toBe(-0.7);
    expect(rowOf(byInn, F)['pref_dispatch_excess_z']).toBeNull();
  });
});
