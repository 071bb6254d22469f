/**
 * The monthly batch's computation: features as of the period's last day,
 * the risk profile, the model when one is given, the anomaly score and the
 * evidence items. It returns data; `src/app/score.ts` writes the run folder.
 */
import { computeFeatures, FEATURES } from '../features/compute.js';
import { unpricedItemsSql } from '../features/item-signals.js';
import { TRACE_FLOWS_TABLE, traceEvidenceSql } from '../features/traceability.js';
import type { FeatureDef, FeatureParams } from '../features/types.js';
import type { Db, Row } from '../io/db.js';
import { quoteIdent, quoteLiteral, quoteLiteralList } from '../io/sql.js';
import type { Workspace } from '../io/workspace.js';
import { checkProfileFeatures, disabledIndicators, loadRiskProfile, type RiskProfile } from '../rules/index.js';
import { declarationMonths } from '../store/months.js';
import type { Logger } from '../util/logger.js';
import { rankByModel, rankParticipants, type ModelScore, type ParticipantFeatures, type RankedParticipant } from './score.js';
import { loadArtifact, type LoadedArtifact } from '../models/risk/artifact.js';
import { predictRisk } from '../models/risk/predict.js';
import type { FeatureMatrix } from '../models/learners/gbdt/index.js';
import { ConfigError, UsageError } from '../util/errors.js';
import { modelReasons } from './model-reasons.js';
import { trainIsolationForest } from '../models/learners/isolation-forest/index.js';
import { modelDrift, type DriftReport } from '../models/monitoring/drift.js';
import { MODEL_INPUTS, MODEL_INPUT_IDS, PROFILE_INPUTS, modelMatrix } from '../models/risk/inputs.js';
import { decideRanking, type RankingDecision } from '../models/risk/ranking-evidence.js';
import { PLAN_DEFAULTS } from '../config/defaults.js';

/** What scoring a period needs, defaults resolved. */
export interface ScoreParams {
  period: string;
  riskProfilePath: string | null;
  lang: 'en' | 'ru';
  /** Participants whose evidence items are written. */
  top: number;
  /** Evidence items per participant. */
  evidenceItems: number;
  /** A trained risk model (model.json) to rank by; null ranks by the risk profile. */
  modelPath?: string | null;
  /**
   * What the list is ranked by: `model` (expected charges, needs a model),
   * `rules` (the risk profile, model columns still filled when a model is
   * given) or `auto` (the default: the model when the evidence it carries
   * says it recovers more charges than the risk profile, see
   * src/models/risk/ranking-evidence.ts; else the profile).
   */
  rankBy?: RankBy;
  /**
   * Inspections the plan can hold: with `--rank-by auto` and a model, the
   * evidence is weighed at capacity / participants scored (default
   * PLAN_DEFAULTS.capacity).
   */
  capacity?: number;
  features: FeatureParams;
}

/** What `score --rank-by` accepts. */
export const RANK_BY = ['auto', 'rules', 'model'] as const;
export type RankBy = (typeof RANK_BY)[number];

/**
 * Reads the features table into participant rows, in INN order, column by
 * column (no row object per row from the engine).
 */
async function readFeatureRows(db: Db, table: string, features: readonly FeatureDef[]): Promise<ParticipantFeatures[]> {
  const ids = [...features.map((f) => f.id), 'customs_value_window_rub'];
  // Every row's values are a copy of one template with the same keys, then stores to those keys: V8 keeps
  // such objects compact, where 80-odd keys added one by one make each row a hash table (3-4x slower to
  // build and to read, and most of a 95,000-participant batch's garbage collection).
  const template = JSON.parse(JSON.stringify(Object.fromEntries(ids.map((id) => [id, null])))) as Record<string, number | null>;
  const rows: ParticipantFeatures[] = [];
  // The window's customs value is a DECIMAL: as text, read the way a row object gave it.
  const columns = ['inn', 'name', 'region', 'office', ...features.map((f) => quoteIdent(f.id)), 'CAST(customs_value_window_rub AS VARCHAR)'];
  await db.scan(`SELECT ${columns.join(', ')} FROM ${quoteIdent(table)} ORDER BY inn`, undefined, (chunk, rowCount) => {
    for (let r = 0; r < rowCount; r++) {
      const values = { ...template };
      for (let j = 0; j < ids.length; j++) values[ids[j] as string] = numberOrNull(chunk[4 + j]?.[r]);
      rows.push({ inn: String(chunk[0]?.[r]), name: textOrNull(chunk[1]?.[r]), region: textOrNull(chunk[2]?.[r]), office: textOrNull(chunk[3]?.[r]), values });
    }
  });
  return rows;
}

function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Evidence items of the top participants: inspectable items that drove the score, most at stake first. */
async function readEvidence(db: Db, itemTable: string, ranked: readonly RankedParticipant[], top: number, perParticipant: number): Promise<Row[]> {
  const chosen = ranked.slice(0, top);
  if (chosen.length === 0) return [];
  // list_contains, not IN: DuckDB turns a long IN list into a join after the scan, which then reads every column
  // of every window item; the function is a filter inside the scan (benchmark store: 2.2-3.1 s -> 1.4-1.6 s).
  const rows = await db.all(`SELECT * FROM ${quoteIdent(itemTable)} WHERE inspectable AND list_contains([${quoteLiteralList(chosen.map((p) => p.inn))}], inn)
    QUALIFY row_number() OVER (PARTITION BY inn ORDER BY item_at_stake_rub DESC NULLS LAST, unit_value_log_dev ASC NULLS LAST,
      customs_value_rub DESC, decl_id, item_no) <= ${perParticipant}
    ORDER BY inn, item_at_stake_rub DESC NULLS LAST, unit_value_log_dev ASC NULLS LAST, customs_value_rub DESC, decl_id, item_no`);
  return inRankOrder(rows, chosen);
}

/** Traceability evidence of the top participants (src/features/traceability.ts, traceEvidenceSql), in rank order; none when the batch computed no traceability features. */
async function readTraceEvidence(
  db: Db,
  params: FeatureParams,
  movementMonths: ReadonlySet<string>,
  ranked: readonly RankedParticipant[],
  top: number,
  perParticipant: number,
): Promise<Row[]> {
  const chosen = ranked.slice(0, top);
  const kept = await db.all(`SELECT 1 FROM duckdb_tables() WHERE temporary AND table_name = ${quoteLiteral(TRACE_FLOWS_TABLE)}`);
  if (chosen.length === 0 || kept.length === 0) return [];
  return inRankOrder(await db.all(traceEvidenceSql(params, chosen.map((p) => p.inn), perParticipant, movementMonths)), chosen);
}

/** Evidence rows with their participant's rank, doubles rounded, in rank order (stable: a participant's rows keep their order). */
function inRankOrder(rows: readonly Row[], chosen: readonly RankedParticipant[]): Row[] {
  const rankOf = new Map(chosen.map((p) => [p.inn, p.rank]));
  return rows.map((row) => ({ ...roundDoubles(row), rank: rankOf.get(String(row['inn'])) ?? 0 })).sort((a, b) => (a.rank as number) - (b.rank as number));
}

function roundDoubles(row: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(6)) : v;
  return out;
}

/** The participants' feature values in catalogue order, one row each in list order; NaN where missing. */
function featureMatrix(ranked: readonly RankedParticipant[]): FeatureMatrix & { values: Float64Array } {
  const n = FEATURES.length;
  const values = new Float64Array(ranked.length * n);
  ranked.forEach((p, i) => FEATURES.forEach((f, j) => (values[i * n + j] = p.values[f.id] ?? Number.NaN)));
  return { values, nRows: ranked.length, nCols: n, layout: 'row-major' };
}

/** A loaded risk model's view of the scored participants: its inputs, and what it predicts from them. */
export interface ModelPrediction {
  /** The model's input matrix, one row per participant in list order (src/models/risk/inputs.ts). */
  x: FeatureMatrix & { values: Float64Array };
  scores: Map<string, ModelScore>;
  probability: Float64Array;
}

/** Calibrated P(violation) and expected charges of every scored participant from a loaded risk model. */
export function modelScores(loaded: LoadedArtifact, ranked: readonly RankedParticipant[]): ModelPrediction {
  const x = modelMatrix(loaded, featureMatrix(ranked).values, ranked.length);
  const predicted = predictRisk(loaded.models, x);
  const scores = new Map<string, ModelScore>();
  ranked.forEach((p, i) => {
    const probability = Number((predicted.probability[i] as number).toFixed(6));
    const expected = predicted.expectedChargesRub?.[i];
    scores.set(p.inn, { margin: predicted.margin[i] as number, probability, expectedChargesRub: expected === undefined ? null : Number(expected.toFixed(2)) });
  });
  return { x, scores, probability: predicted.probability };
}

/** The model's risk-profile inputs of every participant by column name (not in the features table), for the drift watch. */
function profileInputColumns(x: ModelPrediction['x']): Map<string, Float64Array> {
  return new Map(
    PROFILE_INPUTS.map((f) => {
      const j = MODEL_INPUTS.indexOf(f);
      return [f.id, Float64Array.from({ length: x.nRows }, (_, i) => x.values[i * x.nCols + j] as number)];
    }),
  );
}

/**
 * Adds a loaded model's scores to the ranked participants, with the
 * features that raised each one's score the most, and ranks by the model
 * when `byModel` (else keeps the risk profile's order).
 */
export function withModel(
  loaded: LoadedArtifact,
  ranked: readonly RankedParticipant[],
  byModel: boolean,
  lang: 'en' | 'ru',
  { x, scores }: Pick<ModelPrediction, 'x' | 'scores'> = modelScores(loaded, ranked),
): RankedParticipant[] {
  if (loaded.models.kind !== 'risk') throw new Error(`a risk model is needed, this one is of kind "${loaded.models.kind}"`);
  const reasons = modelReasons(loaded.models.classifier, x.values, ranked.length, { features: MODEL_INPUTS, lang });
  const withReasons = ranked.map((p, i) => ({ ...p, modelReasons: reasons.reasons[i] ?? [], modelCustomsShare: reasons.customsShare[i] ?? null }));
  if (byModel) return rankByModel(withReasons, scores);
  return withReasons.map((p) => {
    const model = scores.get(p.inn);
    return model === undefined ? p : { ...p, model };
  });
}

/**
 * The participant risk model a score run was given (null without one), and
 * whether it ranks the list (`--rank-by`); checked before any data work.
 */
export async function loadScoreModel(config: Pick<ScoreParams, 'modelPath' | 'rankBy'>): Promise<{ model: LoadedArtifact | null; rankBy: RankBy }> {
  const model =
    config.modelPath === undefined || config.modelPath === null
      ? null
      : await loadArtifact(config.modelPath, { kind: 'risk', level: 'participant', features: MODEL_INPUT_IDS });
  const rankBy = config.rankBy ?? 'auto';
  if (rankBy === 'model' && model === null) throw new ConfigError('Ranking by the model (--rank-by model) needs a model: give --model models/NAME/model.json');
  return { model, rankBy };
}

/**
 * Who ranks the list: the model with `--rank-by model`, the profile with
 * `rules` or without a model; with `auto` and a model, the decision on the
 * evidence the model carries, at capacity / participants scored.
 */
export function rankingOf(model: LoadedArtifact | null, rankBy: RankBy, capacity: number, participants: number): { byModel: boolean; rankingDecision: RankingDecision | null } {
  if (model === null || rankBy === 'rules') return { byModel: false, rankingDecision: null };
  if (rankBy === 'model') return { byModel: true, rankingDecision: null };
  const share = participants > 0 ? Math.min(1, capacity / participants) : 1;
  const rankingDecision = decideRanking(model.artifact.rankingEvidence, share);
  return { byModel: rankingDecision.rankBy === 'model', rankingDecision };
}

/** The month's isolation forest: small and seeded, so the score is cheap and reproducible. */
const ANOMALY_PARAMS = { nTrees: 100, sampleSize: 256, seed: 42 } as const;

/**
 * Adds a cold-start anomaly score to every participant: an isolation forest
 * fitted on the month's own feature rows (no outcomes needed), so a month
 * without any inspection history still has an unsupervised signal beside
 * the rules. Fewer than 2 participants get none.
 */
function withAnomalyScores(ranked: readonly RankedParticipant[], params: typeof ANOMALY_PARAMS): RankedParticipant[] {
  if (ranked.length < 2) return [...ranked];
  const x = featureMatrix(ranked);
  const scores = trainIsolationForest({ x }, { featureNames: FEATURES.map((f) => f.id), params }).score(x);
  return ranked.map((p, i) => ({ ...p, anomaly: Number((scores[i] as number).toFixed(4)) }));
}

/** The inputs the store was built from (lineage), for the manifest. */
async function storeInputs(db: Db): Promise<Row[]> {
  return db.all(`SELECT extract, source_path, sha256, records_read, accepted, rejected FROM lineage ORDER BY extract, sha256, ingest_id`);
}

/** What scoring computed, before anything is written. */
export interface Scored {
  ranked: RankedParticipant[];
  /** Owns the feature table and the item view below: drop it when done with them. */
  workspace: Workspace;
  /** The month's feature table: one row per scored participant. */
  featureTable: string;
  itemTable: string;
  unavailable: { family: string; features: string[]; reason: string }[];
  disabled: { id: string; features: string[]; warning: string }[];
  /** Document months the features read from the store's monthly balances of the movements (FeatureResult.movementMonths). */
  movementMonths: ReadonlySet<string>;
}

/**
 * Refuses a period after the store's last month of declarations (a usage
 * error naming the months it holds); returns those words for later messages.
 */
export async function checkPeriodHasData(db: Db, period: string): Promise<string> {
  const months = await declarationMonths(db);
  const held = months === null ? 'the store holds no declarations' : `the store holds declarations released in ${months.first}..${months.last}`;
  if (months === null || period > months.last) {
    throw new UsageError(`--period ${period} has no data: ${held}; use a month with data (e.g. --period ${months?.last ?? 'YYYY-MM'}, or latest)`);
  }
  return held;
}

/** Computes features as of the period and ranks every participant with the risk profile. */
export async function scoreStore(db: Db, config: Pick<ScoreParams, 'period' | 'lang' | 'features'>, profile: RiskProfile, logger: Logger): Promise<Scored> {
  const { computed, rows } = await featureRowsOf(db, config, logger);
  const { ranked, disabled } = rankByProfile(rows, computed.unavailable, profile, config.lang, logger);
  return {
    ranked,
    workspace: computed.workspace,
    featureTable: computed.table,
    itemTable: computed.itemTable,
    unavailable: computed.unavailable,
    disabled,
    movementMonths: computed.movementMonths,
  };
}

/**
 * The period's participants ranked by each of `profiles`, as `score` would
 * rank them with each: the features computed once, every profile applied
 * to the same rows (`ccrg backtest`).
 */
export async function scoreStoreByProfiles(db: Db, config: Pick<ScoreParams, 'period' | 'lang' | 'features'>, profiles: readonly RiskProfile[], logger: Logger): Promise<RankedParticipant[][]> {
  const { computed, rows } = await featureRowsOf(db, config, logger);
  try {
    return profiles.map((profile) => rankByProfile(rows, computed.unavailable, profile, config.lang, logger).ranked);
  } finally {
    await computed.workspace.drop();
  }
}

/** The features of the period's participants, computed as of its last day; a period with none is refused. */
async function featureRowsOf(db: Db, config: Pick<ScoreParams, 'period' | 'lang' | 'features'>, logger: Logger): Promise<{ computed: Awaited<ReturnType<typeof computeFeatures>>; rows: ParticipantFeatures[] }> {
  const held = await checkPeriodHasData(db, config.period);
  logger.info(`computing features as of ${config.features.asOf}`);
  const computed = await computeFeatures(db, config.features);
  const rows = await readFeatureRows(db, computed.table, FEATURES);
  if (rows.length === 0) {
    await computed.workspace.drop();
    throw new UsageError(`--period ${config.period} has no participant to score: no declaration was released in the ${config.features.windowMonths} months up to ${config.features.asOf}; ${held}`);
  }
  return { computed, rows };
}

/** Rows ranked by a profile, its indicators whose features the data cannot give disabled (with a warning). */
function rankByProfile(rows: readonly ParticipantFeatures[], unavailableFamilies: Scored['unavailable'], profile: RiskProfile, lang: 'en' | 'ru', logger: Logger): { ranked: RankedParticipant[]; disabled: Scored['disabled'] } {
  const unavailable = new Set(unavailableFamilies.flatMap((u) => u.features));
  const disabled = disabledIndicators(profile, unavailable);
  for (const d of disabled) logger.warn(d.warning);
  const ranked = rankParticipants(rows, { profile, lang, disabled: new Set(disabled.map((d) => d.id)), features: new Map(FEATURES.map((f) => [f.id, f])) });
  return { ranked, disabled };
}

/** Loads the risk profile and checks it against the feature catalogue, before any data work. */
export async function loadCheckedProfile(path: string | null): Promise<RiskProfile> {
  const profile = await loadRiskProfile(path);
  checkProfileFeatures(profile, new Map(FEATURES.map((f) => [f.id, f])));
  return profile;
}

/** Everything a scored period gives, before anything is written. */
export interface PeriodScores {
  ranked: RankedParticipant[];
  profile: RiskProfile;
  model: LoadedArtifact | null;
  /** Whether the model ranks the list (`--rank-by`, and with `auto` the decision below). */
  byModel: boolean;
  /** What `--rank-by auto` decided with a model, and on what evidence; null otherwise. */
  rankingDecision: RankingDecision | null;
  drift: DriftReport | null;
  /** Evidence items of the top participants, in rank order. */
  evidence: Row[];
  /** Traceability evidence of the top participants (their batches and documents), in rank order; none without movements. */
  traceEvidence: Row[];
  /** The store's inputs (lineage). */
  inputs: Row[];
  /** Items declared at no value (free samples) or without a weight: the unit-value features skip them. */
  itemsWithoutUnitValue: number;
  unavailable: Scored['unavailable'];
  disabled: Scored['disabled'];
  /** Milliseconds per step. */
  timings: Record<string, number>;
}

/** The anomaly score's settings, recorded in the manifest. */
export const ANOMALY = ANOMALY_PARAMS;

/**
 * Scores a period on an open store: computes features as of its last day,
 * applies the risk profile (and the model when one is given), adds the
 * anomaly score and reads the evidence items. `onStep` hears each step's
 * name as it starts (for progress).
 */
export async function scorePeriod(
  db: Db,
  params: ScoreParams,
  loaded: { profile: RiskProfile; model: LoadedArtifact | null; rankBy: RankBy },
  logger: Logger,
  onStep: (step: string) => void = () => undefined,
): Promise<PeriodScores> {
  const { profile, model, rankBy } = loaded;
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
  };
  onStep('features');
  const scored = await scoreStore(db, params, profile, logger);
  const { byModel, rankingDecision } = rankingOf(model, rankBy, params.capacity ?? PLAN_DEFAULTS.capacity, scored.ranked.length);
  if (rankingDecision !== null) logger.info(`--rank-by auto: ${rankingDecision.reason}`);
  onStep(model === null ? 'anomaly score' : 'model, reasons, drift and anomaly score');
  const predicted = model === null ? null : modelScores(model, scored.ranked);
  const rankedBy = model === null || predicted === null ? scored.ranked : withModel(model, scored.ranked, byModel, params.lang, predicted);
  const drift = model === null || predicted === null ? null : await modelDrift(db, scored.featureTable, model.artifact, predicted.probability, profileInputColumns(predicted.x));
  if (drift?.warning) logger.warn(drift.warning);
  // The store's reads start before the anomaly score, which neither changes the ranks they need nor needs them:
  // DuckDB reads on its threads while the isolation forest scores in JavaScript (about 1 s of each on the benchmark store).
  const reads = (async () => {
    const evidence = await readEvidence(db, scored.itemTable, rankedBy, params.top, params.evidenceItems);
    const traceEvidence = await readTraceEvidence(db, params.features, scored.movementMonths, rankedBy, params.top, params.evidenceItems);
    return { evidence, traceEvidence, inputs: await storeInputs(db), unpriced: await db.all(unpricedItemsSql()) };
  })();
  // Awaited below; should the anomaly score throw first, its error is the one reported, not an unhandled rejection.
  reads.catch(() => undefined);
  const ranked = withAnomalyScores(rankedBy, ANOMALY_PARAMS);
  lap('score');
  onStep('evidence');
  const { evidence, traceEvidence, inputs, unpriced } = await reads;
  lap('evidence');
  await scored.workspace.drop();
  return {
    ranked,
    profile,
    model,
    byModel,
    rankingDecision,
    drift,
    evidence,
    traceEvidence,
    inputs,
    itemsWithoutUnitValue: Number(unpriced[0]?.['n'] ?? 0),
    unavailable: scored.unavailable,
    disabled: scored.disabled,
    timings,
  };
}
