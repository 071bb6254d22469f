import type { FeatureMatrix } from '../../../../src/models/learners/gbdt/matrix.js';
import { Sfc32 } from '../../../../src/util/random.js';

/** Standard normal draws (Box–Muller) from the project's seeded generator. */
export function seededNormal(seed: number): () => number {
  const rng = new Sfc32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * `nInliers` rows from a standard Gaussian in `nCols` dimensions followed by
 * `nOutliers` rows at distance 5..7 in a random direction; label 1 = planted.
 */
export function gaussianWithOutliers(
  nInliers: number,
  nOutliers: number,
  nCols: number,
  seed: number,
): { x: FeatureMatrix; labels: Float64Array } {
  const normal = seededNormal(seed);
  const nRows = nInliers + nOutliers;
  const values = new Float64Array(nRows * nCols);
  const labels = new Float64Array(nRows);
  for (let r = 0; r < nRows; r++) {
    const row = Array.from({ length: nCols }, normal);
    if (r >= nInliers) {
      labels[r] = 1;
      const norm = Math.hypot(...row);
      const radius = 5 + ((r * 7919) % 1000) / 500;
      for (let c = 0; c < nCols; c++) row[c] = (row[c]! / norm) * radius;
    }
    values.set(row, r * nCols);
  }
  return { x: { values, nRows, nCols, layout: 'row-major' }, labels };
}

/** The same matrix stored column-major. */
export function columnMajor(x: FeatureMatrix): FeatureMatrix {
  const values = new Float64Array(x.values.length);
  for (let r = 0; r < x.nRows; r++) for (let c = 0; c < x.nCols; c++) values[c * x.nRows + r] = x.values[r * x.nCols + c]!;
  return { values, nRows: x.nRows, nCols: x.nCols, layout: 'column-major' };
}

/** Feature names f0..f(n-1). */
export function featureNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `f${i}`);
}
