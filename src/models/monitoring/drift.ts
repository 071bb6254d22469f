/**
 * Drift watch: the population stability index (PSI) of every model feature
 * and of the model's score, between the reference distributions stored in
 * the model artifact and a scored month. The reference is the whole scored
 * population at the model's latest training date when the artifact has it
 * (`referenceDistributions`), else the training examples (inspections,
 * risk-selected: they differ from any month's population by design). The month's values are counted in the
 * artifact's own bins (decile edges, right-closed, missing its own bin), so
 * the two distributions are comparable bin by bin.
 */

import type { Db } from '../../io/db.js';
import { quoteIdent, quoteLiteral } from '../../io/sql.js';
import type { ModelArtifact } from '../risk/artifact.js';
import { binProportions, populationStabilityIndex, type BinShares, type FeatureDistribution } from '../stats/distribution.js';

/** A feature or score whose PSI is above this has drifted enough to retrain the model. */
export const DRIFT_THRESHOLD = 0.2;

/** PSI of one feature (or of the score) in a scored month. */
export interface DriftEntry {
  /** Feature id, or `score` for the model's score. */
  name: string;
  /** PSI rounded to 4 decimals. */
  psi: number;
  /** PSI above {@link DRIFT_THRESHOLD}. */
  flagged: boolean;
}

/** The `drift` part of a score manifest. */
export interface DriftReport {
  threshold: number;
  /** What the month is compared with: the population scored at `asOf`, or the training examples. */
  reference: { kind: 'population'; as_of: string; rows: number } | { kind: 'training_examples'; window: { from: string; to: string } };
  /** Every model feature, in the model's feature order. */
  features: DriftEntry[];
  /** The model's score (calibrated probability for a risk model). */
  score: DriftEntry;
  /** Names of the flagged features (and `score` when it is flagged), in order. */
  flagged: string[];
  /** A plain-words warning when anything is flagged, null otherwise. */
  warning: string | null;
}

/**
 * SQL counting the values of `column` of `table` per bin of `edges`: bin i
 * (0-based) holds e[i−1] < x ≤ e[i], as {@link binProportions} counts them;
 * NULL and NaN go to bin −1 (missing). Edges are passed as text cast to
 * DOUBLE so DuckDB reads the same doubles JavaScript has (a DECIMAL literal
 * might round differently).
 */
export function binCountsSql(table: string, column: string, edges: readonly number[]): string {
  const v = 'v';
  const bin = edges.length === 0 ? '0' : edges.map((e) => `(${v} > ${quoteLiteral(String(e))}::DOUBLE)::INTEGER`).join(' + ');
  return `SELECT CASE WHEN ${v} IS NULL OR isnan(${v}) THEN -1 ELSE ${bin} END AS bin, count(*)::BIGINT AS n
    FROM (SELECT TRY_CAST(${quoteIdent(column)} AS DOUBLE) AS ${v} FROM ${quoteIdent(table)}) GROUP BY ALL`;
}

/** Shares per bin from counts per bin (bin −1 = missing), for `nBins` present-value bins. */
export function sharesFromCounts(counts: ReadonlyMap<number, number>, nBins: number): BinShares {
  let total = 0;
  for (const n of counts.values()) total += n;
  const proportions = Array.from({ length: nBins }, (_, i) => (total === 0 ? 0 : (counts.get(i) ?? 0) / total));
  return { count: total, proportions, missing: total === 0 ? 0 : (counts.get(-1) ?? 0) / total };
}

/** The bin shares of a table column in the bins of a training distribution, counted in DuckDB; a column the table lacks counts as all missing. */
export async function columnShares(db: Db, table: string, column: string | null, distribution: FeatureDistribution, rows: number): Promise<BinShares> {
  const nBins = distribution.edges.length + 1;
  if (column === null) return sharesFromCounts(new Map([[-1, rows]]), nBins);
  const result = await db.all(binCountsSql(table, column, distribution.edges));
  return sharesFromCounts(new Map(result.map((r) => [Number(r['bin']), Number(r['n'])])), nBins);
}

function entry(name: string, expected: FeatureDistribution, actual: BinShares): DriftEntry {
  // An empty month has no shares to compare: it shows no drift rather than an error.
  const psi = actual.count === 0 || expected.count === 0 ? 0 : populationStabilityIndex(expected, actual);
  const rounded = Number(psi.toFixed(4));
  return { name, psi: rounded, flagged: psi > DRIFT_THRESHOLD };
}

/** Flagged inputs named in the warning, largest PSI first; the manifest lists them all. */
const WARNING_NAMES = 5;

/** The plain-words warning for flagged entries, or null when none is flagged. */
export function driftWarning(flagged: readonly DriftEntry[], reference: DriftReport['reference']): string | null {
  if (flagged.length === 0) return null;
  const largest = [...flagged].sort((a, b) => b.psi - a.psi || (a.name < b.name ? -1 : 1));
  const more = largest.length - WARNING_NAMES;
  const list = largest.slice(0, WARNING_NAMES).map((e) => `${e.name} (PSI ${e.psi.toFixed(2)})`).join(', ') + (more > 0 ? ` and ${more} more (manifest.json, drift)` : '');
  return (
    `${flagged.length === 1 ? 'One input has' : `${flagged.length} inputs have`} shifted well away from ` +
    (reference.kind === 'population'
      ? `the population the model was trained for (the ${reference.rows} participants scored as of ${reference.as_of})`
      : `the data the model was trained on (${reference.window.from} to ${reference.window.to})`) +
    `: ${list}. PSI above ${DRIFT_THRESHOLD} means the model's scores may no longer be reliable: ` +
    'retrain it on recent months (ccrg train) before relying on its ranking.'
  );
}

/**
 * Drift of a model against a scored month: each model feature's PSI counted
 * in DuckDB over the month's feature table (one row per scored participant),
 * and the score's PSI over the month's model scores (NaN = missing).
 */
export async function modelDrift(
  db: Db,
  featureTable: string,
  artifact: ModelArtifact,
  scores: ArrayLike<number>,
  /** Model inputs that are not columns of the table (the risk profile's points), one value per row. */
  extraColumns: ReadonlyMap<string, ArrayLike<number>> = new Map(),
): Promise<DriftReport> {
  const described = await db.all(`DESCRIBE ${quoteIdent(featureTable)}`);
  const columns = new Set(described.map((r) => String(r['column_name'])));
  const rows = Number((await db.all(`SELECT count(*)::BIGINT AS n FROM ${quoteIdent(featureTable)}`))[0]?.['n'] ?? 0);
  const ref = artifact.referenceDistributions;
  const reference: DriftReport['reference'] = ref === undefined ? { kind: 'training_examples', window: { ...artifact.window } } : { kind: 'population', as_of: ref.asOf, rows: ref.rows };
  const features: DriftEntry[] = [];
  for (const name of artifact.features) {
    const expected = (ref === undefined ? artifact.featureDistributions[name] : ref.features[name]) as FeatureDistribution;
    const extra = extraColumns.get(name);
    features.push(entry(name, expected, extra !== undefined ? binProportions(extra, expected.edges) : await columnShares(db, featureTable, columns.has(name) ? name : null, expected, rows)));
  }
  const expectedScore = ref === undefined ? artifact.scoreDistribution : ref.score;
  const score = entry('score', expectedScore, binProportions(scores, expectedScore.edges));
  const flaggedEntries = [...features, score].filter((e) => e.flagged);
  return {
    threshold: DRIFT_THRESHOLD,
    reference,
    features,
    score,
    flagged: flaggedEntries.map((e) => e.name),
    warning: driftWarning(flaggedEntries, reference),
  };
}
