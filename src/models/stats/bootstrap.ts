/**
 * Paired bootstrap comparison of two models on the same labelled examples.
 */
import { Sfc32 } from '../../util/random.js';
import { auc, precisionAtK, revenueAtK, type Ids, type TopK } from './metrics.js';

/** Labelled examples as parallel arrays; a bootstrap resample has the same shape. */
export interface Examples {
  ids: Ids;
  /** 0/1. */
  labels: ArrayLike<number>;
  /** Charges recovered (roubles, ≥ 0); needed by revenue metrics. */
  charges?: ArrayLike<number>;
  /** Horvitz-Thompson weights 1/π. */
  weights?: ArrayLike<number>;
}

/** A metric of one model's scores on (a resample of) the examples; NaN when undefined on it. */
export type ExampleMetric = (scores: ArrayLike<number>, examples: Examples) => number;

/** AUC as an `ExampleMetric` (weighted when the examples carry weights). */
export const aucMetric: ExampleMetric = (scores, e) => auc(scores, e.labels, e.weights);

/** Precision at `k` as an `ExampleMetric`. */
export function precisionAtKMetric(k: TopK): ExampleMetric {
  return (scores, e) => precisionAtK(scores, e.labels, e.ids, k, e.weights);
}

/** Revenue (share of charges) at `k` as an `ExampleMetric`; the examples must carry charges. */
export function revenueAtKMetric(k: TopK): ExampleMetric {
  return (scores, e) => {
    if (e.charges === undefined) throw new Error('revenueAtKMetric: the examples carry no charges');
    return revenueAtK(scores, e.charges, e.ids, k, e.weights);
  };
}

/** The bootstrap's own random stream, so a comparison is reproducible for a seed. */
class BootstrapRandom extends Sfc32 {
  constructor(seed: number) {
    super((seed ^ 0x2f6b3a1d) >>> 0);
  }
}

/** Uniform [0, 1) scores from a seeded stream: the "random" ranking to compare against. */
export function randomScores(count: number, seed: number): Float64Array {
  const rng = new BootstrapRandom(seed ^ 0x7a3c_0001);
  return Float64Array.from({ length: count }, () => rng.next());
}

/** A metric's value on the full sample and its bootstrap distribution summarised. */
export interface BootstrapInterval {
  /** The metric on the original examples. */
  estimate: number;
  /** Mean over the resamples. */
  mean: number;
  /** Percentile interval bounds: the (1 − level)/2 and (1 + level)/2 quantiles of the resampled values. */
  lower: number;
  upper: number;
}

/** Result of `pairedBootstrap`. */
export interface PairedBootstrapResult {
  a: BootstrapInterval;
  b: BootstrapInterval;
  /** metric(A) − metric(B). */
  difference: BootstrapInterval;
  iterations: number;
  seed: number;
  level: number;
  /** Resamples dropped because the metric was NaN for either model (e.g. AUC on a one-class resample). */
  undefinedResamples: number;
}

/** Options of `pairedBootstrap`. */
export interface PairedBootstrapOptions {
  /** Number of resamples; default 1000. */
  iterations?: number;
  /** Any 32-bit integer; the same seed gives the same result. */
  seed: number;
  /** Coverage of the percentile intervals; default 0.95. */
  level?: number;
}

/**
 * Paired bootstrap of `metric` for two models scored on the same examples:
 * each iteration draws n examples with replacement and evaluates both
 * models on that same resample, so the interval of the difference reflects
 * only how the models disagree, not which examples happened to be drawn.
 * Intervals are percentile intervals (quantiles with linear interpolation
 * between order statistics, R's type 7). Deterministic for a seed.
 */
export function pairedBootstrap(metric: ExampleMetric, examples: Examples, modelA: ArrayLike<number>, modelB: ArrayLike<number>, options: PairedBootstrapOptions): PairedBootstrapResult {
  const fn = 'pairedBootstrap';
  const { iterations = 1000, seed, level = 0.95 } = options;
  const n = examples.labels.length;
  for (const [name, values] of Object.entries({ ids: examples.ids, charges: examples.charges, weights: examples.weights, 'model A scores': modelA, 'model B scores': modelB })) {
    if (values !== undefined && values.length !== n) throw new Error(`${fn} got ${n} labels but ${values.length} ${name}`);
  }
  if (!(Number.isInteger(iterations) && iterations >= 1)) throw new Error(`${fn}: iterations must be an integer ≥ 1, got ${iterations}`);
  if (!Number.isInteger(seed)) throw new Error(`${fn}: seed must be an integer, got ${seed}`);
  if (!(level > 0 && level < 1)) throw new Error(`${fn}: level must be within (0, 1), got ${level}`);
  if (n === 0) throw new Error(`${fn}: no examples`);

  const rng = new BootstrapRandom(seed);
  const ids: (string | number)[] = new Array<string | number>(n);
  const labels = new Float64Array(n);
  const charges = examples.charges === undefined ? undefined : new Float64Array(n);
  const weights = examples.weights === undefined ? undefined : new Float64Array(n);
  const resample: Examples = { ids, labels, charges, weights };
  const scoresA = new Float64Array(n);
  const scoresB = new Float64Array(n);
  const valuesA: number[] = [];
  const valuesB: number[] = [];
  const differences: number[] = [];
  for (let it = 0; it < iterations; it++) {
    for (let j = 0; j < n; j++) {
      const i = rng.int(n);
      ids[j] = examples.ids[i]!;
      labels[j] = examples.labels[i]!;
      if (charges !== undefined) charges[j] = examples.charges![i]!;
      if (weights !== undefined) weights[j] = examples.weights![i]!;
      scoresA[j] = modelA[i]!;
      scoresB[j] = modelB[i]!;
    }
    const va = metric(scoresA, resample);
    const vb = metric(scoresB, resample);
    if (Number.isNaN(va) || Number.isNaN(vb)) continue;
    valuesA.push(va);
    valuesB.push(vb);
    differences.push(va - vb);
  }
  const estimateA = metric(modelA, examples);
  const estimateB = metric(modelB, examples);
  return {
    a: summarise(estimateA, valuesA, level),
    b: summarise(estimateB, valuesB, level),
    difference: summarise(estimateA - estimateB, differences, level),
    iterations,
    seed,
    level,
    undefinedResamples: iterations - differences.length,
  };
}

function summarise(estimate: number, values: number[], level: number): BootstrapInterval {
  const sorted = Float64Array.from(values).sort();
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { estimate, mean, lower: quantile(sorted, (1 - level) / 2), upper: quantile(sorted, (1 + level) / 2) };
}

/** Type-7 quantile of ascending `sorted`; NaN when empty. */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const m = sorted.length;
  if (m === 0) return NaN;
  const h = (m - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(m - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
