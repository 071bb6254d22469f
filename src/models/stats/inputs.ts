/**
 * Checks shared by the evaluation functions. Mismatched or malformed arrays
 * are program faults, so they throw with the offending numbers.
 */

/** Throws unless every array has `n` entries. */
export function checkLengths(fn: string, n: number, arrays: Record<string, ArrayLike<unknown> | undefined>): void {
  for (const [name, values] of Object.entries(arrays)) {
    if (values !== undefined && values.length !== n) throw new Error(`${fn} got ${n} scores but ${values.length} ${name}`);
  }
}

/** Throws unless every label is 0 or 1. */
export function checkLabels(fn: string, labels: ArrayLike<number>): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new Error(`${fn}: labels must be 0 or 1, got ${String(y)} at index ${i}`);
  }
}

/** Throws unless every score is a number (not NaN; ±Infinity sorts fine). */
export function checkScores(fn: string, scores: ArrayLike<number>, name = 'score'): void {
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) throw new Error(`${fn}: ${name} at index ${i} is NaN`);
  }
}

/** Throws unless every score is finite. */
export function checkFiniteScores(fn: string, scores: ArrayLike<number>): void {
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) throw new Error(`${fn}: score at index ${i} is ${scores[i]}; expected a finite number`);
  }
}

/** Throws unless every weight is finite and ≥ 0. */
export function checkWeights(fn: string, weights: ArrayLike<number> | undefined): void {
  if (weights === undefined) return;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!(Number.isFinite(w) && w >= 0)) throw new Error(`${fn}: weights must be finite and ≥ 0, got ${w} at index ${i}`);
  }
}

/** Throws unless every charge is finite and ≥ 0. */
export function checkCharges(fn: string, charges: ArrayLike<number>, name = 'charges'): void {
  for (let i = 0; i < charges.length; i++) {
    const c = charges[i]!;
    if (!(Number.isFinite(c) && c >= 0)) throw new Error(`${fn}: ${name} must be finite and ≥ 0, got ${c} at index ${i}`);
  }
}

/** The weight of example `i`: 1 when no weights are given. */
export function weightAt(weights: ArrayLike<number> | undefined, i: number): number {
  return weights === undefined ? 1 : weights[i]!;
}
