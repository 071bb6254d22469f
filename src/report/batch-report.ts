/**
 * The batch report: `report.html` in the run layout, made from what the
 * period's commands wrote there (docs/outputs.md, "report.html").
 */

import { REPORT_DEFAULTS } from '../config/defaults.js';
import type { Db } from '../io/db.js';
import { readScoreManifest } from '../run-folder/manifest.js';
import type { Lang } from '../rules/profile.js';
import type { Clock } from '../util/clock.js';
import { readReportData, type ComputePrevious, type ComputeProfileValues } from './report-data.js';
import { renderReportHtml } from './report-html.js';

/** Name of the report file in the run folder. */
export const REPORT_FILE = 'report.html';

/** Options of {@link renderBatchReport}. */
export interface BatchReportOptions {
  /** The run folder: holds manifest.json, ranked.csv and reasons.csv of `ccrg score`, and whatever else the period's commands wrote. */
  outDir: string;
  /** The run's period, YYYY-MM. */
  period: string;
  /** Language of the report; default: the language the run was scored in (manifest `parameters.lang`), else English. */
  lang?: Lang;
  /** The store the run was scored from, open: adds reject reasons and join coverage. Null or absent: the manifest's counts only. */
  db?: Db | null;
  /** The folder holding the periods' run folders (for the previous period's run); default: the parent of `outDir`. */
  parentDir?: string;
  /** Participants listed and compared with the previous period; default {@link REPORT_DEFAULTS.top}. */
  top?: number;
  /** Days after which an unanswered referral is listed; default {@link REPORT_DEFAULTS.referralAnswerDays}. */
  referralAnswerDays?: number;
  /** Gives the instant on the report's generated-at line. */
  clock: Clock;
  /** Scores the previous period when its run folder is missing (src/app supplies it). */
  computePrevious?: ComputePrevious;
  /** Computes the profile's features for the drift watch (src/app supplies it). */
  computeProfileValues?: ComputeProfileValues;
  /** Months pooled as the drift watch's reference; 0 turns it off. */
  driftMonths?: number;
}

/** The rendered report. */
export interface BatchReport {
  html: string;
  /** Charts in the page (SVG figures). */
  charts: number;
  lang: Lang;
}

/**
 * Renders `report.html` of a run folder: inputs,
 * score distribution, top of the list, indicators, the evaluation and the
 * plan when present, changes against the previous period, the model and its
 * drift watch. Needs the folder's manifest.json, ranked.csv and reasons.csv
 * (a {@link ConfigError} says to run `ccrg score` first when they are absent).
 * `ccrg score --report`, `ccrg report` and `ccrg plan --report` write it (src/app).
 */
export async function renderBatchReport(options: BatchReportOptions): Promise<BatchReport> {
  const top = options.top ?? REPORT_DEFAULTS.top;
  const data = await readReportData({
    runDir: options.outDir,
    period: options.period,
    top,
    db: options.db ?? null,
    ...(options.parentDir === undefined ? {} : { parentDir: options.parentDir }),
    ...(options.referralAnswerDays === undefined ? {} : { referralAnswerDays: options.referralAnswerDays }),
    ...(options.computePrevious === undefined ? {} : { computePrevious: options.computePrevious }),
    ...(options.computeProfileValues === undefined ? {} : { computeProfileValues: options.computeProfileValues }),
    ...(options.driftMonths === undefined ? {} : { driftMonths: options.driftMonths }),
  });
  const lang = options.lang ?? (await scoredLang(options.outDir));
  const { html, charts } = await renderReportHtml(data, { lang, top, generatedAt: options.clock.now() });
  return { html, charts, lang };
}

async function scoredLang(outDir: string): Promise<Lang> {
  return (await readScoreManifest(outDir))?.result.parameters.lang ?? 'en';
}
