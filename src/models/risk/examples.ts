import { computeFeatures, FEATURES } from '../../features/compute.js';
import type { FeatureDef, FeatureParams } from '../../features/types.js';
import type { Db } from '../../io/db.js';
import { startProgress, type ProgressSource } from '../../util/progress.js';
import { quoteIdent, quoteLiteralList } from '../../io/sql.js';

/**
 * One participant-level training example: an inspection, seen from the
 * month end before it started (the `as_of` its selection would have used),
 * labelled with what the inspection found.
 */
export interface ParticipantExample {
  /** The inspection id. */
  exampleId: string;
  inn: string;
  /** The last day of the month before the inspection started, YYYY-MM-DD. */
  asOf: string;
  /** 1 when the inspection found a violation. */
  label: 0 | 1;
  chargesRub: number;
  /** The date the label became known: the inspection's completion. */
  knownDate: string;
  selection: 'risk' | 'random';
  /** Inclusion probability when the plan recorded one. */
  propensity: number | null;
}

/** Which examples to take. */
export interface ExampleWindow {
  /** First and last as-of month, YYYY-MM (inclusive). */
  from: string;
  to: string;
  /** Only labels known by this date count (default: every completed inspection in the store). */
  knownBy?: string;
}

/**
 * Participant examples from the stored outcomes: every completed inspection
 * whose as-of month (the month before it started) lies in the window, with
 * its result as completed by `knownBy`. Ordered by as-of date, then
 * inspection id.
 */
export async function participantExamples(db: Db, window: ExampleWindow): Promise<ParticipantExample[]> {
  const knownBy = window.knownBy === undefined ? '' : 'AND completed_date <= CAST($known_by AS DATE)';
  const rows = await db.all(
    `
    WITH done AS (
      SELECT *, CAST(date_trunc('month', started_date) - INTERVAL 1 DAY AS DATE) AS as_of
      FROM outcomes
      WHERE completed_date IS NOT NULL AND violation IS NOT NULL ${knownBy}
      QUALIFY row_number() OVER (PARTITION BY inspection_id ORDER BY completed_date DESC, ingest_id DESC) = 1
    )
    SELECT inspection_id, inn, strftime(as_of, '%Y-%m-%d') AS as_of, violation, coalesce(additional_charges_rub, 0)::DOUBLE AS charges,
      strftime(completed_date, '%Y-%m-%d') AS known, selection, propensity
    FROM done
    WHERE strftime(as_of, '%Y-%m') BETWEEN $from AND $to
    ORDER BY as_of, inspection_id`,
    { from: window.from, to: window.to, ...(window.knownBy === undefined ? {} : { known_by: window.knownBy }) },
  );
  return rows.map((r) => ({
    exampleId: String(r['inspection_id']),
    inn: String(r['inn']),
    asOf: String(r['as_of']),
    label: Number(r['violation']) === 1 ? 1 : 0,
    chargesRub: Number(r['charges']),
    knownDate: String(r['known']),
    selection: r['selection'] === 'random' ? 'random' : 'risk',
    propensity: r['propensity'] === null || r['propensity'] === undefined ? null : Number(r['propensity']),
  }));
}

/** Feature values of examples, one row per example in their order; NaN where a value is missing. */
export interface ExampleFeatures {
  features: readonly FeatureDef[];
  /** Row-major, examples × features. */
  values: Float64Array;
  /** Examples whose participant had no declaration in the feature window at its as-of date (all NaN). */
  outsideUniverse: number;
  /**
   * Every participant scored at the latest as-of date of the examples (the
   * population the model is first applied to), row-major, INN order; null
   * without examples.
   */
  population: { asOf: string; rows: number; values: Float64Array } | null;
}

/**
 * Computes each example's features with the same code `score` uses, as of
 * the example's own as-of date: one feature computation per distinct date,
 * so nothing after that date reaches an example. `progressSource` (the
 * command's logger) shows progress per as-of date; none by default.
 */
export async function exampleFeatures(
  db: Db,
  examples: readonly ParticipantExample[],
  defaults: Omit<FeatureParams, 'asOf'>,
  features: readonly FeatureDef[] = FEATURES,
  progressSource: ProgressSource = {},
): Promise<ExampleFeatures> {
  const values = new Float64Array(examples.length * features.length).fill(Number.NaN);
  const byDate = new Map<string, number[]>();
  examples.forEach((e, i) => {
    const indexes = byDate.get(e.asOf);
    if (indexes === undefined) byDate.set(e.asOf, [i]);
    else indexes.push(i);
  });
  let outsideUniverse = 0;
  let population: ExampleFeatures['population'] = null;
  const progress = startProgress(progressSource, 'features', byDate.size, 'as-of months');
  const dates = [...byDate.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [asOf, indexes] of dates) {
    progress.tick(0, `as of ${asOf}`);
    const computed = await computeFeatures(db, { ...defaults, asOf });
    if (asOf === dates[dates.length - 1]?.[0]) population = await populationRows(db, computed.table, features, asOf);
    const inns = [...new Set(indexes.map((i) => (examples[i] as ParticipantExample).inn))];
    const rows = await db.all(`SELECT inn, ${features.map((f) => quoteIdent(f.id)).join(', ')} FROM ${quoteIdent(computed.table)}
      WHERE inn IN (${quoteLiteralList(inns)})`);
    await computed.workspace.drop();
    const byInn = new Map(rows.map((r) => [String(r['inn']), r]));
    for (const i of indexes) {
      const row = byInn.get((examples[i] as ParticipantExample).inn);
      if (row === undefined) {
        outsideUniverse++;
        continue;
      }
      features.forEach((f, j) => {
        const v = row[f.id];
        if (v !== null && v !== undefined) values[i * features.length + j] = Number(v);
      });
    }
    progress.tick();
  }
  progress.done();
  return { features, values, outsideUniverse, population };
}

/** Every row of a features table, NaN where missing, in INN order. */
async function populationRows(db: Db, table: string, features: readonly FeatureDef[], asOf: string): Promise<NonNullable<ExampleFeatures['population']>> {
  const rows = await db.all(`SELECT ${features.map((f) => quoteIdent(f.id)).join(', ')} FROM ${quoteIdent(table)} ORDER BY inn`);
  const values = new Float64Array(rows.length * features.length).fill(Number.NaN);
  rows.forEach((row, i) =>
    features.forEach((f, j) => {
      const v = row[f.id];
      if (v !== null && v !== undefined) values[i * features.length + j] = Number(v);
    }),
  );
  return { asOf, rows: rows.length, values };
}
