import type { FeatureParams } from '../../features/types.js';
import type { Db } from '../../io/db.js';
import { quoteLiteralList, sqlDate } from '../../io/sql.js';
import { asOfSql, IMPORT_ITEMS_SQL } from '../../store/as-of.js';
import { asOfDates, calibrate, fitClassifier, matrixOf, probabilityOf, trainAmount, type TimeSplit } from './fit-risk.js';
import type { GbdtParams } from '../learners/gbdt/index.js';
import { itemExampleFeatures, itemExamples, itemFeatureSet, itemToScore, type ItemExample } from './item-examples.js';
import { predictRisk } from './predict.js';

/** Participant features aggregated from item scores, in order. */
const ITEM_SCORE_FEATURES = ['item_p_max', 'item_p_value_weighted', 'item_expected_charges_sum'] as const;

/** How the per-date item models are trained. */
export interface ItemAggregateConfig {
  seed: number;
  classifier: Partial<GbdtParams>;
  amount: Partial<GbdtParams>;
  /** Share of the labelled items' as-of dates, at the end, that stop the trees and fit the calibrator. */
  stoppingShare: number;
  /** Fewest labelled items (of both classes) an item model is trained on; below, the aggregates are missing. */
  minExamples: number;
  features: Omit<FeatureParams, 'asOf'>;
}

/** One participant at one date. */
export interface AggregateTarget {
  inn: string;
  /** YYYY-MM-DD. */
  asOf: string;
}

/** Aggregates per target, and what was trained. */
export interface ItemAggregates {
  /** Row-major, targets × {@link ITEM_SCORE_FEATURES}; NaN where missing. */
  values: Float64Array;
  /** Per as-of date: labelled items the item model was trained on (0 when none was trained). */
  trainedOn: Record<string, number>;
}

/**
 * Item scores aggregated to participant features, so that a participant
 * model can read what an item model sees in the participant's items:
 * for each target (inn, as-of date D),
 *
 * - `item_p_max`: the highest P(violation) among its inspectable items
 *   (released within the control period less the lead time before D);
 * - `item_p_value_weighted`: the customs-value-weighted mean P(violation);
 * - `item_expected_charges_sum`: Σ P(violation) × E[charges | violation]
 *   (missing without an amount model).
 *
 * The item model is retrained for each distinct D on the labelled items
 * whose label was known strictly before D (features as of their own
 * dates), so it never saw the findings of an inspection that started after
 * D — the target's own, when D is the as-of date of its inspection — nor
 * anything later. Items are scored with features as of D. Below
 * `minExamples` labelled items, or with one class only, the aggregates of
 * that date are missing.
 */
export async function itemScoreAggregates(db: Db, targets: readonly AggregateTarget[], config: ItemAggregateConfig): Promise<ItemAggregates> {
  const k = ITEM_SCORE_FEATURES.length;
  const values = new Float64Array(targets.length * k).fill(Number.NaN);
  const trainedOn: Record<string, number> = {};
  const set = await itemFeatureSet(db);
  const n = set.features.length;
  const dates = [...new Set(targets.map((t) => t.asOf))].sort();
  const last = dates[dates.length - 1] ?? '0001-01-01';
  // Only labels known before the last date can train any of the models.
  const labelled = (await itemExamples(db, { from: '0001-01', to: '9999-12' })).filter((e) => e.knownDate < last);
  const labelledX = (await itemExampleFeatures(db, labelled, set, config.features)).values;
  const inspectMonths = config.features.controlYears * 12 - config.features.leadMonths;

  for (const asOf of dates) {
    trainedOn[asOf] = 0;
    const known = labelled.flatMap((e, i) => (e.knownDate < asOf ? [i] : []));
    const positives = known.filter((i) => (labelled[i] as ItemExample).label === 1).length;
    if (known.length < config.minExamples || positives === 0 || positives === known.length) continue;
    const subset = known.map((i) => labelled[i] as ItemExample);
    const subsetX = matrixOf(labelledX, n, known).values as Float64Array;
    const seen = asOfDates(subset);
    const stoppingStart = seen[Math.max(1, seen.length - Math.max(1, Math.ceil(seen.length * config.stoppingShare)))] ?? (seen[seen.length - 1] as string);
    const split: TimeSplit = { fit: [], stopping: [], validation: [], droppedUnknownLabel: 0, validationStart: asOf, stoppingStart };
    subset.forEach((e, i) => (e.asOf >= stoppingStart ? split.stopping : split.fit).push(i));
    // With few labelled items the fit part alone may hold one class: no model at this date.
    const fitPositives = split.fit.filter((i) => (subset[i] as ItemExample).label === 1).length;
    if (fitPositives === 0 || fitPositives === split.fit.length) continue;
    const warnings: string[] = [];
    const classifier = (await fitClassifier(subsetX, set.features, subset, split, config.classifier, config.seed, warnings)).model;
    const calibrator = calibrate(probabilityOf(classifier, subsetX, n), subset, split.stopping.length > 0 ? split.stopping : split.fit, warnings);
    const amount = await trainAmount(subsetX, set.features, subset, split.fit, config.amount, config.seed, warnings);
    trainedOn[asOf] = known.length;

    const inns = [...new Set(targets.filter((t) => t.asOf === asOf).map((t) => t.inn))];
    const items = await db.all(`SELECT decl_id, item_no, importer_inn, CAST(customs_value_rub AS DOUBLE) AS value
      FROM (${asOfSql('declarations', asOf, IMPORT_ITEMS_SQL)})
      WHERE importer_inn IN (${quoteLiteralList(inns)})
        AND CAST(release_date + INTERVAL ${inspectMonths} MONTH AS DATE) >= ${sqlDate(asOf)}
      ORDER BY importer_inn, decl_id, item_no`);
    if (items.length === 0) continue;
    const pseudo: ItemExample[] = items.map((r) =>
      itemToScore(`${String(r['importer_inn'])}|${String(r['decl_id'])}|${String(r['item_no'])}`, String(r['decl_id']), Number(r['item_no']), String(r['importer_inn']), asOf),
    );
    const x = (await itemExampleFeatures(db, pseudo, set, config.features)).values;
    const predicted = predictRisk({ kind: 'risk', classifier, amount, calibrator }, { values: x, nRows: pseudo.length, nCols: n, layout: 'row-major' });
    const byInn = new Map<string, { max: number; pv: number; v: number; charges: number }>();
    items.forEach((r, i) => {
      const inn = String(r['importer_inn']);
      const p = predicted.probability[i] as number;
      const value = Math.max(0, Number(r['value']));
      const a = byInn.get(inn) ?? { max: 0, pv: 0, v: 0, charges: 0 };
      a.max = Math.max(a.max, p);
      a.pv += p * value;
      a.v += value;
      a.charges += predicted.expectedChargesRub === null ? Number.NaN : (predicted.expectedChargesRub[i] as number);
      byInn.set(inn, a);
    });
    targets.forEach((t, i) => {
      const a = t.asOf === asOf ? byInn.get(t.inn) : undefined;
      if (a === undefined) return;
      values[i * k] = a.max;
      // A weighted mean never exceeds the maximum; rounding could put it one ulp above.
      values[i * k + 1] = a.v > 0 ? Math.min(a.max, a.pv / a.v) : Number.NaN;
      values[i * k + 2] = a.charges;
    });
  }
  return { values, trainedOn };
}
