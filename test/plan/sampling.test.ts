import { describe, expect, it } from 'vitest';
import { exploreTotal, largestRemainder, ppsInclusion, streamRandom, systematicPpsSample, uniformSample } from '../../src/plan/sampling.js';

describe('largestRemainder', () => {
  it('gives floors and the units left to the largest remainders, ties to the earlier part', () => {
    expect(largestRemainder([2.5, 1.5, 1], 5)).toEqual([3, 1, 1]);
    expect(largestRemainder([0.2, 0.2, 0.1, 0.3, 1.5, 1.5], 4)).toEqual([0, 0, 0, 0, 2, 2]);
    expect(largestRemainder([0.3, 0.3, 0.4], 1)).toEqual([0, 0, 1]);
    expect(largestRemainder([3, 4], 7)).toEqual([3, 4]);
  });

  it('does not let float noise move a unit', () => {
    expect(largestRemainder([0.1 * 30, 0.1 * 70], exploreTotal(0.1, 100))).toEqual([3, 7]);
  });

  it('rounds the exploration total half up', () => {
    expect(exploreTotal(0.1, 25)).toBe(3);
    expect(exploreTotal(0.1, 24)).toBe(2);
    expect(exploreTotal(0.1, 35)).toBe(4);
    expect(exploreTotal(0, 100)).toBe(0);
    expect(exploreTotal(1, 7)).toBe(7);
  });
});

/** Empirical inclusion frequencies of a sampler over many seeds. */
function frequencies(n: number, runs: number, draw: (run: number) => number[]): number[] {
  const hits = new Array<number>(n).fill(0);
  for (let run = 0; run < runs; run++) for (const i of draw(run)) hits[i] = (hits[i] as number) + 1;
  return hits.map((h) => h / runs);
}

/** |observed - π| within 4.5 standard errors of a proportion over `runs` draws. */
function expectClose(observed: readonly number[], pi: readonly number[], runs: number): void {
  observed.forEach((f, i) => {
    const p = pi[i] as number;
    const se = Math.sqrt((p * (1 - p)) / runs);
    expect(Math.abs(f - p), `unit ${i}: observed ${f}, π ${p}`).toBeLessThanOrEqual(4.5 * se + 1e-12);
  });
}

describe('uniformSample', () => {
  it('draws exactly m distinct units, each with probability m/n (simulation)', () => {
    const runs = 20_000;
    const freq = frequencies(7, runs, (run) => {
      const s = uniformSample(7, 3, streamRandom(run, 'q'));
      expect(new Set(s.drawn).size).toBe(3);
      return s.drawn;
    });
    expect(uniformSample(7, 3, streamRandom(1, 'q')).inclusion).toEqual(new Array(7).fill(3 / 7));
    expectClose(freq, new Array(7).fill(3 / 7), runs);
  });

  it('takes everyone with probability 1 when the frame is smaller than m', () => {
    const s = uniformSample(2, 5, streamRandom(1, 'q'));
    expect(s.drawn.sort()).toEqual([0, 1]);
    expect(s.inclusion).toEqual([1, 1]);
  });
});

describe('ppsInclusion', () => {
  it('is m w / Σw when no unit reaches 1', () => {
    expect(ppsInclusion([1, 1, 2], 2)).toEqual([0.5, 0.5, 1]);
    const pi = ppsInclusion([1, 2, 3, 4], 2);
    expect(pi.map((p) => Number(p.toFixed(12)))).toEqual([0.2, 0.4, 0.6, 0.8]);
  });

  it('takes units at 1 with certainty and spreads the rest over the others', () => {
    const pi = ppsInclusion([1, 2, 3, 4, 10, 0.5], 3);
    expect(pi[4]).toBe(1);
    expect(pi.reduce((a, b) => a + b, 0)).toBeCloseTo(3, 12);
    expect((pi[3] as number) / (pi[0] as number)).toBeCloseTo(4, 12);
  });

  it('refuses weights that are not positive', () => {
    expect(() => ppsInclusion([1, 0], 1)).toThrow(/> 0/);
  });
});

describe('systematicPpsSample', () => {
  it('draws exactly m units, each with its inclusion probability (simulation)', () => {
    const weights = [1, 2, 3, 4, 10, 0.5, 2.5];
    const m = 3;
    const runs = 20_000;
    const pi = ppsInclusion(weights, m);
    const freq = frequencies(weights.length, runs, (run) => {
      const s = systematicPpsSample(weights, m, streamRandom(run, 'national'));
      expect(s.drawn.length).toBe(m);
      expect(new Set(s.drawn).size).toBe(m);
      return s.drawn;
    });
    expectClose(freq, pi, runs);
  });
});
