/**
 * Errors that end a command, each with its exit code (docs/cli.md).
 * Bad rows are not errors: they are reported as rejects.
 */

/** Exit codes of the `ccrg` command. */
const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  rejectShare: 3,
} as const;

/** A flag or argument is wrong: exit 2. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A whole input file cannot be used (missing, unreadable, wrong delimiter,
 * required column absent, undecodable bytes): exit 1, nothing written.
 */
export class InputFileError extends Error {
  readonly exitCode = EXIT.failure;
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(`${file}: ${message}`, options);
    this.name = 'InputFileError';
    this.file = file;
  }
}

/** A configuration file (mapping, risk profile) is wrong: exit 1. */
export class ConfigError extends Error {
  readonly exitCode = EXIT.failure;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** The share of rejected records is above `--max-reject-share`: exit 3 (after the report is written). */
export class RejectShareError extends Error {
  readonly exitCode = EXIT.rejectShare;
  constructor(message: string) {
    super(message);
    this.name = 'RejectShareError';
  }
}

/** The exit code an error should end the process with. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof InputFileError || error instanceof ConfigError || error instanceof RejectShareError) {
    return error.exitCode;
  }
  return EXIT.failure;
}
