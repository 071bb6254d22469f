/**
 * What the batch report shows, gathered from the run layout (manifest.json,
 * ranked.csv, reasons.csv, evaluation.json, plan-summary.json, the previous
 * period's ranked.csv), the model artifact named in the manifest, and the
 * store when one is open (reject reasons, join coverage).
 */

import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BACKTEST_DEFAULTS, REPORT_DEFAULTS, TRAIN_DEFAULTS } from '../config/defaults.js';
import type { Db } from '../io/db.js';
import type { DriftReport } from '../models/monitoring/drift.js';
import type { EvaluationReport } from '../models/evaluation/evaluate-model.js';
import type { RankingDecision } from '../models/risk/ranking-evidence.js';
import { asOfSql, IMPORT_ITEMS_SQL } from '../store/as-of.js';
import { readCsvRecords } from '../io/csv-read.js';
import { MANIFEST_FILE, readScoreManifest, type ManifestModel } from '../run-folder/manifest.js';
import { binProportions, distributionOf, populationStabilityIndex } from '../models/stats/distribution.js';
import { DRIFT_THRESHOLD, type DriftEntry } from '../models/monitoring/drift.js';
import { indicatorFeedback, inspectionExample, resamplesOf, withPropensity, type Example, type IndicatorFeedback } from '../models/evaluation/backtest-stats.js';
import { participantExamples } from '../models/risk/examples.js';
import { PLAN_SUMMARY_FILE, readPlanSummary, type PlanSummary } from '../run-folder/plan-summary.js';
import { readBacktest, type BacktestReport } from '../run-folder/backtest.js';
import { RANKED_FILE, readRanked, type RankedRow } from '../run-folder/ranked.js';
import { readReasons, REASONS_FILE } from '../run-folder/reasons.js';
import { readJsonFile } from '../io/json-read.js';
import { ConfigError } from '../util/errors.js';
import { previousPeriod } from '../util/period.js';

/** An input file of the run with its record counts (manifest `inputs`). */
export interface ReportInput {
  extract: string;
  sourcePath: string;
  recordsRead: number;
  accepted: number;
  rejected: number;
}

/** Rejected records of one file with one reject code. */
export interface RejectReason {
  file: string;
  code: string;
  records: number;
}

/** Share of the period's importers found in the tax returns and in the register as of the as-of date. */
export interface JoinCoverage {
  /** Distinct importers with items released in the period. */
  importers: number;
  inTaxReturns: number;
  inRegister: number;
}

/** How often an indicator fired and the money it names. */
export interface IndicatorUse {
  id: string;
  title: string;
  fired: number;
  amountRub: number;
}

/** Changes in the top of the list against the previous period's run. */
export interface PeriodChanges {
  previousPeriod: string;
  /** `run`: read from the previous period's run folder; `computed`: scored now with this run's store, profile and model. */
  source: 'run' | 'computed';
  top: number;
  /** In this period's top, not in the previous one's. */
  entered: RankedRow[];
  /** In the previous period's top, not in this one's; with their previous rank and this period's rank (null when not scored now). */
  dropped: { inn: string; name: string; previousRank: number; rank: number | null }[];
  /** In both tops at different ranks, the largest moves first (ties by rank now). */
  moved: { inn: string; name: string; previousRank: number; rank: number }[];
  /** In this period's top and scored before: the indicators that fired now and not then, and then and not now. */
  reasons: { inn: string; name: string; rank: number; appeared: string[]; disappeared: string[] }[];
}

/** A period's ranking as the changes need it: ranks and names, and the indicators fired per participant. */
export interface PeriodRanking {
  rows: readonly { rank: number; inn: string; name: string }[];
  /** Null when the run left no reasons.csv: then no reason changes are told. */
  fired: ReadonlyMap<string, readonly string[]> | null;
}

/**
 * Scores the previous period when its run folder is missing, with the
 * run's store, risk profile and model (src/app supplies it: the report
 * does not score). A string says why it cannot.
 */
export type ComputePrevious = (period: string) => Promise<PeriodRanking | string>;

/** The risk profile's own features in the run's month and in the months before it (`ComputeProfileValues`). */
export interface ProfileValues {
  /** The features the profile's indicators decide on, in profile order. */
  features: string[];
  /** Per feature, one value per participant scored in the month (NaN = missing). */
  current: ReadonlyMap<string, Float64Array>;
  /** Per feature, the values of every participant of every reference month, pooled. */
  reference: ReadonlyMap<string, Float64Array>;
  /** The reference months scored. */
  months: string[];
  /** The profile's indicators, in profile order. */
  indicators: readonly { id: string; title: { en: string }; weight: number }[];
  /** Per reference month: the indicators fired per participant. */
  fired: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
}

/** Indicator feedback over the drift watch's reference months, from the inspections recorded for them. */
export interface ReportIndicatorFeedback {
  months: string[];
  inspections: number;
  withPropensity: number;
  indicators: IndicatorFeedback[];
}

/**
 * Every indicator of the profile over the reference months: how often it
 * fired, and on the inspections recorded for those months (results known by
 * the as-of date) how many were inspected, violations, charges and hit
 * rates raw and weighted, with intervals (as `ccrg backtest`, with its resamples and seed).
 */
export async function indicatorFeedbackOf(db: Db, values: ProfileValues, asOf: string): Promise<ReportIndicatorFeedback> {
  const months = values.months;
  const recorded = months.length === 0 ? [] : await participantExamples(db, { from: months[0] as string, to: months[months.length - 1] as string, knownBy: asOf });
  const index = new Map(months.map((m, i) => [m, i]));
  const examples: Example[] = recorded.map((e) => {
    const month = e.asOf.slice(0, 7);
    return inspectionExample(e, index.get(month) ?? 0, [false], [new Set(values.fired.get(month)?.get(e.inn) ?? [])]);
  });
  const counts = new Map<string, number>();
  for (const byInn of values.fired.values()) for (const ids of byInn.values()) for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  const propensities = withPropensity(examples);
  return {
    months,
    inspections: examples.length,
    withPropensity: propensities.count,
    indicators: indicatorFeedback(examples, resamplesOf(examples, BACKTEST_DEFAULTS.resamples, TRAIN_DEFAULTS.seed), 0, values.indicators, counts, propensities.all),
  };
}

/** Computes the profile's features of the run's month and of the `months` months before it (src/app supplies it); a string says why it cannot. */
export type ComputeProfileValues = (period: string, months: number) => Promise<ProfileValues | string>;

/** The drift watch of the risk profile's own features: the month against the previous months pooled. */
export interface ProfileDrift {
  threshold: number;
  months: string[];
  features: DriftEntry[];
  flagged: string[];
}

/** PSI of each profile feature: the month's values in the deciles of the pooled reference months. */
export function profileDrift(values: Pick<ProfileValues, 'features' | 'current' | 'reference' | 'months'>): ProfileDrift {
  const features = values.features.map((name): DriftEntry => {
    const expected = distributionOf(values.reference.get(name) ?? new Float64Array());
    const actual = binProportions(values.current.get(name) ?? new Float64Array(), expected.edges);
    const psi = actual.count === 0 || expected.count === 0 ? 0 : populationStabilityIndex(expected, actual);
    return { name, psi: Number(psi.toFixed(4)), flagged: psi > DRIFT_THRESHOLD };
  });
  return { threshold: DRIFT_THRESHOLD, months: values.months, features, flagged: features.filter((f) => f.flagged).map((f) => f.name) };
}

/** The model card summary: from the artifact when it can be read, else what the manifest says. */
export interface ModelSummary {
  path: string;
  kind: string;
  window: { from: string; to: string };
  /** Null when the artifact file could not be read. */
  examples: number | null;
  positives: number | null;
  features: number | null;
  aucModel: number | null;
  aucProfile: number | null;
  dataFingerprint: string;
}

/** Everything the report shows. */
export interface ReportData {
  period: string;
  asOf: string;
  scoreSource: 'rules' | 'model';
  /** What `--rank-by auto` decided with a model, and on what evidence (null otherwise). */
  rankingDecision: RankingDecision | null;
  riskProfile: { name: string; version: string };
  inputs: ReportInput[];
  /** Null when neither a store nor the run's rejects.csv was available. */
  rejectReasons: RejectReason[] | null;
  /** Null without a store. */
  coverage: JoinCoverage | null;
  ranked: RankedRow[];
  indicators: IndicatorUse[];
  disabledIndicators: { id: string; warning: string }[];
  evaluation: EvaluationReport | null;
  changes: PeriodChanges | null;
  /** Why there is no comparison with the previous period, when there is none. */
  changesUnavailable: string | null;
  /** The drift watch of the risk profile's features when no model ranked the batch; a string says why there is none; null when not asked. */
  profileDrift: ProfileDrift | string | null;
  /** Indicator feedback over the drift watch's months (with it only). */
  indicatorFeedback: ReportIndicatorFeedback | null;
  plan: PlanSummary | null;
  model: ModelSummary | null;
  drift: DriftReport | null;
  /** backtest.json of the run folder (`ccrg backtest`), null when there is none. */
  backtest: BacktestReport | null;
  /** The referrals of this and earlier plans and the tax authority's answers; null without a store. */
  referrals: ReferralFollowUp | null;
}

/** A referral to the tax authority with no answer yet. */
export interface UnansweredReferral {
  referralId: string;
  inn: string;
  name: string;
  /** The period of the plan that referred it, and that plan's as-of date (when it was sent). */
  planPeriod: string;
  sentOn: string;
  /** Days from `sentOn` to the report's as-of date. */
  ageDays: number;
}

/** The referrals of the plans beside the run folder and what came back. */
export interface ReferralFollowUp {
  /** Referrals of plans as of the report's as-of date or earlier. */
  sent: number;
  /** Of them, answered by a decision dated by the as-of date (the tax_answers extract). */
  answered: number;
  overdueDays: number;
  /** Unanswered for more than `overdueDays`, oldest first. */
  overdue: UnansweredReferral[];
  /** Every referral the store holds an answer to by the as-of date, whichever plan sent it. */
  answers: AnswerSummary;
}

/** The tax authority's answers by the as-of date, the latest decision per referral. */
export interface AnswerSummary {
  referrals: number;
  violation: number;
  noViolation: number;
  declined: number;
  inProgress: number;
  /** Charged by the answers that found a violation. */
  vatChargedRub: number;
  profitTaxChargedRub: number;
}

/** Options of {@link readReportData}. */
export interface ReportDataOptions {
  /** The run folder holding manifest.json and the score outputs. */
  runDir: string;
  /** The run's period, YYYY-MM: names the previous period's folder beside `parentDir`. */
  period: string;
  /** The folder holding the periods' run folders; default: the run folder's parent. */
  parentDir?: string;
  /** Size of the top compared with the previous period. */
  top: number;
  /** The store to read reject reasons and join coverage from; null shows only the manifest's counts. */
  db: Db | null;
  /** Days after which an unanswered referral is listed; default {@link REPORT_DEFAULTS.referralAnswerDays}. */
  referralAnswerDays?: number;
  /** Scores the previous period when its run folder is missing. */
  computePrevious?: ComputePrevious;
  /** The profile's features of the month and the months before it, for the drift watch of a batch ranked by the rules. */
  computeProfileValues?: ComputeProfileValues;
  /** Months pooled as the drift watch's reference; 0 turns it off. */
  driftMonths?: number;
}

/**
 * The referrals of every plan folder beside the run (`YYYY-MM` folders of
 * `parentDir` before the period, and the run folder itself) against the
 * tax authority's answers in the store as of `asOf`. The run's own plan is
 * read from `runDir`, which may be the staging folder of a plan being
 * written, never from its older copy beside the others. A referral is sent
 * on its plan's as-of date; plans written before referrals had ids get
 * `<plan_id>/R/<inn>`.
 */
export async function referralFollowUp(db: Db, runDir: string, parentDir: string, period: string, asOf: string, overdueDays: number): Promise<ReferralFollowUp> {
  const earlier = existsSync(parentDir) ? (await readdir(parentDir)).filter((n) => /^\d{4}-\d{2}$/.test(n) && n < period).sort() : [];
  const folders: [string, string][] = [...earlier.map((n): [string, string] => [n, join(parentDir, n)]), [period, runDir]];
  const rows = await db.all(`SELECT referral_id, result, vat_charged_rub, profit_tax_charged_rub FROM (${asOfSql('tax_answers', asOf)})`);
  const answered = new Set(rows.map((r) => String(r['referral_id'])));
  const answers: AnswerSummary = { referrals: rows.length, violation: 0, noViolation: 0, declined: 0, inProgress: 0, vatChargedRub: 0, profitTaxChargedRub: 0 };
  for (const r of rows) {
    const result = String(r['result']);
    if (result === 'violation') {
      answers.violation++;
      answers.vatChargedRub += Number(r['vat_charged_rub'] ?? 0);
      answers.profitTaxChargedRub += Number(r['profit_tax_charged_rub'] ?? 0);
    } else if (result === 'no_violation') answers.noViolation++;
    else if (result === 'declined') answers.declined++;
    else answers.inProgress++;
  }
  answers.vatChargedRub = Number(answers.vatChargedRub.toFixed(2));
  answers.profitTaxChargedRub = Number(answers.profitTaxChargedRub.toFixed(2));
  const sent: UnansweredReferral[] = [];
  for (const [folder, dir] of folders) {
    const referralsPath = join(dir, 'referrals.csv');
    const summaryPath = join(dir, PLAN_SUMMARY_FILE);
    if (!existsSync(referralsPath) || !existsSync(summaryPath)) continue;
    const summary = await readPlanSummary(summaryPath);
    if (summary.as_of > asOf) continue;
    const { records } = await readCsvRecords(referralsPath, ['plan_id', 'inn'], 'the referrals.csv of a plan');
    for (const r of records) {
      const inn = r.values['inn'] ?? '';
      const referralId = r.values['referral_id'] || `${r.values['plan_id'] ?? ''}/R/${inn}`;
      const ageDays = Math.round((Date.parse(`${asOf}T00:00:00Z`) - Date.parse(`${summary.as_of}T00:00:00Z`)) / 86_400_000);
      sent.push({ referralId, inn, name: r.values['name'] ?? '', planPeriod: folder, sentOn: summary.as_of, ageDays });
    }
  }
  const open = sent.filter((s) => !answered.has(s.referralId));
  return {
    sent: sent.length,
    answered: sent.length - open.length,
    overdueDays,
    overdue: open.filter((s) => s.ageDays > overdueDays).sort((a, b) => b.ageDays - a.ageDays || (a.referralId < b.referralId ? -1 : 1)),
    answers,
  };
}

/** How often each indicator fired (reasons.csv) and the RUB it named, most fired first (ties by id). */
export async function readIndicatorUse(path: string): Promise<IndicatorUse[]> {
  const byId = new Map<string, IndicatorUse>();
  for (const r of await readReasons(path)) {
    const use = byId.get(r.indicatorId) ?? { id: r.indicatorId, title: r.title, fired: 0, amountRub: 0 };
    use.fired += 1;
    use.amountRub += r.amountAtStakeRub ?? 0;
    byId.set(r.indicatorId, use);
  }
  return [...byId.values()]
    .map((u) => ({ ...u, amountRub: Number(u.amountRub.toFixed(2)) }))
    .sort((a, b) => b.fired - a.fired || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** New entrants to the top and dropped ones, between the previous period's ranking and this one. */
export function periodChanges(current: readonly RankedRow[], currentFired: ReadonlyMap<string, readonly string[]>, previous: PeriodRanking, previousPeriodName: string, top: number, source: 'run' | 'computed'): PeriodChanges {
  const nowTop = current.slice(0, top);
  const beforeTop = previous.rows.slice(0, top);
  const before = new Set(beforeTop.map((r) => r.inn));
  const now = new Set(nowTop.map((r) => r.inn));
  const rankNow = new Map(current.map((r) => [r.inn, r.rank]));
  const rankBefore = new Map(previous.rows.map((r) => [r.inn, r.rank]));
  const moved = nowTop
    .filter((r) => before.has(r.inn) && rankBefore.get(r.inn) !== r.rank)
    .map((r) => ({ inn: r.inn, name: r.name, previousRank: rankBefore.get(r.inn) as number, rank: r.rank }))
    .sort((a, b) => Math.abs(b.previousRank - b.rank) - Math.abs(a.previousRank - a.rank) || a.rank - b.rank);
  const fired = previous.fired;
  const reasons = (fired === null ? [] : nowTop)
    .filter((r) => rankBefore.has(r.inn))
    .map((r) => {
      const was = new Set(fired?.get(r.inn) ?? []);
      const is = new Set(currentFired.get(r.inn) ?? []);
      return { inn: r.inn, name: r.name, rank: r.rank, appeared: [...is].filter((i) => !was.has(i)).sort(), disappeared: [...was].filter((i) => !is.has(i)).sort() };
    })
    .filter((r) => r.appeared.length > 0 || r.disappeared.length > 0);
  return {
    previousPeriod: previousPeriodName,
    source,
    top,
    entered: nowTop.filter((r) => !before.has(r.inn)),
    dropped: beforeTop.filter((r) => !now.has(r.inn)).map((r) => ({ inn: r.inn, name: r.name, previousRank: r.rank, rank: rankNow.get(r.inn) ?? null })),
    moved,
    reasons,
  };
}

/** The indicators fired per participant, from a run's reasons.csv (model reasons, which have no weight, left out). */
export async function firedIndicators(path: string): Promise<Map<string, string[]> | null> {
  if (!existsSync(path)) return null;
  const out = new Map<string, string[]>();
  for (const r of await readReasons(path)) {
    if (r.weight === null) continue;
    const list = out.get(r.inn);
    if (list === undefined) out.set(r.inn, [r.indicatorId]);
    else list.push(r.indicatorId);
  }
  return out;
}

/** The profile's drift watch of a batch without a model's (the model has its own), when the caller can compute the values. */
async function profileDriftOf(
  noModelDrift: boolean,
  period: string,
  asOf: string,
  options: ReportDataOptions,
): Promise<{ profileDrift: ProfileDrift | string | null; indicatorFeedback: ReportIndicatorFeedback | null }> {
  const months = options.driftMonths ?? REPORT_DEFAULTS.driftMonths;
  if (!noModelDrift || months === 0) return { profileDrift: null, indicatorFeedback: null };
  if (options.computeProfileValues === undefined || options.db === null) {
    return { profileDrift: 'the drift watch of the risk profile\'s features needs the store (give --store)', indicatorFeedback: null };
  }
  const values = await options.computeProfileValues(period, months);
  if (typeof values === 'string') return { profileDrift: values, indicatorFeedback: null };
  return { profileDrift: profileDrift(values), indicatorFeedback: await indicatorFeedbackOf(options.db, values, asOf) };
}

/** The previous period's ranking: its run folder when there is one, else computed (when the caller can), else why not. */
async function previousRanking(parent: string, period: string, compute: ComputePrevious | undefined): Promise<{ ranking: PeriodRanking; source: 'run' | 'computed' } | string> {
  const dir = join(parent, period);
  if (existsSync(join(dir, RANKED_FILE))) {
    return { ranking: { rows: await readRanked(join(dir, RANKED_FILE)), fired: await firedIndicators(join(dir, REASONS_FILE)) }, source: 'run' };
  }
  if (compute === undefined) return `no run of ${period} beside this one, and no store to score it with (give --store)`;
  const computed = await compute(period);
  return typeof computed === 'string' ? computed : { ranking: computed, source: 'computed' };
}

/** The model card summary of the model named in the manifest. */
async function readModelSummary(model: ManifestModel): Promise<ModelSummary> {
  const path = model.path;
  const window = model.window;
  const base: ModelSummary = {
    path,
    kind: model.kind,
    window,
    examples: null,
    positives: null,
    features: null,
    aucModel: null,
    aucProfile: null,
    dataFingerprint: model.data_fingerprint,
  };
  if (!existsSync(path)) return base;
  const artifact = (await readJsonFile(path)) as Record<string, unknown>;
  const labels = artifact['labelCount'] as { examples: number; positives: number | null } | undefined;
  const metrics = (artifact['metrics'] ?? {}) as Record<string, unknown>;
  const num = (x: unknown): number | null => (typeof x === 'number' ? x : null);
  return {
    ...base,
    examples: labels?.examples ?? null,
    positives: labels?.positives ?? null,
    features: Array.isArray(artifact['features']) ? artifact['features'].length : null,
    aucModel: num(metrics['aucModel']),
    aucProfile: num(metrics['aucProfile']),
  };
}

/** Rejected records per file and code from the store's rejects table, most first; a record rejected for several columns counts once per code. */
export async function storeRejectReasons(db: Db, limit: number): Promise<RejectReason[]> {
  const rows = await db.all(`SELECT file, code, count(DISTINCT line)::BIGINT AS records FROM rejects GROUP BY file, code
    QUALIFY row_number() OVER (PARTITION BY file ORDER BY count(DISTINCT line) DESC, code) <= ${limit}
    ORDER BY file, records DESC, code`);
  return rows.map((r) => ({ file: String(r['file']), code: String(r['code']), records: Number(r['records']) }));
}

/** The same from a rejects.csv file (a run scored from files). */
async function fileRejectReasons(path: string, limit: number): Promise<RejectReason[]> {
  const { records } = await readCsvRecords(path, ['file', 'line', 'code']);
  const lines = new Map<string, Set<string>>();
  for (const { values: r } of records) {
    const key = `${r['file']}\u0000${r['code']}`;
    const set = lines.get(key) ?? new Set<string>();
    set.add(r['line'] as string);
    lines.set(key, set);
  }
  const all = [...lines.entries()].map(([key, set]) => {
    const [file = '', code = ''] = key.split('\u0000');
    return { file, code, records: set.size };
  });
  all.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : b.records - a.records || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)));
  const kept = new Map<string, number>();
  return all.filter((r) => {
    const n = (kept.get(r.file) ?? 0) + 1;
    kept.set(r.file, n);
    return n <= limit;
  });
}

/**
 * Join coverage as of `asOf`: of the distinct importers with items released
 * in the period (the month ending at `asOf`), how many have a VAT return
 * filed by then and how many are in the register snapshot valid then.
 */
export async function joinCoverage(db: Db, period: string, asOf: string): Promise<JoinCoverage> {
  const rows = await db.all(`WITH d AS (SELECT DISTINCT importer_inn AS inn FROM (${asOfSql('declarations', asOf, IMPORT_ITEMS_SQL)}) WHERE release_date >= CAST($month_start AS DATE)),
    t AS (SELECT DISTINCT inn FROM (${asOfSql('tax_returns', asOf)})),
    p AS (SELECT DISTINCT inn FROM (${asOfSql('participants', asOf)}))
    SELECT count(*)::BIGINT AS importers,
      count(*) FILTER (WHERE inn IN (SELECT inn FROM t))::BIGINT AS in_tax,
      count(*) FILTER (WHERE inn IN (SELECT inn FROM p))::BIGINT AS in_register
    FROM d`,
    { month_start: `${period}-01` },
  );
  const r = rows[0] ?? {};
  return { importers: Number(r['importers'] ?? 0), inTaxReturns: Number(r['in_tax'] ?? 0), inRegister: Number(r['in_register'] ?? 0) };
}

/** Top reject reasons shown per file. */
const REJECT_REASONS_PER_FILE = 5;

/** Reads everything the report shows; a run folder without a score manifest is a {@link ConfigError} saying to score first. */
export async function readReportData(options: ReportDataOptions): Promise<ReportData> {
  const { runDir, period } = options;
  const manifestPath = join(runDir, MANIFEST_FILE);
  const manifest = await readScoreManifest(runDir);
  if (manifest === null) {
    throw new ConfigError(
      existsSync(manifestPath)
        ? `${manifestPath}: not a score manifest (expected "result": { "command": "score", ... }): run ccrg score --period ${period} first`
        : `${manifestPath} does not exist: run ccrg score --period ${period} first (the report shows a scored run)`,
    );
  }
  const result = manifest.result;
  if (result.period !== period) throw new ConfigError(`${manifestPath}: the run is of period ${result.period}, not ${period}`);
  const asOf = result.as_of;
  const inputs = result.inputs.map((i) => ({
    extract: String(i.extract),
    sourcePath: String(i.source_path),
    recordsRead: Number(i.records_read),
    accepted: Number(i.accepted),
    rejected: Number(i.rejected),
  }));
  const rejectsPath = join(runDir, 'rejects.csv');
  const rejectReasons =
    options.db !== null
      ? await storeRejectReasons(options.db, REJECT_REASONS_PER_FILE)
      : existsSync(rejectsPath)
        ? await fileRejectReasons(rejectsPath, REJECT_REASONS_PER_FILE)
        : null;
  const ranked = await readRanked(join(runDir, RANKED_FILE));
  const parent = options.parentDir ?? dirname(runDir);
  const before = previousPeriod(period);
  const previous = await previousRanking(parent, before, options.computePrevious);
  const evaluationPath = join(runDir, 'evaluation.json');
  const planPath = join(runDir, PLAN_SUMMARY_FILE);
  const model = result.model;
  const profile = result.risk_profile;
  return {
    period,
    asOf,
    scoreSource: result.parameters.score_source,
    rankingDecision: result.ranking_decision ?? null,
    riskProfile: { name: String(profile['name']), version: String(profile['version']) },
    inputs,
    rejectReasons,
    coverage: options.db === null ? null : await joinCoverage(options.db, period, asOf),
    ranked,
    indicators: await readIndicatorUse(join(runDir, REASONS_FILE)),
    disabledIndicators: result.disabled_indicators.map((d) => ({ id: d.id, warning: d.warning })),
    evaluation: existsSync(evaluationPath) ? ((await readJsonFile(evaluationPath)) as EvaluationReport) : null,
    changes: typeof previous === 'string' ? null : periodChanges(ranked, (await firedIndicators(join(runDir, REASONS_FILE))) ?? new Map(), previous.ranking, before, options.top, previous.source),
    changesUnavailable: typeof previous === 'string' ? previous : null,
    ...(await profileDriftOf(result.drift === null, period, asOf, options)),
    plan: existsSync(planPath) ? await readPlanSummary(planPath) : null,
    backtest: await readBacktest(runDir),
    model: model === null ? null : await readModelSummary(model),
    drift: result.drift,
    referrals: options.db === null ? null : await referralFollowUp(options.db, runDir, parent, period, asOf, options.referralAnswerDays ?? REPORT_DEFAULTS.referralAnswerDays),
  };
}
