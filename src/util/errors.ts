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
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
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

/** File-system errors caused by a path the user gave (a folder for a file, a name too long, ...): exit 2. */
const PATH_ERRORS: Readonly<Record<string, string>> = {
  EISDIR: 'is a folder; name a file',
  ENOTDIR: 'cannot be used: a part of it is a file, not a folder',
  ENAMETOOLONG: 'is too long a name for the file system; choose a shorter one',
  ENOENT: 'does not exist',
  EACCES: 'cannot be used: permission denied',
  EPERM: 'cannot be used: operation not permitted',
  EROFS: 'is on a read-only file system; choose another place',
};

/** A Node file-system error (it carries `code` and the `path` it failed on). */
function fileSystemError(error: unknown): { code: string; path: string | null } | null {
  if (!(error instanceof Error)) return null;
  const { code, path } = error as Error & { code?: unknown; path?: unknown };
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? { code, path: typeof path === 'string' ? path : null } : null;
}

/** Whether the error is a path that cannot name a file at all (a folder, a file as a folder, a name too long): a usage error. */
export function isBadPath(error: unknown): boolean {
  const code = fileSystemError(error)?.code;
  return code === 'EISDIR' || code === 'ENOTDIR' || code === 'ENAMETOOLONG';
}

/** Plain words for a file-system error on a path the user gave, or null for any other error. */
export function pathErrorText(error: unknown, path?: string): string | null {
  const fs = fileSystemError(error);
  const where = fs?.path ?? path ?? null;
  if (fs === null || where === null) return null;
  const words = PATH_ERRORS[fs.code];
  if (words !== undefined) return `${where} ${words} (${fs.code})`;
  if (fs.code === 'ENOSPC') return `no space left on the device while writing ${where} (ENOSPC): free some space or write elsewhere`;
  return null;
}

/** The exit code an error should end the process with. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof InputFileError || error instanceof ConfigError || error instanceof RejectShareError) {
    return error.exitCode;
  }
  const fs = fileSystemError(error);
  if (fs !== null && fs.path !== null && PATH_ERRORS[fs.code] !== undefined) return EXIT.usage;
  return EXIT.failure;
}
