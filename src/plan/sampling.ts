/**
 * Exploration sampling with exact inclusion probabilities (docs/plan.md#exploration).
 * Every draw uses the seeded sfc32 source: the same seed gives the same sample.
 */
import { Sfc32 } from '../util/random.js';

/**
 * Splits `total` whole units over parts in proportion to `quotas` (real
 * numbers ≥ 0 summing to about `total`) by the largest-remainder method:
 * each part gets the floor of its quota, the units left go to the largest
 * remainders, ties to the earlier part.
 */
export function largestRemainder(quotas: readonly number[], total: number): number[] {
  // Rounded to 9 decimals, so 0.1 × 30 = 3.0000000000000004 counts as 3.
  const clean = quotas.map((q) => Math.round(q * 1e9) / 1e9);
  const floors = clean.map((q) => Math.floor(q));
  let left = total - floors.reduce((a, b) => a + b, 0);
  const order = clean.map((q, i) => ({ i, r: q - Math.floor(q) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i] = (floors[i] as number) + 1;
    left--;
  }
  return floors;
}

/** The exploration units of a capacity: `share × capacity` rounded half up (at 9 decimals). */
export function exploreTotal(share: number, capacity: number): number {
  return Math.floor(Math.round(share * capacity * 1e9) / 1e9 + 0.5);
}

/** 32-bit FNV-1a of a text: mixes a stream name into a seed. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A seeded uniform source for one named stream (one quota), independent of the order streams are used in. */
export function streamRandom(seed: number, stream: string): Sfc32 {
  return new Sfc32((seed ^ fnv1a(stream)) >>> 0);
}

/** Fisher-Yates shuffle of a copy. */
function shuffled<T>(items: readonly T[], rng: Sfc32): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** A sample: indexes into the frame in draw order, and every frame unit's inclusion probability. */
export interface Sample {
  drawn: number[];
  inclusion: number[];
}

/**
 * Simple random sampling without replacement of `m` of the `n` frame units
 * (a partial Fisher-Yates shuffle): each unit's inclusion probability is
 * exactly m/n (1 when m ≥ n: all are taken).
 */
export function uniformSample(n: number, m: number, rng: Sfc32): Sample {
  const take = Math.min(m, n);
  const index = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < take; i++) {
    const j = i + rng.int(n - i);
    [index[i], index[j]] = [index[j] as number, index[i] as number];
  }
  const p = n === 0 ? 0 : take / n;
  return { drawn: index.slice(0, take), inclusion: Array.from({ length: n }, () => p) };
}

/**
 * Inclusion probabilities proportional to size for a fixed sample size m:
 * π_i = min(1, m w_i / Σ w), where units capped at 1 are taken with
 * certainty and the rest recomputed with m less their count over the sum
 * of the other weights, until no π exceeds 1. So Σ π = min(m, n) exactly
 * (when no unit is capped this is m w_i / Σ w). Weights must be > 0.
 */
export function ppsInclusion(weights: readonly number[], m: number): number[] {
  const n = weights.length;
  for (const w of weights) if (!(w > 0 && Number.isFinite(w))) throw new Error(`ppsInclusion: weights must be finite and > 0, got ${w}`);
  if (m >= n) return weights.map(() => 1);
  const pi = new Array<number>(n).fill(0);
  const certain = new Set<number>();
  for (;;) {
    const k = m - certain.size;
    let sum = 0;
    for (let i = 0; i < n; i++) if (!certain.has(i)) sum += weights[i] as number;
    let capped = false;
    for (let i = 0; i < n; i++) {
      if (certain.has(i)) continue;
      const p = (k * (weights[i] as number)) / sum;
      if (p >= 1) {
        certain.add(i);
        capped = true;
      }
    }
    if (!capped) {
      for (let i = 0; i < n; i++) pi[i] = certain.has(i) ? 1 : (k * (weights[i] as number)) / sum;
      return pi;
    }
  }
}

/**
 * Randomised systematic PPS sampling of exactly min(m, n) units: the frame
 * is put in a random order, each unit covers an interval of length π_i on
 * [0, m), and the units covering u, u + 1, ..., u + m − 1 are taken for a
 * uniform start u in [0, 1). Each unit is taken with probability exactly
 * π_i (`ppsInclusion`), for every order and so also for the random one.
 */
export function systematicPpsSample(weights: readonly number[], m: number, rng: Sfc32): Sample {
  const n = weights.length;
  const inclusion = ppsInclusion(weights, m);
  const take = Math.min(m, n);
  if (take === n) return { drawn: shuffled(Array.from({ length: n }, (_, i) => i), rng), inclusion };
  const order = shuffled(Array.from({ length: n }, (_, i) => i), rng);
  const u = rng.next();
  const drawn: number[] = [];
  let cum = 0;
  let next = u;
  for (let r = 0; r < n && drawn.length < take; r++) {
    const i = order[r] as number;
    const end = r === n - 1 ? take : cum + (inclusion[i] as number);
    if (next < end) {
      drawn.push(i);
      next += 1;
    }
    cum = end;
  }
  return { drawn, inclusion };
}
