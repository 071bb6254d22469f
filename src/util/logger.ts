import { createProgress, type Progress, type ProgressStream, type TerminalProgress } from './progress.js';

/** Where progress and log lines go: stderr by default, never stdout (results go there). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** Starts a progress display of `total` units (src/util/progress.ts); absent = none shown. */
  progress?(label: string, total: number, unit: string): Progress;
}

/**
 * Writes to `stream` (stderr by default); `quiet` keeps only warnings and
 * shows no progress. While a progress bar is drawn on a terminal, a log line
 * erases it, prints, and draws it again below.
 */
export function stderrLogger(quiet = false, stream: ProgressStream = process.stderr, now?: () => number): Logger {
  let active: TerminalProgress | null = null;
  const line = (text: string): void => {
    active?.clear();
    stream.write(`${text}\n`);
    active?.redraw();
  };
  const logger: Logger = {
    info: (message) => {
      if (!quiet) line(message);
    },
    warn: (message) => line(`warning: ${message}`),
  };
  if (!quiet) {
    logger.progress = (label, total, unit) => {
      const bar = createProgress(label, total, unit, { stream, ...(now === undefined ? {} : { now }) });
      active = bar;
      return {
        tick: (n, detail) => bar.tick(n, detail),
        done: () => {
          bar.done();
          if (active === bar) active = null;
        },
      };
    };
  }
  return logger;
}

/** Collects lines in memory (tests). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(message),
    warn: (message) => lines.push(`warning: ${message}`),
  };
}
