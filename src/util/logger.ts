/** Where progress and log lines go: stderr by default, never stdout (results go there). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** Writes to stderr; `quiet` keeps only warnings. */
export function stderrLogger(quiet = false): Logger {
  return {
    info: (message) => {
      if (!quiet) process.stderr.write(`${message}\n`);
    },
    warn: (message) => {
      process.stderr.write(`warning: ${message}\n`);
    },
  };
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
