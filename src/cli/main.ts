import yargs from 'yargs';
import { exitCodeOf, UsageError } from '../util/errors.js';
import { describeError } from '../app/errors.js';
import { generateCommand } from './generate.js';
import { evaluateCommand } from './evaluate.js';
import { backtestCommand } from './backtest.js';
import { explainCommand } from './explain.js';
import { exportCommand } from './export.js';
import { ingestCommand, validateCommand } from './ingest.js';
import { modelsCommand } from './models.js';
import { reportCommand } from './report.js';
import { planCommand } from './plan.js';
import { scoreCommand } from './score.js';
import { trainCommand } from './train.js';

/**
 * Runs the `ccrg` command line and returns the exit code (docs/cli.md):
 * 0 ok, 1 failure, 2 usage error, 3 reject share above `--max-reject-share`.
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await yargs([...argv])
      .scriptName('ccrg')
      .usage('$0 <command> [options]\n\nPost-clearance audit targeting: see docs/cli.md.')
      .option('today', {
        type: 'string',
        describe: 'Treat this date (YYYY-MM-DD) as today: dates after it are rejected',
        global: true,
      })
      .option('quiet', { type: 'boolean', describe: 'Print only warnings and errors on stderr', global: true })
      .command(ingestCommand)
      .command(validateCommand)
      .command(generateCommand)
      .command(scoreCommand)
      .command(planCommand)
      .command(explainCommand)
      .command(trainCommand)
      .command(evaluateCommand)
      .command(backtestCommand)
      .command(modelsCommand)
      .command(exportCommand)
      .command(reportCommand)
      .demandCommand(1, 'Name a command: ccrg --help lists them.')
      .strict()
      .recommendCommands()
      .wrap(Math.min(110, process.stdout.columns ?? 110))
      .fail((message, error) => {
        throw error ?? new UsageError(message);
      })
      .parseAsync();
    return 0;
  } catch (error) {
    process.stderr.write(`ccrg: ${describeError(error)}\n`);
    return exitCodeOf(error);
  }
}
