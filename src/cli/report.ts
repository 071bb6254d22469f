import type { Argv, CommandModule } from 'yargs';
import { report, type ReportOptions } from '../app/report.js';
import { BATCH_DEFAULTS, REPORT_DEFAULTS, STORE_DEFAULT } from '../config/defaults.js';
import { contextFromArgs, type GlobalArgs } from './context.js';

type ReportArgs = GlobalArgs & ReportOptions;

/** `ccrg report`: the batch report of a scored period, report.html in its run folder. */
export const reportCommand: CommandModule<GlobalArgs, ReportArgs> = {
  command: 'report',
  describe: 'Write report.html, the batch report with charts, into a scored period’s run folder (docs/outputs.md)',
  builder: (yargs: Argv<GlobalArgs>) =>
    yargs
      .option('period', { type: 'string', demandOption: true, describe: 'The scored month, YYYY-MM' })
      .option('out', { type: 'string', describe: `Run folder [default: ${BATCH_DEFAULTS.outRoot}/<period>]` })
      .option('store', { type: 'string', describe: `Store the period was scored from, for reject reasons and join coverage [default: ${STORE_DEFAULT} when it exists]` })
      .option('lang', { type: 'string', choices: ['en', 'ru'], describe: 'Language of the report [default: the language the period was scored in]' })
      .option('top', { type: 'number', describe: `Participants listed and compared with the previous period [default: ${REPORT_DEFAULTS.top}]` })
      .option('risk-profile', { type: 'string', describe: 'The risk profile that scored the period: the previous period is scored with it when its run folder is missing [default: profiles/default.yaml]' })
      .option('drift-months', { type: 'number', describe: `Months before the period pooled as the reference of the risk profile's drift watch, for a batch without a model; 0 turns it off [default: ${REPORT_DEFAULTS.driftMonths}]` })
      .option('referral-days', { type: 'number', describe: `List referrals to the tax authority unanswered for more than this many days [default: ${REPORT_DEFAULTS.referralAnswerDays}]` }) as Argv<ReportArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    ctx.stdout(await report(args, ctx.clock, ctx.logger));
  },
};
