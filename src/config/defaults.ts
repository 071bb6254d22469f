/** Defaults of every command, in one place (the CLI states them, it does not decide them). */

/** `ccrg ingest` and `ccrg validate`. */
export const INGEST_DEFAULTS = {
  /** The DuckDB store file. */
  store: 'ccrg.duckdb',
  /** `validate` checks against no store unless one is named. */
  validateStore: ':memory:',
  /** The rejected rows of the last ingest or validation. */
  rejectsPath: 'out/rejects.csv',
} as const;
