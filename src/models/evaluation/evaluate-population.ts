import { randomScores } from '../stats/bootstrap.js';
import type { TruthRow } from './truth.js';
import { asOfFromPeriod, periodsBetween } from '../../util/period.js';
import { ConfigError } from '../../util/errors.js';
import type { Logger } from '../../util/logger.js';
import { figures, TOP_SHARES, type EvaluateConfig, type RankerFigures } from './evaluate-model.js';

/** What a population evaluation needs: the same as `evaluate` on labelled examples. */
export type PopulationConfig = EvaluateConfig;

/**
 * Ranks the whole population scored as of a month's last day, in the exact
 * order `score` lists it: by the risk profile, and by the model (the caller
 * composes the score step and the model; src/app/evaluate.ts).
 */
export type RankMonth = (period: string) => Promise<{ byProfile: readonly { inn: string }[]; byModel: readonly { inn: string }[] }>;

/** One month's figures over every participant scored that month. */
export interface PopulationMonth {
  period: string;
  participants: number;
  /** Participants with a planted scheme in a month up to the period. */
  positives: number;
  model: RankerFigures;
  profile: RankerFigures;
  random: RankerFigures;
}

/** The `population` part of evaluation.json (`evaluate --truth`, generated data only). */
export interface PopulationReport {
  truthFile: string;
  months: PopulationMonth[];
  /** Per ranking and top share: the mean over the months of precision, recall and revenue. */
  mean: Record<'model' | 'profile' | 'random', { share: number; precision: number; recall: number; revenue: number }[]>;
}

/** Scores that reproduce a ranking's order exactly (its own tie-breaks included): n − index. */
function scoresFromOrder(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => n - i);
}

/**
 * Evaluates a risk model over the whole scored population of each month of
 * `from..to` against a generator's truth file: every participant scored as
 * of the month end is an example, positive when the truth plants a scheme
 * on it in a month up to the period, with the planted charges of those
 * months. The model, the risk profile and random rank the same participants;
 * the model and the profile in the exact order `score` would list them.
 * Generated data only: real data has no truth file.
 */
export async function evaluatePopulation(
  config: PopulationConfig,
  truth: readonly TruthRow[],
  truthFile: string,
  rankMonth: RankMonth,
  logger: Logger,
): Promise<PopulationReport> {
  const months: PopulationMonth[] = [];
  const periods = periodsBetween(config.from, config.to);
  for (const [i, period] of periods.entries()) {
    logger.info(`scoring the whole population as of ${asOfFromPeriod(period)} (${i + 1} of ${periods.length})`);
    const { byProfile, byModel } = await rankMonth(period);
    if (byProfile.length === 0) continue;
    const charges = new Map<string, number>();
    for (const row of truth) if (row.kind === 'scheme' && row.period <= period) charges.set(row.inn, (charges.get(row.inn) ?? 0) + row.chargesRub);
    // One fixed example order (INN) for all three rankings; each ranking's order becomes its scores.
    const inns = byProfile.map((p) => p.inn).sort();
    const index = new Map(inns.map((inn, i) => [inn, i]));
    const n = inns.length;
    const orderScores = (ranked: readonly { inn: string }[]): Float64Array => {
      const s = scoresFromOrder(n);
      const out = new Float64Array(n);
      ranked.forEach((p, r) => (out[index.get(p.inn) as number] = s[r] as number));
      return out;
    };
    const labels = Float64Array.from(inns, (inn) => (charges.has(inn) ? 1 : 0));
    const amounts = Float64Array.from(inns, (inn) => charges.get(inn) ?? 0);
    months.push({
      period,
      participants: n,
      positives: labels.reduce((a, b) => a + b, 0),
      model: figures(orderScores(byModel), labels, amounts, inns, config.capacity),
      profile: figures(orderScores(byProfile), labels, amounts, inns, config.capacity),
      random: figures(randomScores(n, config.seed), labels, amounts, inns, config.capacity),
    });
  }
  if (months.length === 0) throw new ConfigError(`No participant was scored in ${config.from}..${config.to}: nothing to evaluate against the truth file`);
  const mean = (which: 'model' | 'profile' | 'random') =>
    TOP_SHARES.map((share, i) => {
      const avg = (pick: (m: PopulationMonth) => number): number => Number((months.reduce((s, m) => s + pick(m), 0) / months.length).toFixed(6));
      return {
        share,
        precision: avg((m) => m[which].topK.rows[i]?.precision ?? 0),
        recall: avg((m) => m[which].topK.rows[i]?.recall ?? 0),
        revenue: avg((m) => m[which].topK.rows[i]?.revenue ?? 0),
      };
    });
  return { truthFile, months, mean: { model: mean('model'), profile: mean('profile'), random: mean('random') } };
}

/** The printed table of a population evaluation: mean precision and revenue at each top share. */
export function formatPopulation(report: PopulationReport): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const first = report.months[0] as PopulationMonth;
  const last = report.months[report.months.length - 1] as PopulationMonth;
  const lines = [
    `whole population against ${report.truthFile}: ${report.months.length} month(s) ${first.period}..${last.period}, ${last.participants} participants scored in ${last.period} (${last.positives} with a planted scheme)`,
    'top       model: precision revenue   profile: precision revenue   random: precision revenue  (means over the months)',
  ];
  TOP_SHARES.forEach((share, i) => {
    const [m, p, r] = [report.mean.model[i], report.mean.profile[i], report.mean.random[i]];
    if (m === undefined || p === undefined || r === undefined) return;
    lines.push(
      `${`${(share * 100).toFixed(0)}%`.padEnd(9)} ${pct(m.precision).padStart(16)} ${pct(m.revenue).padStart(7)}   ${pct(p.precision).padStart(18)} ${pct(p.revenue).padStart(7)}   ${pct(r.precision).padStart(17)} ${pct(r.revenue).padStart(7)}`,
    );
  });
  return lines.join('\n');
}
