import { describe, expect, it } from 'vitest';
import { profileDrift } from '../../src/report/report-data.js';
import { mulberry32 } from '../../src/util/random.js';

/** n values of a uniform on [lo, hi), a tenth of them missing when asked. */
function uniform(n: number, lo: number, hi: number, seed: number, missing = false): Float64Array {
  const rnd = mulberry32(seed);
  return Float64Array.from({ length: n }, (_, i) => (missing && i % 10 === 0 ? Number.NaN : lo + (hi - lo) * rnd()));
}

describe('profileDrift', () => {
  it('finds no drift in a month like the months before, and flags a shifted feature with its PSI', () => {
    const drift = profileDrift({
      features: ['same', 'shifted', 'empty_now'],
      current: new Map([
        ['same', uniform(2000, 0, 1, 1)],
        ['shifted', uniform(2000, 0.5, 1.5, 2)],
        ['empty_now', new Float64Array()],
      ]),
      reference: new Map([
        ['same', uniform(24000, 0, 1, 3)],
        ['shifted', uniform(24000, 0, 1, 4)],
        ['empty_now', uniform(100, 0, 1, 5)],
      ]),
      months: ['2025-06', '2025-07'],
    });
    const by = new Map(drift.features.map((f) => [f.name, f]));
    expect(by.get('same')?.psi).toBeLessThan(0.02);
    expect(by.get('same')?.flagged).toBe(false);
    // Half the month above the reference's maximum: most of the mass in the last decile.
    expect(by.get('shifted')?.psi).toBeGreaterThan(1);
    expect(drift.flagged).toEqual(['shifted']);
    expect(by.get('empty_now')?.psi).toBe(0);
    expect(drift.months).toEqual(['2025-06', '2025-07']);
  });

  it('counts a feature that went missing as drift', () => {
    const drift = profileDrift({
      features: ['x'],
      current: new Map([['x', Float64Array.from({ length: 1000 }, (_, i) => (i < 500 ? Number.NaN : i / 1000))]]),
      reference: new Map([['x', uniform(10000, 0, 1, 7, true)]]),
      months: ['2025-06'],
    });
    expect(drift.features[0]?.flagged).toBe(true);
  });
});
