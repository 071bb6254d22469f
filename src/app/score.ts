/**
 * `ccrg score`: the monthly batch. Scores the period (src/score) and
 * replaces the run folder's set as a whole: ranked.csv, reasons.csv,
 * evidence.csv, trace-evidence.csv, manifest.json (and rejects.csv when it read files,
 * report.html when asked).
 */
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { BATCH_DEFAULTS, PLAN_DEFAULTS, SCORE_DEFAULTS } from '../config/defaults.js';
import { loadTraceableGoods } from '../config/traceable-goods.js';
import type { DuckDbOptions } from '../io/db.js';
import { checkReplaceable, replaceDirectory, RUN_FOLDER } from '../io/run-dir.js';
import { artifactFile, serializeArtifact } from '../models/risk/artifact.js';
import { REPORT_FILE } from '../report/batch-report.js';
import { driftMonthsOption, writeRunReport } from './report.js';
import { manifestFeatureParameters } from '../score/manifest-params.js';
import { evidenceCsv, EVIDENCE_FILE } from '../run-folder/evidence.js';
import { traceEvidenceCsv, TRACE_EVIDENCE_FILE } from '../run-folder/trace-evidence.js';
import { FileSet } from '../run-folder/file-set.js';
import { MANIFEST_FILE, manifestJson, type ManifestInput, type ScoreManifest } from '../run-folder/manifest.js';
import { rankedCsv, RANKED_FILE } from '../run-folder/ranked.js';
import { reasonsCsv, REASONS_FILE } from '../run-folder/reasons.js';
import { rejectsCsv, REJECTS_FILE } from '../run-folder/rejects.js';
import { reasonRows, rankedRows } from '../score/outputs.js';
import type { RankedParticipant } from '../score/score.js';
import { ANOMALY, loadCheckedProfile, loadScoreModel, RANK_BY, scorePeriod, type RankBy, type ScoreParams } from '../score/score-period.js';
import type { RiskProfile } from '../rules/index.js';
import type { Clock } from '../util/clock.js';
import { UsageError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import type { Logger } from '../util/logger.js';
import { asOfFromPeriod, periodOption } from '../util/period.js';
import { startProgress } from '../util/progress.js';
import { codeVersion } from '../util/version.js';
import { scoreItems } from './score-items.js';
import { engineOf, latestPeriod, openSource, sourceOf, type OpenStore, type Source, type SourceOptions } from './store.js';

export { RANK_BY };

/** The options of `score` and `explain`, as the user gives them. */
export interface ScoreOptions extends SourceOptions {
  period?: string;
  'risk-profile'?: string;
  /** The list of goods subject to traceability (default profiles/traceable-goods.yaml). */
  'traceable-goods'?: string;
  lang?: string;
  top?: number;
  out?: string;
  'return-grace-days'?: number;
  'lead-months'?: number;
  'payment-procedures'?: string[];
  model?: string;
  'rank-by'?: string;
  /** Inspections the plan can hold (`--rank-by auto` weighs the model's evidence at its share of the participants). */
  capacity?: number;
  report?: boolean;
  /** Months pooled as the reference of the report's drift watch (with --report; 0: off). */
  'drift-months'?: number;
  /** `participant` (the default) or `item` (`score` only: items.csv from an item model). */
  level?: string;
}

/** Everything `ccrg score` needs, defaults resolved. */
export interface ScoreConfig extends ScoreParams {
  /** Always resolved here (PLAN_DEFAULTS.capacity unless --capacity). */
  capacity: number;
  /** A store to read, or files to ingest into a fresh in-memory store. */
  source: Source;
  /** The run folder, `out/<period>` by default. */
  outDir: string;
  duckdb: DuckDbOptions;
  /** Also write report.html into the run folder (docs/outputs.md). */
  report?: boolean;
  /** Months pooled as the reference of the report's drift watch (0: off). */
  driftMonths?: number;
}

/** The outcome of a scoring run. */
export interface ScoreResult {
  ranked: RankedParticipant[];
  profile: RiskProfile;
  manifest: ScoreManifest;
}

function wholeNumber(flag: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${flag} must be a whole number >= ${min}, got ${String(value)}`);
  return value;
}

/** Checks the options and resolves the defaults. */
export async function scoreConfig(options: ScoreOptions): Promise<ScoreConfig> {
  let period = options.period ?? '';
  if (period === 'latest') period = await latestPeriod(options.store);
  const asOf = asOfFromPeriod(periodOption('--period', period));
  const rankBy = options['rank-by'] ?? 'auto';
  if (!(RANK_BY as readonly string[]).includes(rankBy)) throw new UsageError(`--rank-by must be one of ${RANK_BY.join(', ')}, got "${rankBy}"`);
  const lang = options.lang ?? BATCH_DEFAULTS.lang;
  if (lang !== 'en' && lang !== 'ru') throw new UsageError(`--lang must be en or ru, got "${lang}"`);
  const driftMonths = driftMonthsOption(options['drift-months'], options.report === true);
  return {
    period,
    source: await sourceOf(options, { declarations: 'Scoring from files needs at least --declarations' }),
    riskProfilePath: options['risk-profile'] ?? null,
    modelPath: options.model === undefined ? null : artifactFile(options.model),
    rankBy: rankBy as RankBy,
    capacity: wholeNumber('capacity', options.capacity, PLAN_DEFAULTS.capacity, 0),
    lang,
    top: wholeNumber('top', options.top, BATCH_DEFAULTS.top, 0),
    evidenceItems: BATCH_DEFAULTS.evidenceItems,
    outDir: options.out ?? join(BATCH_DEFAULTS.outRoot, period),
    features: {
      ...SCORE_DEFAULTS,
      asOf,
      returnGraceDays: wholeNumber('return-grace-days', options['return-grace-days'], SCORE_DEFAULTS.returnGraceDays, 0),
      leadMonths: wholeNumber('lead-months', options['lead-months'], SCORE_DEFAULTS.leadMonths, 0),
      paymentProcedures: options['payment-procedures'] ?? SCORE_DEFAULTS.paymentProcedures,
      traceableCodes: options['traceable-goods'] === undefined ? SCORE_DEFAULTS.traceableCodes : (await loadTraceableGoods(options['traceable-goods'])).prefixes,
    },
    duckdb: engineOf(options),
    report: options.report === true,
    driftMonths,
  };
}

/**
 * Scores a period and replaces its run folder as a whole. A store already
 * opened (`ccrg plan` reads it again afterwards) may be passed in; it is
 * then left open.
 */
export async function runScore(config: ScoreConfig, clock: Clock, logger: Logger, opened?: OpenStore): Promise<ScoreResult> {
  // A folder that is not a run of ours is refused before any work, and again at the swap.
  await checkReplaceable(config.outDir, RUN_FOLDER);
  const started = clock.now();
  const t0 = performance.now();
  const profile = await loadCheckedProfile(config.riskProfilePath);
  const { model, rankBy } = await loadScoreModel(config);
  const store = opened ?? (await openSource(config.source, config.duckdb, clock, logger));
  const loadMs = Math.round(performance.now() - t0);
  const steps = startProgress(logger, 'score', config.report === true ? 5 : 4, 'steps');
  try {
    let step = 0;
    const scores = await scorePeriod(store.db, config, { profile, model, rankBy }, logger, (name) => steps.tick(step++ === 0 ? 0 : 1, name));
    const { byModel } = scores;
    steps.tick(1, 'write');
    const t = performance.now();
    const files = new FileSet();
    files.add(RANKED_FILE, rankedCsv(rankedRows(scores.ranked)));
    files.add(REASONS_FILE, reasonsCsv(reasonRows(scores.ranked)));
    files.add(EVIDENCE_FILE, evidenceCsv(scores.evidence));
    files.add(TRACE_EVIDENCE_FILE, traceEvidenceCsv(scores.traceEvidence));
    // Scoring files directly validates them as ingest does: their rejects belong to the run.
    if (store.ingest !== null) files.add(REJECTS_FILE, rejectsCsv(store.ingest.rejects));
    const f = config.features;
    const manifest: ScoreManifest = {
      result: {
        command: 'score',
        period: config.period,
        as_of: f.asOf,
        code_version: codeVersion(),
        inputs: scores.inputs as unknown as ManifestInput[],
        parameters: {
          ...manifestFeatureParameters(f),
          lang: config.lang,
          top: config.top,
          evidence_items: config.evidenceItems,
          score_source: byModel ? 'model' : 'rules',
          rank_by: config.rankBy ?? 'auto',
          capacity: config.capacity,
          anomaly: { n_trees: ANOMALY.nTrees, sample_size: ANOMALY.sampleSize, seed: ANOMALY.seed },
        },
        model:
          model === null
            ? null
            : {
                path: config.modelPath ?? '',
                kind: model.artifact.kind,
                level: model.artifact.level,
                window: model.artifact.window,
                data_fingerprint: model.artifact.dataFingerprint,
                sha256: sha256Hex(serializeArtifact(model.artifact)),
              },
        ranking_decision: scores.rankingDecision,
        risk_profile: { name: profile.name, version: profile.version, sha256: profile.sha256 },
        unavailable_features: scores.unavailable,
        disabled_indicators: scores.disabled,
        drift: scores.drift,
        counts: {
          participants: scores.ranked.length,
          with_fired_indicators: scores.ranked.filter((p) => p.evaluation.fired.length > 0).length,
          evidence_items: scores.evidence.length,
          trace_evidence_rows: scores.traceEvidence.length,
          items_without_unit_value: scores.itemsWithoutUnitValue,
        },
        outputs: files.hashes(),
      },
      run: {
        started_at: started.toISOString(),
        timings_ms: { load: loadMs, ...scores.timings },
        host: hostname(),
        node: process.version,
        threads: config.duckdb.threads ?? null,
        memory_limit: config.duckdb.memoryLimit ?? null,
      },
    };
    await replaceDirectory(
      config.outDir,
      async (dir) => {
        await files.writeInto(dir);
        manifest.run.timings_ms = { ...manifest.run.timings_ms, write: Math.round(performance.now() - t), total: Math.round(performance.now() - t0) };
        await writeFile(join(dir, MANIFEST_FILE), manifestJson(manifest));
        // The report reads the files just written; the previous period's run sits beside the final folder.
        if (config.report === true) {
          steps.tick(1, 'report');
          await writeRunReport(
            store.db,
            dir,
            { period: config.period, lang: config.lang, parentDir: dirname(config.outDir), riskProfilePath: config.riskProfilePath, driftMonths: config.driftMonths },
            clock,
            logger,
          );
        }
      },
      RUN_FOLDER,
    );
    steps.tick(1);
    steps.done();
    if (config.report === true) logger.info(`wrote ${join(config.outDir, REPORT_FILE)}`);
    logger.info(`scored ${scores.ranked.length} participants as of ${f.asOf}; wrote ${config.outDir}`);
    return { ranked: scores.ranked, profile, manifest };
  } finally {
    if (opened === undefined) store.db.close();
  }
}

/** The summary printed after a score run: the head of the list. */
export function scoreSummary(config: ScoreConfig, result: ScoreResult): string {
  const top = result.ranked.slice(0, 10);
  const byModel = result.ranked[0]?.scoreSource === 'model';
  const lines = [
    `${result.ranked.length} participants scored as of ${config.features.asOf} with risk profile ${result.profile.name} ${result.profile.version}` +
      `${config.modelPath === null ? '' : ` and model ${config.modelPath}`}; ranked by ${byModel ? 'the model (expected charges, RUB)' : 'the risk profile'}; outputs in ${config.outDir}`,
    '',
  ];
  for (const p of top) {
    const score = byModel ? (p.model?.expectedChargesRub ?? p.model?.probability ?? 0) : p.evaluation.score;
    const reason = byModel ? p.modelReasons?.[0]?.reason : p.evaluation.fired[0]?.reason;
    lines.push(`${String(p.rank).padStart(4)}  ${p.inn.padEnd(12)}  ${score.toFixed(2).padStart(14)}  ${reason ?? ''}`);
  }
  return lines.join('\n');
}

/** `ccrg score`: the participants' run, or with `--level item` the items' set; returns the summary to print. */
export async function score(options: ScoreOptions, clock: Clock, logger: Logger): Promise<string> {
  const level = options.level ?? 'participant';
  if (level !== 'participant' && level !== 'item') throw new UsageError(`--level must be participant or item, got "${level}"`);
  const config = await scoreConfig(options);
  if (level === 'item') {
    if (options.report === true) throw new UsageError('--report shows the participants\' run: score --level participant for it');
    return scoreItems(config, clock, logger);
  }
  return scoreSummary(config, await runScore(config, clock, logger));
}
