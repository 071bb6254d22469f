import { basename } from 'node:path';
import { addedColumns, EXTRACTS, SCHEMA_VERSION, isRequired, type ColumnDef, type ExtractDef, type ExtractId } from '../contract/extracts.js';
import type { ExtractMapping, Mapping } from '../config/mapping.js';
import type { Db, Row } from '../io/db.js';
import { MAX_RECORD_BYTES } from '../io/csv-scan.js';
import { openSource, type CsvSource, type Source } from '../io/source.js';
import { quoteIdent, quoteLiteral, sqlDate } from '../io/sql.js';
import type { Clock } from '../util/clock.js';
import { InputFileError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { startProgress } from '../util/progress.js';
import { decimalsMacroSql, isFloatNoiseExpr, rejectCodeExpr, typedExpr, type CheckContext, type Share } from '../validation/column-checks.js';
import { innProblemMacroSql } from '../validation/inn.js';
import { issueOfRefusedRecord, type StructuralIssue } from '../validation/record-faults.js';
import { REJECT_CODES, type RejectCode } from '../validation/reject-codes.js';
import { describeEntityPairs, sameEntityPairs, writeEntityPairs } from './entity-pairs.js';
import { describeInterrupted, removeInterruptedRows } from './interrupted.js';
import { ensureStoreSchema, LINEAGE_COLUMN_NAMES, storedColumns } from './schema.js';
import { MONTH_AGGREGATE_KEY_COLUMNS, refreshAggregatesAfterIngest, refreshMonthAggregates } from './month-aggregates.js';
import { markDeclarants, refreshMovementMonths, refreshMovementMonthsAfterIngest } from './movement-months.js';
import { refreshSupersession } from './supersession.js';
import { planStaging, type StagingPlan } from './staging.js';

/** One file to ingest as one extract. */
export interface IngestInput {
  extract: ExtractId;
  file: string;
  /**
   * The file the user gave, when `file` is a copy made from it line for line
   * (a filled outcomes template, src/app/ingest-outcomes.ts): the report,
   * the rejects and the lineage name it instead of the copy.
   */
  shownAs?: string;
  /** Records refused before the ingest read the file (a filled template's checks against its plan), by physical line. */
  refused?: readonly StructuralIssue[];
}

/** The file an input's reports and rejects name. */
function shownFile(input: IngestInput): string {
  return input.shownAs ?? input.file;
}

/** What `ingestFiles` should do. */
export interface IngestOptions {
  inputs: readonly IngestInput[];
  mapping: Mapping;
  /** Validate only: everything is checked (also against the store) and rolled back. */
  dryRun: boolean;
  /**
   * Largest accepted share of rejected records per file (0..1); above it the
   * whole ingest is rolled back and `rejectShareExceeded` is set. null: no limit.
   */
  maxRejectShare: number | null;
}

/** One rejected record, or one offending column of a rejected record. */
export interface RejectRow {
  file: string;
  /** Physical line where the record starts (Parquet: 1-based row). */
  line: number;
  column: string | null;
  value: string | null;
  code: RejectCode;
  message: string;
}

/** The outcome for one input file. */
export interface FileReport {
  extract: ExtractId;
  file: string;
  sha256: string;
  /** The same bytes were ingested before with the same mapping: nothing was done. */
  skipped: boolean;
  recordsRead: number;
  accepted: number;
  rejected: number;
  /** Blank lines skipped: not records, so in none of the other counts. */
  blankLines: number;
  /** Accepted rows written to the store. */
  inserted: number;
  /** Accepted rows repeating an earlier row of the same file exactly. */
  duplicatesInFile: number;
  /** Accepted rows already in the store with the same content. */
  alreadyStored: number;
  /** Reject codes by number of records, most frequent first. */
  topReasons: { code: RejectCode; records: number }[];
  /**
   * Money values of accepted records that carried binary floating-point
   * noise (241.58000000000004) and were stored as the value they stand for.
   */
  floatNoiseValues: number;
}

export interface IngestResult {
  files: FileReport[];
  rejects: RejectRow[];
  /** Set when a file's reject share was above `maxRejectShare`; the store is unchanged. */
  rejectShareExceeded: FileReport | null;
  committed: boolean;
}

interface Prepared {
  index: number;
  input: IngestInput;
  source: Source;
  mapping: ExtractMapping;
  plan: StagingPlan;
}

/** A validated file waiting to be stored: its temp tables and its report. */
interface Validated {
  entry: Prepared;
  report: FileReport;
  rows: RejectRow[];
  ctx: CheckContext;
}

/**
 * Validates input files and loads their good rows into the store. Whole-file
 * faults are found before anything is written; the writes of all files are
 * one transaction, so a failure leaves the store unchanged. Bad rows are
 * returned as rejects; nothing is silently dropped: for every file, records
 * read = accepted + rejected.
 *
 * Validation runs on temporary tables outside the transaction: DuckDB scans
 * tables created inside an open transaction several times slower.
 *
 * An ingest with a declarations file (stored or skipped as already
 * ingested) also stores the declarations mapping's `entity_pairs` as the
 * store's setting (src/store/entity-pairs.ts): the latest one wins, and a
 * change is logged, as a warning when the store already held declarations
 * (an item model trained on them has other features).
 */
export async function ingestFiles(db: Db, options: IngestOptions, clock: Clock, logger: Logger): Promise<IngestResult> {
  const prepared: Prepared[] = [];
  const validated: Validated[] = [];
  try {
    for (const input of options.inputs) {
      const mapping = options.mapping.extracts[input.extract];
      logger.info(`reading ${shownFile(input)} (${input.extract})`);
      const source = await openSource(input.file, { encoding: mapping.encoding, delimiter: mapping.delimiter });
      const entry: Prepared = { index: prepared.length, input, source, mapping, plan: emptyPlan() };
      prepared.push(entry);
      if (source.format === 'parquet') source.header = await parquetColumns(db, source.readPath);
      entry.plan = planStaging(EXTRACTS[input.extract], mapping, uniqueHeader(source.header, input.file), input.file);
    }
    await ensureStoreSchema(db);
    if (!options.dryRun) {
      // Rows a killed ingest left without its lineage (src/store/interrupted.ts) go before anything is stored.
      const removed = await db.transaction(async () => {
        const found = await removeInterruptedRows(db);
        // The removed rows may have superseded stored ones, and were counted in their months' aggregates.
        if ((found['declarations'] ?? 0) > 0) {
          await (await refreshSupersession(db, 'all')).drop();
          await refreshMonthAggregates(db, 'all');
        }
        // The removed movements were counted in their months' balances.
        if ((found['traceability'] ?? 0) > 0) await refreshMovementMonths(db, 'all');
        return found;
      });
      if (Object.keys(removed).length > 0) logger.warn(`removed ${describeInterrupted(removed)} of an ingest that was interrupted before it committed`);
    }
    await db.run(innProblemMacroSql());
    await db.run(decimalsMacroSql());
    let exceeded: FileReport | null = null;
    const progress = startProgress(logger, options.dryRun ? 'validate' : 'ingest', prepared.length, 'files');
    for (const entry of prepared) {
      const done = await validateOne(db, entry, validated, { mappingSha: options.mapping.sha256 }, clock, logger);
      validated.push(done);
      progress.tick(1, shownFile(entry.input));
      const { report } = done;
      const share = report.recordsRead === 0 ? 0 : report.rejected / report.recordsRead;
      if (exceeded === null && options.maxRejectShare !== null && share > options.maxRejectShare) exceeded = report;
    }
    progress.done();
    const commit = !options.dryRun && exceeded === null;
    if (commit) {
      const pairs = options.inputs.some((i) => i.extract === 'declarations') ? options.mapping.extracts.declarations.entityPairs : null;
      const heldDeclarations = pairs !== null && (await db.all('SELECT 1 FROM declarations LIMIT 1')).length > 0;
      const pairsBefore = await db.transaction(async () => {
        // The lineage rows go last, in one statement: rows without theirs are an ingest that never committed.
        const lineage: string[] = [];
        let ingestId = await nextIngestId(db);
        for (const v of validated) if (!v.report.skipped) lineage.push(await storeOne(db, v, ingestId++, options.mapping.sha256, clock));
        if (lineage.length > 0) await db.run(`INSERT INTO lineage VALUES ${lineage.join(', ')}`);
        return pairs === null ? null : writeEntityPairs(db, pairs);
      });
      for (const v of validated) {
        if (!v.report.skipped) logger.info(`${shownFile(v.entry.input)}: ${v.report.inserted} new rows stored`);
      }
      if (pairs !== null && pairsBefore !== null && !sameEntityPairs(pairsBefore, pairs)) {
        const change = `the item model's entity pairs are now ${describeEntityPairs(pairs)} (this declarations ingest's mapping, entity_pairs), before ${describeEntityPairs(pairsBefore)}`;
        if (heldDeclarations) logger.warn(`${change}; an item model trained before is refused where its features differ: train it again`);
        else logger.info(change);
      }
    }
    return { files: validated.map((v) => v.report), rejects: validated.flatMap((v) => v.rows), rejectShareExceeded: exceeded, committed: commit };
  } finally {
    for (const entry of prepared) {
      await dropTemps(db, entry.index).catch(() => undefined);
      await entry.source.cleanup();
    }
  }
}

function emptyPlan(): StagingPlan {
  return { columns: new Map(), present: new Set(), extraCategorical: new Map(), extraNumeric: new Map(), labels: null };
}

async function parquetColumns(db: Db, path: string): Promise<string[]> {
  const rows = await db.all(`DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(path)})`);
  return rows.map((r) => String(r['column_name']));
}

/** Header names made usable as DuckDB columns: empty names get a position name; duplicates are a fault. */
function uniqueHeader(header: readonly string[], file: string): string[] {
  const seen = new Set<string>();
  return header.map((name, i) => {
    const usable = name === '' ? `column${i + 1}` : name;
    if (seen.has(usable)) throw new InputFileError(file, `the header names column "${usable}" twice (columns must be unique)`);
    seen.add(usable);
    return usable;
  });
}

/** Names of the temp tables of one input file. */
function temps(index: number) {
  return {
    raw: `ccrg_raw_${index}`,
    stg: `ccrg_stg_${index}`,
    months: `ccrg_months_${index}`,
    fail: `ccrg_fail_${index}`,
    iss: `ccrg_iss_${index}`,
    good: `ccrg_good_${index}`,
    dup: `ccrg_dup_${index}`,
  };
}

async function dropTemps(db: Db, index: number): Promise<void> {
  const t = temps(index);
  for (const table of [t.raw, t.stg, t.months, t.fail, t.iss, t.good, t.dup]) await db.run(`DROP TABLE IF EXISTS ${table}`);
}

async function validateOne(
  db: Db,
  entry: Prepared,
  earlier: readonly Validated[],
  { mappingSha }: { mappingSha: string | null },
  clock: Clock,
  logger: Logger,
): Promise<Validated> {
  const { input, source, mapping, plan } = entry;
  const def = EXTRACTS[input.extract];
  const t = temps(entry.index);
  const shown = shownFile(input);
  const fileName = basename(shown);
  const ctx: CheckContext = {
    jurisdiction: mapping.jurisdiction,
    decimalSeparator: mapping.decimalSeparator,
    dateFormat: mapping.dateFormat,
    today: clock.today(),
  };
  const seenBefore = await db.all(
    `SELECT ingest_id, ingested_on FROM lineage WHERE extract = ${quoteLiteral(def.id)} AND sha256 = ${quoteLiteral(source.sha256)}
     AND mapping_sha256 IS NOT DISTINCT FROM ${mappingSha === null ? 'NULL' : quoteLiteral(mappingSha)} ORDER BY ingest_id LIMIT 1`,
  );
  const sameRun = earlier.find((v) => v.entry.input.extract === def.id && v.report.sha256 === source.sha256);
  if (seenBefore.length > 0 || sameRun !== undefined) {
    const first = seenBefore[0];
    logger.info(
      first !== undefined
        ? `${shown}: already ingested (ingest ${String(first['ingest_id'])} on ${String(first['ingested_on'])}); skipped`
        : `${shown}: the same bytes as ${sameRun === undefined ? '' : shownFile(sameRun.entry.input)} in this run; skipped`,
    );
    const report: FileReport = {
      extract: def.id,
      file: shown,
      sha256: source.sha256,
      skipped: true,
      recordsRead: source.format === 'csv' ? source.scan.records : 0,
      accepted: 0,
      rejected: 0,
      blankLines: source.format === 'csv' ? source.scan.blankLines : 0,
      inserted: 0,
      duplicatesInFile: 0,
      alreadyStored: 0,
      topReasons: [],
      floatNoiseValues: 0,
    };
    return { entry, report, rows: [], ctx };
  }
  const read = source.format === 'csv' ? await loadCsv(db, source, plan, t) : await loadParquet(db, source, plan, t);
  // message: set for structural rejects (what exactly is wrong); NULL takes the code's message.
  await db.run(`CREATE OR REPLACE TEMP TABLE ${t.iss} (_line INTEGER, "column" VARCHAR, value VARCHAR, code VARCHAR, message VARCHAR)`);
  const literal = (v: string | null): string => (v === null ? 'NULL' : quoteLiteral(v));
  const refused = [...read.structural, ...(input.refused ?? [])];
  for (let at = 0; at < refused.length; at += 1000) {
    const values = refused
      .slice(at, at + 1000)
      .map((row) => `(${row.line}, ${literal(row.column)}, ${literal(row.value)}, ${quoteLiteral(row.code)}, ${literal(row.message)})`);
    await db.run(`INSERT INTO ${t.iss} VALUES ${values.join(', ')}`);
  }
  await insertColumnIssues(db, columnChecks(def, plan, mapping, ctx), t);
  const order = dateOrderSql(def, plan, ctx, t);
  if (order !== null) await db.run(`INSERT INTO ${t.iss} (_line, "column", value, code) ${order}`);
  await db.run(goodRowsSql(def, plan, ctx, t));
  await db.run(rejectedMonthsSql(def, plan, ctx, t));
  await db.run(`DROP TABLE ${t.stg}`);
  const pending = earlier.filter((v) => v.entry.input.extract === def.id && !v.report.skipped).map((v) => temps(v.entry.index));
  await db.run(duplicateSql(def, t, pending, await storedKeyHashes(db, def, t)));
  await db.run(`INSERT INTO ${t.iss} (_line, "column", value, code) SELECT _line, NULL, ${keyText(def, 'd')}, 'DUPLICATE_KEY' FROM ${t.dup} d WHERE kind = 'conflict'`);
  const counts = await db.all(`SELECT
      (SELECT count(*) FROM ${t.dup} WHERE kind = 'same_in_file')::INTEGER AS dup_file,
      (SELECT count(*) FROM ${t.dup} WHERE kind = 'same_in_store')::INTEGER AS dup_store,
      (SELECT count(*) FROM ${t.dup} WHERE kind = 'conflict')::INTEGER AS conflicts,
      (SELECT count(DISTINCT _line) FROM ${t.iss})::INTEGER AS rejected,
      (SELECT count(*) FROM ${t.good})::INTEGER AS good,
      (SELECT coalesce(sum(g._noise), 0) FROM ${t.good} g ANTI JOIN ${t.dup} d ON g._line = d._line AND d.kind = 'conflict')::INTEGER AS noise`);
  const c = counts[0] ?? {};
  const rejected = Number(c['rejected']);
  const accepted = read.records - rejected;
  const good = Number(c['good']);
  const dupFile = Number(c['dup_file']);
  const dupStore = Number(c['dup_store']);
  const conflicts = Number(c['conflicts']);
  // The good rows come from DuckDB's parse, the record count from the independent scan: they must agree.
  if (good - conflicts !== accepted) {
    throw new Error(`${shown}: internal count mismatch: ${read.records} records read, ${rejected} rejected, but ${good - conflicts} accepted rows`);
  }
  const rows = await collectRejects(db, fileName, ctx, t.iss);
  const report: FileReport = {
    extract: def.id,
    file: shown,
    sha256: source.sha256,
    skipped: false,
    recordsRead: read.records,
    accepted,
    rejected,
    blankLines: source.format === 'csv' ? source.scan.blankLines : 0,
    inserted: accepted - dupFile - dupStore,
    duplicatesInFile: dupFile,
    alreadyStored: dupStore,
    topReasons: topReasons(rows),
    floatNoiseValues: Number(c['noise']),
  };
  logger.info(`${shown}: ${read.records} read, ${accepted} accepted, ${rejected} rejected`);
  if (report.floatNoiseValues > 0) {
    logger.warn(
      `${shown}: ${report.floatNoiseValues} money values carried floating-point noise (e.g. 241.58000000000004) and were stored ` +
        'rounded to 2 decimals; export them with 2 decimals to silence this',
    );
  }
  return { entry, report, rows, ctx };
}

/**
 * Writes one validated file's new rows and rejects as ingest `ingestId`
 * (inside the caller's transaction); returns its lineage row, as SQL VALUES,
 * for the caller to write after every file's rows.
 */
async function storeOne(db: Db, v: Validated, ingestId: number, mappingSha: string | null, clock: Clock): Promise<string> {
  const { entry, report, ctx } = v;
  const { source, mapping } = entry;
  const def = EXTRACTS[entry.input.extract];
  const t = temps(entry.index);
  const inserted = await insertNewRows(db, def, ingestId, t);
  if (inserted !== report.inserted) {
    throw new Error(`${shownFile(entry.input)}: internal count mismatch: ${report.inserted} rows to store, ${inserted} stored`);
  }
  if (def.id === 'declarations' && inserted > 0) {
    // New versions supersede stored ones (and a late earlier version is superseded on arrival);
    // the aggregates' groups holding its rows or a row whose latest version changed are rebuilt.
    const versioned = await refreshSupersession(db, ingestId, MONTH_AGGREGATE_KEY_COLUMNS);
    try {
      await refreshAggregatesAfterIngest(db, ingestId, versioned.table);
    } finally {
      await versioned.drop();
    }
    // Firms whose movements came first: the balances of the scored participants are the importers' (declarant).
    await markDeclarants(db, ingestId);
  }
  if (def.id === 'traceability' && inserted > 0) await refreshMovementMonthsAfterIngest(db, ingestId);
  // The release month of a rejected declaration row: read before staging was dropped, or from the typed row (a duplicate key).
  await db.run(
    `INSERT INTO rejects (ingest_id, file, line, "column", value, code, message, period)
     SELECT ${ingestId}, ${quoteLiteral(basename(shownFile(entry.input)))}, r._line, r."column", r.value, r.code, r.message,
       coalesce(m.period, ${EXTRACTS[entry.input.extract].id === 'declarations' ? `(SELECT strftime(g.release_date, '%Y-%m') FROM ${t.good} g WHERE g._line = r._line)` : 'NULL'})
     FROM (${rejectsWithMessagesSql(ctx, t.iss)}) r LEFT JOIN ${t.months} m ON m._line = r._line`,
  );
  return `(${[
    ingestId,
    quoteLiteral(def.id),
    quoteLiteral(shownFile(entry.input)),
    quoteLiteral(source.sha256),
    quoteLiteral(source.format),
    source.format === 'csv' ? quoteLiteral(mapping.encoding) : 'NULL',
    source.format === 'csv' ? quoteLiteral(source.delimiter) : 'NULL',
    quoteLiteral(mapping.jurisdiction),
    quoteLiteral(mapping.currency),
    mappingSha === null ? 'NULL' : quoteLiteral(mappingSha),
    SCHEMA_VERSION,
    report.recordsRead,
    report.accepted,
    report.rejected,
    inserted,
    report.duplicatesInFile,
    report.alreadyStored,
    sqlDate(clock.today()),
  ].join(', ')})`;
}

interface LoadedRead {
  /** Records counted independently of DuckDB's parse. */
  records: number;
  /** Records refused for their structure, by the scan (or, should it ever happen, by DuckDB). */
  structural: StructuralIssue[];
}

type Temps = ReturnType<typeof temps>;

/**
 * Reads a CSV into TEMP table `stg` (staged text columns and `_line`, the
 * physical line of each row). DuckDB reads the source's numbered copy
 * (`readPath`: the records the scan found well-formed, each led by its
 * line), in parallel. The scan's refused records are the structural
 * rejects, with any record DuckDB refuses all the same.
 */
async function loadCsv(db: Db, source: CsvSource, plan: StagingPlan, t: Temps): Promise<LoadedRead> {
  const header = uniqueHeader(source.header, source.file);
  const lineColumn = lineColumnBeside(header);
  const columns = [`${quoteLiteral(lineColumn)}: 'INTEGER'`, ...header.map((h) => `${quoteLiteral(h)}: 'VARCHAR'`)].join(', ');
  // DuckDB's line limit sits just above the scan's, so that the scan is the one to refuse a long record, saying why.
  const readCsv = `read_csv(${quoteLiteral(source.readPath)},
    header = true, auto_detect = false, delim = ${quoteLiteral(source.delimiter)}, quote = '"', escape = '"', new_line = '\\n',
    columns = {${columns}}, strict_mode = true, null_padding = false,
    store_rejects = true, rejects_table = 'ccrg_rej', rejects_scan = 'ccrg_scan', max_line_size = ${MAX_RECORD_BYTES + 1024})`;
  const { scan, keptOrdinals, keptOffsets } = source;
  const structural = scan.refused.map((record) => issueOfRefusedRecord(record, header));
  await db.run('DROP TABLE IF EXISTS ccrg_rej; DROP TABLE IF EXISTS ccrg_scan');
  await db.run(stagingSql(plan, readCsv, t.stg, quoteIdent(lineColumn)));
  // Should DuckDB refuse a record the scan found well-formed, the other rows keep their lines all the same.
  const rejectedRows = await rejectsOfRead(db);
  const dropped = new Set(rejectedRows.map((row) => ordinalAtOffset(keptOffsets, Number(row['pos']))));
  const countRows = await db.all(`SELECT count(*)::BIGINT AS n, count(_line)::BIGINT AS numbered FROM ${t.stg}`);
  const parsed = Number(countRows[0]?.['n']);
  if (parsed + rejectedRows.length !== keptOrdinals.length || Number(countRows[0]?.['numbered']) !== parsed || dropped.size !== rejectedRows.length) {
    throw new InputFileError(
      source.file,
      `records could not be delimited consistently: ${keptOrdinals.length} well-formed records counted, but DuckDB read ${parsed} and rejected ${rejectedRows.length}; ` +
        'check the quoting and the delimiter',
    );
  }
  for (const row of rejectedRows) {
    const ordinal = keptOrdinals[ordinalAtOffset(keptOffsets, Number(row['pos']))] as number;
    structural.push({
      line: scan.recordLines[ordinal] ?? 0,
      column: null,
      value: truncate(withoutLineField(String(row['csv_line'] ?? '').replace(/^\n/, ''), source.delimiter), 200),
      code: 'MALFORMED_RECORD',
      message: `DuckDB could not read the record: ${String(row['error_message'] ?? row['error_type'])}`,
    });
  }
  return { records: scan.records, structural };
}

/** A line of the numbered copy as the file holds it: without the line number the copy put first. */
function withoutLineField(line: string, delimiter: string): string {
  const end = line.indexOf(delimiter);
  return end >= 0 && /^\d+$/.test(line.slice(0, end)) ? line.slice(end + delimiter.length) : line;
}

/** The records DuckDB's last CSV read rejected, one row per record. */
async function rejectsOfRead(db: Db): Promise<Row[]> {
  return db.all(`SELECT line_byte_position::DOUBLE AS pos, min(error_type) AS error_type, min(error_message) AS error_message, min(csv_line) AS csv_line
    FROM ccrg_rej GROUP BY line_byte_position ORDER BY line_byte_position`);
}

/** Reads a Parquet file into TEMP table `stg`, every column as text, `_line` being the 1-based row. */
async function loadParquet(db: Db, source: Source, plan: StagingPlan, t: Temps): Promise<LoadedRead> {
  const described = await db.all(`DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(source.readPath)})`);
  const casts = described.map((r) => {
    const name = quoteIdent(String(r['column_name']));
    const type = String(r['column_type']);
    // Timestamps would not read back as dates: keep the date part.
    const value = type.startsWith('TIMESTAMP') ? `CAST(CAST(${name} AS DATE) AS VARCHAR)` : `CAST(${name} AS VARCHAR)`;
    return `${value} AS ${name}`;
  });
  const lineColumn = lineColumnBeside(described.map((r) => String(r['column_name'])));
  await db.run(`CREATE OR REPLACE TEMP TABLE ${t.raw} AS SELECT ${casts.join(', ')}, CAST(file_row_number + 1 AS INTEGER) AS ${quoteIdent(lineColumn)}
    FROM read_parquet(${quoteLiteral(source.readPath)}, file_row_number = true)`);
  const meta = await db.all(`SELECT sum(num_rows)::BIGINT AS n FROM parquet_file_metadata(${quoteLiteral(source.readPath)})`);
  const records = Number(meta[0]?.['n'] ?? 0);
  const counted = await db.all(`SELECT count(*)::BIGINT AS n FROM ${t.raw}`);
  if (Number(counted[0]?.['n']) !== records) {
    throw new InputFileError(source.file, `the metadata counts ${records} rows but ${String(counted[0]?.['n'])} were read`);
  }
  await db.run(stagingSql(plan, t.raw, t.stg, quoteIdent(lineColumn)));
  await db.run(`DROP TABLE ${t.raw}`);
  return { records, structural: [] };
}

/** A name for the read's line column that is none of the file's own columns (`_line`, else `__line`, ...). */
function lineColumnBeside(columns: readonly string[]): string {
  let name = '_line';
  while (columns.includes(name)) name = `_${name}`;
  return name;
}

/** Index of the record starting at a byte offset (or the last record starting before it). */
function ordinalAtOffset(offsets: Float64Array, position: number): number {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((offsets[mid] as number) <= position) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** TEMP table `stg`: `_line` and the trimmed text of every contract, extra and label column. */
function stagingSql(plan: StagingPlan, from: string, stg: string, line = '_line'): string {
  const select = [line === '_line' ? line : `${line} AS _line`];
  for (const [name, expr] of plan.columns) select.push(`${expr} AS ${quoteIdent(name)}`);
  for (const [name, expr] of plan.extraCategorical) select.push(`${expr} AS ${quoteIdent(`xc:${name}`)}`);
  for (const [name, expr] of plan.extraNumeric) select.push(`${expr} AS ${quoteIdent(`xn:${name}`)}`);
  if (plan.labels !== null) {
    select.push(`${plan.labels.violation ?? 'NULL::VARCHAR'} AS "label:violation"`);
    select.push(`${plan.labels.charges ?? 'NULL::VARCHAR'} AS "label:charges"`);
  }
  return `CREATE OR REPLACE TEMP TABLE ${stg} AS SELECT ${select.join(', ')} FROM ${from}`;
}

const LABEL_VIOLATION = { name: 'violation', kind: 'integer', required: false, min: 0, max: 1, description: '' } as const;
const LABEL_CHARGES = { name: 'additional_charges', kind: 'money', required: false, description: '' } as const;
const EXTRA_NUMBER = { name: 'extra', kind: 'quantity', required: false, description: '' } as const;

/** One column check: the staged column, the name reported in rejects, and the SQL giving its reject code. */
interface ColumnCheck {
  staged: string;
  reported: string;
  code: string;
}

/** The column checks of a file, and the sub-expressions they share, computed once per row before them (`#s0`, ...). */
interface ColumnChecks {
  checks: ColumnCheck[];
  shared: Map<string, string>;
}

function columnChecks(def: ExtractDef, plan: StagingPlan, mapping: ExtractMapping, ctx: CheckContext): ColumnChecks {
  const checks: ColumnCheck[] = [];
  const shared = new Map<string, string>();
  const share: Share = (expression) => {
    let name = shared.get(expression);
    if (name === undefined) {
      name = `#s${shared.size}`;
      shared.set(expression, name);
    }
    return quoteIdent(name);
  };
  for (const column of def.columns) {
    // A column absent from the file holds only its default or NULL: nothing to check.
    if (!plan.present.has(column.name) && !(column.name === 'item_no' && def.id === 'declarations')) continue;
    const required = isRequired(column, mapping.jurisdiction) && plan.present.has(column.name);
    checks.push({ staged: column.name, reported: column.name, code: rejectCodeExpr(quoteIdent(column.name), column, ctx, required, share) });
  }
  for (const name of plan.extraNumeric.keys()) {
    // Extra numbers may be negative (e.g. balances): only require a number.
    const x = quoteIdent(`xn:${name}`);
    checks.push({ staged: `xn:${name}`, reported: name, code: `CASE WHEN ${x} IS NOT NULL AND ${typedExpr(x, EXTRA_NUMBER, ctx)} IS NULL THEN 'NOT_A_NUMBER' END` });
  }
  if (plan.labels !== null) {
    const labels = mapping.labels;
    if (plan.labels.violation !== null) {
      checks.push({ staged: 'label:violation', reported: labels?.violation ?? 'violation', code: rejectCodeExpr('"label:violation"', LABEL_VIOLATION, ctx, false, share) });
    }
    if (plan.labels.charges !== null) {
      checks.push({ staged: 'label:charges', reported: labels?.additionalCharges ?? 'additional_charges', code: rejectCodeExpr('"label:charges"', LABEL_CHARGES, ctx, false, share) });
    }
  }
  return { checks, shared };
}

/**
 * Adds an issue for every failing column check. One pass over the staged
 * rows keeps the failing ones with a code per column; the few failing rows
 * are then turned into one issue per failing column. The sub-expressions
 * several checks share (a column's number or date) are computed once per
 * row beneath them: DuckDB does not share them between the branches of a
 * CASE (docs/performance.md, "Shared sub-expressions of the checks").
 */
async function insertColumnIssues(db: Db, { checks, shared }: ColumnChecks, t: Temps): Promise<void> {
  if (checks.length === 0) return;
  const codes = checks.map((c, i) => `${c.code} AS "#${i}"`);
  const anyFailing = checks.map((_, i) => `"#${i}" IS NOT NULL`).join(' OR ');
  const names = [...shared.values()].map(quoteIdent);
  const rows = names.length === 0 ? t.stg : `(SELECT *, ${[...shared].map(([expression, name]) => `${expression} AS ${quoteIdent(name)}`).join(', ')} FROM ${t.stg})`;
  const kept = names.length === 0 ? '*' : `* EXCLUDE (${names.join(', ')})`;
  await db.run(`CREATE OR REPLACE TEMP TABLE ${t.fail} AS SELECT ${kept} FROM (SELECT *, ${codes.join(', ')} FROM ${rows}) WHERE ${anyFailing}`);
  const parts = checks.map(
    (c, i) => `SELECT _line, ${quoteLiteral(c.reported)} AS "column", ${quoteIdent(c.staged)} AS value, "#${i}" AS code FROM ${t.fail} WHERE "#${i}" IS NOT NULL`,
  );
  await db.run(`INSERT INTO ${t.iss} (_line, "column", value, code) ${parts.join('\nUNION ALL\n')}`);
  await db.run(`DROP TABLE ${t.fail}`);
}

/** SELECT of DATE_ORDER issues on rows without column issues. */
function dateOrderSql(def: ExtractDef, plan: StagingPlan, ctx: CheckContext, t: Temps): string | null {
  const pairs = (def.dateOrder ?? []).filter(([a, b]) => plan.present.has(a) && plan.present.has(b));
  if (pairs.length === 0) return null;
  const parts = pairs.map(([earlier, later]) => {
    const a = typedExpr(`s.${quoteIdent(earlier)}`, columnOf(def, earlier), ctx);
    const b = typedExpr(`s.${quoteIdent(later)}`, columnOf(def, later), ctx);
    return `SELECT s._line, ${quoteLiteral(later)} AS "column", s.${quoteIdent(later)} AS value, 'DATE_ORDER' AS code
      FROM ${t.stg} s ANTI JOIN ${t.iss} i ON s._line = i._line WHERE ${b} < ${a}`;
  });
  return parts.join('\nUNION ALL\n');
}

function columnOf(def: ExtractDef, name: string): ColumnDef {
  const column = def.columns.find((c) => c.name === name);
  if (column === undefined) throw new Error(`${def.id} has no column ${name}`);
  return column;
}

/**
 * TEMP table `months`: the release month (YYYY-MM) of each rejected
 * declaration row whose release date could be read, so that what ingest
 * refused can be counted against a month later (`ccrg evaluate`); empty for
 * other extracts and for rows without a readable date.
 */
function rejectedMonthsSql(def: ExtractDef, plan: StagingPlan, ctx: CheckContext, t: Temps): string {
  if (def.id !== 'declarations' || !plan.present.has('release_date')) return `CREATE OR REPLACE TEMP TABLE ${t.months} (_line INTEGER, period VARCHAR)`;
  return `CREATE OR REPLACE TEMP TABLE ${t.months} AS
    SELECT s._line, strftime(${typedExpr('s."release_date"', columnOf(def, 'release_date'), ctx)}, '%Y-%m') AS period
    FROM ${t.stg} s SEMI JOIN ${t.iss} i ON s._line = i._line`;
}

/** TEMP table `good`: typed rows without issues, in file order, with `_line` and a content hash. */
function goodRowsSql(def: ExtractDef, plan: StagingPlan, ctx: CheckContext, t: Temps): string {
  const typed = def.columns.map((c) => {
    let expr = typedExpr(`s.${quoteIdent(c.name)}`, c, ctx);
    if (c.defaultFrom !== undefined) expr = `coalesce(${expr}, ${typedExpr(`s.${quoteIdent(c.defaultFrom)}`, columnOf(def, c.defaultFrom), ctx)})`;
    return `${expr} AS ${quoteIdent(c.name)}`;
  });
  const cat = [...plan.extraCategorical.keys()];
  const num = [...plan.extraNumeric.keys()];
  const extraCat = cat.length === 0 ? 'NULL' : `MAP([${cat.map(quoteLiteral).join(', ')}], [${cat.map((n) => `s.${quoteIdent(`xc:${n}`)}`).join(', ')}])`;
  const extraNum =
    num.length === 0 ? 'NULL' : `MAP([${num.map(quoteLiteral).join(', ')}], [${num.map((n) => typedExpr(`s.${quoteIdent(`xn:${n}`)}`, EXTRA_NUMBER, ctx)).join(', ')}])`;
  const select = [...typed, `${extraCat}::MAP(VARCHAR, VARCHAR) AS extra_cat`, `${extraNum}::MAP(VARCHAR, DOUBLE) AS extra_num`];
  select.push(`${floatNoiseCountSql(def, plan, ctx)} AS _noise`);
  if (def.id === 'declarations') {
    const labels = plan.labels;
    select.push(labels?.violation ? `${typedExpr('s."label:violation"', LABEL_VIOLATION, ctx)} AS label_violation` : 'NULL::INTEGER AS label_violation');
    select.push(labels?.charges ? `${typedExpr('s."label:charges"', LABEL_CHARGES, ctx)} AS label_charges_rub` : 'NULL::DECIMAL(18,2) AS label_charges_rub');
    select.push(
      labels !== null && (labels.violation !== null || labels.charges !== null)
        ? `(${typedExpr('s."release_date"', columnOf(def, 'release_date'), ctx)} + INTERVAL ${labels.lagDays} DAY)::DATE AS label_known_date`
        : 'NULL::DATE AS label_known_date',
    );
  }
  // Columns added to the contract later count in the hash only when set: an empty one leaves the hash as it was.
  const added = addedColumns(def);
  const names = storedColumns(def)
    .map(([n]) => n)
    .filter((n) => !LINEAGE_COLUMN_NAMES.has(n) && !added.has(n));
  const text = (columns: readonly string[]): string => columns.map((n) => `coalesce(CAST(${quoteIdent(n)} AS VARCHAR), '\\N')`).join(', chr(31), ');
  const addedText = [...added].map((n) => `, coalesce(chr(30) || ${quoteLiteral(n)} || chr(31) || CAST(${quoteIdent(n)} AS VARCHAR), '')`).join('');
  return `CREATE OR REPLACE TEMP TABLE ${t.good} AS
    SELECT *, md5_number(concat(${text(names)}${addedText})) AS row_hash,
      md5_number_lower(concat(${text(def.key.filter((k) => !added.has(k)))}${def.key.filter((k) => added.has(k)).map((n) => `, coalesce(chr(30) || ${quoteLiteral(n)} || chr(31) || CAST(${quoteIdent(n)} AS VARCHAR), '')`).join('')})) AS key_hash FROM (
      SELECT s._line, ${select.join(', ')} FROM ${t.stg} s ANTI JOIN ${t.iss} i ON s._line = i._line
    )`;
}

/** SQL: how many money values of a staged row are floating-point noise (stored rounded). */
function floatNoiseCountSql(def: ExtractDef, plan: StagingPlan, ctx: CheckContext): string {
  const staged = def.columns.filter((c) => c.kind === 'money' && plan.present.has(c.name)).map((c) => `s.${quoteIdent(c.name)}`);
  if (plan.labels?.charges) staged.push('s."label:charges"');
  if (staged.length === 0) return '0';
  return staged.map((x) => `CASE WHEN ${isFloatNoiseExpr(x, ctx)} THEN 1 ELSE 0 END`).join(' + ');
}

function keyJoin(def: ExtractDef, a: string, b: string): string {
  return def.key.map((k) => `${a}.${quoteIdent(k)} IS NOT DISTINCT FROM ${b}.${quoteIdent(k)}`).join(' AND ');
}

function keyText(def: ExtractDef, alias: string): string {
  // A key column added to the contract later shows only when set (concat_ws skips NULL), as before it existed.
  const added = addedColumns(def);
  return `concat_ws(' / ', ${def.key.map((k) => (added.has(k) ? `CAST(${alias}.${quoteIdent(k)} AS VARCHAR)` : `coalesce(CAST(${alias}.${quoteIdent(k)} AS VARCHAR), '')`)).join(', ')})`;
}

/**
 * TEMP table `dup`: good rows that are not new. `same_in_file` repeats an
 * earlier row of the file exactly; `same_in_store` is stored already (or
 * comes in an earlier file of this run); `conflict` has a key seen before
 * with other content.
 */
function duplicateSql(def: ExtractDef, t: Temps, pending: readonly Temps[], storedHashes: readonly string[] | null): string {
  const keys = def.key.map(quoteIdent).join(', ');
  const keysOf = (alias: string): string => def.key.map((k) => `${alias}.${quoteIdent(k)}`).join(', ');
  // Only stored rows whose key hash occurs in the file can match. A short
  // list of constants becomes a scan filter, so other columns are read only
  // for matching rows; a long one goes through a semi-join.
  const storedFilter =
    storedHashes === null ? `key_hash IN (SELECT key_hash FROM ${t.good})` : storedHashes.length === 0 ? 'false' : `key_hash IN (${storedHashes.join(', ')})`;
  const stored = [
    `SELECT ${keys}, row_hash, key_hash FROM ${quoteIdent(def.id)} WHERE ${storedFilter}`,
    ...pending.map((p) => `SELECT ${keysOf('g')}, g.row_hash, g.key_hash FROM ${p.good} g ANTI JOIN ${p.dup} d USING (_line) WHERE g.key_hash IN (SELECT key_hash FROM ${t.good})`),
  ].join(' UNION ALL ');
  return `CREATE OR REPLACE TEMP TABLE ${t.dup} AS
    WITH repeated AS (
      -- rows whose key occurs more than once in the file (few): ordered by line within each key
      SELECT _line, ${keys}, row_hash, key_hash,
        row_number() OVER w AS rn, first_value(row_hash) OVER w AS first_hash
      FROM ${t.good}
      WHERE key_hash IN (SELECT key_hash FROM ${t.good} GROUP BY key_hash HAVING count(*) > 1)
      WINDOW w AS (PARTITION BY ${keys} ORDER BY _line)
    ),
    stored AS (${stored}),
    firsts AS (
      SELECT g._line, ${keysOf('g')}, CASE WHEN bool_or(s.row_hash = g.row_hash) THEN 'same_in_store' ELSE 'conflict' END AS kind
      FROM ${t.good} g JOIN stored s ON g.key_hash = s.key_hash AND ${keyJoin(def, 'g', 's')}
      WHERE g._line NOT IN (SELECT _line FROM repeated WHERE rn > 1)
      GROUP BY ALL
    ),
    later AS (
      SELECT r._line, ${keysOf('r')},
        CASE WHEN r.row_hash <> r.first_hash OR f.kind = 'conflict' THEN 'conflict' ELSE 'same_in_file' END AS kind
      FROM repeated r LEFT JOIN firsts f ON ${keyJoin(def, 'r', 'f')}
      WHERE r.rn > 1
    )
    SELECT * FROM firsts UNION ALL SELECT * FROM later`;
}

const INLINE_HASHES = 20_000;

/** Key hashes of the file already in the store, when few enough to inline; null when many. */
async function storedKeyHashes(db: Db, def: ExtractDef, t: Temps): Promise<string[] | null> {
  const rows = await db.all(`SELECT DISTINCT s.key_hash::VARCHAR AS h FROM (SELECT key_hash FROM ${quoteIdent(def.id)}) s
    SEMI JOIN ${t.good} g ON s.key_hash = g.key_hash LIMIT ${INLINE_HASHES + 1}`);
  if (rows.length > INLINE_HASHES) return null;
  return rows.map((r) => String(r['h'])).sort();
}

async function nextIngestId(db: Db): Promise<number> {
  const rows = await db.all('SELECT (coalesce(max(ingest_id), 0) + 1)::INTEGER AS id FROM lineage');
  return Number(rows[0]?.['id']);
}

async function insertNewRows(db: Db, def: ExtractDef, ingestId: number, t: Temps): Promise<number> {
  const columns = storedColumns(def).map(([n]) => n);
  const select = columns.map((n) =>
    n === 'ingest_id' ? `${ingestId}` : n === 'source_line' ? 'g._line' : n === 'superseded_on' ? 'NULL' : `g.${quoteIdent(n)}`,
  );
  const rows = await db.all(`INSERT INTO ${quoteIdent(def.id)} (${columns.map(quoteIdent).join(', ')})
    SELECT ${select.join(', ')} FROM ${t.good} g ANTI JOIN ${t.dup} d USING (_line)`);
  return Number(rows[0]?.['Count'] ?? 0);
}

function rejectsWithMessagesSql(ctx: CheckContext, iss: string): string {
  const whens = Object.entries(REJECT_CODES).map(([code]) => `WHEN ${quoteLiteral(code)} THEN ${quoteLiteral(rejectMessage(code as RejectCode, ctx))}`);
  return `SELECT _line, "column", value, code, coalesce(message, CASE code ${whens.join(' ')} END) AS message FROM ${iss}`;
}

/** The message written beside a reject code: what was wrong and what is expected. */
function rejectMessage(code: RejectCode, ctx: CheckContext): string {
  const expectedDate = ctx.dateFormat === null ? 'YYYY-MM-DD' : ctx.dateFormat;
  switch (code) {
    case 'BAD_DATE':
      return REJECT_CODES[code].replace('expected format', `expected format (${expectedDate})`);
    case 'FUTURE_DATE':
      return `${REJECT_CODES[code]} (${ctx.today})`;
    case 'BAD_HS_CODE':
      return `${REJECT_CODES[code]} (expected ${ctx.jurisdiction === 'ru' ? '10' : '6 to 10'} digits)`;
    case 'NOT_A_NUMBER':
      return `${REJECT_CODES[code]} (decimal separator "${ctx.decimalSeparator}")`;
    default:
      return REJECT_CODES[code];
  }
}

async function collectRejects(db: Db, fileName: string, ctx: CheckContext, iss: string): Promise<RejectRow[]> {
  const rows = await db.all(`${rejectsWithMessagesSql(ctx, iss)} ORDER BY _line, "column" NULLS FIRST, code`);
  return rows.map((r) => ({
    file: fileName,
    line: Number(r['_line']),
    column: r['column'] === null ? null : String(r['column']),
    value: r['value'] === null ? null : String(r['value']),
    code: String(r['code']) as RejectCode,
    message: String(r['message']),
  }));
}

function topReasons(rows: readonly RejectRow[]): { code: RejectCode; records: number }[] {
  const lines = new Map<RejectCode, Set<number>>();
  for (const row of rows) {
    let set = lines.get(row.code);
    if (set === undefined) lines.set(row.code, (set = new Set()));
    set.add(row.line);
  }
  return [...lines.entries()]
    .map(([code, set]) => ({ code, records: set.size }))
    .sort((a, b) => b.records - a.records || a.code.localeCompare(b.code));
}
