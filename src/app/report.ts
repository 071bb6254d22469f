/** `ccrg report`: the batch report of a scored period, report.html in its run folder. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BATCH_DEFAULTS, REPORT_DEFAULTS, STORE_DEFAULT } from '../config/defaults.js';
import { writeFileAtomic } from '../io/csv-write.js';
import type { Db } from '../io/db.js';
import { runLikeComputations } from './previous-period.js';
import { openStoreReadOnly } from './store.js';
import { renderBatchReport, REPORT_FILE, type BatchReportOptions } from '../report/batch-report.js';
import type { Lang } from '../rules/profile.js';
import type { Clock } from '../util/clock.js';
import { UsageError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { periodOption } from '../util/period.js';

/** The options of `ccrg report`, as the user gives them. */
export interface ReportOptions {
  period?: string;
  out?: string;
  store?: string;
  lang?: string;
  top?: number;
  /** Days after which an unanswered referral to the tax authority is listed (`--referral-days`). */
  'referral-days'?: number;
  /** The risk profile that scored the run, to score the previous period with when its run is missing (default profiles/default.yaml). */
  'risk-profile'?: string;
  /** Months pooled as the reference of the risk profile's drift watch (`--drift-months`, 0: off). */
  'drift-months'?: number;
}

/**
 * The drift watch's months (`--drift-months`) of `ccrg report`, and of score
 * and plan with `--report` (the flag means nothing without it).
 */
export function driftMonthsOption(value: number | undefined, report: boolean): number {
  if (value === undefined) return REPORT_DEFAULTS.driftMonths;
  if (!report) throw new UsageError('--drift-months sets the batch report\'s drift watch: give --report with it');
  if (!Number.isInteger(value) || value < 0) throw new UsageError(`--drift-months must be a whole number >= 0, got ${String(value)}`);
  return value;
}

/**
 * Writes report.html into a run folder that `score --report` or `plan --report` is writing: the previous
 * period and the drift watch scored from the store the run was scored from, as the run was.
 */
export async function writeRunReport(
  db: Db,
  dir: string,
  run: { period: string; lang: Lang; parentDir: string; riskProfilePath: string | null; driftMonths: number | undefined },
  clock: Clock,
  logger: Logger,
): Promise<void> {
  const { computePrevious, computeProfileValues } = runLikeComputations(db, dir, run.riskProfilePath, logger);
  const report = await renderBatchReport({
    outDir: dir,
    period: run.period,
    lang: run.lang,
    db,
    parentDir: run.parentDir,
    clock,
    computePrevious,
    computeProfileValues,
    ...(run.driftMonths === undefined ? {} : { driftMonths: run.driftMonths }),
  });
  await writeFile(join(dir, REPORT_FILE), report.html);
}

/** What a written report is. */
export interface WrittenReport {
  path: string;
  /** Charts in the page (SVG figures). */
  charts: number;
  lang: Lang;
}

/** Renders the batch report of a run folder and writes it there as report.html (replacing it whole). */
export async function writeBatchReport(options: BatchReportOptions): Promise<WrittenReport> {
  const report = await renderBatchReport(options);
  const path = join(options.outDir, REPORT_FILE);
  await writeFileAtomic(path, report.html);
  return { path, charts: report.charts, lang: report.lang };
}

/** `ccrg report`: checks the options, reads the store when there is one, writes report.html; returns the line to print. */
export async function report(options: ReportOptions, clock: Clock, logger: Logger): Promise<string> {
  const period = periodOption('--period', options.period);
  const top = options.top ?? REPORT_DEFAULTS.top;
  if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be a whole number >= 1, got ${String(options.top)}`);
  const referralAnswerDays = options['referral-days'] ?? REPORT_DEFAULTS.referralAnswerDays;
  if (!Number.isInteger(referralAnswerDays) || referralAnswerDays < 0) {
    throw new UsageError(`--referral-days must be a whole number of days >= 0, got ${String(options['referral-days'])}`);
  }
  const driftMonths = driftMonthsOption(options['drift-months'], true);
  const lang = options.lang;
  if (lang !== undefined && lang !== 'en' && lang !== 'ru') throw new UsageError(`--lang must be en or ru, got "${lang}"`);
  if (options.store !== undefined && !existsSync(options.store)) throw new UsageError(`The store ${options.store} does not exist`);
  const store = options.store ?? (existsSync(STORE_DEFAULT) ? STORE_DEFAULT : null);
  if (store === null) logger.warn(`no store ${STORE_DEFAULT}: the report shows the manifest's counts without reject reasons and join coverage (give --store)`);
  const outDir = options.out ?? join(BATCH_DEFAULTS.outRoot, period);
  const db: Db | null = store === null ? null : await openStoreReadOnly(store);
  try {
    const like = db === null ? null : runLikeComputations(db, outDir, options['risk-profile'] ?? null, logger);
    const written = await writeBatchReport({
      outDir,
      period,
      db,
      top,
      referralAnswerDays,
      clock,
      ...(lang === undefined ? {} : { lang }),
      ...(like ?? {}),
      driftMonths,
    });
    return `wrote ${written.path} (${written.charts} charts, ${written.lang})`;
  } finally {
    db?.close();
  }
}
