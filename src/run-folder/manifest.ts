/**
 * manifest.json of a score run (docs/outputs.md): what was scored, with
 * what, and the hash of every file written beside it. One naming style
 * (snake_case) throughout; `result` is deterministic, `run` holds the
 * times and the host.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DriftReport } from '../models/monitoring/drift.js';
import type { RankingDecision } from '../models/risk/ranking-evidence.js';
import { isJsonObject, readJsonFile } from '../io/json-read.js';
import { ConfigError } from '../util/errors.js';

/** File name in the run folder; its presence marks a folder as a ccrg run folder. */
export const MANIFEST_FILE = 'manifest.json';

/** One input file of the store (its lineage row). */
export interface ManifestInput {
  extract: string;
  source_path: string;
  sha256: string;
  records_read: number;
  accepted: number;
  rejected: number;
}

/** The score run's settings: the feature parameters and the run's own. */
export interface ScoreParameters {
  as_of: string;
  payment_procedures: string[];
  return_grace_days: number;
  vat_quarters: number;
  window_months: number;
  peer_window_months: number;
  peer_min_items: number;
  peer_min_importers: number;
  control_years: number;
  lead_months: number;
  /** Code prefixes of the goods subject to traceability (absent in older manifests: the shipped list). */
  traceable_codes?: string[];
  lang: 'en' | 'ru';
  top: number;
  evidence_items: number;
  score_source: 'rules' | 'model';
  rank_by: string;
  /** Inspections the plan can hold, at whose share of the participants `--rank-by auto` weighs the evidence (absent in older manifests). */
  capacity?: number;
  anomaly: { n_trees: number; sample_size: number; seed: number };
}

/** The model a run was scored with. */
export interface ManifestModel {
  path: string;
  kind: string;
  level: string;
  window: { from: string; to: string };
  data_fingerprint: string;
  sha256: string;
}

/** The deterministic part of a score manifest. */
export interface ScoreManifestResult {
  command: 'score';
  period: string;
  as_of: string;
  code_version: string;
  inputs: ManifestInput[];
  parameters: ScoreParameters;
  model: ManifestModel | null;
  /** What `--rank-by auto` decided with a model, and on what evidence (null otherwise; absent in older manifests). */
  ranking_decision?: RankingDecision | null;
  risk_profile: { name: string; version: string; sha256: string };
  unavailable_features: { family: string; features: string[]; reason: string }[];
  disabled_indicators: { id: string; features: string[]; warning: string }[];
  drift: DriftReport | null;
  /** `trace_evidence_rows`: rows of trace-evidence.csv (absent in manifests made before it). */
  counts: { participants: number; with_fired_indicators: number; evidence_items: number; trace_evidence_rows?: number; items_without_unit_value: number };
  /** sha256 of the bytes of every file of the set, by name. */
  outputs: Record<string, string>;
}

/** manifest.json of a score run. */
export interface ScoreManifest {
  result: ScoreManifestResult;
  run: { started_at: string; timings_ms: Record<string, number>; host: string; node: string; threads: number | null; memory_limit: string | null };
}

/** The text of manifest.json. */
export function manifestJson(manifest: ScoreManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}


/** Keys of manifests written before the naming was made one style (camelCase feature parameters). */
const OLD_KEYS: Record<string, string> = {
  asOf: 'as_of',
  paymentProcedures: 'payment_procedures',
  returnGraceDays: 'return_grace_days',
  vatQuarters: 'vat_quarters',
  windowMonths: 'window_months',
  peerWindowMonths: 'peer_window_months',
  peerMinItems: 'peer_min_items',
  peerMinImporters: 'peer_min_importers',
  controlYears: 'control_years',
  leadMonths: 'lead_months',
};

/**
 * Reads the score manifest in a run folder; null when the folder has none,
 * or holds another command's manifest. A score manifest lacking what the
 * readers use is a ConfigError naming the file and the field.
 */
export async function readScoreManifest(dir: string): Promise<ScoreManifest | null> {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return null;
  const json = await readJsonFile(path);
  const fail = (message: string): never => {
    throw new ConfigError(`${path}: ${message}; is this the manifest of ccrg score? (score the period again to rewrite it)`);
  };
  if (!isJsonObject(json) || !isJsonObject(json['result'])) return fail('expected an object with "result"');
  const result = json['result'];
  if (result['command'] !== 'score') return null;
  for (const key of ['period', 'as_of'] as const) if (typeof result[key] !== 'string') fail(`result.${key} must be a text`);
  if (!isJsonObject(result['parameters'])) return fail('result.parameters must be an object');
  const parameters: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result['parameters'])) parameters[OLD_KEYS[key] ?? key] = value;
  if (parameters['lang'] !== 'en' && parameters['lang'] !== 'ru') fail(`result.parameters.lang must be "en" or "ru", got ${JSON.stringify(parameters['lang'])}`);
  for (const key of ['control_years', 'lead_months', 'return_grace_days'] as const) {
    if (typeof parameters[key] !== 'number') fail(`result.parameters.${key} must be a number, got ${JSON.stringify(parameters[key])}`);
  }
  if (!Array.isArray(parameters['payment_procedures'])) fail('result.parameters.payment_procedures must be a list');
  if (result['model'] !== null && !isJsonObject(result['model'])) fail('result.model must be an object or null');
  if (!isJsonObject(result['risk_profile'])) fail('result.risk_profile must be an object');
  if (!Array.isArray(result['inputs'])) fail('result.inputs must be a list');
  parameters['score_source'] = parameters['score_source'] === 'model' ? 'model' : 'rules';
  return { result: { ...(result as unknown as ScoreManifestResult), parameters: parameters as unknown as ScoreParameters }, run: (isJsonObject(json['run']) ? json['run'] : {}) as ScoreManifest['run'] };
}
