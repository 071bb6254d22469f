/**
 * The evidence `score --rank-by auto` decides by: does the model recover more
 * charges than the risk profile it grew from, at the share of participants
 * the plan can inspect, on months it never trained on?
 *
 * Training keeps, for every example of its validation tail, the chosen
 * model's probability (grown without those months), the profile's points,
 * the label, the charges and the inclusion probability. The decision weighs
 * each example by 1/inclusion probability (Horvitz-Thompson: the random picks
 * stand for the many participants nobody inspected), takes at each ranking
 * the shortest top whose weight reaches the share of the total weight, and
 * compares the weighted charges in the two tops. A paired bootstrap (the same
 * resampled examples for both rankings) gives a 95% interval of the ratio;
 * the model ranks only when its lower bound is above 1.
 */
import { Sfc32 } from '../../util/random.js';

/** The validation tail kept in the artifact (`rankingEvidence`), one entry per example in each array. */
export interface RankingEvidence {
  /** First as-of date of the validation tail, YYYY-MM-DD. */
  from: string;
  /** The chosen model's calibrated probability (it never saw these months). */
  model: number[];
  /** The risk profile's points. */
  profile: number[];
  label: number[];
  chargesRub: number[];
  /** Inclusion probability; null when the outcome did not record one. */
  propensity: (number | null)[];
}

/** What `--rank-by auto` decided and why (written to the manifest and the report). */
export interface RankingDecision {
  rankBy: 'model' | 'rules';
  /** Share of the participants the plan can inspect: capacity / participants scored. */
  share: number;
  examples: number;
  /** Validation examples with a violation and charges. */
  withCharges: number;
  weighting: 'inverse inclusion probability' | 'none';
  /** Weighted charges in the top share, RUB (null without evidence). */
  modelChargesRub: number | null;
  profileChargesRub: number | null;
  /** model / profile (null when the profile recovers nothing or there is no evidence). */
  ratio: number | null;
  /** Paired bootstrap 95% interval of the ratio (null without evidence). */
  interval: { lower: number; upper: number; resamples: number } | null;
  /** The decision in words. */
  reason: string;
}

/** Fewest validation examples with a violation and charges the decision needs; below it the profile ranks. */
export const MIN_EVIDENCE_WITH_CHARGES = 30;
/** Bootstrap resamples of the interval. */
export const EVIDENCE_RESAMPLES = 1000;

/** Weighted charges in the shortest top of `order` whose weight reaches `share` of the total weight. */
function chargesInTop(order: Int32Array, weight: Float64Array, charges: Float64Array, share: number, total: number): number {
  const target = share * total;
  let w = 0;
  let sum = 0;
  for (let i = 0; i < order.length && w < target; i++) {
    const r = order[i] as number;
    w += weight[r] as number;
    sum += (weight[r] as number) * (charges[r] as number);
  }
  return sum;
}

/** Row indexes by score, highest first; ties in row order. */
function orderBy(scores: readonly number[]): Int32Array {
  return Int32Array.from(scores.keys()).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
}

const rounded = (x: number, digits: number): number => Number(x.toFixed(digits));

/**
 * Decides whether the model or the profile ranks, from the artifact's
 * evidence at `share` (in (0, 1]). Without evidence (a model trained before
 * it was kept), or with fewer than {@link MIN_EVIDENCE_WITH_CHARGES}
 * violations with charges, the profile ranks.
 */
export function decideRanking(evidence: RankingEvidence | undefined, share: number, seed = 42): RankingDecision {
  const none = (examples: number, withCharges: number, reason: string): RankingDecision => ({
    rankBy: 'rules',
    share: rounded(share, 6),
    examples,
    withCharges,
    weighting: 'none',
    modelChargesRub: null,
    profileChargesRub: null,
    ratio: null,
    interval: null,
    reason,
  });
  if (evidence === undefined) return none(0, 0, 'the model carries no validation evidence (trained by an earlier version): the risk profile ranks');
  const n = evidence.label.length;
  const charges = Float64Array.from(evidence.chargesRub, (c, i) => ((evidence.label[i] as number) === 1 && c > 0 ? c : 0));
  const withCharges = charges.reduce((a, c) => a + (c > 0 ? 1 : 0), 0);
  if (withCharges < MIN_EVIDENCE_WITH_CHARGES) {
    return none(n, withCharges, `${withCharges} validation examples with a violation and charges (at least ${MIN_EVIDENCE_WITH_CHARGES} are needed to tell the model from the profile): the risk profile ranks`);
  }
  const weighted = evidence.propensity.every((p) => p !== null && p > 0 && p <= 1);
  const weight = Float64Array.from(evidence.propensity, (p) => (weighted ? 1 / (p as number) : 1));
  const byModel = orderBy(evidence.model);
  const byProfile = orderBy(evidence.profile);
  const total = weight.reduce((a, b) => a + b, 0);
  const modelCharges = chargesInTop(byModel, weight, charges, share, total);
  const profileCharges = chargesInTop(byProfile, weight, charges, share, total);
  const ratio = profileCharges > 0 ? modelCharges / profileCharges : null;

  // Paired bootstrap: each resample draws examples with replacement as multiplicities of their weights.
  const random = new Sfc32(seed);
  const rand = (): number => random.next();
  const ratios: number[] = [];
  const times = new Float64Array(n);
  const w = new Float64Array(n);
  for (let b = 0; b < EVIDENCE_RESAMPLES; b++) {
    times.fill(0);
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rand() * n);
      times[j] = (times[j] as number) + 1;
    }
    let t = 0;
    for (let i = 0; i < n; i++) {
      w[i] = (times[i] as number) * (weight[i] as number);
      t += w[i] as number;
    }
    const m = chargesInTop(byModel, w, charges, share, t);
    const p = chargesInTop(byProfile, w, charges, share, t);
    ratios.push(p > 0 ? m / p : m > 0 ? Number.POSITIVE_INFINITY : 1);
  }
  ratios.sort((a, b) => a - b);
  const lower = ratios[Math.floor(0.025 * EVIDENCE_RESAMPLES)] as number;
  const upper = ratios[Math.ceil(0.975 * EVIDENCE_RESAMPLES) - 1] as number;
  const byModelWins = ratio !== null && ratio > 1 && lower > 1;
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const figures =
    `on the ${n} validation examples from ${evidence.from}${weighted ? ' weighted by 1/inclusion probability' : ' (unweighted: some have no inclusion probability)'}, ` +
    `the top ${pct(share)} by the model holds ${ratio === null ? 'charges where the profile holds none' : `${ratio.toFixed(2)} times the profile's charges`} ` +
    `(95% paired bootstrap interval ${lower.toFixed(2)}-${Number.isFinite(upper) ? upper.toFixed(2) : 'inf'})`;
  return {
    rankBy: byModelWins ? 'model' : 'rules',
    share: rounded(share, 6),
    examples: n,
    withCharges,
    weighting: weighted ? 'inverse inclusion probability' : 'none',
    modelChargesRub: rounded(modelCharges, 2),
    profileChargesRub: rounded(profileCharges, 2),
    ratio: ratio === null ? null : rounded(ratio, 4),
    interval: { lower: rounded(lower, 4), upper: Number.isFinite(upper) ? rounded(upper, 4) : Number.MAX_VALUE, resamples: EVIDENCE_RESAMPLES },
    reason: byModelWins ? `${figures}: the model ranks` : `${figures}: the lower bound is not above 1, the risk profile ranks`,
  };
}
