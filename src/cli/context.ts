import { fixedClock, systemClock, type Clock } from '../util/clock.js';
import { stderrLogger, type Logger } from '../util/logger.js';
import { UsageError } from '../util/errors.js';
import type { DuckDbOptions } from '../io/db.js';

/** Options every command accepts. */
export interface GlobalArgs {
  today?: string;
  quiet?: boolean;
}

/** What a command handler gets besides its own flags. */
export interface CliContext {
  clock: Clock;
  logger: Logger;
  /** Where results meant for the terminal go (summaries); files are written by the pipeline. */
  stdout: (text: string) => void;
}

/** Builds the context from the global flags. */
export function contextFromArgs(args: GlobalArgs): CliContext {
  let clock = systemClock;
  if (args.today !== undefined) {
    try {
      clock = fixedClock(args.today);
    } catch {
      throw new UsageError(`--today must be a date YYYY-MM-DD, got "${args.today}"`);
    }
  }
  return {
    clock,
    logger: stderrLogger(args.quiet === true),
    stdout: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  };
}

/** DuckDB settings from `--threads` and `--memory-limit`. */
export function duckDbOptionsFromArgs(args: { threads?: number; 'memory-limit'?: string }): DuckDbOptions {
  const options: DuckDbOptions = {};
  const threads = args.threads;
  if (threads !== undefined) {
    if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`--threads must be a whole number >= 1, got ${String(threads)}`);
    options.threads = threads;
  }
  if (args['memory-limit'] !== undefined) options.memoryLimit = args['memory-limit'];
  return options;
}
