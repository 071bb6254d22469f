/** Defaults of every command, in one place (the CLI states them, it does not decide them). */
import { defaultTraceableGoods } from './traceable-goods.js';

/** The DuckDB store every command writes (ingest) or reads when no input files are given: the one store default. */
export const STORE_DEFAULT = 'ccrg.duckdb';

/** `ccrg ingest` and `ccrg validate`. */
export const INGEST_DEFAULTS = {
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
  /** Share of the active importers inspected in a year (a tenth of them at random). */
  inspectionRate: 0.03,
  /** Share of each extract's rows followed by a planted bad row. */
  dirtyRate: 0.02,
  gzip: false,
  monthly: false,
  /** Goods subject to traceability: the shipped list, profiles/traceable-goods.yaml. */
  traceablePrefixes: defaultTraceableGoods().prefixes,
} as const;

/** Feature computation (src/features, docs/features.md): every FeatureParams default except `asOf`. */
export const SCORE_DEFAULTS = {
  /** Customs procedures whose payments count (40: release for domestic consumption). */
  paymentProcedures: ['40'] as readonly string[],
  /** Days after a VAT return's due date (25th of the month after the quarter) before it counts as missing. */
  returnGraceDays: 15,
  /** Due quarters of the cumulative import-VAT deduction comparison. */
  vatQuarters: 12,
  /** Months of the activity window (universe, customs-vs-tax quarters, item table). */
  windowMonths: 12,
  /** Months of a unit-value peer block. */
  peerWindowMonths: 3,
  /** A peer group needs this many items of other importers ... */
  peerMinItems: 20,
  /** ... from this many other importers before it is used. */
  peerMinImporters: 5,
  /** Post-release control limit in years ... */
  controlYears: 3,
  /** ... less this lead time in months: older items count in features but not in amounts at stake. */
  leadMonths: 6,
  /** Code prefixes of the goods subject to traceability: the shipped list, profiles/traceable-goods.yaml. */
  traceableCodes: defaultTraceableGoods().prefixes,
} as const;

/** `ccrg score` and `ccrg explain` (docs/cli.md, docs/outputs.md). */
export const BATCH_DEFAULTS = {
  /** Run layout root: every command of a period uses `<outRoot>/<period>/`. */
  outRoot: 'out',
  /** Language of reasons. */
  lang: 'en',
  /** Participants whose evidence items are written to evidence.csv. */
  top: 100,
  /** Evidence items per participant. */
  evidenceItems: 10,
  /**
   * DuckDB memory limit of score, explain and train. DuckDB's own default
   * (80% of RAM) lets the as-of tables of a large store grow to many GB;
   * with 2GB the 22M-item benchmark stays under 4 GB RSS at the same speed
   * (docs/performance.md).
   */
  memoryLimit: '2GB',
} as const;

/** `ccrg train` (docs/cli.md#train, docs/models.md). */
export const TRAIN_DEFAULTS = {
  /** Folder of the model folders (`ccrg models list`). */
  modelsRoot: 'models',
  /** Folder of the artifact (model.json) and its card (model-card.md). */
  out: 'models/participant',
  seed: 42,
  /** Share of the as-of months, at the end, held out for validation. */
  validationShare: 0.25,
  /** Share of the training months, at their end, for early stopping (and calibration with `--refit none`). */
  stoppingShare: 0.2,
  /**
   * `all-labels`: once the time split has chosen the tree count (and given the
   * validation figures), the shipped model is grown again on every label of
   * the window and calibrated on cross-fitted scores; `none` ships the model
   * grown on the fit part (docs/models.md, "Using every label").
   */
  refit: 'all-labels' as 'all-labels' | 'none',
  /** Folds of the cross-fitted calibration scores (grouped by declaration or participant). */
  crossFitFolds: 2,
  /** Shallow, slow, subsampled trees: inspections are few (hundreds to thousands). */
  classifier: { nTrees: 300, maxDepth: 3, learningRate: 0.05, minChildWeight: 2, rowSubsample: 0.8, colSubsample: 0.8, earlyStoppingRounds: 30 },
  amount: { nTrees: 100, maxDepth: 3, learningRate: 0.05, minChildWeight: 2 },
  /** `--level item`: labelled items are many more than inspections, so deeper trees. */
  item: {
    out: 'models/item',
    classifier: { nTrees: 400, maxDepth: 4, learningRate: 0.05, minChildWeight: 5, rowSubsample: 0.8, colSubsample: 0.8, earlyStoppingRounds: 30 },
    amount: { nTrees: 100, maxDepth: 3, learningRate: 0.05, minChildWeight: 5 },
  },
} as const;

/** `ccrg report` and `--report` on score and plan (docs/outputs.md, "report.html"). */
export const REPORT_DEFAULTS = {
  /** Participants listed in "Top of the list" and compared with the previous period's top. */
  top: 30,
  /** Days after which a referral to the tax authority without an answer is listed as overdue. */
  referralAnswerDays: 90,
  /** Months before the period pooled as the reference of the risk profile's drift watch (0: off). */
  driftMonths: 12,
} as const;

/** `ccrg backtest` and the report's indicator feedback (docs/cli.md#backtest). */
export const BACKTEST_DEFAULTS = {
  /** Bootstrap resamples of the intervals. */
  resamples: 1000,
} as const;

/** `ccrg plan` (docs/plan.md, docs/cli.md#plan). */
export const PLAN_DEFAULTS = {
  /** Inspections the plan may hold when neither `--capacity` nor desk/field capacities nor quotas are given. */
  capacity: 100,
  /** Share of each quota's capacity drawn at random from the eligible rest (split over quotas by largest remainder). */
  explore: 0.1,
  /** How exploration draws: `none` uniform without replacement (π = m/N); `uncertainty` systematic PPS on p(1 − p). */
  exploreWeighting: 'none' as 'none' | 'uncertainty',
  /** Floor of an uncertainty weight, so no eligible participant gets inclusion probability 0. */
  minUncertaintyWeight: 0.01,
  seed: 42,
  /**
   * Months back from the as-of date in which a completed inspection (or any
   * inspection still open at the as-of date) makes a participant ineligible;
   * 0 turns the rule off.
   */
  recentMonths: 12,
  /**
   * An authorised economic operator is eligible only with a ranking score
   * at or above this: the risk-profile score when ranked by rules, the
   * expected charges in RUB when ranked by a model.
   */
  aeoMinScore: { rules: 100, model: 5_000_000 },
  /** Items each dossier lists from items.csv when the run folder holds an item set (`score --level item`), riskiest first. */
  dossierItems: 10,
  /** Routing between customs and the tax authority (docs/plan.md#routing). */
  routing: {
    /** RUB at stake from which one authority's side is material. */
    materialRub: 100_000,
    /** Share of the total RUB at stake from which one side dominates. */
    dominanceShare: 0.8,
  },
  /** Recommended check type: `field` from this customs-side RUB at stake, `desk` below it. */
  fieldMinRub: 5_000_000,
} as const;
