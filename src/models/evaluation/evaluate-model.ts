import { FEATURES } from '../../features/compute.js';
import type { FeatureParams } from '../../features/types.js';
import {
  auc,
  brierScore,
  chargesByDecile,
  reliabilityTable,
  topKReport,
  weightsFromPropensities,
  type ChargesDecile,
  type ReliabilityBin,
  type TopKReport,
} from '../stats/metrics.js';
import { randomScores } from '../stats/bootstrap.js';
import type { Db } from '../../io/db.js';
import type { RiskProfile } from '../../rules/index.js';
import { ConfigError } from '../../util/errors.js';
import type { LoadedArtifact } from '../risk/artifact.js';
import { exampleFeatures, participantExamples, type ParticipantExample } from '../risk/examples.js';
import type { FeatureMatrix } from '../learners/gbdt/index.js';
import { predictRisk, rankingScores } from '../risk/predict.js';
import { evaluateRows, modelMatrix } from '../risk/inputs.js';

/** What `ccrg evaluate` needs. */
export interface EvaluateConfig {
  from: string;
  to: string;
  /** Inspection capacity: adds a row at k = capacity. */
  capacity: number | null;
  features: Omit<FeatureParams, 'asOf'>;
  profile: RiskProfile;
  /** Seed of the random ranking. */
  seed: number;
}

/** One ranking's figures on a set of examples. */
export interface RankerFigures {
  topK: TopKReport;
  auc: number | null;
}

/** evaluation.json: the model, the risk profile and random on the same labelled examples. */
export interface EvaluationReport {
  window: { from: string; to: string };
  examples: number;
  positives: number;
  /** All labelled examples of the window (selection-biased: mostly risk-selected inspections). */
  /**
   * `model` ranks by expected charges (the probability without an amount
   * model), as the list would; `aucProbability` is the AUC of the calibrated
   * probability itself, the model's answer to "is there a violation".
   */
  all: { model: RankerFigures; profile: RankerFigures; random: RankerFigures; brier: number | null; aucProbability: number | null };
  reliability: ReliabilityBin[];
  chargesByDecile: ChargesDecile[] | null;
  /** The random-selection inspections alone: unbiased for the population (null when there are none). */
  randomSlice: { examples: number; model: RankerFigures; profile: RankerFigures; brier: number | null } | null;
  /** Horvitz-Thompson estimates with weights 1/propensity (null unless every example has a propensity). */
  inversePropensity: { model: RankerFigures; profile: RankerFigures; brier: number | null } | null;
}

/** The top shares every evaluation reports precision, recall and revenue at. */
export const TOP_SHARES = [0.01, 0.02, 0.05, 0.1];

function finite(x: number): number | null {
  return Number.isFinite(x) ? Number(x.toFixed(6)) : null;
}

/** One ranking's top-k table and AUC (weighted when weights are given). */
export function figures(
  scores: Float64Array,
  labels: Float64Array,
  charges: Float64Array,
  ids: readonly string[],
  capacity: number | null,
  weights?: Float64Array,
  shareRounding: 'up' | 'down' = 'up',
): RankerFigures {
  const options = { shares: TOP_SHARES, shareRounding, ...(capacity === null ? {} : { capacity }), ...(weights === undefined ? {} : { weights }) };
  return { topK: topKReport(scores, labels, charges, ids, options), auc: finite(auc(scores, labels, weights)) };
}

/**
 * Evaluates a risk model on the labelled participant examples whose as-of
 * month lies in `from..to`, beside the risk profile and a random ranking,
 * over all examples, over the random-selection slice alone, and with
 * inverse-propensity weights when propensities exist.
 */
/** Labelled examples of a window with their features, the risk profile's scores and a random ranking. */
export interface ScoredExamples {
  examples: ParticipantExample[];
  /** The catalogue features (a participant model adds its profile's points, src/models/risk/inputs.ts). */
  x: FeatureMatrix & { values: Float64Array };
  profile: Float64Array;
  random: Float64Array;
}

/** The examples of `from..to`, their features as of their dates, and the risk profile's and a random ranking's scores. */
export async function scoreExamples(db: Db, config: Pick<EvaluateConfig, 'from' | 'to' | 'features' | 'profile' | 'seed'>): Promise<ScoredExamples> {
  const examples = await participantExamples(db, { from: config.from, to: config.to });
  if (examples.length === 0) throw new ConfigError(`No completed inspection has an as-of month in ${config.from}..${config.to}: nothing to evaluate on`);
  const { values } = await exampleFeatures(db, examples, config.features, FEATURES);
  const profile = Float64Array.from(evaluateRows(values, examples.length, config.profile), (e) => e.score);
  return { examples, x: { values, nRows: examples.length, nCols: FEATURES.length, layout: 'row-major' }, profile, random: randomScores(examples.length, config.seed) };
}

export async function evaluateRiskModel(db: Db, loaded: LoadedArtifact, config: EvaluateConfig): Promise<EvaluationReport> {
  const { examples, x, profile, random } = await scoreExamples(db, config);
  const predicted = predictRisk(loaded.models, modelMatrix(loaded, x.values, x.nRows));
  const model = rankingScores(predicted);
  const labels = Float64Array.from(examples, (e) => e.label);
  const charges = Float64Array.from(examples, (e) => e.chargesRub);
  const ids = examples.map((e) => e.exampleId);

  const subset = (rows: readonly number[]) => ({
    scores: (a: Float64Array) => Float64Array.from(rows, (r) => a[r] as number),
    ids: rows.map((r) => ids[r] as string),
  });
  const randomRows = examples.flatMap((e: ParticipantExample, i) => (e.selection === 'random' ? [i] : []));
  let randomSlice: EvaluationReport['randomSlice'] = null;
  if (randomRows.length > 0) {
    const s = subset(randomRows);
    const [y, c] = [s.scores(labels), s.scores(charges)];
    randomSlice = {
      examples: randomRows.length,
      model: figures(s.scores(model), y, c, s.ids, null),
      profile: figures(s.scores(profile), y, c, s.ids, null),
      brier: finite(brierScore(s.scores(predicted.probability), y)),
    };
  }
  let inversePropensity: EvaluationReport['inversePropensity'] = null;
  if (examples.every((e) => e.propensity !== null)) {
    const w = weightsFromPropensities(Float64Array.from(examples, (e) => e.propensity as number));
    inversePropensity = {
      model: figures(model, labels, charges, ids, config.capacity, w),
      profile: figures(profile, labels, charges, ids, config.capacity, w),
      brier: finite(brierScore(predicted.probability, labels, w)),
    };
  }
  return {
    window: { from: config.from, to: config.to },
    examples: examples.length,
    positives: labels.reduce((a, b) => a + b, 0),
    all: {
      model: figures(model, labels, charges, ids, config.capacity),
      profile: figures(profile, labels, charges, ids, config.capacity),
      random: figures(random, labels, charges, ids, config.capacity),
      brier: finite(brierScore(predicted.probability, labels)),
      aucProbability: finite(auc(predicted.probability, labels)),
    },
    reliability: reliabilityTable(predicted.probability, labels),
    chargesByDecile: predicted.expectedChargesRub === null ? null : chargesByDecile(predicted.expectedChargesRub, charges, { ids }),
    randomSlice,
    inversePropensity,
  };
}

/** The printed table: precision, recall and revenue at each k for the model, the risk profile and random. */
export function formatEvaluation(report: EvaluationReport): string {
  const pct = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(1)}%`);
  const lines = [
    `${report.examples} labelled examples (${report.positives} with a violation), as-of months ${report.window.from}..${report.window.to}`,
    `AUC: model ${String(report.all.model.auc)} (of its P(violation): ${String(report.all.aucProbability)}), risk profile ${String(report.all.profile.auc)}, random ${String(report.all.random.auc)}; Brier (model) ${String(report.all.brier)}`,
    '',
    'top       model: precision recall revenue   profile: precision recall revenue   random: precision recall revenue',
  ];
  report.all.model.topK.rows.forEach((m, i) => {
    const p = report.all.profile.topK.rows[i];
    const r = report.all.random.topK.rows[i];
    const k = 'share' in m.k ? `${(m.k.share * 100).toFixed(0)}%` : `${m.k.count}`;
    lines.push(
      `${k.padEnd(9)} ${pct(m.precision).padStart(16)} ${pct(m.recall).padStart(6)} ${pct(m.revenue).padStart(7)}   ${pct(p?.precision).padStart(18)} ${pct(p?.recall).padStart(6)} ${pct(p?.revenue).padStart(7)}   ${pct(r?.precision).padStart(17)} ${pct(r?.recall).padStart(6)} ${pct(r?.revenue).padStart(7)}`,
    );
  });
  if (report.randomSlice !== null) {
    lines.push('', `random-selection slice (${report.randomSlice.examples} examples, unbiased): AUC model ${String(report.randomSlice.model.auc)}, risk profile ${String(report.randomSlice.profile.auc)}`);
  } else {
    lines.push('', 'no random-selection inspections in the window: the figures above are those of risk-selected participants');
  }
  return lines.join('\n');
}
