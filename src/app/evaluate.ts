/** `ccrg evaluate` and `ccrg models list | compare`: a trained model against the risk profile and random, written to the run folder. */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BATCH_DEFAULTS, SCORE_DEFAULTS, TRAIN_DEFAULTS } from '../config/defaults.js';
import { readTruth } from '../models/evaluation/truth.js';
import { checkWritableFile, csvText, writeFileAtomic } from '../io/csv-write.js';
import { fixed, money } from '../run-folder/format.js';
import type { Db } from '../io/db.js';
import { artifactFile, inSampleOverlap, loadArtifact, type LoadedArtifact } from '../models/risk/artifact.js';
import { compareRiskModels, formatComparison } from '../models/evaluation/compare-models.js';
import { evaluateItemModel, formatItemEvaluation, loadItemModel, type ItemScore } from '../models/evaluation/evaluate-item-model.js';
import { evaluateRiskModel, formatEvaluation, type EvaluateConfig, type EvaluationReport } from '../models/evaluation/evaluate-model.js';
import { evaluatePopulation, formatPopulation, type PopulationReport, type RankMonth } from '../models/evaluation/evaluate-population.js';
import { MODEL_INPUT_IDS } from '../models/risk/inputs.js';
import { loadRiskProfile } from '../rules/index.js';
import { rankByModel } from '../score/score.js';
import { modelScores, scoreStore } from '../score/score-period.js';
import type { Clock } from '../util/clock.js';
import { ConfigError, UsageError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { asOfFromPeriod } from '../util/period.js';
import { describeRejected, rejectedDeclarations } from '../store/rejected-rows.js';
import { engineOf, sourceOf, withSource, type SourceOptions } from './store.js';
import { windowOf } from './window.js';

/** The options of `ccrg evaluate`, as the user gives them. */
export interface EvaluateOptions extends SourceOptions {
  model?: string;
  from?: string;
  to?: string;
  capacity?: number;
  out?: string;
  'risk-profile'?: string;
  truth?: string;
  /** Item models: also write every evaluated item's label and scores to this CSV. */
  scores?: string;
}

/** The options of `ccrg models compare`. */
export interface CompareOptions extends SourceOptions {
  a?: string;
  b?: string;
  from?: string;
  to?: string;
  out?: string;
  iterations?: number;
  'risk-profile'?: string;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** Each month of the window ranked as `score` would: by the risk profile, and by the model. */
export function populationRanking(db: Db, loaded: LoadedArtifact, config: EvaluateConfig, logger: Logger): RankMonth {
  return async (period) => {
    const scored = await scoreStore(db, { period, lang: 'en', features: { ...config.features, asOf: asOfFromPeriod(period) } }, config.profile, logger);
    await scored.workspace.drop();
    const byProfile = scored.ranked;
    return { byProfile, byModel: byProfile.length === 0 ? [] : rankByModel(byProfile, modelScores(loaded, byProfile).scores) };
  };
}

/**
 * What each block of evaluation.json estimates (its `bias` field): inspections
 * are mostly picked by the rules, so figures on them are not the population's.
 */
const BIAS = {
  all: 'selection-biased: every labelled example of the window, mostly inspections picked for their risk (the rules that picked them look better here than on the population)',
  randomSlice: 'unbiased for the population: the inspections drawn at random only',
  inversePropensity:
    'nearly unbiased for the population: weights 1/propensity (the inclusion probability), precision and recall as ratios of Horvitz-Thompson totals (Hajek), when the recorded propensities are the true inclusion probabilities; noisy when few random picks carry large weights',
  population: 'no selection: the whole population ranked against the generator truth (generated data only)',
} as const;

/** The `bias` words of the blocks a report holds. */
function biasOf(report: EvaluationReport | null, population: PopulationReport | null): Partial<Record<keyof typeof BIAS, string>> {
  return {
    ...(report === null ? {} : { all: BIAS.all }),
    ...(report?.randomSlice ? { randomSlice: BIAS.randomSlice } : {}),
    ...(report?.inversePropensity ? { inversePropensity: BIAS.inversePropensity } : {}),
    ...(population === null ? {} : { population: BIAS.population }),
  };
}

/** Evaluates a model on the window's labelled examples (and the whole population with `--truth`); writes evaluation.json; returns the text. */
export async function evaluate(options: EvaluateOptions, clock: Clock, logger: Logger): Promise<string> {
  const modelPath = artifactFile(String(options.model));
  const { from, to } = windowOf(options);
  const capacity = options.capacity ?? null;
  if (capacity !== null && (!Number.isInteger(capacity) || capacity < 1)) throw new UsageError(`--capacity must be a whole number >= 1, got ${String(capacity)}`);
  const source = await sourceOf(options);
  const { artifact } = await loadArtifact(modelPath, { kind: 'risk' });
  const inSample = inSampleOverlap(artifact, from, to);
  if (inSample !== null) logger.warn(inSample.note);
  const out = join(options.out ?? join(BATCH_DEFAULTS.outRoot, to), 'evaluation.json');
  const engine = engineOf(options);
  const scoresPath = options.scores ?? null;
  if (scoresPath !== null) {
    if (artifact.level !== 'item') throw new UsageError('--scores writes the scores of evaluated items: it applies to item models, and this is a participant model');
    await checkWritableFile(scoresPath, '--scores');
  }
  if (artifact.level === 'item') {
    if (options.truth !== undefined) throw new UsageError('--truth ranks participants: it applies to participant models, and this is an item model');
    return withSource(source, engine, clock, logger, async ({ db }) => {
      const { loaded, set } = await loadItemModel(db, modelPath);
      const { report, scores } = await evaluateItemModel(db, loaded, set, { from, to, capacity, features: SCORE_DEFAULTS, seed: TRAIN_DEFAULTS.seed });
      const rejectedAtIngest = await rejectedDeclarations(db, from, to);
      await writeFileAtomic(out, json({ model: modelPath, inSample, ...report, rejectedAtIngest }));
      if (scoresPath !== null) await writeFileAtomic(scoresPath, itemScoresCsv(scores));
      return `${formatItemEvaluation(report)}\n\n${describeRejected(rejectedAtIngest).join('\n')}\n\nwrote ${out}${scoresPath === null ? '' : ` and ${scoresPath}`}`;
    });
  }
  const loaded = await loadArtifact(modelPath, { kind: 'risk', level: 'participant', features: MODEL_INPUT_IDS });
  const profile = await loadRiskProfile(options['risk-profile'] ?? null);
  const truthPath = options.truth ?? null;
  if (truthPath !== null && !existsSync(truthPath)) throw new UsageError(`The truth file ${truthPath} does not exist`);
  const truth = truthPath === null ? null : await readTruth(truthPath);
  return withSource(source, engine, clock, logger, async ({ db }) => {
    const config = { from, to, capacity, features: SCORE_DEFAULTS, profile, seed: TRAIN_DEFAULTS.seed };
    let report: EvaluationReport | null = null;
    try {
      report = await evaluateRiskModel(db, loaded, config);
    } catch (error) {
      // With a truth file the whole population is evaluated, so a window without completed inspections still has an answer.
      if (!(error instanceof ConfigError) || truth === null) throw error;
      logger.warn(error.message);
    }
    let population: PopulationReport | null = null;
    if (truth !== null && truthPath !== null) population = await evaluatePopulation(config, truth, truthPath, populationRanking(db, loaded, config, logger), logger);
    await writeFileAtomic(
      out,
      json({ model: modelPath, inSample, ...(report ?? { window: { from, to }, examples: 0 }), ...(population === null ? {} : { population }), bias: biasOf(report, population) }),
    );
    const printed = [report === null ? null : formatEvaluation(report), population === null ? null : formatPopulation(population)].filter((x) => x !== null);
    return `${printed.join('\n\n')}\n\nwrote ${out}`;
  });
}

/** The evaluated items with their labels and the model's scores, in the order of the ranking (margin descending, ties by example id). */
function itemScoresCsv(scores: readonly ItemScore[]): string {
  const sorted = [...scores].sort((a, b) => b.margin - a.margin || (a.exampleId < b.exampleId ? -1 : a.exampleId > b.exampleId ? 1 : 0));
  return csvText(
    ['rank', 'example_id', 'source', 'decl_id', 'item_no', 'as_of', 'label', 'charges', 'margin', 'probability', 'expected_charges'],
    sorted.map((s, i) => [i + 1, s.exampleId, s.source, s.declId, s.itemNo, s.asOf, s.label, money(s.chargesRub), fixed(s.margin, 6), fixed(s.probability, 6), money(s.expectedChargesRub)]),
  );
}

/** Compares two participant models, the risk profile and random on the same examples; writes comparison.json; returns the text. */
export async function compareModels(options: CompareOptions, clock: Clock, logger: Logger): Promise<string> {
  const { from, to } = windowOf(options);
  const iterations = options.iterations ?? 1000;
  if (!Number.isInteger(iterations) || iterations < 10) throw new UsageError(`--iterations must be a whole number >= 10, got ${String(iterations)}`);
  const source = await sourceOf(options);
  const expect = { kind: 'risk' as const, level: 'participant' as const, features: MODEL_INPUT_IDS };
  const [pathA, pathB] = [artifactFile(String(options.a)), artifactFile(String(options.b))];
  const a = await loadArtifact(pathA, expect);
  const b = await loadArtifact(pathB, expect);
  const inSample = { a: inSampleOverlap(a.artifact, from, to), b: inSampleOverlap(b.artifact, from, to) };
  for (const [name, overlap] of Object.entries(inSample)) if (overlap !== null) logger.warn(`model ${name.toUpperCase()}: ${overlap.note}`);
  const profile = await loadRiskProfile(options['risk-profile'] ?? null);
  return withSource(source, engineOf(options), clock, logger, async ({ db }) => {
    const report = await compareRiskModels(db, a, b, { from, to, features: SCORE_DEFAULTS, profile, seed: TRAIN_DEFAULTS.seed, iterations });
    const out = join(options.out ?? join(BATCH_DEFAULTS.outRoot, to), 'comparison.json');
    await writeFileAtomic(out, json({ a: pathA, b: pathB, inSample, ...report }));
    return `A = ${pathA}, B = ${pathB}\n${formatComparison(report)}\n\nwrote ${out}`;
  });
}

/** The model.json files under a folder: its own, or one per subfolder. */
async function modelFiles(dir: string): Promise<string[]> {
  if (existsSync(join(dir, 'model.json'))) return [join(dir, 'model.json')];
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    throw new UsageError(`--dir ${dir}: folder not found`);
  }
  return names.map((n) => join(dir, n, 'model.json')).filter((p) => existsSync(p));
}

/** The table of `ccrg models list`: kind, level, window, examples, validation AUC of every model under `dir`. */
export async function listModels(dir: string | undefined): Promise<string> {
  const root = dir ?? TRAIN_DEFAULTS.modelsRoot;
  const files = await modelFiles(root);
  if (files.length === 0) return `no model under ${root}: train one with ccrg train`;
  const lines = ['model                          kind     level         window             examples  positives  AUC (validation)'];
  for (const file of files) {
    const { artifact } = await loadArtifact(file);
    const aucValue = artifact.metrics['aucModel'];
    lines.push(
      `${file.padEnd(30)} ${artifact.kind.padEnd(8)} ${artifact.level.padEnd(13)} ${`${artifact.window.from}..${artifact.window.to}`.padEnd(18)} ${String(artifact.labelCount.examples).padStart(8)}  ${String(artifact.labelCount.positives ?? '—').padStart(9)}  ${typeof aucValue === 'number' ? aucValue.toFixed(3) : '—'}`,
    );
  }
  return lines.join('\n');
}
