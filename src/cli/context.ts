import { fixedClock, systemClock, type Clock } from '../util/clock.js';
import { stderrLogger, type Logger } from '../util/logger.js';
import { UsageError } from '../util/errors.js';

/** Options every command accepts. */
export interface GlobalArgs {
  today?: string;
  quiet?: boolean;
}

/** What a command handler gets besides its own flags. */
export interface CliContext {
  clock: Clock;
  logger: Logger;
  /** Where results meant for the terminal go (summaries); files are written by src/app. */
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
