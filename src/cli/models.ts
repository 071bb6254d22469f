import type { Argv, CommandModule } from 'yargs';
import { compareModels, listModels, type CompareOptions } from '../app/evaluate.js';
import { BATCH_DEFAULTS, STORE_DEFAULT, TRAIN_DEFAULTS } from '../config/defaults.js';
import { contextFromArgs, type GlobalArgs } from './context.js';
import { withFileOptions } from './store-args.js';

interface ListArgs extends GlobalArgs {
  dir?: string;
}

type CompareArgs = GlobalArgs & CompareOptions;

const listCommand: CommandModule<GlobalArgs, ListArgs> = {
  command: 'list',
  describe: 'List the trained models: kind, level, window, examples, validation AUC',
  builder: (yargs: Argv<GlobalArgs>) => yargs.option('dir', { type: 'string', describe: `Folder of model folders [default: ${TRAIN_DEFAULTS.modelsRoot}]` }) as Argv<ListArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    ctx.stdout(await listModels(args.dir));
  },
};

const compareCommand: CommandModule<GlobalArgs, CompareArgs> = {
  command: 'compare <a> <b>',
  describe: 'Compare two risk models, the risk profile and random on the same labelled examples, with paired bootstrap intervals',
  builder: (yargs: Argv<GlobalArgs>) =>
    withFileOptions(yargs)
      .positional('a', { type: 'string', describe: 'First model (model.json, or its folder)', demandOption: true })
      .positional('b', { type: 'string', describe: 'Second model (model.json, or its folder)', demandOption: true })
      .option('from', { type: 'string', demandOption: true, describe: 'First as-of month of the examples, YYYY-MM' })
      .option('to', { type: 'string', demandOption: true, describe: 'Last as-of month of the examples, YYYY-MM' })
      .option('iterations', { type: 'number', describe: 'Bootstrap resamples [default: 1000]' })
      .option('store', { type: 'string', describe: `DuckDB store to read [default: ${STORE_DEFAULT}, unless input files are given]` })
      .option('out', { type: 'string', describe: `Run folder for comparison.json [default: ${BATCH_DEFAULTS.outRoot}/<to>]` })
      .option('risk-profile', { type: 'string', describe: 'Risk profile compared with [default: profiles/default.yaml]' })
      .option('threads', { type: 'number', describe: 'DuckDB worker threads' })
      .option('memory-limit', { type: 'string', describe: `DuckDB memory limit [default: ${BATCH_DEFAULTS.memoryLimit}]` }) as Argv<CompareArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    ctx.stdout(await compareModels(args, ctx.clock, ctx.logger));
  },
};

/** `ccrg models list | compare`. */
export const modelsCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'models <command>',
  describe: 'List trained models, or compare two',
  builder: (yargs: Argv<GlobalArgs>) => yargs.command(listCommand).command(compareCommand).demandCommand(1, 'Name a models command: list or compare'),
  handler: () => undefined,
};
