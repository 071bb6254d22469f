import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { BATCH_DEFAULTS, SCORE_DEFAULTS, TRAIN_DEFAULTS } from '../config/defaults.js';
import { writeFileAtomic } from '../io/csv-write.js';
import { artifactFile, inSampleOverlap, loadArtifact } from '../models/artifact.js';
import { compareRiskModels, formatComparison } from '../models/compare-models.js';
import { loadRiskProfile } from '../rules/index.js';
import { openScoreStore } from '../score/run-score.js';
import { UsageError } from '../util/errors.js';
import { contextFromArgs, duckDbOptionsFromArgs, type GlobalArgs } from './context.js';
import { inputsFromArgs, withFileOptions, type FileArgs } from './store-args.js';
import { MODEL_INPUT_IDS } from '../models/inputs.js';
import { isPeriod } from '../util/period.js';

interface ListArgs extends GlobalArgs {
  dir?: string;
}

interface CompareArgs extends GlobalArgs, FileArgs {
  a?: string;
  b?: string;
  from?: string;
  to?: string;
  store?: string;
  out?: string;
  iterations?: number;
  'risk-profile'?: string;
  threads?: number;
  'memory-limit'?: string;
}


/** The model.json files under a folder: its own, or one per subfolder. */
async function modelFiles(dir: string): Promise<string[]> {
  if (existsSync(join(dir, 'model.json'))) return [join(dir, 'model.json')];
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    throw new UsageError(`--dir ${dir}: folder not found`);
  }
  return names.map((n) => join(dir, n, 'model.json')).filter((p) => existsSync(p));
}

const listCommand: CommandModule<GlobalArgs, ListArgs> = {
  command: 'list',
  describe: 'List the trained models: kind, level, window, examples, validation AUC',
  builder: (yargs: Argv<GlobalArgs>) => yargs.option('dir', { type: 'string', default: 'models', describe: 'Folder of model folders' }) as Argv<ListArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    const files = await modelFiles(args.dir ?? 'models');
    if (files.length === 0) {
      ctx.stdout(`no model under ${args.dir ?? 'models'}: train one with ccrg train`);
      return;
    }
    const lines = ['model                          kind     level         window             examples  positives  AUC (validation)'];
    for (const file of files) {
      const { artifact } = await loadArtifact(file);
      const aucValue = artifact.metrics['aucModel'];
      lines.push(
        `${file.padEnd(30)} ${artifact.kind.padEnd(8)} ${artifact.level.padEnd(13)} ${`${artifact.window.from}..${artifact.window.to}`.padEnd(18)} ${String(artifact.labelCount.examples).padStart(8)}  ${String(artifact.labelCount.positives ?? '—').padStart(9)}  ${typeof aucValue === 'number' ? aucValue.toFixed(3) : '—'}`,
      );
    }
    ctx.stdout(lines.join('\n'));
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
      .option('store', { type: 'string', describe: `DuckDB store to read [default: ${BATCH_DEFAULTS.store}, unless input files are given]` })
      .option('out', { type: 'string', describe: `Run folder for comparison.json [default: ${BATCH_DEFAULTS.outRoot}/<to>]` })
      .option('risk-profile', { type: 'string', describe: 'Risk profile compared with [default: profiles/default.yaml]' })
      .option('threads', { type: 'number', describe: 'DuckDB worker threads' })
      .option('memory-limit', { type: 'string', describe: `DuckDB memory limit [default: ${BATCH_DEFAULTS.memoryLimit}]` }) as Argv<CompareArgs>,
  handler: async (args) => {
    const ctx = contextFromArgs(args);
    const from = args.from ?? '';
    const to = args.to ?? '';
    if (!isPeriod(from) || !isPeriod(to) || from > to) throw new UsageError(`--from and --to must be months YYYY-MM with --from <= --to, got "${from}" and "${to}"`);
    const iterations = args.iterations ?? 1000;
    if (!Number.isInteger(iterations) || iterations < 10) throw new UsageError(`--iterations must be a whole number >= 10, got ${String(iterations)}`);
    const inputs = await inputsFromArgs(args);
    if (inputs.length > 0 && args.store !== undefined) throw new UsageError('Give either --store or input files, not both');
    const store = args.store ?? BATCH_DEFAULTS.store;
    if (inputs.length === 0 && !existsSync(store)) throw new UsageError(`The store ${store} does not exist: run ccrg ingest first, or give input files`);
    const expect = { kind: 'risk' as const, level: 'participant' as const, features: MODEL_INPUT_IDS };
    const [pathA, pathB] = [artifactFile(String(args.a)), artifactFile(String(args.b))];
    const a = await loadArtifact(pathA, expect);
    const b = await loadArtifact(pathB, expect);
    const inSample = { a: inSampleOverlap(a.artifact, from, to), b: inSampleOverlap(b.artifact, from, to) };
    for (const [name, overlap] of Object.entries(inSample)) if (overlap !== null) ctx.logger.warn(`model ${name.toUpperCase()}: ${overlap.note}`);
    const profile = await loadRiskProfile(args['risk-profile'] ?? null);
    const source = inputs.length > 0 ? { inputs, mappingPath: args.mapping ?? null } : { store };
    const { db } = await openScoreStore({ source, duckdb: { memoryLimit: BATCH_DEFAULTS.memoryLimit, ...duckDbOptionsFromArgs(args) } }, ctx.clock, ctx.logger);
    try {
      const report = await compareRiskModels(db, a, b, { from, to, features: SCORE_DEFAULTS, profile, seed: TRAIN_DEFAULTS.seed, iterations });
      const out = args.out ?? join(BATCH_DEFAULTS.outRoot, to);
      await writeFileAtomic(join(out, 'comparison.json'), `${JSON.stringify({ a: pathA, b: pathB, inSample, ...report }, null, 2)}\n`);
      ctx.stdout(`A = ${pathA}, B = ${pathB}\n${formatComparison(report)}\n\nwrote ${join(out, 'comparison.json')}`);
    } finally {
      db.close();
    }
  },
};

/** `ccrg models list | compare`. */
export const modelsCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'models <command>',
  describe: 'List trained models, or compare two',
  builder: (yargs: Argv<GlobalArgs>) => yargs.command(listCommand).command(compareCommand).demandCommand(1, 'Name a models command: list or compare'),
  handler: () => undefined,
};
