import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { BATCH_DEFAULTS, REPORT_DEFAULTS } from '../config/defaults.js';
import { openDuckDb, type Db } from '../io/db.js';
import { writeBatchReport } from '../report/batch-report.js';
import { asOfFromPeriod } from '../util/period.js';
import { UsageError } from '../util/errors.js';
import { contextFromArgs, type GlobalArgs } from './context.js';

interface ReportArgs extends GlobalArgs {
  period?: string;
  out?: string;
  store?: string;
  lang?: string;
  top?: number;
}

/** `ccrg report`: the batch report of a scored period, report.html in its run folder. */
export const reportCommand: CommandModule<GlobalArgs, ReportArgs> = {
  command: 'report',
  describe: 'Write report.html, the batch report with charts, into a scored period’s run folder (docs/outputs.md)',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('period', { type: 'string', demandOption: true, describe: 'The scored month, YYYY-MM' })
      .option('out', { type: 'string', describe: `Run folder [default: ${BATCH_DEFAULTS.outRoot}/<period>]` })
      .option('store', { type: 'string', describe: `Store the period was scored from, for reject reasons and join coverage [default: ${BATCH_DEFAULTS.store} when it exists]` })
      .option('lang', { type: 'string', choices: ['en', 'ru'], describe: 'Language of the report [default: the language the period was scored in]' })
      .option('top', { type: 'number', describe: `Participants listed and compared with the previous period [default: ${REPORT_DEFAULTS.top}]` }) as Argv<ReportArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    const period = args.period ?? '';
    try {
      asOfFromPeriod(period);
    } catch {
      throw new UsageError(`--period must be a month YYYY-MM, got "${period}"`);
    }
    const top = args.top ?? REPORT_DEFAULTS.top;
    if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be a whole number >= 1, got ${String(args.top)}`);
    if (args.store !== undefined && !existsSync(args.store)) throw new UsageError(`The store ${args.store} does not exist`);
    const store = args.store ?? (existsSync(BATCH_DEFAULTS.store) ? BATCH_DEFAULTS.store : null);
    if (store === null) ctx.logger.warn(`no store ${BATCH_DEFAULTS.store}: the report shows the manifest's counts without reject reasons and join coverage (give --store)`);
    const outDir = args.out ?? join(BATCH_DEFAULTS.outRoot, period);
    const db: Db | null = store === null ? null : await openDuckDb(store, { readOnly: true });
    try {
      const report = await writeBatchReport({ outDir, period, db, top, clock: ctx.clock, ...(args.lang === undefined ? {} : { lang: args.lang as 'en' | 'ru' }) });
      ctx.stdout(`wrote ${report.path} (${report.charts} charts, ${report.lang})`);
    } finally {
      db?.close();
    }
  },
};
