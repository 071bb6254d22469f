/**
 * The statistics of `ccrg backtest` and of the report's indicator feedback:
 * figures on recorded inspections, raw and weighted by 1/inclusion
 * probability (Hajek ratios, Horvitz-Thompson totals), with percentile
 * intervals over resamples drawn within each month.
 */
import type { ParticipantExample } from '../risk/examples.js';
import { quantile } from '../stats/bootstrap.js';
import { Sfc32 } from '../../util/random.js';

/** A figure with its 95% bootstrap interval; null when the examples cannot give it (no inspection in the top, no propensity). */
export interface Interval {
  estimate: number | null;
  lower: number | null;
  upper: number | null;
}

/** How one indicator of a profile fared over the window. */
export interface IndicatorFeedback {
  id: string;
  title: string;
  weight: number;
  /** Participant-months it fired on. */
  fired: number;
  /** Of those, inspected (an inspection recorded for that month). */
  inspected: number;
  violations: number;
  chargesRub: number;
  /** Violations / inspected: selection-biased. */
  hitRateRaw: Interval;
  /** Weighted by 1/inclusion probability (Hajek); null when an inspection has no recorded probability. */
  hitRateWeighted: Interval;
}

/** One inspection as the figures see it: its month, result, weight and, per profile, whether it is in the top and which indicators fired. */
export interface Example {
  month: number;
  label: number;
  charges: number;
  /** 1/propensity, NaN without one. */
  weight: number;
  inTop: boolean[];
  fired: Set<string>[];
}

/** A recorded inspection as an {@link Example} of month index `month`, with its place in each profile's top and the indicators fired on it. */
export function inspectionExample(e: ParticipantExample, month: number, inTop: boolean[], fired: Set<string>[]): Example {
  return { month, label: e.label, charges: e.chargesRub, weight: e.propensity === null ? Number.NaN : 1 / e.propensity, inTop, fired };
}

/** Inspections that carry an inclusion probability; the weighted figures need every one to. */
export function withPropensity(examples: readonly Example[]): { count: number; all: boolean } {
  const count = examples.filter((e) => Number.isFinite(e.weight)).length;
  return { count, all: examples.length > 0 && count === examples.length };
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

/** The four figures of a profile on a (re)sample of examples. */
export function outcomeFigures(examples: readonly Example[], p: number, weighted: boolean): [number | null, number | null, number | null, number | null] {
  let top = 0;
  let topY = 0;
  let topC = 0;
  let allC = 0;
  let wTop = 0;
  let wTopY = 0;
  let wTopC = 0;
  let wAllC = 0;
  for (const e of examples) {
    allC += e.charges;
    if (weighted) wAllC += e.weight * e.charges;
    if (!e.inTop[p]) continue;
    top++;
    topY += e.label;
    topC += e.charges;
    if (weighted) {
      wTop += e.weight;
      wTopY += e.weight * e.label;
      wTopC += e.weight * e.charges;
    }
  }
  return [ratio(topY, top), weighted ? ratio(wTopY, wTop) : null, ratio(topC, allC), weighted ? ratio(wTopC, wAllC) : null];
}

/** Hit rate of an indicator of profile `p` on a (re)sample: raw and weighted. */
function hitRates(examples: readonly Example[], p: number, id: string, weighted: boolean): [number | null, number | null] {
  let n = 0;
  let y = 0;
  let w = 0;
  let wy = 0;
  for (const e of examples) {
    if (!e.fired[p]?.has(id)) continue;
    n++;
    y += e.label;
    if (weighted) {
      w += e.weight;
      wy += e.weight * e.label;
    }
  }
  return [ratio(y, n), weighted ? ratio(wy, w) : null];
}

/** Percentile 95% interval of the resampled values (NaN and null dropped) around the estimate. */
export function interval(estimate: number | null, values: readonly (number | null)[]): Interval {
  if (estimate === null) return { estimate: null, lower: null, upper: null };
  const sorted = Float64Array.from(values.filter((v): v is number => v !== null && Number.isFinite(v))).sort();
  const round = (x: number): number => Number(x.toFixed(6));
  if (sorted.length === 0) return { estimate: round(estimate), lower: null, upper: null };
  return { estimate: round(estimate), lower: round(quantile(sorted, 0.025)), upper: round(quantile(sorted, 0.975)) };
}

/**
 * Resamples of the examples with replacement within each month (the months
 * keep their counts), from a seeded stream: the same resamples serve every
 * profile, so their differences are paired.
 */
export function resamplesOf(examples: readonly Example[], count: number, seed: number): Example[][] {
  const rng = new Sfc32((seed ^ 0x5b1e_7e57) >>> 0);
  const byMonth = new Map<number, Example[]>();
  for (const e of examples) {
    const group = byMonth.get(e.month);
    if (group === undefined) byMonth.set(e.month, [e]);
    else group.push(e);
  }
  const out: Example[][] = [];
  for (let b = 0; b < count; b++) {
    const sample: Example[] = [];
    for (const group of byMonth.values()) for (let i = 0; i < group.length; i++) sample.push(group[Math.floor(rng.next() * group.length)] as Example);
    out.push(sample);
  }
  return out;
}


/** Every indicator's feedback for profile `p`: fired (from `firedCounts`), inspected, violations, charges, hit rates raw and weighted with intervals. */
export function indicatorFeedback(
  examples: readonly Example[],
  resamples: readonly (readonly Example[])[],
  p: number,
  indicators: readonly { id: string; title: { en: string }; weight: number }[],
  firedCounts: ReadonlyMap<string, number>,
  weighted: boolean,
): IndicatorFeedback[] {
  return indicators.map((indicator): IndicatorFeedback => {
    const mine = examples.filter((e) => e.fired[p]?.has(indicator.id));
    const [raw, w] = hitRates(examples, p, indicator.id, weighted);
    const boot = resamples.map((sample) => hitRates(sample, p, indicator.id, weighted));
    return {
      id: indicator.id,
      title: indicator.title.en,
      weight: indicator.weight,
      fired: firedCounts.get(indicator.id) ?? 0,
      inspected: mine.length,
      violations: mine.filter((e) => e.label === 1).length,
      chargesRub: Number(mine.reduce((s, e) => s + e.charges, 0).toFixed(2)),
      hitRateRaw: interval(raw, boot.map((b) => b[0])),
      hitRateWeighted: interval(w, boot.map((b) => b[1])),
    };
  });
}
