/**
 * `ccrg export examples`: the exact training matrix `train` would fit on a
 * window, with the examples' labels, charges, time-split part, selection
 * and inclusion probabilities; `ccrg export features`: a month's feature
 * table as `score` computes it. Parquet or CSV, for work in Python or R.
 */
import { readFile } from 'node:fs/promises';
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
import { PSEUDONYM_KEY_BYTES, pseudonym } from '../util/hash.js';
import type { Logger } from '../util/logger.js';
import { asOfFromPeriod, isCalendarDate, periodOption } from '../util/period.js';
import { engineOf, latestPeriod, sourceOf, withSource, type SourceOptions } from './store.js';
import { windowOf } from './window.js';

/** The options of `ccrg export examples`, as the user gives them. */
export interface ExportExamplesOptions extends SourceOptions, PseudonymOptions {
  level?: string;
  from?: string;
  to?: string;
  format?: string;
  out?: string;
  'known-by'?: string;
  'risk-profile'?: string;
}

/** The pseudonymisation flags of both exports. */
interface PseudonymOptions {
  pseudonymise?: boolean;
  'key-file'?: string;
}

/**
 * What a pseudonymised export does with each column: an id gets the keyed
 * pseudonym of its domain (the same INN gives the same pseudonym in every
 * export and month made with the key); names, addresses and free text are
 * dropped. Codes (office, region, HS, country), dates and numbers stay.
 */
interface PseudonymSpec {
  readonly ids: Readonly<Record<string, string>>;
  readonly drop: readonly string[];
}

const PSEUDONYMS: Readonly<Record<'participant' | 'item' | 'features', PseudonymSpec>> = {
  // A participant example is an inspection: its id is the inspection's.
  participant: { ids: { example_id: 'inspection', inn: 'inn' }, drop: [] },
  item: { ids: { example_id: 'item_example', inn: 'inn', decl_id: 'declaration' }, drop: [] },
  features: { ids: { inn: 'inn' }, drop: ['name'] },
};

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
  const key = await pseudonymKeyOf(options);
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
    const table = await matrixTable(db, matrix, level);
    const pseudonymised = key === null ? null : await pseudonymiseTable(db, table, PSEUDONYMS[level], key.bytes);
    await copyToFile(db, `SELECT * FROM ${table}`, out, format);
    const { split } = matrix;
    return [
      `wrote ${matrix.all.length} ${level} examples x ${matrix.names.length} model inputs to ${out}`,
      `parts: ${split.fit.length} fit, ${split.stopping.length} early stopping, ${split.validation.length} validation, ${split.droppedUnknownLabel} dropped (label known only after ${split.validationStart})`,
      ...(key === null || pseudonymised === null ? [] : [pseudonymisedLine(pseudonymised, key.path)]),
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

/** The matrix as a TEMP table, rows in the matrix's order; returns its name. */
async function matrixTable(db: Db, matrix: TrainingMatrix<LabelledExample>, level: 'participant' | 'item'): Promise<string> {
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
  return table;
}

/**
 * The key in a key file: a text key (printable ASCII) typed or written by a shell often ends with
 * a line break, which is not part of the secret; a binary key (`head -c 32 /dev/urandom`) is taken
 * whole, since its last bytes may be 0x0d 0x0a by chance (1 key in 256 ends with 0x0a).
 */
export function withoutTextLineBreak(bytes: Buffer): Buffer {
  const end = bytes.at(-1) === 0x0a ? (bytes.at(-2) === 0x0d ? bytes.length - 2 : bytes.length - 1) : bytes.length;
  const text = bytes.subarray(0, end);
  return text.every((b) => b >= 0x20 && b <= 0x7e) ? text : bytes;
}

/** The key of `--key-file` when `--pseudonymise` is given, null otherwise; a missing or short key is a usage error. */
async function pseudonymKeyOf(options: PseudonymOptions): Promise<{ path: string; bytes: Buffer } | null> {
  const path = options['key-file'];
  if (options.pseudonymise !== true) {
    if (path !== undefined) throw new UsageError('--key-file is the key of --pseudonymise: give both, or neither for a plain export');
    return null;
  }
  if (path === undefined || path === '') throw new UsageError(`--pseudonymise needs --key-file: a file of at least ${PSEUDONYM_KEY_BYTES} secret bytes (for example: head -c 32 /dev/urandom > pseudonym.key)`);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UsageError(`--key-file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const key = withoutTextLineBreak(bytes);
  if (key.length < PSEUDONYM_KEY_BYTES) {
    throw new UsageError(`--key-file ${path} holds ${key.length} bytes: a pseudonym key needs at least ${PSEUDONYM_KEY_BYTES} (a new one: head -c 32 /dev/urandom > pseudonym.key)`);
  }
  return { path, bytes: key };
}

/** What {@link pseudonymiseTable} replaced and dropped. */
interface Pseudonymised {
  replaced: string[];
  dropped: string[];
}

/**
 * Replaces the id columns of `table` by their keyed pseudonyms and drops its
 * names and free text, in place: the rows keep their order, every other
 * cell its value.
 */
async function pseudonymiseTable(db: Db, table: string, spec: PseudonymSpec, key: Uint8Array): Promise<Pseudonymised> {
  const columns = new Set((await db.all(`SELECT column_name FROM (DESCRIBE ${table})`)).map((r) => String(r['column_name'])));
  const replaced: string[] = [];
  for (const [column, domain] of Object.entries(spec.ids)) {
    if (!columns.has(column)) continue;
    const values = (await db.all(`SELECT DISTINCT ${quoteIdent(column)} AS v FROM ${table} WHERE ${quoteIdent(column)} IS NOT NULL`)).map((r) => String(r['v']));
    await db.run('CREATE OR REPLACE TEMP TABLE export_pseudonyms (value VARCHAR, pseudonym VARCHAR)');
    await db.appendRows('export_pseudonyms', ['varchar', 'varchar'], values.length, (r, c) => (c === 0 ? (values[r] as string) : pseudonym(key, domain, values[r] as string)));
    await db.run(`UPDATE ${table} SET ${quoteIdent(column)} = p.pseudonym FROM export_pseudonyms p WHERE p.value = ${table}.${quoteIdent(column)}`);
    replaced.push(column);
  }
  await db.run('DROP TABLE IF EXISTS export_pseudonyms');
  const dropped = spec.drop.filter((c) => columns.has(c));
  for (const column of dropped) await db.run(`ALTER TABLE ${table} DROP COLUMN ${quoteIdent(column)}`);
  return { replaced, dropped };
}

function pseudonymisedLine(done: Pseudonymised, keyPath: string): string {
  const dropped = done.dropped.length === 0 ? '' : `; dropped: ${done.dropped.join(', ')}`;
  return `pseudonymised: ${done.replaced.join(', ')} replaced by HMAC-SHA256 pseudonyms under the key of ${keyPath}${dropped}`;
}

/** Writes the rows of `select` to `out` whole or not at all (`replaceFileWith`). */
async function copyToFile(db: Db, select: string, out: string, format: ExportFormat): Promise<void> {
  await replaceFileWith(out, (temporary) => db.run(`COPY (${select}) TO ${quoteLiteral(temporary)} (FORMAT ${format === 'csv' ? 'csv, HEADER true' : 'parquet'})`));
}

/** The options of `ccrg export features`, as the user gives them. */
export interface ExportFeaturesOptions extends SourceOptions, PseudonymOptions {
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
  const key = await pseudonymKeyOf(options);
  const source = await sourceOf(options, { declarations: 'Exporting features from files needs at least --declarations' });
  return withSource(source, engineOf(options), clock, logger, async ({ db }) => {
    await checkPeriodHasData(db, period);
    logger.info(`computing features as of ${asOf}`);
    const computed = await computeFeatures(db, { ...SCORE_DEFAULTS, asOf });
    for (const u of computed.unavailable) logger.warn(`${u.family}: ${u.features.join(', ')} are empty: ${u.reason}`);
    // Materialised in the order written, so that a pseudonymised file keeps the plain file's rows in place.
    const table = 'export_features';
    await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS SELECT * FROM ${quoteIdent(computed.table)} ORDER BY inn`);
    const pseudonymised = key === null ? null : await pseudonymiseTable(db, table, PSEUDONYMS.features, key.bytes);
    await copyToFile(db, `SELECT * FROM ${table}`, out, format);
    const rows = Number((await db.all(`SELECT count(*) AS n FROM ${table}`))[0]?.['n'] ?? 0);
    await db.run(`DROP TABLE ${table}`);
    const wrote = `wrote the features of ${rows} participants as of ${asOf} (${FEATURES.length} features) to ${out}`;
    return key === null || pseudonymised === null ? wrote : `${wrote}\n${pseudonymisedLine(pseudonymised, key.path)}`;
  });
}

type ExportFormat = (typeof EXPORT_FORMATS)[number];

function formatOf(format: string | undefined): ExportFormat {
  const f = format ?? 'parquet';
  if (f !== 'parquet' && f !== 'csv') throw new UsageError(`--format must be ${EXPORT_FORMATS.join(' or ')}, got "${f}"`);
  return f;
}
