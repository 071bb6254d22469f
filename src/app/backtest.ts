/** `ccrg backtest`: risk profiles tried on the past months of the store, written to backtest.json in the run folder. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BACKTEST_DEFAULTS, BATCH_DEFAULTS, PLAN_DEFAULTS, SCORE_DEFAULTS, TRAIN_DEFAULTS } from '../config/defaults.js';
import { writeFileAtomic } from '../io/csv-write.js';
import { readTruth } from '../models/evaluation/truth.js';
import { BACKTEST_FILE } from '../run-folder/backtest.js';
import { backtestProfiles, formatBacktest } from '../score/backtest.js';
import { loadCheckedProfile } from '../score/score-period.js';
import type { Clock } from '../util/clock.js';
import { UsageError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { isCalendarDate } from '../util/period.js';
import { engineOf, sourceOf, withSource, type SourceOptions } from './store.js';
import { windowOf } from './window.js';

/** The options of `ccrg backtest`, as the user gives them. */
export interface BacktestOptions extends SourceOptions {
  'risk-profile'?: string | string[];
  from?: string;
  to?: string;
  capacity?: number;
  truth?: string;
  'known-by'?: string;
  resamples?: number;
  out?: string;
}

/** Scores each month of the window with each profile, compares them on the recorded inspections; writes backtest.json; returns the text. */
export async function backtest(options: BacktestOptions, clock: Clock, logger: Logger): Promise<string> {
  const { from, to } = windowOf(options);
  const paths = options['risk-profile'] === undefined ? [] : [options['risk-profile']].flat();
  const capacity = options.capacity ?? PLAN_DEFAULTS.capacity;
  if (!Number.isInteger(capacity) || capacity < 1) throw new UsageError(`--capacity must be a whole number >= 1, got ${String(capacity)}`);
  const resamples = options.resamples ?? BACKTEST_DEFAULTS.resamples;
  if (!Number.isInteger(resamples) || resamples < 0) throw new UsageError(`--resamples must be a whole number >= 0, got ${String(resamples)}`);
  const knownBy = options['known-by'];
  if (knownBy !== undefined && !isCalendarDate(knownBy)) throw new UsageError(`--known-by must be a date YYYY-MM-DD, got "${knownBy}"`);
  const profiles = paths.length === 0 ? [await loadCheckedProfile(null)] : await Promise.all(paths.map((p) => loadCheckedProfile(p)));
  const truthPath = options.truth ?? null;
  if (truthPath !== null && !existsSync(truthPath)) throw new UsageError(`The truth file ${truthPath} does not exist`);
  const truth = truthPath === null ? null : { rows: await readTruth(truthPath), file: truthPath };
  const out = join(options.out ?? join(BATCH_DEFAULTS.outRoot, to), BACKTEST_FILE);
  const source = await sourceOf(options);
  return withSource(source, engineOf(options), clock, logger, async ({ db }) => {
    const report = await backtestProfiles(
      db,
      profiles,
      { from, to, capacity, features: SCORE_DEFAULTS, resamples, seed: TRAIN_DEFAULTS.seed, ...(knownBy === undefined ? {} : { knownBy }) },
      truth,
      logger,
    );
    await writeFileAtomic(out, `${JSON.stringify(report, null, 2)}\n`);
    return `${formatBacktest(report)}\n\nwrote ${out}`;
  });
}
