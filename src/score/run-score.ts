import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { computeFeatures, FEATURES } from '../features/compute.js';
import type { FeatureDef, FeatureParams } from '../features/types.js';
import { openDuckDb, type Db, type DuckDbOptions, type Row } from '../io/db.js';
import { checkReplaceable, replaceDirectory, RUN_FOLDER } from '../io/run-dir.js';
import { quoteIdent, quoteLiteralList } from '../io/sql.js';
import { loadMapping } from '../config/load-mapping.js';
import { defaultMapping } from '../config/mapping.js';
import { checkProfileFeatures, disabledIndicators, loadRiskProfile, type RiskProfile } from '../rules/index.js';
import { ingestFiles, type IngestInput, type IngestResult } from '../store/ingest.js';
import { rejectsCsv } from '../report/rejects.js';
import { REPORT_FILE, writeBatchReport } from '../report/batch-report.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { startProgress } from '../util/progress.js';
import { evidenceCsv, rankedCsv, reasonsCsv, sha256Hex } from './outputs.js';
import { rankByModel, rankParticipants, type ModelScore, type ParticipantFeatures, type RankedParticipant } from './score.js';
import { loadArtifact, serializeArtifact, type LoadedArtifact } from '../models/artifact.js';
import { predictRisk } from '../models/predict.js';
import type { FeatureMatrix } from '../models/gbdt/index.js';
import { ConfigError, UsageError } from '../util/errors.js';
import { modelReasons } from './model-reasons.js';
import { trainIsolationForest } from '../models/isolation-forest/index.js';
import { modelDrift } from '../models/drift.js';
import { MODEL_INPUTS, MODEL_INPUT_IDS, PROFILE_INPUTS, modelMatrix } from '../models/inputs.js';

/** Everything `ccrg score` needs, defaults resolved. */
export interface ScoreConfig {
  period: string;
  /** A store to read, or files to ingest into a fresh in-memory store. */
  source: { store: string } | { inputs: IngestInput[]; mappingPath: string | null };
  riskProfilePath: string | null;
  lang: 'en' | 'ru';
  /** Participants whose evidence items are written. */
  top: number;
  /** Evidence items per participant. */
  evidenceItems: number;
  /** The run folder, `out/<period>` by default. */
  outDir: string;
  /** A trained risk model (model.json) to rank by; null ranks by the risk profile. */
  modelPath?: string | null;
  /**
   * What the list is ranked by: `model` (expected charges, needs a model),
   * `rules` (the risk profile, model columns still filled when a model is
   * given) or `auto` (the default: the model when one is given).
   */
  rankBy?: RankBy;
  features: FeatureParams;
  duckdb: DuckDbOptions;
  /** Also write report.html into the run folder (docs/outputs.md). */
  report?: boolean;
}

/** What `score --rank-by` accepts. */
export const RANK_BY = ['auto', 'rules', 'model'] as const;
export type RankBy = (typeof RANK_BY)[number];

/** The outcome of a scoring run. */
export interface ScoreResult {
  ranked: RankedParticipant[];
  profile: RiskProfile;
  manifest: Manifest;
}

/** manifest.json: a deterministic `result` part and a `run` part with times and host. */
export interface Manifest {
  result: Record<string, unknown>;
  run: Record<string, unknown>;
}

/** The package version, recorded in manifests as the code version. */
export function codeVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The store of a score run, and what was ingested into it when it was built from files. */
export interface ScoreStore {
  db: Db;
  /** Set when the run ingested files into a fresh in-memory store. */
  ingest: IngestResult | null;
}

/** Opens the store of a score run: the named store (read-only), or a fresh in-memory one filled from files. */
export async function openScoreStore(config: Pick<ScoreConfig, 'source' | 'duckdb'>, clock: Clock, logger: Logger): Promise<ScoreStore> {
  if ('store' in config.source) return { db: await openDuckDb(config.source.store, { ...config.duckdb, readOnly: true }), ingest: null };
  const db = await openDuckDb(':memory:', config.duckdb);
  try {
    const mapping = config.source.mappingPath === null ? defaultMapping() : await loadMapping(config.source.mappingPath);
    const ingest = await ingestFiles(db, { inputs: config.source.inputs, mapping, dryRun: false, maxRejectShare: null }, clock, logger);
    return { db, ingest };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Reads the features table into participant rows, in INN order. */
async function readFeatureRows(db: Db, table: string, features: readonly FeatureDef[]): Promise<ParticipantFeatures[]> {
  const rows = await db.all(`SELECT * FROM ${quoteIdent(table)} ORDER BY inn`);
  return rows.map((row) => {
    const values: Record<string, number | null> = {};
    for (const f of features) values[f.id] = numberOrNull(row[f.id]);
    values['customs_value_window_rub'] = numberOrNull(row['customs_value_window_rub']);
    return {
      inn: String(row['inn']),
      name: row['name'] === null || row['name'] === undefined ? null : String(row['name']),
      region: row['region'] === null || row['region'] === undefined ? null : String(row['region']),
      office: row['office'] === null || row['office'] === undefined ? null : String(row['office']),
      values,
    };
  });
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
  const rankOf = new Map(chosen.map((p) => [p.inn, p.rank]));
  const rows = await db.all(`SELECT * FROM ${quoteIdent(itemTable)} WHERE inspectable AND inn IN (${quoteLiteralList(chosen.map((p) => p.inn))})
    QUALIFY row_number() OVER (PARTITION BY inn ORDER BY item_at_stake_rub DESC NULLS LAST, unit_value_log_dev ASC NULLS LAST,
      customs_value_rub DESC, decl_id, item_no) <= ${perParticipant}
    ORDER BY inn, item_at_stake_rub DESC NULLS LAST, unit_value_log_dev ASC NULLS LAST, customs_value_rub DESC, decl_id, item_no`);
  return rows
    .map((row) => ({ ...roundDoubles(row), rank: rankOf.get(String(row['inn'])) ?? 0 }))
    .sort((a, b) => (a.rank as number) - (b.rank as number));
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
  /** The model's input matrix, one row per participant in list order (src/models/inputs.ts). */
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
    scores.set(p.inn, { probability, expectedChargesRub: expected === undefined ? null : Number(expected.toFixed(2)) });
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
export async function loadScoreModel(config: Pick<ScoreConfig, 'modelPath' | 'rankBy'>): Promise<{ model: LoadedArtifact | null; byModel: boolean }> {
  const model =
    config.modelPath === undefined || config.modelPath === null
      ? null
      : await loadArtifact(config.modelPath, { kind: 'risk', level: 'participant', features: MODEL_INPUT_IDS });
  const rankBy = config.rankBy ?? 'auto';
  if (rankBy === 'model' && model === null) throw new ConfigError('Ranking by the model (--rank-by model) needs a model: give --model models/NAME/model.json');
  return { model, byModel: model !== null && rankBy !== 'rules' };
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
  /** The month's feature table: one row per scored participant. */
  featureTable: string;
  itemTable: string;
  unavailable: { family: string; features: string[]; reason: string }[];
  disabled: { id: string; features: string[]; warning: string }[];
}

/** The first and last months with a declaration released in the store, or null without any. */
export async function declarationMonths(db: Db): Promise<{ first: string; last: string } | null> {
  const row = (await db.all(`SELECT strftime(min(release_date), '%Y-%m') AS first, strftime(max(release_date), '%Y-%m') AS last FROM declarations`))[0];
  return row?.['first'] === null || row?.['first'] === undefined ? null : { first: String(row['first']), last: String(row['last']) };
}

/** Computes features as of the period and ranks every participant with the risk profile. */
export async function scoreStore(db: Db, config: ScoreConfig, profile: RiskProfile, logger: Logger): Promise<Scored> {
  const featureMap = new Map(FEATURES.map((f) => [f.id, f]));
  const months = await declarationMonths(db);
  const held = months === null ? 'the store holds no declarations' : `the store holds declarations released in ${months.first}..${months.last}`;
  if (months === null || config.period > months.last) {
    throw new UsageError(`--period ${config.period} has no data: ${held}; score a month with data (e.g. --period ${months?.last ?? 'YYYY-MM'}, or latest)`);
  }
  logger.info(`computing features as of ${config.features.asOf}`);
  const computed = await computeFeatures(db, config.features);
  const unavailable = new Set(computed.unavailable.flatMap((u) => u.features));
  const disabled = disabledIndicators(profile, unavailable);
  for (const d of disabled) logger.warn(d.warning);
  const rows = await readFeatureRows(db, computed.table, FEATURES);
  if (rows.length === 0) {
    throw new UsageError(`--period ${config.period} has no participant to score: no declaration was released in the ${config.features.windowMonths} months up to ${config.features.asOf}; ${held}`);
  }
  const ranked = rankParticipants(rows, { profile, lang: config.lang, disabled: new Set(disabled.map((d) => d.id)), features: featureMap });
  return { ranked, featureTable: computed.table, itemTable: computed.itemTable, unavailable: computed.unavailable, disabled };
}

/** Loads the risk profile and checks it against the feature catalogue, before any data work. */
export async function loadCheckedProfile(path: string | null): Promise<RiskProfile> {
  const profile = await loadRiskProfile(path);
  checkProfileFeatures(profile, new Map(FEATURES.map((f) => [f.id, f])));
  return profile;
}

/**
 * Scores a period: computes features as of its last day, applies the risk
 * profile, ranks, and replaces the run folder's ranked.csv, reasons.csv,
 * evidence.csv and manifest.json as a whole. A store already opened with
 * `openScoreStore` may be passed in; it is then left open.
 */
export async function runScore(config: ScoreConfig, clock: Clock, logger: Logger, opened?: ScoreStore): Promise<ScoreResult> {
  // A folder that is not a run of ours is refused before any work, and again at the swap.
  await checkReplaceable(config.outDir, RUN_FOLDER);
  const started = clock.now();
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const lap = (name: string, since: number): number => {
    const now = performance.now();
    timings[name] = Math.round(now - since);
    return now;
  };
  const profile = await loadCheckedProfile(config.riskProfilePath);
  const { model, byModel } = await loadScoreModel(config);
  const rankBy = config.rankBy ?? 'auto';
  // A store opened by the caller (`ccrg plan` reads it again afterwards) stays open.
  const { db, ingest } = opened ?? (await openScoreStore(config, clock, logger));
  const steps = startProgress(logger, 'score', config.report === true ? 5 : 4, 'steps');
  try {
    let t = lap('load', t0);
    steps.tick(0, 'features');
    const scored = await scoreStore(db, config, profile, logger);
    steps.tick(1, model === null ? 'anomaly score' : 'model, reasons, drift and anomaly score');
    const predicted = model === null ? null : modelScores(model, scored.ranked);
    const rankedBy = model === null || predicted === null ? scored.ranked : withModel(model, scored.ranked, byModel, config.lang, predicted);
    const drift = model === null || predicted === null ? null : await modelDrift(db, scored.featureTable, model.artifact, predicted.probability, profileInputColumns(predicted.x));
    if (drift?.warning) logger.warn(drift.warning);
    const ranked = withAnomalyScores(rankedBy, ANOMALY_PARAMS);
    t = lap('score', t);
    steps.tick(1, 'evidence');
    const evidence = await readEvidence(db, scored.itemTable, ranked, config.top, config.evidenceItems);
    const inputs = await storeInputs(db);
    // Items declared at no value (free samples) or without a weight: the unit-value features skip them.
    const unpriced = await db.all(`SELECT count(*) FILTER (WHERE NOT coalesce(customs_value_rub > 0 AND net_weight_kg > 0, false)) AS n FROM ${scored.itemTable}`);
    t = lap('evidence', t);
    steps.tick(1, 'write');
    const files: Record<string, string> = {
      'ranked.csv': rankedCsv(ranked),
      'reasons.csv': reasonsCsv(ranked),
      'evidence.csv': evidenceCsv(evidence),
    };
    // Scoring files directly validates them as ingest does: their rejects belong to the run.
    if (ingest !== null) files['rejects.csv'] = rejectsCsv(ingest.rejects);
    const result = {
      command: 'score',
      period: config.period,
      as_of: config.features.asOf,
      code_version: codeVersion(),
      inputs,
      parameters: { ...config.features, lang: config.lang, top: config.top, evidence_items: config.evidenceItems, score_source: byModel ? 'model' : 'rules', rank_by: rankBy, anomaly: ANOMALY_PARAMS },
      model:
        model === null
          ? null
          : { path: config.modelPath, kind: model.artifact.kind, level: model.artifact.level, window: model.artifact.window, data_fingerprint: model.artifact.dataFingerprint, sha256: sha256Hex(serializeArtifact(model.artifact)) },
      risk_profile: { name: profile.name, version: profile.version, sha256: profile.sha256 },
      unavailable_features: scored.unavailable,
      disabled_indicators: scored.disabled,
      drift,
      counts: {
        participants: ranked.length,
        with_fired_indicators: ranked.filter((p) => p.evaluation.fired.length > 0).length,
        evidence_items: evidence.length,
        items_without_unit_value: Number(unpriced[0]?.['n'] ?? 0),
      },
      outputs: Object.fromEntries(Object.entries(files).map(([name, text]) => [name, sha256Hex(text)])),
    };
    const manifest: Manifest = {
      result,
      run: {
        started_at: started.toISOString(),
        timings_ms: timings,
        host: hostname(),
        node: process.version,
        threads: config.duckdb.threads ?? null,
        memory_limit: config.duckdb.memoryLimit ?? null,
      },
    };
    await replaceDirectory(config.outDir, async (dir) => {
      for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
      lap('write', t);
      manifest.run['timings_ms'] = { ...timings, total: Math.round(performance.now() - t0) };
      await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      // The report reads the files just written; the previous period's run sits beside the final folder.
      if (config.report === true) steps.tick(1, 'report');
      if (config.report === true) await writeBatchReport({ outDir: dir, period: config.period, lang: config.lang, db, parentDir: dirname(config.outDir), clock });
    }, RUN_FOLDER);
    steps.tick(1);
    steps.done();
    if (config.report === true) logger.info(`wrote ${join(config.outDir, REPORT_FILE)}`);
    logger.info(`scored ${ranked.length} participants as of ${config.features.asOf}; wrote ${config.outDir}`);
    return { ranked, profile, manifest };
  } finally {
    if (opened === undefined) db.close();
  }
}
