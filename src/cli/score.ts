import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { BATCH_DEFAULTS, SCORE_DEFAULTS } from '../config/defaults.js';
import { openDuckDb } from '../io/db.js';
import { artifactFile } from '../models/artifact.js';
import { asOfFromPeriod } from '../util/period.js';
import { declarationMonths, RANK_BY, runScore, type RankBy, type ScoreConfig } from '../score/run-score.js';
import { UsageError } from '../util/errors.js';
import { contextFromArgs, duckDbOptionsFromArgs, type GlobalArgs } from './context.js';
import { inputsFromArgs, withFileOptions, type FileArgs } from './store-args.js';

/** Flags shared by `score` and `explain`. */
export interface ScoreArgs extends GlobalArgs, FileArgs {
  period?: string;
  store?: string;
  'risk-profile'?: string;
  lang?: string;
  top?: number;
  out?: string;
  threads?: number;
  'memory-limit'?: string;
  'return-grace-days'?: number;
  'lead-months'?: number;
  'payment-procedures'?: string[];
  model?: string;
  'rank-by'?: string;
  report?: boolean;
}

/** Adds the flags shared by `score` and `explain`. */
export function withScoreOptions(yargs: Argv<GlobalArgs>): Argv<ScoreArgs> {
  return withFileOptions(yargs)
    .option('period', { type: 'string', describe: 'Month scored, YYYY-MM: as of its last day; `latest`: the last month with releases in the store', demandOption: true })
    .option('store', { type: 'string', describe: `DuckDB store to read [default: ${BATCH_DEFAULTS.store}, unless input files are given]` })
    .option('model', { type: 'string', describe: 'A trained risk model (models/NAME/model.json, or its folder): rank by its expected charges [default: rank by the risk profile]' })
    .option('rank-by', { type: 'string', choices: [...RANK_BY], describe: 'What the list is ranked by: auto (the model when --model is given, else the risk profile), rules, or model [default: auto]' })
    .option('risk-profile', { type: 'string', describe: 'Risk profile YAML (docs/risk-profile.md) [default: the shipped profiles/default.yaml]' })
    .option('lang', { type: 'string', choices: ['en', 'ru'], describe: `Language of reasons [default: ${BATCH_DEFAULTS.lang}]` })
    .option('top', { type: 'number', describe: `Participants whose evidence items are written [default: ${BATCH_DEFAULTS.top}]` })
    .option('out', { type: 'string', describe: `Run folder [default: ${BATCH_DEFAULTS.outRoot}/<period>]` })
    .option('return-grace-days', { type: 'number', describe: `Days after a VAT return's due date before it counts as missing [default: ${SCORE_DEFAULTS.returnGraceDays}]` })
    .option('lead-months', { type: 'number', describe: `Months before the 3-year control limit after which an item no longer counts [default: ${SCORE_DEFAULTS.leadMonths}]` })
    .option('payment-procedures', { type: 'string', array: true, describe: `Customs procedures whose payments count [default: ${SCORE_DEFAULTS.paymentProcedures.join(' ')}]` })
    .option('threads', { type: 'number', describe: 'DuckDB worker threads [default: all cores]' })
    .option('memory-limit', { type: 'string', describe: `DuckDB memory limit, e.g. 4GB [default: ${BATCH_DEFAULTS.memoryLimit}]` }) as Argv<ScoreArgs>;
}

function wholeNumber(flag: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${flag} must be a whole number >= ${min}, got ${String(value)}`);
  return value;
}

/** Checks the flags and builds the score configuration. */
export async function scoreConfigFromArgs(args: ScoreArgs): Promise<ScoreConfig> {
  let period = args.period ?? '';
  if (period === 'latest') period = await latestPeriodOf(args.store ?? BATCH_DEFAULTS.store);
  let asOf: string;
  try {
    asOf = asOfFromPeriod(period);
  } catch {
    throw new UsageError(`--period must be a month YYYY-MM, got "${period}"`);
  }
  const inputs = await inputsFromArgs(args);
  if (inputs.length > 0 && args.store !== undefined) throw new UsageError('Give either --store or input files, not both');
  let source: ScoreConfig['source'];
  if (inputs.length > 0) {
    if (!inputs.some((i) => i.extract === 'declarations')) throw new UsageError('Scoring from files needs at least --declarations');
    source = { inputs, mappingPath: args.mapping ?? null };
  } else {
    const store = args.store ?? BATCH_DEFAULTS.store;
    if (store !== ':memory:' && !existsSync(store)) throw new UsageError(`The store ${store} does not exist: run ccrg ingest first, or give input files`);
    source = { store };
  }
  const lang = (args.lang ?? BATCH_DEFAULTS.lang) as 'en' | 'ru';
  return {
    period,
    source,
    riskProfilePath: args['risk-profile'] ?? null,
    modelPath: args.model === undefined ? null : artifactFile(args.model),
    rankBy: (args['rank-by'] ?? 'auto') as RankBy,
    lang,
    top: wholeNumber('top', args.top, BATCH_DEFAULTS.top, 0),
    evidenceItems: BATCH_DEFAULTS.evidenceItems,
    outDir: args.out ?? join(BATCH_DEFAULTS.outRoot, period),
    features: {
      ...SCORE_DEFAULTS,
      asOf,
      returnGraceDays: wholeNumber('return-grace-days', args['return-grace-days'], SCORE_DEFAULTS.returnGraceDays, 0),
      leadMonths: wholeNumber('lead-months', args['lead-months'], SCORE_DEFAULTS.leadMonths, 0),
      paymentProcedures: args['payment-procedures'] ?? SCORE_DEFAULTS.paymentProcedures,
    },
    duckdb: { memoryLimit: BATCH_DEFAULTS.memoryLimit, ...duckDbOptionsFromArgs(args) },
    report: args.report === true,
  };
}

/** The month of the latest release in a store, YYYY-MM. */
async function latestPeriodOf(store: string): Promise<string> {
  if (!existsSync(store)) throw new UsageError(`--period latest needs a store; ${store} does not exist: run ccrg ingest first`);
  const db = await openDuckDb(store, { readOnly: true });
  try {
    const months = await declarationMonths(db);
    if (months === null) throw new UsageError(`--period latest: the store ${store} has no declarations`);
    return months.last;
  } finally {
    db.close();
  }
}

/** `ccrg score`: the monthly batch: features as of the period, rules, ranked list. */
export const scoreCommand: CommandModule<GlobalArgs, ScoreArgs> = {
  command: 'score',
  describe: 'Score every participant as of a month and write the ranked, explained list (docs/outputs.md)',
  builder: (yargs) => withScoreOptions(yargs).option('report', { type: 'boolean', describe: 'Also write report.html, the batch report with charts, into the run folder (docs/outputs.md)' }) as Argv<ScoreArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    const config = await scoreConfigFromArgs(args);
    const result = await runScore(config, ctx.clock, ctx.logger);
    const top = result.ranked.slice(0, 10);
    const byModel = result.ranked[0]?.scoreSource === 'model';
    const lines = [
      `${result.ranked.length} participants scored as of ${config.features.asOf} with risk profile ${result.profile.name} ${result.profile.version}` +
        `${config.modelPath === null || config.modelPath === undefined ? '' : ` and model ${config.modelPath}`}; ranked by ${byModel ? 'the model (expected charges, RUB)' : 'the risk profile'}; outputs in ${config.outDir}`,
      '',
    ];
    for (const p of top) {
      const score = byModel ? (p.model?.expectedChargesRub ?? p.model?.probability ?? 0) : p.evaluation.score;
      const reason = byModel ? p.modelReasons?.[0]?.reason : p.evaluation.fired[0]?.reason;
      lines.push(`${String(p.rank).padStart(4)}  ${p.inn.padEnd(12)}  ${score.toFixed(2).padStart(14)}  ${reason ?? ''}`);
    }
    ctx.stdout(lines.join('\n'));
  },
};
