/** backtest.json of `ccrg backtest` (docs/outputs.md#backtestjson), read back by the report. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isJsonObject, readJsonFile } from '../io/json-read.js';
import { ConfigError } from '../util/errors.js';
import type { IndicatorFeedback, Interval } from '../models/evaluation/backtest-stats.js';

export type { IndicatorFeedback, Interval };

/** The file `backtest` writes into the run folder. */
export const BACKTEST_FILE = 'backtest.json';

/** The four figures at the capacity, on the recorded inspections. */
export interface OutcomeFigures {
  /** Violations among the inspected participants in the top (selection-biased: the inspections were mostly picked by earlier rules). */
  precisionRaw: Interval;
  /** The same weighted by 1/inclusion probability (Hajek). */
  precisionWeighted: Interval;
  /** Charges of the inspected participants in the top, as a share of all recorded charges of the window (selection-biased). */
  chargesShareRaw: Interval;
  /** The same as a ratio of Horvitz-Thompson totals (weights 1/inclusion probability). */
  chargesShareWeighted: Interval;
}

/** One month of one profile. */
export interface BacktestMonth {
  period: string;
  participants: number;
  /** Inspections recorded for the month (as-of month = the month before each started). */
  inspected: number;
  inspectedInTop: number;
  violationsInTop: number;
  chargesInTopRub: number;
  /** With a truth file: share of the top with a planted scheme, and share of the planted charges there. */
  truth?: { precision: number; chargesShare: number };
}

/** One profile's backtest. */
export interface ProfileBacktest {
  profile: { name: string; version: string; sha256: string; source: string };
  months: BacktestMonth[];
  /** Pooled over the months. */
  outcomes: OutcomeFigures;
  /** With a truth file: the means over the months. */
  truth?: { precision: number; chargesShare: number };
  indicators: IndicatorFeedback[];
}

/** The whole backtest: backtest.json. */
export interface BacktestReport {
  window: { from: string; to: string };
  capacity: number;
  resamples: number;
  seed: number;
  knownBy: string | null;
  /** Inspections of the window, and how many carry an inclusion probability. */
  inspections: number;
  withPropensity: number;
  profiles: ProfileBacktest[];
  /** Each later profile minus the first, on the same resamples. */
  differences: { profile: string; against: string; figures: OutcomeFigures }[];
  truthFile: string | null;
  bias: Record<string, string>;
}

/** What each kind of figure estimates (backtest.json's `bias`). */
export const BACKTEST_BIAS = {
  raw: 'selection-biased: the recorded inspections were mostly picked by earlier rules, so a profile that resembles them looks better than it is',
  weighted:
    'nearly unbiased for the population when the recorded propensities are the true inclusion probabilities: each inspection weighs 1/propensity (Hajek ratios, Horvitz-Thompson totals); noisy when a few random picks carry large weights',
  truth: 'no selection: the whole population against the generator truth (generated data only)',
} as const;

/**
 * The run folder's backtest.json, null when there is none. A file that is
 * not a backtest's (edited, truncated) is refused naming it.
 */
export async function readBacktest(dir: string): Promise<BacktestReport | null> {
  const path = join(dir, BACKTEST_FILE);
  if (!existsSync(path)) return null;
  const json = await readJsonFile(path);
  if (!isJsonObject(json) || !Array.isArray(json['profiles']) || !isJsonObject(json['window']) || typeof json['capacity'] !== 'number') {
    throw new ConfigError(`${path}: not the backtest.json of ccrg backtest (window, capacity and profiles expected)`);
  }
  return json as unknown as BacktestReport;
}
