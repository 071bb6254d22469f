import type { ExtractId } from '../contract/extracts.js';

/** Units a feature can be in (docs/features.md). */
/** `se`: a difference in standard errors (a test statistic); `points`: risk-profile score points. */
export type FeatureUnit = 'RUB' | 'ratio' | 'share' | 'log' | 'count' | 'years' | 'months' | 'flag' | 'rate' | 'percent' | 'se' | 'points';

/** One feature of a participant as of a date. */
export interface FeatureDef {
  /** Column name in the features table, snake_case, also used by risk profiles. */
  readonly id: string;
  readonly family: string;
  readonly unit: FeatureUnit;
  /** Decimals the value is rounded to before ranking (determinism). */
  readonly decimals: number;
  readonly title: string;
  /** The formula in words. */
  readonly formula: string;
  readonly rationale: string;
  /** Planted schemes (docs/generator.md) it is meant to catch; empty for context features. */
  readonly catches: readonly string[];
  /** Contract columns it is computed from, as `extract.column`. */
  readonly sources?: readonly string[];
  /** Extracts it needs beyond its family's `needs`; when one is empty as of the date, it is NULL. */
  readonly needs?: readonly ExtractId[];
}

/** Parameters of feature computation, defaults in src/config/defaults.ts (SCORE_DEFAULTS). */
export interface FeatureParams {
  /** As-of date: the last day of the scored month, YYYY-MM-DD. */
  asOf: string;
  /** Customs procedures whose payments count (default ['40']). */
  paymentProcedures: readonly string[];
  /** Days after a VAT return's due date (25th of the month after the quarter) before it counts as missing. */
  returnGraceDays: number;
  /** Quarters of the cumulative VAT-deduction comparison (default 12). */
  vatQuarters: number;
  /** Months of the participant's customs activity window (default 12). */
  windowMonths: number;
  /** Peer window for unit values, months (default 3). */
  peerWindowMonths: number;
  /** Peer group minimums before falling back to a coarser group (default 20 items, 5 other importers). */
  peerMinItems: number;
  peerMinImporters: number;
  /** Post-release control limit in years (3) and the lead time in months (default 6). */
  controlYears: number;
  leadMonths: number;
  /** Code prefixes of the goods subject to traceability (profiles/traceable-goods.yaml): their imported items must show movements. */
  traceableCodes: readonly string[];
}

/** What the store says about the as-of date, read once for every family's `prepare`. */
export interface PrepareContext {
  /**
   * Release months (YYYY-MM-01) whose per-month aggregates are the store as
   * of the date (src/store/month-aggregates.ts); the other months are read
   * from the items.
   */
  cleanMonths: ReadonlySet<string>;
  /**
   * Document months (YYYY-MM-01) whose movements' aggregates are the store
   * as of the date, each wholly inside the activity window or before it
   * (src/store/movement-months.ts); the as-of movements
   * (AS_OF_TABLES.traceability) hold the other months' only.
   */
  movementMonths: ReadonlySet<string>;
}

/** A family of features computed by one SQL query. */
export interface FeatureFamily {
  readonly id: string;
  readonly description: string;
  /** Extracts the family reads; when one is empty in the store its features are unavailable (NULL). */
  readonly needs: readonly ExtractId[];
  readonly features: readonly FeatureDef[];
  /**
   * SQL `SELECT inn, <feature ids...> FROM ...` over the as-of tables
   * (see as-of tables in src/features/as-of-tables.ts), one row per inn at most.
   */
  sql(params: FeatureParams): string;
  /**
   * Statements run just before the family's \`sql\` (after the item table), creating the
   * TEMP tables it reads, when one intermediate result feeds several of its
   * features: a table is computed once, a CTE referenced twice may not be.
   */
  prepare?(params: FeatureParams, context: PrepareContext): string[];
  /** TEMP tables \`prepare\` creates, dropped once the family's \`sql\` has run. */
  readonly preparedTables?: readonly string[];
  /** TEMP tables \`prepare\` creates that outlive the family, until the features' workspace is dropped (what the batch's evidence reads). */
  readonly keptTables?: readonly string[];
  /** Reads the as-of movements (AS_OF_TABLES.traceability), which exist only from the first such family to the last. */
  readonly readsMovements?: boolean;
}
