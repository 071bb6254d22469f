/**
 * The model artifact: one JSON file holding a trained model's body inside
 * an envelope (format version, kind, level, ordered features,
 * hyperparameters, seed, training window, data fingerprint, label counts,
 * metrics, training distributions, code version). Saving writes canonical
 * bytes; loading refuses a file whose format version, kind, level or
 * feature list does not match, and a corrupt body.
 */

import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calibratorFromJson, type CalibrationJson, type Calibrator } from '../learners/calibration.js';
import { writeFileAtomic } from '../../io/csv-write.js';
import { ConfigError, isBadPath, pathErrorText, UsageError } from '../../util/errors.js';
import { isCalendarDate } from '../../util/period.js';
import { GbdtModel, type FeatureImportance, type GbdtModelJson } from '../learners/gbdt/index.js';
import { IsolationForestModel, type IsolationForestJson } from '../learners/isolation-forest/index.js';
import type { FeatureDistribution } from '../stats/distribution.js';
import { firstFeatureDifference } from '../learners/format-check.js';
import { envelopeProblem } from './artifact-schema.js';
import { describeJsonValue, isJsonObject } from '../../io/json-read.js';
import { sha256Hex } from '../../util/hash.js';

import { PROFILE_INPUTS, profileFromSnapshot, type ProfileSnapshot } from './inputs.js';
import type { RankingEvidence } from './ranking-evidence.js';
import type { RiskProfile } from '../../rules/index.js';
export { PSI_FLOOR, binProportions, distributionOf, populationStabilityIndex, type BinShares, type FeatureDistribution } from '../stats/distribution.js';

/** Value of the `format` field of an artifact. */
export const ARTIFACT_FORMAT = 'ccrg-model';

/** Version this build writes and reads; bump on any change of meaning. */
export const ARTIFACT_FORMAT_VERSION = 1;

/**
 * What the model is: `risk` = calibrated P(violation) from a GBDT
 * classifier, optionally with a gamma GBDT for the charges given a
 * violation; `anomaly` = isolation-forest anomaly score, trained without
 * outcomes.
 */
export type ModelKind = 'risk' | 'anomaly';

/** What one row of the model's data is: a participant (importer) or a declared item. */
export type ModelLevel = 'participant' | 'item';

/** Every kind with what it predicts (shown in the model card). */
export const MODEL_KINDS: Record<ModelKind, { readonly predicts: string }> = {
  risk: {
    predicts:
      'The probability that a post-clearance audit finds a violation, P(violation), from a gradient-boosted tree classifier whose score is mapped to a probability by the calibrator (when present). With an amount model, also the expected charges given a violation (gamma regression, log link), so expected charges = P(violation) × E[charges | violation].',
  },
  anomaly: {
    predicts:
      'An anomaly score in (0, 1] from an isolation forest trained without audit outcomes: higher means the row is isolated by fewer random splits, i.e. more unusual than the training data. It is not a probability of violation; typical rows score at or below 0.5.',
  },
};

/** All levels, in the order they are documented. */
const MODEL_LEVELS: readonly ModelLevel[] = ['participant', 'item'];

/** One hyperparameter value. */
export type HyperparameterValue = number | string | boolean | null;

/** A table of metrics: column names and rows of cells, in order. */
export interface MetricTable {
  columns: string[];
  rows: (number | string | null)[][];
}

/**
 * One metric: a number (null where it is undefined, e.g. NaN: JSON has no
 * NaN), a short text, or a table.
 */
export type MetricValue = number | string | null | MetricTable;

/** Name of the metric table the model card reads the top features from (columns `feature`, `gain`). */
export const FEATURE_IMPORTANCE_METRIC = 'featureImportance';

/** Body of a `risk` model: the components' own JSON. */
export interface RiskModelBody {
  /** Logistic GBDT: the uncalibrated score (log-odds margin). */
  classifier: GbdtModelJson;
  /** Gamma GBDT: E[charges | violation] in roubles, on the same features. */
  amount?: GbdtModelJson;
  /** Maps the classifier's probability to a calibrated P(violation). */
  calibrator?: CalibrationJson;
  /** The classifier's starting log-odds from the risk profile's points (participant models since issue 16). */
  profileMargin?: ProfileMargin;
}

/**
 * The risk profile's verdict as the classifier's starting margin: log-odds
 * = `intercept + slope × (sum of the columns)` (the profile's points per
 * authority), fitted on the training examples. The classifier's trees
 * learn corrections to it and never split on those columns.
 */
export interface ProfileMargin {
  intercept: number;
  slope: number;
  /** Model inputs whose sum is the profile's score. */
  columns: string[];
}

/** Body of an `anomaly` model. */
export interface AnomalyModelBody {
  forest: IsolationForestJson;
}

/** Fields every artifact has. */
interface ArtifactEnvelope {
  format: typeof ARTIFACT_FORMAT;
  formatVersion: typeof ARTIFACT_FORMAT_VERSION;
  /**
   * sha256 of the artifact's canonical text without this field: written by
   * {@link serializeArtifact}, checked on load, so an edited or corrupted
   * model is refused instead of silently scoring differently.
   */
  contentSha256?: string;
  level: ModelLevel;
  /** Ordered feature names; the data scored must have exactly these, in this order. */
  features: string[];
  /** Per component (`classifier`, `amount`, `calibrator`, `forest`, …): its hyperparameters. */
  hyperparameters: Record<string, Record<string, HyperparameterValue>>;
  /** Seed the training ran with. */
  seed: number;
  /** First and last month (YYYY-MM) of the training examples. */
  window: { from: string; to: string };
  /** sha256 (hex) of the training data, from {@link fingerprintOf}. */
  dataFingerprint: string;
  /** Training examples and how many were positive (null when trained without labels). */
  labelCount: { examples: number; positives: number | null };
  /** Evaluation results by name; see {@link FEATURE_IMPORTANCE_METRIC}. */
  metrics: Record<string, MetricValue>;
  /** Per feature, in `features` order: its training distribution. */
  featureDistributions: Record<string, FeatureDistribution>;
  /** Distribution of the model's final score (calibrated P for risk) on the training examples. */
  scoreDistribution: FeatureDistribution;
  /**
   * The drift watch's reference, when training could see it: the features
   * and scores of every unit scored at the latest example date (the
   * population the model is first applied to, unlike the inspected,
   * risk-selected training examples). Absent in models trained without it.
   */
  referenceDistributions?: ReferenceDistributions;
  /**
   * The risk profile whose points are among the inputs (participant risk
   * models, src/models/risk/inputs.ts): kept so scoring computes them with the
   * rules the model learnt, whatever profile the run ranks by.
   */
  riskProfile?: ProfileSnapshot;
  /**
   * Participant models grown from the risk profile: the validation tail's
   * model probabilities, profile points, labels, charges and inclusion
   * probabilities, from which `score --rank-by auto` decides who ranks
   * (src/models/risk/ranking-evidence.ts).
   */
  rankingEvidence?: RankingEvidence;
  createdWith: { codeVersion: string };
}

/** Distributions of a whole scored population at one date, in the same bins format as the training ones. */
export interface ReferenceDistributions {
  /** The as-of date, YYYY-MM-DD. */
  asOf: string;
  /** Units (participants or items) scored at that date. */
  rows: number;
  /** Per feature of the model: its distribution over those units. */
  features: Record<string, FeatureDistribution>;
  /** The model's final score over them. */
  score: FeatureDistribution;
}

/** A saved `risk` model. */
export interface RiskModelArtifact extends ArtifactEnvelope {
  kind: 'risk';
  body: RiskModelBody;
}

/** A saved `anomaly` model. */
export interface AnomalyModelArtifact extends ArtifactEnvelope {
  kind: 'anomaly';
  body: AnomalyModelBody;
}

/** A whole artifact; `kind` says which body it has. */
export type ModelArtifact = RiskModelArtifact | AnomalyModelArtifact;

/** The live models of an artifact's body. */
export type ArtifactModels =
  | { kind: 'risk'; classifier: GbdtModel; amount: GbdtModel | null; calibrator: Calibrator | null; profileMargin?: ProfileMargin | null }
  | { kind: 'anomaly'; forest: IsolationForestModel };

/** A loaded artifact and its models, built while checking the body. */
export interface LoadedArtifact {
  artifact: ModelArtifact;
  models: ArtifactModels;
  /** The risk profile of the model's inputs, or null when it reads none. */
  profile: RiskProfile | null;
}

/** What the caller needs the artifact to be; every given field is checked. */
export interface ArtifactExpectation {
  kind?: ModelKind;
  level?: ModelLevel;
  /** The data's ordered feature names. */
  features?: readonly string[];
}

/** The envelope's keys in the order they are written. */
const ENVELOPE_KEYS = [
  'format',
  'formatVersion',
  'contentSha256',
  'kind',
  'level',
  'features',
  'hyperparameters',
  'seed',
  'window',
  'dataFingerprint',
  'labelCount',
  'metrics',
  'featureDistributions',
  'scoreDistribution',
  'referenceDistributions',
  'riskProfile',
  'rankingEvidence',
  'createdWith',
  'body',
] as const satisfies readonly (keyof ModelArtifact)[];

/**
 * sha256 (64 hex digits) of a multiset of text rows, e.g. `id,label` per
 * training example: the rows are sorted (by UTF-16 code units) and hashed
 * one per line, so the order they arrive in does not matter. Rows must not
 * contain a line break.
 */
export function fingerprintOf(rows: Iterable<string>): string {
  const all = [...rows];
  all.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash('sha256');
  for (const row of all) {
    if (/[\r\n]/.test(row)) throw new Error(`A fingerprinted row must not contain a line break: ${JSON.stringify(row)}`);
    hash.update(row);
    hash.update('\n');
  }
  return hash.digest('hex');
}

/** The feature-importance metric table of a GBDT, most important first (by gain, ties by name). */
export function importanceTable(importance: readonly FeatureImportance[]): MetricTable {
  const sorted = [...importance].sort((a, b) => b.gain - a.gain || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0));
  return { columns: ['feature', 'gain', 'splits'], rows: sorted.map((f) => [f.feature, f.gain, f.splits]) };
}

/**
 * The artifact as canonical text: envelope keys in a fixed order, feature
 * distributions in feature order, every other object's keys sorted, arrays
 * of scalars on one line, two-space indentation, a final newline. Numbers
 * print as the shortest text that reads back to the same double; NaN and
 * ±Infinity become null. The same artifact always gives the same bytes, and
 * load → serialise gives the bytes that were loaded.
 */
export function serializeArtifact(artifact: ModelArtifact): string {
  const ordered = canonicalEnvelope(artifact);
  const withHash: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(ordered)) {
    withHash[key] = value;
    if (key === 'formatVersion') withHash['contentSha256'] = contentHashOf(ordered);
  }
  return `${prettyJson(withHash, '')}\n`;
}

/** The envelope in canonical order, without its content hash. */
function canonicalEnvelope(artifact: ModelArtifact): Record<string, unknown> {
  const plain = plainJson(artifact) as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const key of ENVELOPE_KEYS) {
    const value = plain[key];
    if (value === undefined || key === 'contentSha256') continue;
    if (key === 'featureDistributions') {
      const byFeature = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of artifact.features) if (byFeature[f] !== undefined) out[f] = sortKeys(byFeature[f]);
      for (const f of Object.keys(byFeature).sort()) if (!(f in out)) out[f] = sortKeys(byFeature[f]);
      ordered[key] = out;
    } else {
      ordered[key] = sortKeys(value);
    }
  }
  return ordered;
}

function contentHashOf(ordered: Record<string, unknown>): string {
  return sha256Hex(`${prettyJson(ordered, '')}\n`);
}

/** The content hash an artifact should carry (of its canonical text without the hash). */
export function contentHash(artifact: ModelArtifact): string {
  return contentHashOf(canonicalEnvelope(artifact));
}

/** Writes the artifact's canonical text ({@link serializeArtifact}) whole or not at all. */
export async function saveArtifact(path: string, artifact: ModelArtifact): Promise<void> {
  await writeFileAtomic(path, serializeArtifact(artifact));
}

/** Where an evaluated window of as-of months overlaps the months a model was trained on. */
export interface InSample {
  /** The overlapping months, YYYY-MM..YYYY-MM. */
  from: string;
  to: string;
  /** The model's training window. */
  training: { from: string; to: string };
  note: string;
}

/**
 * The overlap of `from..to` (as-of months) with the model's training window,
 * or null: figures on months the model learnt from are in-sample and
 * flatter it (against the risk profile above all), so they are marked so.
 */
export function inSampleOverlap(artifact: { window: { from: string; to: string } }, from: string, to: string): InSample | null {
  const start = from > artifact.window.from ? from : artifact.window.from;
  const end = to < artifact.window.to ? to : artifact.window.to;
  if (start > end) return null;
  return {
    from: start,
    to: end,
    training: { ...artifact.window },
    note: `the evaluated months ${start}..${end} lie in the model's training window ${artifact.window.from}..${artifact.window.to}: the model learnt from their labels, so its figures there are in-sample and overstate it; evaluate on months after ${artifact.window.to}`,
  };
}

/**
 * The artifact file a user named: a model's folder (models/NAME) means the
 * model.json in it, as every command that reads a model accepts either.
 */
export function artifactFile(path: string): string {
  try {
    if (statSync(path).isDirectory()) return join(path, 'model.json');
  } catch {
    // Not there: reading it reports that.
  }
  return path;
}

/**
 * Reads and checks an artifact (see {@link artifactFromJson}); a file that
 * cannot be read or is not JSON is a {@link ConfigError} naming the path.
 */
export async function loadArtifact(given: string, expect: ArtifactExpectation = {}): Promise<LoadedArtifact> {
  const path = artifactFile(given);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const words = isBadPath(error) ? pathErrorText(error, path) : null;
    if (words !== null) throw new UsageError(`the model ${words}`, { cause: error });
    throw new ConfigError(`${path}: cannot read the model: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: the model is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return artifactFromJson(json, path, expect);
}

/**
 * Checks a parsed artifact and builds its models. In this order: format,
 * format version, kind, level and the ordered feature list (the last three
 * also against `expect` when given), then every envelope field, then the
 * body through the components' own `fromJSON` (so corrupt trees are
 * refused). Every failure is a {@link ConfigError} whose message starts with
 * `source` (the file path). Feature positions in messages count from 1.
 */
export function artifactFromJson(json: unknown, source: string, expect: ArtifactExpectation = {}): LoadedArtifact {
  const fail = (message: string, cause?: unknown): never => {
    throw new ConfigError(`${source}: ${message}`, cause === undefined ? undefined : { cause });
  };
  if (!isJsonObject(json)) return fail(`a model must be a JSON object, got ${describeJsonValue(json)}`);
  if (json['format'] !== ARTIFACT_FORMAT) {
    return fail(`not a ccrg model: format is ${describeJsonValue(json['format'])}, expected "${ARTIFACT_FORMAT}"`);
  }
  if (json['formatVersion'] !== ARTIFACT_FORMAT_VERSION) {
    return fail(`the model has format version ${describeJsonValue(json['formatVersion'])}; this ccrg reads version ${ARTIFACT_FORMAT_VERSION}`);
  }

  const kind = json['kind'];
  if (typeof kind !== 'string' || !Object.hasOwn(MODEL_KINDS, kind)) {
    return fail(`the model kind ${describeJsonValue(kind)} is unknown: expected one of ${Object.keys(MODEL_KINDS).map((k) => `"${k}"`).join(', ')}`);
  }
  if (expect.kind !== undefined && kind !== expect.kind) fail(`the model is of kind "${kind}", expected "${expect.kind}"`);

  const level = json['level'];
  if (typeof level !== 'string' || !(MODEL_LEVELS as readonly string[]).includes(level)) {
    return fail(`the model level ${describeJsonValue(level)} is unknown: expected one of ${MODEL_LEVELS.map((l) => `"${l}"`).join(', ')}`);
  }
  if (expect.level !== undefined && level !== expect.level) fail(`the model is of level "${level}", expected "${expect.level}"`);

  const features = json['features'];
  if (!Array.isArray(features) || features.some((f) => typeof f !== 'string')) return fail('features must be an array of strings');
  const seen = new Set<string>();
  for (const f of features as string[]) {
    if (seen.has(f)) fail(`feature ${JSON.stringify(f)} is listed twice`);
    seen.add(f);
  }
  if (expect.features !== undefined) {
    const mismatch = featureMismatch(features as string[], expect.features);
    if (mismatch !== null) fail(mismatch);
  }

  checkEnvelope(json, features as string[], fail);
  const artifact = json as unknown as ModelArtifact;
  const snapshot = json['riskProfile'];
  const needsProfile = PROFILE_INPUTS.some((f) => seen.has(f.id));
  if (needsProfile && (!isJsonObject(snapshot) || !Array.isArray(snapshot['indicators']))) {
    fail(`the model reads ${PROFILE_INPUTS.map((f) => f.id).join(' and ')} but carries no riskProfile with indicators to compute them; retrain it`);
  }
  const profile = needsProfile ? profileFromSnapshot(snapshot as unknown as ProfileSnapshot, `${source} (riskProfile)`) : null;
  const models = modelsFromBody(artifact, fail);
  const recorded = json['contentSha256'];
  if (typeof recorded !== 'string') fail('the model carries no contentSha256 (written by an older ccrg, or removed): retrain it with this ccrg');
  const actual = contentHash(artifact);
  if (recorded !== actual) {
    fail(`the model's content does not match its contentSha256 (${String(recorded).slice(0, 12)}… recorded, ${actual.slice(0, 12)}… now): the file was edited or corrupted after training; restore it or retrain`);
  }
  return { artifact, models, profile };
}

/**
 * Where the model's ordered features and the data's first differ, as a
 * message (positions count from 1), or null when they are the same list.
 */
export function featureMismatch(model: readonly string[], data: readonly string[]): string | null {
  const d = firstFeatureDifference(model, data);
  if (d === null) return null;
  return `features differ at position ${d.position + 1}: the model has ${d.model}, the data has ${d.expected} (model ${model.length} features, data ${data.length})`;
}

type Fail = (message: string, cause?: unknown) => never;

/**
 * Checks the envelope fields other than format, version, kind, level and
 * features: their structure by the JSON Schema (artifact-schema.ts), then
 * what relates them.
 */
function checkEnvelope(json: Record<string, unknown>, features: readonly string[], fail: Fail): void {
  const problem = envelopeProblem(json);
  if (problem !== null) fail(problem);
  const e = json as unknown as ModelArtifact;
  if (e.window.from > e.window.to) fail(`window.from ${e.window.from} is after window.to ${e.window.to}`);
  const { examples, positives } = e.labelCount;
  if (positives !== null && positives > examples) fail(`labelCount.positives must be null or an integer in 0..${examples}, got ${positives}`);
  for (const [name, value] of Object.entries(e.metrics)) {
    if (value === null || typeof value !== 'object') continue;
    value.rows.forEach((row, i) => {
      if (row.length !== value.columns.length) fail(`metrics.${name}.rows[${i}] must be an array of ${value.columns.length} cells`);
    });
  }
  checkDistributions('featureDistributions', e.featureDistributions, features, fail);
  checkDistribution('scoreDistribution', e.scoreDistribution, fail);
  const evidence = e.rankingEvidence;
  if (evidence !== undefined) {
    const n = evidence.label.length;
    for (const key of ['model', 'profile', 'chargesRub', 'propensity'] as const) {
      if (evidence[key].length !== n) fail(`rankingEvidence.${key} must have one entry per label (${n}), got ${evidence[key].length}`);
    }
  }
  const reference = e.referenceDistributions;
  if (reference !== undefined) {
    if (!isCalendarDate(reference.asOf)) fail(`referenceDistributions.asOf must be a date YYYY-MM-DD, got ${describeJsonValue(reference.asOf)}`);
    checkDistributions('referenceDistributions.features', reference.features, features, fail);
    checkDistribution('referenceDistributions.score', reference.score, fail);
  }
}

/** One distribution per feature of the model, none for anything else, each adding up. */
function checkDistributions(where: string, byFeature: Record<string, FeatureDistribution>, features: readonly string[], fail: Fail): void {
  for (const f of features) {
    if (!Object.hasOwn(byFeature, f)) fail(`${where} has no entry for feature ${JSON.stringify(f)}`);
    checkDistribution(`${where}[${JSON.stringify(f)}]`, byFeature[f] as FeatureDistribution, fail);
  }
  const extra = Object.keys(byFeature).find((f) => !features.includes(f));
  if (extra !== undefined) fail(`${where} has an entry for ${JSON.stringify(extra)}, which is not a feature of the model`);
}

/** What the schema cannot say of a distribution: edges in order, one share per bin, shares adding up. */
function checkDistribution(where: string, value: FeatureDistribution, fail: Fail): void {
  const { count, edges, proportions, missing } = value;
  if (edges.some((edge, i) => !Number.isFinite(edge) || (i > 0 && !(edge > (edges[i - 1] as number))))) fail(`${where}.edges must be finite and strictly increasing`);
  if (proportions.length !== edges.length + 1) fail(`${where}.proportions must have ${edges.length + 1} entries (one more than the edges)`);
  const total = [...proportions, missing].reduce((sum, p) => sum + p, 0);
  const expected = count === 0 ? 0 : 1;
  if (Math.abs(total - expected) > 1e-6) fail(`${where}: proportions and missing sum to ${total}, expected ${expected}`);
}

/** A profile margin read from JSON: finite numbers, and columns that are model inputs. */
function profileMarginFromJson(json: unknown, features: readonly string[]): ProfileMargin {
  if (!isJsonObject(json)) throw new Error(`expected an object, got ${describeJsonValue(json)}`);
  const { intercept, slope, columns } = json as Record<string, unknown>;
  if (typeof intercept !== 'number' || !Number.isFinite(intercept)) throw new Error(`intercept must be a finite number, got ${describeJsonValue(intercept)}`);
  if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new Error(`slope must be a finite number, got ${describeJsonValue(slope)}`);
  if (!Array.isArray(columns) || columns.length === 0 || columns.some((c) => typeof c !== 'string' || !features.includes(c))) {
    throw new Error(`columns must be a list of the model's inputs, got ${describeJsonValue(columns)}`);
  }
  return { intercept, slope, columns: columns as string[] };
}

/** Builds the body's models with the components' own loaders, which check them through. */
function modelsFromBody(artifact: ModelArtifact, fail: Fail): ArtifactModels {
  const body: unknown = artifact.body;
  if (!isJsonObject(body)) return fail(`body must be an object, got ${describeJsonValue(body)}`);
  const featureNames = artifact.features;
  const load = <T>(component: string, build: () => T): T => {
    try {
      return build();
    } catch (error) {
      return fail(`the model body is corrupt: ${component}: ${(error as Error).message}`, error);
    }
  };
  const allowed = artifact.kind === 'risk' ? ['classifier', 'amount', 'calibrator', 'profileMargin'] : ['forest'];
  const stray = Object.keys(body).find((k) => !allowed.includes(k));
  if (stray !== undefined) fail(`a model of kind "${artifact.kind}" has no body part "${stray}" (expected ${allowed.join(', ')})`);
  switch (artifact.kind) {
    case 'risk': {
      if (body['classifier'] === undefined) fail('a model of kind "risk" needs body.classifier');
      const classifier = load('classifier', () => GbdtModel.fromJSON(body['classifier'], { featureNames }));
      if (classifier.objective !== 'logistic') fail(`body.classifier has objective "${classifier.objective}", expected "logistic"`);
      const amount = body['amount'] === undefined ? null : load('amount', () => GbdtModel.fromJSON(body['amount'], { featureNames }));
      if (amount !== null && amount.objective !== 'gamma') fail(`body.amount has objective "${amount.objective}", expected "gamma"`);
      const calibrator = body['calibrator'] === undefined ? null : load('calibrator', () => calibratorFromJson(body['calibrator']));
      const profileMargin = body['profileMargin'] === undefined ? null : load('profileMargin', () => profileMarginFromJson(body['profileMargin'], featureNames));
      if (profileMargin !== null && classifier.training.offset !== true) fail('body.profileMargin needs a classifier grown from offsets');
      if (profileMargin === null && classifier.training.offset === true) fail('body.classifier was grown from offsets but the body has no profileMargin');
      return { kind: 'risk', classifier, amount, calibrator, profileMargin };
    }
    case 'anomaly': {
      if (body['forest'] === undefined) fail('a model of kind "anomaly" needs body.forest');
      return { kind: 'anomaly', forest: load('forest', () => IsolationForestModel.fromJSON(body['forest'], { featureNames })) };
    }
  }
}

/** What `JSON.stringify` would see: `toJSON` applied, typed arrays as arrays, undefined object fields dropped. */
function plainJson(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return plainJson((value as { toJSON: () => unknown }).toJSON());
  }
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(plainJson);
  if (isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined && typeof v !== 'function') out[k] = plainJson(v);
    return out;
  }
  return value;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isJsonObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys(value[k]);
  return out;
}

function prettyJson(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map(scalarJson).join(', ')}]`;
    const inner = `${indent}  `;
    return `[\n${value.map((v) => inner + prettyJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (isJsonObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return '{}';
    const inner = `${indent}  `;
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${prettyJson(value[k], inner)}`).join(',\n')}\n${indent}}`;
  }
  return scalarJson(value);
}

function scalarJson(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  return value === undefined ? 'null' : JSON.stringify(value);
}
