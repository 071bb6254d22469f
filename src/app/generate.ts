/** `ccrg generate`: synthetic extracts with planted, labelled schemes and bad rows (docs/generator.md). */
import { GENERATE_DEFAULTS } from '../config/defaults.js';
import { loadTraceableGoods } from '../config/traceable-goods.js';
import { parseYearMonth } from '../generate/calendar.js';
import { generateExtracts, type GenerateOptions, type GenerateSummary } from '../generate/generate.js';
import { UsageError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';

/** The options of `ccrg generate`, as the user gives them. */
export interface GenerateFlags {
  participants?: number;
  months?: number;
  end?: string;
  seed?: number;
  out?: string;
  gzip?: boolean;
  monthly?: boolean;
  'items-per-month'?: number;
  'inspection-rate'?: number;
  /** The list of goods subject to traceability (default profiles/traceable-goods.yaml). */
  'traceable-goods'?: string;
}

function positiveInteger(flag: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new UsageError(`--${flag} must be a whole number from 1 to ${max}, got ${String(value)}`);
  }
  return value;
}

/** Checks the flags and merges them over GENERATE_DEFAULTS. */
export function generateOptionsFromArgs(args: GenerateFlags): GenerateOptions {
  const d = GENERATE_DEFAULTS;
  if (args.out === undefined || args.out.trim() === '') throw new UsageError('--out must name the folder to write into');
  const end = args.end ?? d.end;
  if (parseYearMonth(end) === null) throw new UsageError(`--end must be a month YYYY-MM between 1990 and 2090, got "${end}"`);
  const seed = args.seed ?? d.seed;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) throw new UsageError(`--seed must be a whole number from 0 to ${2 ** 31 - 1}, got ${String(seed)}`);
  const itemsPerMonth = args['items-per-month'] ?? d.itemsPerMonth;
  if (!Number.isFinite(itemsPerMonth) || itemsPerMonth <= 0 || itemsPerMonth > 1000) {
    throw new UsageError(`--items-per-month must be a number above 0 and at most 1000, got ${String(itemsPerMonth)}`);
  }
  const inspectionRate = args['inspection-rate'] ?? d.inspectionRate;
  if (!Number.isFinite(inspectionRate) || inspectionRate <= 0 || inspectionRate > 1) {
    throw new UsageError(`--inspection-rate must be a share above 0 and at most 1 (0.03: 3% of the active importers a year), got ${String(inspectionRate)}`);
  }
  return {
    participants: positiveInteger('participants', args.participants ?? d.participants, 10_000_000),
    months: positiveInteger('months', args.months ?? d.months, 120),
    end,
    seed,
    outDir: args.out,
    gzip: args.gzip ?? d.gzip,
    monthly: args.monthly ?? d.monthly,
    itemsPerMonth,
    dirtyRate: d.dirtyRate,
    inspectionRate,
    traceablePrefixes: d.traceablePrefixes,
  };
}

/** Summary lines for the terminal. */
export function formatGenerateSummary(summary: GenerateSummary): string {
  const lines = [`wrote ${summary.outDir}`];
  const width = Math.max(...summary.files.map((f) => f.file.length));
  for (const f of summary.files) lines.push(`  ${f.file.padEnd(width)}  ${String(f.rows).padStart(10)} rows  ${String(f.dirtyRows).padStart(7)} dirty`);
  lines.push(`dirty rows: ${summary.dirtyRows} (dirty.csv)`);
  lines.push(`planted schemes (participants): ${Object.entries(summary.schemes).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(`decoys (participants): ${Object.entries(summary.decoys).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(`truth rows: ${summary.truthRows} (truth.csv); inspections: ${summary.inspections}`);
  return lines.join('\n');
}

/** Writes the extracts; returns the summary lines to print. */
export async function generate(flags: GenerateFlags, logger: Logger): Promise<string> {
  const options = generateOptionsFromArgs(flags);
  if (flags['traceable-goods'] !== undefined) options.traceablePrefixes = (await loadTraceableGoods(flags['traceable-goods'])).prefixes;
  const started = performance.now();
  const summary = await generateExtracts(options, logger);
  logger.info(`generate: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return formatGenerateSummary(summary);
}
