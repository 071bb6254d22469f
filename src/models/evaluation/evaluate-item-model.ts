import { randomScores } from '../stats/bootstrap.js';
import { auc, brierScore, chargesByDecile, reliabilityTable, weightsFromPropensities, type ChargesDecile, type ReliabilityBin } from '../stats/metrics.js';
import type { FeatureParams } from '../../features/types.js';
import type { Db } from '../../io/db.js';
import { ConfigError } from '../../util/errors.js';
import { loadArtifact, type LoadedArtifact } from '../risk/artifact.js';
import { figures, type RankerFigures } from './evaluate-model.js';
import { finiteMetric } from '../risk/fit-risk.js';
import { itemExampleFeatures, itemExamples, itemFeatureSet, type ItemExample, type ItemFeatureSet } from '../risk/item-examples.js';
import { predictRisk } from '../risk/predict.js';

/** What `ccrg evaluate` needs for an item model. */
export interface ItemEvaluateConfig {
  from: string;
  to: string;
  /** Adds a row at k = this many items. */
  capacity: number | null;
  features: Omit<FeatureParams, 'asOf'>;
  /** Seed of the random ranking. */
  seed: number;
}

/** One evaluated item with its label and the model's scores (`evaluate --scores`). */
export interface ItemScore {
  exampleId: string;
  source: ItemExample['source'];
  declId: string;
  itemNo: number;
  asOf: string;
  label: 0 | 1;
  chargesRub: number;
  margin: number;
  probability: number;
  expectedChargesRub: number | null;
}

/** evaluation.json of an item model: the model and random on the same labelled items. */
export interface ItemEvaluationReport {
  level: 'item';
  /** How the figures are taken: the ranking and the size of a top share. */
  rules: { ranking: string; k: string };
  window: { from: string; to: string };
  examples: number;
  positives: number;
  /** Labelled items by where their label came from. */
  sources: { item_outcomes: number; declarations: number };
  /** `model` ranks by expected charges, as `evaluate` does for participants; `aucProbability` is the AUC of the calibrated probability. */
  all: { model: RankerFigures; random: RankerFigures; brier: number | null; aucProbability: number | null };
  reliability: ReliabilityBin[];
  chargesByDecile: ChargesDecile[] | null;
  /** Items of random-selection inspections alone (null when there are none). */
  randomSlice: { examples: number; model: RankerFigures; brier: number | null } | null;
  /** Horvitz-Thompson estimates with weights 1/propensity (null unless every item has one). */
  inversePropensity: { model: RankerFigures; brier: number | null } | null;
}

/**
 * Loads an item-level risk model for the store: refuses another kind or
 * level, and a feature list other than the one the store provides
 * ({@link itemFeatureSet}), naming the first difference.
 */
export async function loadItemModel(db: Db, path: string): Promise<{ loaded: LoadedArtifact; set: ItemFeatureSet }> {
  const set = await itemFeatureSet(db);
  return { loaded: await loadArtifact(path, { kind: 'risk', level: 'item', features: set.features }), set };
}

/**
 * Evaluates an item-level risk model on the labelled items whose as-of
 * month lies in `from..to` (features as of each item's own date), beside a
 * random ranking: top-k precision, recall and revenue over items, AUC,
 * Brier score, a reliability table and charges by decile; on the items of
 * random-selection inspections alone, and with inverse-propensity weights
 * when every item has a propensity.
 */
export async function evaluateItemModel(db: Db, loaded: LoadedArtifact, set: ItemFeatureSet, config: ItemEvaluateConfig): Promise<{ report: ItemEvaluationReport; scores: ItemScore[] }> {
  if (loaded.artifact.level !== 'item' || loaded.models.kind !== 'risk') {
    throw new ConfigError(`evaluateItemModel needs an item-level risk model; this one is a ${loaded.artifact.kind} model of level "${loaded.artifact.level}"`);
  }
  const examples = await itemExamples(db, { from: config.from, to: config.to });
  if (examples.length === 0) throw new ConfigError(`No labelled item has an as-of month in ${config.from}..${config.to}: nothing to evaluate on`);
  const { values } = await itemExampleFeatures(db, examples, set, config.features);
  const x = { values, nRows: examples.length, nCols: set.features.length, layout: 'row-major' as const };
  const predicted = predictRisk(loaded.models, x);
  // The raw margin ranks: calibration maps many margins to one probability, and its ties would decide the top.
  const model = loaded.models.classifier.predictMargin(x);
  const scores: ItemScore[] = examples.map((e, i) => ({
    exampleId: e.exampleId,
    source: e.source,
    declId: e.declId,
    itemNo: e.itemNo,
    asOf: e.asOf,
    label: e.label,
    chargesRub: e.chargesRub,
    margin: Number((model[i] as number).toFixed(6)),
    probability: Number((predicted.probability[i] as number).toFixed(6)),
    expectedChargesRub: predicted.expectedChargesRub === null ? null : Number((predicted.expectedChargesRub[i] as number).toFixed(2)),
  }));
  const random = randomScores(examples.length, config.seed);
  const labels = Float64Array.from(examples, (e) => e.label);
  const charges = Float64Array.from(examples, (e) => e.chargesRub);
  const ids = examples.map((e) => e.exampleId);

  const randomRows = examples.flatMap((e: ItemExample, i) => (e.selection === 'random' ? [i] : []));
  let randomSlice: ItemEvaluationReport['randomSlice'] = null;
  if (randomRows.length > 0) {
    const pick = (a: Float64Array): Float64Array => Float64Array.from(randomRows, (r) => a[r] as number);
    const y = pick(labels);
    randomSlice = {
      examples: randomRows.length,
      model: figures(pick(model), y, pick(charges), randomRows.map((r) => ids[r] as string), null, undefined, 'down'),
      brier: finiteMetric(brierScore(pick(predicted.probability), y)),
    };
  }
  let inversePropensity: ItemEvaluationReport['inversePropensity'] = null;
  if (examples.every((e) => e.propensity !== null)) {
    const w = weightsFromPropensities(Float64Array.from(examples, (e) => e.propensity as number));
    inversePropensity = { model: figures(model, labels, charges, ids, config.capacity, w, 'down'), brier: finiteMetric(brierScore(predicted.probability, labels, w)) };
  }
  const report: ItemEvaluationReport = {
    level: 'item',
    rules: {
      ranking: 'the raw model margin (log-odds), descending; ties by example id',
      k: 'top share q of n items: floor(n × q) items, at least 1 (with inverse-propensity weights: the shortest top reaching q of the total weight)',
    },
    window: { from: config.from, to: config.to },
    examples: examples.length,
    positives: labels.reduce((a, b) => a + b, 0),
    sources: {
      item_outcomes: examples.filter((e) => e.source === 'item_outcomes').length,
      declarations: examples.filter((e) => e.source === 'declarations').length,
    },
    all: {
      model: figures(model, labels, charges, ids, config.capacity, undefined, 'down'),
      random: figures(random, labels, charges, ids, config.capacity, undefined, 'down'),
      brier: finiteMetric(brierScore(predicted.probability, labels)),
      aucProbability: finiteMetric(auc(predicted.probability, labels)),
    },
    reliability: reliabilityTable(predicted.probability, labels),
    chargesByDecile: predicted.expectedChargesRub === null ? null : chargesByDecile(predicted.expectedChargesRub, charges, { ids }),
    randomSlice,
    inversePropensity,
  };
  return { report, scores };
}

/** The printed table: precision, recall and revenue over items at each k for the model and random. */
export function formatItemEvaluation(report: ItemEvaluationReport): string {
  const pct = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(1)}%`);
  const lines = [
    `${report.examples} labelled items (${report.positives} with a violation; ${report.sources.item_outcomes} from inspections, ${report.sources.declarations} from labels on declarations), as-of months ${report.window.from}..${report.window.to}`,
    `item-level AUC: model ${String(report.all.model.auc)} (of its P(violation): ${String(report.all.aucProbability)}), random ${String(report.all.random.auc)}; Brier (model) ${String(report.all.brier)}`,
    `ranked by the raw margin; a top share q of n items is floor(n × q) items, at least 1`,
    '',
    'top       model: precision recall revenue   random: precision recall revenue',
  ];
  report.all.model.topK.rows.forEach((m, i) => {
    const r = report.all.random.topK.rows[i];
    const k = 'share' in m.k ? `${(m.k.share * 100).toFixed(0)}%` : `${m.k.count}`;
    lines.push(
      `${k.padEnd(9)} ${pct(m.precision).padStart(16)} ${pct(m.recall).padStart(6)} ${pct(m.revenue).padStart(7)}   ${pct(r?.precision).padStart(17)} ${pct(r?.recall).padStart(6)} ${pct(r?.revenue).padStart(7)}`,
    );
  });
  if (report.randomSlice !== null) {
    lines.push('', `items of random-selection inspections (${report.randomSlice.examples}, unbiased): AUC model ${String(report.randomSlice.model.auc)}`);
  } else {
    lines.push('', 'no item of a random-selection inspection in the window: the figures above are those of the labelled (likely risk-selected) items');
  }
  return lines.join('\n');
}
