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

/** `ccrg generate` (docs/generator.md). */
export const GENERATE_DEFAULTS = {
  /** Number of participants in the register. */
  participants: 2000,
  /** Number of months generated, ending with `end`. */
  months: 24,
  /** Last month generated, YYYY-MM; fixed so outputs never depend on the wall clock. */
  end: '2026-06',
  seed: 42,
  /** Mean declaration items per participant and month. */
  itemsPerMonth: 6,
  /** Share of each extract's rows followed by a planted bad row. */
  dirtyRate: 0.02,
  gzip: false,
  monthly: false,
} as const;
