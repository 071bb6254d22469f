import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/io/db.js';
import { INNS, featuresAsOf, item, rowOf, sharedFeatures, storeWith } from './helpers.js';

const [X, P1, P2, P3, Y, Z] = INNS.slice(5) as [string, string, string, string, string, string];
const PEERS = { peerMinItems: 3, peerMinImporters: 3 };

/** Items of 1 kg (unit value = customs value), VAT 20%, no duty, released in May-June 2024 (one peer block as of 2024-06-30). */
function kg(inn: string, value: number, extra: Record<string, string> = {}): Record<string, string> {
  return item({
    importer_inn: inn,
    release_date: '2024-05-10',
    customs_value_rub: value.toFixed(2),
    import_vat_rub: (value * 0.2).toFixed(2),
    net_weight_kg: '1',
    ...extra,
  });
}

async function store() {
  return storeWith({
    declarations: [
      kg(X, 50),
      kg(X, 10, { release_date: '2024-06-05' }),
      kg(P1, 100),
      kg(P2, 200),
      kg(P3, 300),
      kg(Y, 80, { origin_country: 'DE' }),
      kg(Z, 1000, { hs_code: '8471410000' }),
    ],
  });
}

const byValue = (items: Row[], inn: string, value: string): Row => {
  const found = items.find((r) => r['inn'] === inn && r['customs_value_rub'] === value);
  if (found === undefined) throw new Error(`no item ${inn} ${value}`);
  return found;
};

describe('unit_value features and the item table', () => {
  const features = sharedFeatures(store);
  it('excludes the participant\'s own items from its peer median', async () => {
    const { items } = await features('2024-06-30', PEERS);
    // Others of X in 8471300000+CN: 100, 200, 300 -> 200 (with X's own 10 and 50 it would be 100).
    expect(byValue(items, X, '50.00')).toMatchObject({ peer_level: 'hs10+origin', peer_items: 3, peer_importers: 3, peer_median_unit_value_rub_per_kg: 200 });
    expect(byValue(items, X, '50.00')['unit_value_log_dev']).toBeCloseTo(Math.log(0.25), 6);
    // Others of P1: 10, 50, 200, 300 -> 125.
    expect(byValue(items, P1, '100.00')).toMatchObject({ peer_median_unit_value_rub_per_kg: 125, peer_items: 4, peer_importers: 3 });
  });

  it('falls back from hs10+origin to hs6 to hs4', async () => {
    const { items } = await features('2024-06-30', PEERS);
    // Y (origin DE) is alone in 8471300000+DE: hs6 847130 has 10, 50, 100, 200, 300 from 4 others.
    expect(byValue(items, Y, '80.00')).toMatchObject({ peer_level: 'hs6', peer_items: 5, peer_importers: 4, peer_median_unit_value_rub_per_kg: 100 });
    // Z is alone in 847141: hs4 8471 has 10, 50, 80, 100, 200, 300 from 5 others.
    expect(byValue(items, Z, '1000.00')).toMatchObject({ peer_level: 'hs4', peer_items: 6, peer_importers: 5, peer_median_unit_value_rub_per_kg: 90 });
  });

  it('leaves items without a big enough peer group uncompared', async () => {
    const { items, byInn } = await features('2024-06-30', { peerMinItems: 3, peerMinImporters: 6 });
    expect(byValue(items, X, '50.00')).toMatchObject({ peer_level: 'none', unit_value_log_dev: null, peer_items: null, item_at_stake_rub: 0 });
    expect(rowOf(byInn, X)).toMatchObject({ uv_log_dev_mean: null, uv_compared_share: 0, uv_at_stake_rub: 0 });
  });

  it('aggregates per participant: mean log deviation, share below half, amount at stake', async () => {
    const { byInn } = await features('2024-06-30', PEERS);
    // Both X items weigh 200 at the peer median; shortfalls 150 and 190 at VAT 20%: 30 + 38.
    expect(rowOf(byInn, X)).toMatchObject({
      uv_log_dev_mean: Number(((Math.log(0.25) + Math.log(0.05)) / 2).toFixed(4)),
      uv_share_below_half: 1,
      uv_at_stake_rub: 68,
      uv_compared_share: 1,
      uv_peer_level: 1,
      uv_peer_items: 3,
    });
  });

  it('counts items past the control limit in features but not in amounts at stake', async () => {
    // controlYears 1 - leadMonths 11: inspectable for one month after release.
    const { items, byInn } = await features('2024-06-30', { ...PEERS, controlYears: 1, leadMonths: 11 });
    expect(byValue(items, X, '50.00')).toMatchObject({ inspectable_until: '2024-06-10', inspectable: false, item_at_stake_rub: 0 });
    expect(byValue(items, X, '10.00')).toMatchObject({ inspectable_until: '2024-07-05', inspectable: true, item_at_stake_rub: 38 });
    expect(rowOf(byInn, X)).toMatchObject({ uv_at_stake_rub: 38, uv_share_below_half: 1, uv_log_dev_mean: Number(((Math.log(0.25) + Math.log(0.05)) / 2).toFixed(4)) });
  });

  it('gives identical tables on two runs', async () => {
    const db = await store();
    const first = await featuresAsOf(db, '2024-06-30', PEERS);
    const second = await featuresAsOf(db, '2024-06-30', PEERS);
    expect([...second.byInn.values()]).toEqual([...first.byInn.values()]);
    expect(second.items).toEqual(first.items);
  });

  it('counts the share of compared items priced above twice the peer median', async () => {
    const db = await storeWith({
      declarations: [
        ...[250, 150, 90, 200].map((v) => kg(X, v)),
        // Alone with Q's item in 9403 at every level: not compared.
        kg(X, 10000, { hs_code: '9403200000' }),
        kg(P1, 100),
        kg(P2, 100),
        kg(P3, 100),
        kg(Z, 5000, { hs_code: '9403200000' }),
      ],
    });
    const { byInn } = await featuresAsOf(db, '2024-06-30', PEERS);
    // X's peers: 100, 100, 100 -> 100; 250 is above 200, exactly 200 is not: 1 of 4 compared items.
    expect(rowOf(byInn, X)['uv_share_above_double']).toBe(0.25);
    // P1's peers: 90, 100, 100, 150, 200, 250 -> 125; 100 is not above 250.
    expect(rowOf(byInn, P1)['uv_share_above_double']).toBe(0);
    expect(rowOf(byInn, Z)['uv_share_above_double']).toBeNull();
  });
});

describe('uv_own_shift', () => {
  const features = sharedFeatures(store);
  // As of 2024-06-30: window 2023-07-01..2024-06-30, the window before 2022-07-01..2023-06-30.
  async function store() {
    return storeWith({
      declarations: [
        // X, 8471300000+CN: 100 before, 50 in the window.
        kg(X, 100, { release_date: '2023-03-10' }),
        kg(X, 50, { release_date: '2024-03-10' }),
        // Before the window before, and not a payment procedure: left out.
        kg(X, 1000, { release_date: '2022-06-30' }),
        kg(X, 10, { release_date: '2024-03-10', procedure: '51' }),
        // X, 6110200000+CN: 200 in both periods.
        kg(X, 200, { release_date: '2023-01-10', hs_code: '6110200000' }),
        kg(X, 200, { release_date: '2024-01-10', hs_code: '6110200000' }),
        // X, 8471300000+DE: in the window only, no pair.
        kg(X, 80, { release_date: '2024-03-10', origin_country: 'DE' }),
        // Y, 8471300000+CN: 100 in both periods.
        kg(Y, 100, { release_date: '2023-03-10' }),
        kg(Y, 100, { release_date: '2024-03-10' }),
        // Z imports in the window only.
        kg(Z, 500, { release_date: '2024-03-10', hs_code: '9403200000' }),
      ],
    });
  }

  it('measures the change of own mean log unit value beyond the market change, weighted by window value', async () => {
    const { byInn } = await features('2024-06-30');
    // 8471300000+CN: own ln 50 − ln 100 = ln 0.5; market (X and Y) (ln 50 + ln 100) / 2 − ln 100 = 0.5 ln 0.5;
    // shift 0.5 ln 0.5 = −0.346574 at weight 50. 6110200000+CN: 0 − 0 at weight 200.
    // (50 × −0.346574 + 200 × 0) / 250 = −0.069315.
    expect(rowOf(byInn, X)['uv_own_shift']).toBe(-0.0693);
  });

  it('gives a positive shift to prices that held while the market fell', async () => {
    const { byInn } = await features('2024-06-30');
    // Y: own 0 − market 0.5 ln 0.5 = 0.346574.
    expect(rowOf(byInn, Y)['uv_own_shift']).toBe(0.3466);
  });

  it('leaves the own shift NULL without a code and origin imported in both periods', async () => {
    const { byInn } = await features('2024-06-30');
    expect(rowOf(byInn, Z)['uv_own_shift']).toBeNull();
  });
});

describe('uv_own_drop', () => {
  const features = sharedFeatures(store);
  // As of 2024-06-30 the two windows span 2022-07..2024-06; months are counted back from 2024-06 (0).
  // X (8471300000+CN) declares 50 in 2024-01..05 (months 1-5) and 100 in 2023-01..05 (months 13-17);
  // Y (8471300000+DE, the same chapter) declares the opposite: 100 in 2024-01..05, 50 in 2023-01..05.
  // V has six items in the window only: a run would need five inside and five outside.
  const month = (m: string): string => `${m}-10`;
  const LOW = ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05'];
  const HIGH = ['2023-01', '2023-02', '2023-03', '2023-04', '2023-05'];
  async function store() {
    return storeWith({
      declarations: [
        ...LOW.map((m) => kg(X, 50, { release_date: month(m) })),
        ...HIGH.map((m) => kg(X, 100, { release_date: month(m) })),
        ...LOW.map((m) => kg(Y, 100, { release_date: month(m), origin_country: 'DE' })),
        ...HIGH.map((m) => kg(Y, 50, { release_date: month(m), origin_country: 'DE' })),
        ...['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06'].map((m, i) => kg(V, 10 + i, { release_date: month(m), hs_code: '6110200000' })),
      ],
    });
  }
  const V = INNS[11] as string;

  it('finds the run of months where own relative prices sank the most clearly, in standard errors', async () => {
    const { byInn } = await features('2024-06-30');
    // X's pair mean: ln 100 + 0.5 ln 0.5, so X deviates by ∓0.5 ln 2 = ∓0.346574 (low in months 1-5), Y the
    // other way round: the chapter 84 month index, (X + Y) / 2, is 0 and r is the deviation itself.
    // Run 1-5 against 13-17: drop = −ln 2 = −0.693147; s = sqrt(10 × 0.346574² / 9) = 0.365322;
    // se = s × sqrt(1/5 + 1/5) = 0.231049; z = 3. Runs with 4 low items and 1 high one: z = 1.8.
    expect(rowOf(byInn, X)).toMatchObject({ uv_own_drop: -0.6931, uv_own_drop_z: 3, uv_own_drop_months: 5, uv_own_drop_months_ago: 1 });
  });

  it('values the run at its own prices of the other months: duty and VAT on the revalued items', async () => {
    const { byInn } = await features('2024-06-30');
    // Five items of 50 RUB, VAT 20% of the value, no duty: (exp(0.693147) − 1) × 250 × 0.2 = 50.
    expect(rowOf(byInn, X)['uv_own_drop_at_stake_rub']).toBe(50);
  });

  it('finds runs before the window too', async () => {
    const { byInn } = await features('2024-06-30');
    // Y's low run is 2023-01..05: months 13-17 back, ending 13 months before the as-of month.
    expect(rowOf(byInn, Y)).toMatchObject({ uv_own_drop: -0.6931, uv_own_drop_z: 3, uv_own_drop_months: 5, uv_own_drop_months_ago: 13 });
  });

  it('is NULL without five items inside and five outside a run', async () => {
    const { byInn } = await features('2024-06-30');
    expect(rowOf(byInn, V)).toMatchObject({ uv_own_drop: null, uv_own_drop_z: null, uv_own_drop_months: null, uv_own_drop_at_stake_rub: null });
  });

  it('is NULL without a spread of own relative prices', async () => {
    // Only X in its chapter: each month's index is X's own deviation, so every r is 0.
    const db = await storeWith({ declarations: [...LOW.map((m) => kg(X, 50, { release_date: month(m) })), ...HIGH.map((m) => kg(X, 100, { release_date: month(m) }))] });
    const { byInn } = await featuresAsOf(db, '2024-06-30');
    expect(rowOf(byInn, X)['uv_own_drop_z']).toBeNull();
  });
});

describe('items declared at no value (free samples)', () => {
  it('are scored: unit-value features skip them and the other features still compute', async () => {
    const db = await storeWith({
      declarations: [
        kg(X, 50),
        kg(X, 0, { import_vat_rub: '0.00' }),
        kg(P1, 100),
        kg(P2, 200),
        kg(P3, 300),
        kg(Y, 0, { import_vat_rub: '0.00' }),
        // Z paid for its goods before the last three months and imported only free samples in them.
        kg(Z, 100, { release_date: '2023-10-10' }),
        kg(Z, 0, { import_vat_rub: '0.00', release_date: '2024-06-05' }),
      ],
    });
    const { items, byInn } = await featuresAsOf(db, '2024-06-30', PEERS);
    // The free sample is compared with nothing and priced at nothing.
    expect(byValue(items, X, '0.00')).toMatchObject({ unit_value_log_dev: null, item_at_stake_rub: 0 });
    // X's paid item is compared as before, without the free sample among anyone's peers.
    expect(byValue(items, X, '50.00')).toMatchObject({ peer_items: 3, peer_median_unit_value_rub_per_kg: 200 });
    // A participant with free samples only is still scored.
    expect(rowOf(byInn, Y)['window_customs_value_rub']).toBe(0);
    // No growth ratio of a value of nothing (the logarithm of 0 used to stop the whole batch).
    expect(rowOf(byInn, Z)['customs_value_growth_log']).toBeNull();
  });
});
