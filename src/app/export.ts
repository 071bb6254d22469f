/**
 * `ccrg export examples`: the exact training matrix `train` would fit on a
 * window, with the examples' labels, charges, time-split part, selection
 * and inclusion probabilities; `ccrg export features`: a month's feature
 * table as `score` computes it. Parquet or CSV, for work in Python or R.
 */
import { BATCH_DEFAULTS, SCORE_DEFAULTS, TRAIN_DEFAULTS } from '../config/defaults.js';
import { checkWritableFile, replaceFileWith } from '../io/csv-write.js';
import type { Db, AppendType } from '../io/db.js';
import { quoteIdent, quoteLiteral } from '../io/sql.js';
import type { LabelledExample, TimeSplit } from '../models/risk/fit-risk.js';
import type { ItemExample } from '../models/risk/item-examples.js';
import { itemTrainingMatrix } from '../models/risk/train-item.js';
import { participantTrainingMatrix, type TrainingMatrix } from '../models/risk/train.js';
import type { ParticipantExample } from '../models/risk/examples.js';
import { loadRiskProfile } from '../rules/index.js';
import { checkPeriodHasData } from '../score/score-period.js';
import { FEATURES, computeFeatures } from '../features/compute.js';
import type { Clock } from '../util/clock.js';
import { UsageError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { asOfFromPeriod, isCalendarDate, periodOption } from '../util/period.js';
import { engineOf, latestPeriod, sourceOf, withSource, type SourceOptions } from './store.js';
import { windowOf } from './window.js';

/** The options of `ccrg export examples`, as the user gives them. */
export interface ExportExamplesOptions extends SourceOptions {
  level?: string;
  from?: string;
  to?: string;
  format?: string;
  out?: string;
  'known-by'?: string;
  'risk-profile'?: string;
}

/** The formats `export` writes. */
export const EXPORT_FORMATS = ['parquet', 'csv'] as const;

/** The columns before the model inputs, per level. */
const KEY_COLUMNS = {
  participant: ['example_id', 'inn', 'as_of', 'known_date'],
  item: ['example_id', 'inn', 'decl_id', 'item_no', 'as_of', 'known_date'],
} as const;
const LABEL_COLUMNS = ['part', 'label', 'charges_rub', 'selection', 'inclusion_probability', 'inverse_probability_weight'] as const;

/** Writes the training matrix of the window to `--out`; returns the lines to print. */
export async function exportExamples(options: ExportExamplesOptions, clock: Clock, logger: Logger): Promise<string> {
  const { from, to } = windowOf(options);
  const level = options.level ?? 'participant';
  if (level !== 'participant' && level !== 'item') throw new UsageError(`--level must be participant or item, got "${level}"`);
  const format = formatOf(options.format);
  const knownBy = options['known-by'];
  if (knownBy !== undefined && !isCalendarDate(knownBy)) throw new UsageError(`--known-by must be a date YYYY-MM-DD, got "${knownBy}"`);
  if (level === 'item' && options['risk-profile'] !== undefined) throw new UsageError('--risk-profile applies to --level participant only: the item model reads no risk profile');
  const out = options.out ?? `${BATCH_DEFAULTS.outRoot}/examples-${level}-${from}-${to}.${format}`;
  await checkWritableFile(out, '--out');
  const source = await sourceOf(options);
  const profile = level === 'participant' ? await loadRiskProfile(options['risk-profile'] ?? null) : null;
  return withSource(source, engineOf(options), clock, logger, async ({ db }) => {
    const config = {
      from,
      to,
      validationShare: TRAIN_DEFAULTS.validationShare,
      stoppingShare: TRAIN_DEFAULTS.stoppingShare,
      features: SCORE_DEFAULTS,
      ...(knownBy === undefined ? {} : { knownBy }),
    };
    const matrix = profile === null ? await itemTrainingMatrix(db, config, logger) : await participantTrainingMatrix(db, { ...config, profile }, logger);
    for (const w of matrix.warnings) logger.warn(w);
    await writeMatrix(db, matrix, level, out, format);
    const { split } = matrix;
    return [
      `wrote ${matrix.all.length} ${level} examples x ${matrix.names.length} model inputs to ${out}`,
      `parts: ${split.fit.length} fit, ${split.stopping.length} early stopping, ${split.validation.length} validation, ${split.droppedUnknownLabel} dropped (label known only after ${split.validationStart})`,
    ].join('\n');
  });
}

/** Each example's part of the time split: fit, stopping, validation, or dropped (label known too late). */
function partsOf(split: TimeSplit, n: number): string[] {
  const parts = new Array<string>(n).fill('dropped');
  for (const [name, rows] of [['fit', split.fit], ['stopping', split.stopping], ['validation', split.validation]] as const) {
    for (const r of rows) parts[r] = name;
  }
  return parts;
}

async function writeMatrix(db: Db, matrix: TrainingMatrix<LabelledExample>, level: 'participant' | 'item', out: string, format: ExportFormat): Promise<void> {
  const { all, names, values, split } = matrix;
  const keys = KEY_COLUMNS[level];
  const columns = [...keys, ...LABEL_COLUMNS, ...names];
  const types: AppendType[] = [
    ...keys.map((k): AppendType => (k === 'item_no' ? 'integer' : 'varchar')),
    'varchar', 'integer', 'double', 'varchar', 'double', 'double',
    ...names.map((): AppendType => 'double'),
  ];
  const sqlType = { varchar: 'VARCHAR', integer: 'INTEGER', double: 'DOUBLE' } as const;
  const table = 'export_examples';
  await db.run(`CREATE OR REPLACE TEMP TABLE ${table} (${columns.map((c, i) => `${quoteIdent(c)} ${sqlType[types[i] as keyof typeof sqlType]}`).join(', ')})`);
  const parts = partsOf(split, all.length);
  const n = names.length;
  const keyValue = (e: LabelledExample, key: string): string | number => {
    if (key === 'example_id') return e.exampleId;
    if (key === 'as_of') return e.asOf;
    if (key === 'known_date') return e.knownDate;
    const row = e as ParticipantExample & ItemExample;
    if (key === 'inn') return row.inn;
    if (key === 'decl_id') return row.declId;
    return row.itemNo;
  };
  await db.appendRows(table, types, all.length, (r, c) => {
    const e = all[r] as LabelledExample;
    if (c < keys.length) return keyValue(e, keys[c] as string);
    const k = c - keys.length;
    if (k === 0) return parts[r] as string;
    if (k === 1) return e.label;
    if (k === 2) return e.chargesRub;
    if (k === 3) return e.selection;
    if (k === 4) return e.propensity;
    if (k === 5) return e.propensity === null ? null : 1 / e.propensity;
    const v = values[r * n + (k - LABEL_COLUMNS.length)]!;
    return Number.isNaN(v) ? null : v;
  });
  await copyToFile(db, `SELECT * FROM ${table}`, out, format);
}

/** Writes the rows of `select` to `out` whole or not at all (`replaceFileWith`). */
async function copyToFile(db: Db, select: string, out: string, format: ExportFormat): Promise<void> {
  await replaceFileWith(out, (temporary) => db.run(`COPY (${select}) TO ${quoteLiteral(temporary)} (FORMAT ${format === 'csv' ? 'csv, HEADER true' : 'parquet'})`));
}

/** The options of `ccrg export features`, as the user gives them. */
export interface ExportFeaturesOptions extends SourceOptions {
  period?: string;
  format?: string;
  out?: string;
}

/** Writes the feature table of a month (one row per participant, as `score` computes it) to `--out`; returns the lines to print. */
export async function exportFeatures(options: ExportFeaturesOptions, clock: Clock, logger: Logger): Promise<string> {
  let period = options.period ?? '';
  if (period === 'latest') period = await latestPeriod(options.store);
  const asOf = asOfFromPeriod(periodOption('--period', period));
  const format = formatOf(options.format);
  const out = options.out ?? `${BATCH_DEFAULTS.outRoot}/features-${period}.${format}`;
  await checkWritableFile(out, '--out');
  const source = await sourceOf(options, { declarations: 'Exporting features from files needs at least --declarations' });
  return withSource(source, engineOf(options), clock, logger, async ({ db }) => {
    await checkPeriodHasData(db, period);
    logger.info(`computing features as of ${asOf}`);
    const computed = await computeFeatures(db, { ...SCORE_DEFAULTS, asOf });
    for (const u of computed.unavailable) logger.warn(`${u.family}: ${u.features.join(', ')} are empty: ${u.reason}`);
    await copyToFile(db, `SELECT * FROM ${quoteIdent(computed.table)} ORDER BY inn`, out, format);
    const rows = Number((await db.all(`SELECT count(*) AS n FROM ${quoteIdent(computed.table)}`))[0]?.['n'] ?? 0);
    return `wrote the features of ${rows} participants as of ${asOf} (${FEATURES.length} features) to ${out}`;
  });
}

type ExportFormat = (typeof EXPORT_FORMATS)[number];

function formatOf(format: string | undefined): ExportFormat {
  const f = format ?? 'parquet';
  if (f !== 'parquet' && f !== 'csv') throw new UsageError(`--format must be ${EXPORT_FORMATS.join(' or ')}, got "${f}"`);
  return f;
}
