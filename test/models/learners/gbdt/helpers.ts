import type { FeatureMatrix } from '../../../../src/models/learners/gbdt/index.js';
import { mulberry32 } from '../../../../src/util/random.js';

/** Seeded uniform [0, 1) numbers (mulberry32) for test fixtures. */
export function seededUniform(seed: number): () => number {
  return mulberry32(seed);
}

/** A labelled row-major dataset built by `row(rand)`, which returns features and the label. */
export function buildDataset(
  nRows: number,
  nCols: number,
  seed: number,
  row: (rand: () => number) => { x: number[]; y: number },
): { x: FeatureMatrix; y: Float64Array } {
  const rand = seededUniform(seed);
  const values = new Float64Array(nRows * nCols);
  const y = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) {
    const { x, y: label } = row(rand);
    if (x.length !== nCols) throw new Error(`fixture row has ${x.length} values, expected ${nCols}`);
    values.set(x, r * nCols);
    y[r] = label;
  }
  return { x: { values, nRows, nCols, layout: 'row-major' }, y };
}

/** Feature names f0..f(n-1). */
export function featureNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `f${i}`);
}

/** Bernoulli label with probability sigmoid(logit). */
export function bernoulli(rand: () => number, logit: number): number {
  return rand() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
}

/**
 * A risk-like problem with strong signal: a linear part, an interaction, a
 * threshold and informative missingness; 6 columns of which 2 are noise.
 */
export function riskProblem(nRows: number, seed: number): { x: FeatureMatrix; y: Float64Array } {
  return buildDataset(nRows, 6, seed, (rand) => {
    const a = rand() * 4 - 2;
    const b = rand() * 4 - 2;
    const c = rand() * 4 - 2;
    const d = rand() < 0.3 ? NaN : rand() * 10;
    const logit = 1.2 * a + (b > 0 === c > 0 ? 1.5 : -1.5) + (Number.isNaN(d) ? 1.5 : d > 7 ? 1 : -0.5) - 0.5;
    return { x: [a, b, c, d, rand(), rand() < 0.2 ? NaN : rand()], y: bernoulli(rand, logit) };
  });
}
