import { describe, expect, it } from 'vitest';
import { PLAN_DEFAULTS } from '../../src/config/defaults.js';
import { recommendedCheckType, route } from '../../src/plan/routing.js';

const params = { materialRub: 100_000, dominanceShare: 0.8 };
const inputs = (customs: number | null, tax: number | null, expected: number | null = null) => ({ customsAtStakeRub: customs, taxAtStakeRub: tax, expectedChargesRub: expected });

describe('route', () => {
  it.each([
    // customs, tax, signals, form: why
    [5_000_000, 0, 1, 'coordinated_measure'], // customs dominates the money, but the tax authority flagged it too
    [300_000, 2_000_000, 2, 'coordinated_measure'], // tax dominates, customs material and flagged by both
    [50_000, 2_000_000, 1, 'customs_inspection'], // signalled, no material customs side: customs acts on the tax authority's information, never referred back
    [5_000_000, 0, 0, 'customs_inspection'], // no signal: the money decides
    [5_000_000, 0, null, 'customs_inspection'], // signals unknown (an older run): the money decides
  ] as const)('customs %d, tax %d, %s tax signals: %s', (customs, tax, signals, form) => {
    expect(route({ ...inputs(customs, tax), taxSignals: signals }, params).form).toBe(form);
  });

  it.each([
    // customs, tax, model, form: why
    [5_000_000, 0, null, 'customs_inspection'], // customs alone
    [5_000_000, 1_000_000, null, 'customs_inspection'], // customs share 0.83 dominates
    [0, 2_000_000, null, 'refer_to_tax'], // tax alone
    [300_000, 2_000_000, null, 'refer_to_tax'], // tax share 0.87 dominates, though customs is material
    [1_000_000, 1_000_000, null, 'coordinated_measure'], // both material, neither dominates
    [3_000_000, 1_000_000, null, 'coordinated_measure'], // customs share 0.75 < 0.8, both material
    [150_000, 90_000, null, 'customs_inspection'], // only customs material: it decides
    [90_000, 150_000, null, 'refer_to_tax'], // only tax material: it decides
    [50_000, 40_000, null, 'customs_inspection'], // nothing material: customs acts on its own indicators
    [0, 0, null, 'customs_inspection'], // no amounts at all
    [null, null, null, 'customs_inspection'],
    [0, 1_000_000, 9_000_000, 'customs_inspection'], // the model's expected charges count on the customs side
    [2_000_000, 1_000_000, 500_000, 'coordinated_measure'], // max(customs, model), never the sum
  ] as const)('customs %d, tax %d, model %s -> %s', (customs, tax, expected, form) => {
    expect(route(inputs(customs, tax, expected), params).form).toBe(form);
  });

  it('reports the figures it used', () => {
    const r = route(inputs(3_000_000, 1_000_000, 4_000_000), params);
    expect(r).toEqual({ form: 'customs_inspection', customsRub: 4_000_000, taxRub: 1_000_000, customsShare: 0.8, material: true });
    expect(route(inputs(null, null), params)).toMatchObject({ customsRub: 0, taxRub: 0, customsShare: null, material: false });
  });

  it("splits the model's expected charges by the recovering authority of the features that raised its score", () => {
    // 10M expected, 30% of the positive contributions from customs features: 3M customs, 7M tax.
    const split = route({ ...inputs(1_000_000, 500_000, 10_000_000), modelCustomsShare: 0.3 }, params);
    expect(split).toEqual({ form: 'coordinated_measure', customsRub: 3_000_000, taxRub: 7_000_000, customsShare: 0.3, material: true });
    // Mostly tax features: the case goes to the tax authority even though only the model names money.
    expect(route({ ...inputs(0, 0, 10_000_000), modelCustomsShare: 0.1 }, params).form).toBe('refer_to_tax');
    // Mostly customs features: a customs inspection.
    expect(route({ ...inputs(0, 0, 10_000_000), modelCustomsShare: 0.95 }, params).form).toBe('customs_inspection');
    // The indicators' own amounts still count when larger than the model's part (max, never the sum).
    expect(route({ ...inputs(0, 9_000_000, 10_000_000), modelCustomsShare: 0.5 }, params)).toMatchObject({ customsRub: 5_000_000, taxRub: 9_000_000 });
    // No share (no feature raised the score, or an older run): all on the customs side.
    expect(route({ ...inputs(0, 0, 10_000_000), modelCustomsShare: null }, params)).toMatchObject({ customsRub: 10_000_000, taxRub: 0 });
  });

  it('takes its thresholds from the parameters', () => {
    expect(route(inputs(3_000_000, 1_000_000), { materialRub: 100_000, dominanceShare: 0.7 }).form).toBe('customs_inspection');
    expect(route(inputs(150_000, 150_000), { materialRub: 200_000, dominanceShare: 0.8 }).form).toBe('customs_inspection');
    expect(route(inputs(150_000, 150_000), PLAN_DEFAULTS.routing).form).toBe('coordinated_measure');
  });

  it('recommends a field check from the customs-side amount', () => {
    expect(recommendedCheckType(5_000_000, 5_000_000)).toBe('field');
    expect(recommendedCheckType(4_999_999.99, 5_000_000)).toBe('desk');
  });
});
