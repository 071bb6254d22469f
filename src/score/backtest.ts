/**
 * `ccrg backtest`: risk profiles tried on the past. Each month of a window
 * is scored as of its last day with every profile (the features computed
 * once), and the top `capacity` of each ranking is set against the
 * inspections recorded for that month: precision and charges recovered,
 * raw (selection-biased) and weighted by inverse inclusion probabilities,
 * with bootstrap intervals; the same for every indicator (indicator
 * feedback); with a generator's truth file, over the whole population.
 */
import type { FeatureParams } from '../features/types.js';
import type { Db } from '../io/db.js';
import { participantExamples, type ParticipantExample } from '../models/risk/examples.js';
import type { TruthRow } from '../models/evaluation/truth.js';
import type { RiskProfile } from '../rules/index.js';
import type { Logger } from '../util/logger.js';
import { asOfFromPeriod, periodsBetween } from '../util/period.js';
import { indicatorFeedback, inspectionExample, interval, outcomeFigures, resamplesOf, withPropensity, type Example } from '../models/evaluation/backtest-stats.js';
import { BACKTEST_BIAS, type BacktestMonth, type BacktestReport, type Interval, type OutcomeFigures, type ProfileBacktest } from '../run-folder/backtest.js';
import { scoreStoreByProfiles } from './score-period.js';

/** What a backtest needs besides the store and the profiles. */
export interface BacktestConfig {
  from: string;
  to: string;
  /** Inspections a month: the top of each ranking that counts as selected. */
  capacity: number;
  features: Omit<FeatureParams, 'asOf'>;
  /** Bootstrap resamples of the intervals. */
  resamples: number;
  seed: number;
  /** Only results known by this date (default: every completed inspection in the store). */
  knownBy?: string;
}

/** Scores every month of the window with every profile and sets the rankings against the recorded inspections (and the truth). */
export async function backtestProfiles(
  db: Db,
  profiles: readonly RiskProfile[],
  config: BacktestConfig,
  truth: { rows: readonly TruthRow[]; file: string } | null,
  logger: Logger,
): Promise<BacktestReport> {
  const periods = periodsBetween(config.from, config.to);
  const recorded = await participantExamples(db, { from: config.from, to: config.to, ...(config.knownBy === undefined ? {} : { knownBy: config.knownBy }) });
  const byMonth = new Map<string, ParticipantExample[]>();
  for (const e of recorded) {
    const group = byMonth.get(e.asOf.slice(0, 7));
    if (group === undefined) byMonth.set(e.asOf.slice(0, 7), [e]);
    else group.push(e);
  }
  const examples: Example[] = [];
  const months: BacktestMonth[][] = profiles.map(() => []);
  const fired = profiles.map((p) => new Map(p.indicators.map((i) => [i.id, 0])));
  for (const [m, period] of periods.entries()) {
    logger.info(`backtest: scoring as of ${asOfFromPeriod(period)} with ${profiles.length} profile(s) (${m + 1} of ${periods.length})`);
    const rankings = await scoreStoreByProfiles(db, { period, lang: 'en', features: { ...config.features, asOf: asOfFromPeriod(period) } }, profiles, logger);
    const tops = rankings.map((ranked) => new Set(ranked.slice(0, config.capacity).map((r) => r.inn)));
    const firedBy = rankings.map((ranked) => new Map(ranked.map((r) => [r.inn, new Set(r.evaluation.fired.map((f) => f.id))])));
    rankings.forEach((ranked, p) => {
      const counts = fired[p] as Map<string, number>;
      for (const r of ranked) for (const f of r.evaluation.fired) counts.set(f.id, (counts.get(f.id) ?? 0) + 1);
    });
    const inspected = byMonth.get(period) ?? [];
    for (const e of inspected) examples.push(inspectionExample(e, m, tops.map((t) => t.has(e.inn)), firedBy.map((f) => f.get(e.inn) ?? new Set<string>())));
    let planted: Map<string, number> | null = null;
    if (truth !== null) {
      planted = new Map();
      for (const row of truth.rows) if (row.kind === 'scheme' && row.period <= period) planted.set(row.inn, (planted.get(row.inn) ?? 0) + row.chargesRub);
    }
    rankings.forEach((ranked, p) => {
      const mine = inspected.filter((e) => tops[p]?.has(e.inn));
      const month: BacktestMonth = {
        period,
        participants: ranked.length,
        inspected: inspected.length,
        inspectedInTop: mine.length,
        violationsInTop: mine.filter((e) => e.label === 1).length,
        chargesInTopRub: Number(mine.reduce((s, e) => s + e.chargesRub, 0).toFixed(2)),
      };
      if (planted !== null) {
        const top = ranked.slice(0, config.capacity);
        const total = ranked.reduce((s, r) => s + (planted?.get(r.inn) ?? 0), 0);
        month.truth = {
          precision: Number((top.filter((r) => planted?.has(r.inn)).length / Math.max(1, top.length)).toFixed(6)),
          chargesShare: Number((total > 0 ? top.reduce((s, r) => s + (planted?.get(r.inn) ?? 0), 0) / total : 0).toFixed(6)),
        };
      }
      (months[p] as BacktestMonth[]).push(month);
    });
  }
  const propensities = withPropensity(examples);
  const weighted = propensities.all;
  const resamples = resamplesOf(examples, config.resamples, config.seed);
  const figuresOf = (p: number, diffFrom: number | null): OutcomeFigures => {
    const on = (sample: readonly Example[]): (number | null)[] => {
      const mine = outcomeFigures(sample, p, weighted);
      if (diffFrom === null) return mine;
      const base = outcomeFigures(sample, diffFrom, weighted);
      return mine.map((v, i) => (v === null || base[i] === null ? null : v - (base[i] as number)));
    };
    const full = on(examples);
    const boot = resamples.map(on);
    const at = (i: number): Interval => interval(full[i] ?? null, boot.map((b) => b[i] ?? null));
    return { precisionRaw: at(0), precisionWeighted: at(1), chargesShareRaw: at(2), chargesShareWeighted: at(3) };
  };
  const results: ProfileBacktest[] = profiles.map((profile, p) => {
    const indicators = indicatorFeedback(examples, resamples, p, profile.indicators, fired[p] as Map<string, number>, weighted);
    const own = months[p] as BacktestMonth[];
    const withTruth = own.filter((m) => m.truth !== undefined);
    const mean = (pick: (t: { precision: number; chargesShare: number }) => number): number =>
      Number((withTruth.reduce((s, m) => s + pick(m.truth as { precision: number; chargesShare: number }), 0) / withTruth.length).toFixed(6));
    return {
      profile: { name: profile.name, version: profile.version, sha256: profile.sha256, source: profile.source },
      months: own,
      outcomes: figuresOf(p, null),
      ...(withTruth.length === 0 ? {} : { truth: { precision: mean((t) => t.precision), chargesShare: mean((t) => t.chargesShare) } }),
      indicators,
    };
  });
  const label = (p: RiskProfile): string => `${p.name} ${p.version} (${p.source})`;
  return {
    window: { from: config.from, to: config.to },
    capacity: config.capacity,
    resamples: config.resamples,
    seed: config.seed,
    knownBy: config.knownBy ?? null,
    inspections: examples.length,
    withPropensity: propensities.count,
    profiles: results,
    differences: profiles.slice(1).map((p, i) => ({ profile: label(p), against: label(profiles[0] as RiskProfile), figures: figuresOf(i + 1, 0) })),
    truthFile: truth?.file ?? null,
    bias: { raw: BACKTEST_BIAS.raw, ...(weighted ? { weighted: BACKTEST_BIAS.weighted } : {}), ...(truth === null ? {} : { truth: BACKTEST_BIAS.truth }) },
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const pp = (x: number): string => `${x > 0 ? '+' : ''}${(100 * x).toFixed(1)}pp`;
const withInterval = (i: Interval, f: (x: number) => string = pct): string =>
  i.estimate === null ? '—' : i.lower === null || i.upper === null ? f(i.estimate) : `${f(i.estimate)} [${f(i.lower)}, ${f(i.upper)}]`;

/** The printed tables: the profiles at the capacity, their differences, and each profile's indicators. */
export function formatBacktest(report: BacktestReport): string {
  const lines = [
    `backtest ${report.window.from}..${report.window.to}: the top ${report.capacity} of each month against ${report.inspections} recorded inspections (${report.withPropensity} with an inclusion probability); 95% bootstrap intervals over ${report.resamples} resamples`,
    '',
    'profile                         precision (raw)          precision (weighted)     charges (raw)            charges (weighted)' + (report.truthFile === null ? '' : '   truth: precision  charges'),
  ];
  for (const p of report.profiles) {
    const o = p.outcomes;
    const truth = p.truth === undefined ? '' : `   ${pct(p.truth.precision).padStart(16)}  ${pct(p.truth.chargesShare).padStart(7)}`;
    lines.push(`${`${p.profile.name} ${p.profile.version}`.padEnd(31)} ${withInterval(o.precisionRaw).padEnd(24)} ${withInterval(o.precisionWeighted).padEnd(24)} ${withInterval(o.chargesShareRaw).padEnd(24)} ${withInterval(o.chargesShareWeighted).padEnd(24)}${truth}`);
  }
  for (const d of report.differences) {
    const f = d.figures;
    lines.push(`${'  difference'.padEnd(31)} ${withInterval(f.precisionRaw, pp).padEnd(24)} ${withInterval(f.precisionWeighted, pp).padEnd(24)} ${withInterval(f.chargesShareRaw, pp).padEnd(24)} ${withInterval(f.chargesShareWeighted, pp).padEnd(24)}   (${d.profile} minus ${d.against})`);
  }
  lines.push('', 'raw: ' + BACKTEST_BIAS.raw, ...(report.bias['weighted'] === undefined ? ['weighted: no figure, some inspections have no recorded inclusion probability'] : ['weighted: ' + BACKTEST_BIAS.weighted]));
  for (const p of report.profiles) {
    lines.push('', `indicators of ${p.profile.name} ${p.profile.version}: fired (participant-months), inspected, violations, charges, hit rate raw and weighted`);
    for (const i of p.indicators) {
      lines.push(`  ${i.id.padEnd(34)} ${String(i.fired).padStart(7)} ${String(i.inspected).padStart(5)} ${String(i.violations).padStart(5)} ${i.chargesRub.toFixed(0).padStart(14)}  ${withInterval(i.hitRateRaw).padEnd(24)} ${withInterval(i.hitRateWeighted)}`);
    }
  }
  return lines.join('\n');
}
