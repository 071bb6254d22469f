import { describe, expect, it } from 'vitest';
import { decideRanking, MIN_EVIDENCE_WITH_CHARGES, type RankingEvidence } from '../../../src/models/risk/ranking-evidence.js';

/**
 * 400 validation examples, 57 violations with charges (every seventh). `model` and
 * `profile` give each example's score from its index and whether it is charged.
 */
function evidence(profile: (i: number, charged: boolean) => number, model: (i: number, charged: boolean) => number, propensity: (i: number) => number | null = () => 1): RankingEvidence {
  const n = 400;
  const charged = (i: number): boolean => i % 7 === 3;
  const e: RankingEvidence = { from: '2025-09-30', model: [], profile: [], label: [], chargesRub: [], propensity: [] };
  for (let i = 0; i < n; i++) {
    const c = charged(i);
    e.model.push(model(i, c));
    e.profile.push(profile(i, c));
    e.label.push(c ? 1 : 0);
    e.chargesRub.push(c ? 10_000 + 100 * i : 0);
    e.propensity.push(propensity(i));
  }
  return e;
}

// A spread of scores unrelated to the labels (a fixed pseudo-random order).
const noise = (i: number): number => ((i * 7919) % 401) / 401;

describe('decideRanking (--rank-by auto)', () => {
  it('lets the profile rank without evidence, naming why', () => {
    const d = decideRanking(undefined, 0.05);
    expect(d).toMatchObject({ rankBy: 'rules', examples: 0, interval: null, ratio: null });
    expect(d.reason).toContain('carries no validation evidence');
  });

  it(`lets the profile rank with fewer than ${MIN_EVIDENCE_WITH_CHARGES} violations with charges`, () => {
    const few = evidence(noise, (_, c) => (c ? 1 : 0.1));
    // Keep 29 charged examples.
    let kept = 0;
    few.chargesRub = few.chargesRub.map((x) => (x > 0 && ++kept > 29 ? 0 : x));
    const d = decideRanking(few, 0.1);
    expect(d).toMatchObject({ rankBy: 'rules', withCharges: 29, interval: null });
    expect(d.reason).toContain(`29 validation examples with a violation and charges (at least ${MIN_EVIDENCE_WITH_CHARGES} are needed`);
  });

  it('lets the model rank when it clearly recovers more, with the interval above 1', () => {
    const d = decideRanking(
      evidence(noise, (i, c) => (c ? 0.5 + noise(i) / 10 : noise(i) / 10)),
      0.1,
    );
    expect(d.rankBy).toBe('model');
    expect(d.withCharges).toBe(57);
    expect(d.ratio).toBeGreaterThan(2);
    expect(d.interval?.lower).toBeGreaterThan(1);
    expect(d.interval?.resamples).toBe(1000);
    expect(d.weighting).toBe('inverse inclusion probability');
    expect(d.reason).toMatch(/the model ranks$/);
  });

  it('keeps the profile when the two rank alike (ratio 1, lower bound not above 1)', () => {
    const same = evidence(noise, noise);
    const d = decideRanking(same, 0.1);
    expect(d.ratio).toBe(1);
    expect(d.interval).toEqual({ lower: 1, upper: 1, resamples: 1000 });
    expect(d.rankBy).toBe('rules');
    expect(d.reason).toContain('the lower bound is not above 1, the risk profile ranks');
  });

  it('keeps the profile when the profile is the better ranking', () => {
    const d = decideRanking(evidence((i, c) => (c ? 1 + noise(i) : noise(i)), noise), 0.1);
    expect(d.ratio).toBeLessThan(1);
    expect(d.rankBy).toBe('rules');
  });

  it('weighs by 1/inclusion probability: random picks stand for many, and the top is cut by weight', () => {
    // Every tenth example a random pick (π 0.01): the top 10% of the weight holds far fewer rows.
    const weighted = evidence(noise, (i, c) => (c ? 0.5 + noise(i) / 10 : noise(i) / 10), (i) => (i % 10 === 0 ? 0.01 : 1));
    const d = decideRanking(weighted, 0.1);
    expect(d.weighting).toBe('inverse inclusion probability');
    const unweighted = decideRanking({ ...weighted, propensity: weighted.propensity.map((p, i) => (i === 0 ? null : p)) }, 0.1);
    expect(unweighted.weighting).toBe('none');
    expect(unweighted.modelChargesRub).not.toBe(d.modelChargesRub);
  });

  it('gives the same decision, interval included, every time', () => {
    const e = evidence(noise, (i, c) => (c ? 0.3 + noise(i) : noise(i)));
    expect(decideRanking(e, 0.05)).toEqual(decideRanking(e, 0.05));
  });
});
