import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBDataChunk, type DuckDBVector } from '@duckdb/node-api';
import { UsageError } from '../util/errors.js';

/** A row as read back from DuckDB: DECIMAL, BIGINT and DATE come back as strings, exact. */
export type Row = Record<string, string | number | boolean | null | unknown[] | Record<string, unknown>>;

/** A value bound to a `$name` parameter of a statement. */
export type SqlValue = string | number | boolean | null;

/**
 * Values for the `$name` parameters of one statement. Values that come from
 * data or from the user are bound, never spliced into SQL text; quoting
 * (io/sql.ts) is for the SQL that is text by nature: views and names.
 */
export type SqlParams = Readonly<Record<string, SqlValue>>;

/** The column types {@link Db.appendRows} writes. */
export type AppendType = 'integer' | 'double' | 'varchar';

/** The small database surface the pipeline needs; one DuckDB adapter implements it. */
export interface Db {
  /** Runs statements, discarding any result; `params` binds `$name` parameters (one statement then). */
  run(sql: string, params?: SqlParams): Promise<void>;
  /** Runs one query and returns every row; `params` binds its `$name` parameters. */
  all(sql: string, params?: SqlParams): Promise<Row[]>;
  /**
   * Runs one query and streams its result chunk by chunk (about 2,048 rows
   * each): `onChunk` gets each column's values and the chunk's row count.
   * For results too large for row objects; cast columns in SQL to DOUBLE,
   * INTEGER, BOOLEAN or VARCHAR, which arrive as numbers, booleans and strings
   * (NULL as null).
   */
  scan(sql: string, params: SqlParams | undefined, onChunk: (columns: readonly (readonly unknown[])[], rowCount: number) => void): Promise<void>;
  /**
   * `scan` for results whose every column is numeric (DOUBLE, INTEGER,
   * BOOLEAN, ...): each column of a chunk arrives as a Float64Array, NaN for
   * NULL. Read from the engine's vectors without a JS value per cell: the
   * feature matrices of millions of items.
   */
  scanNumbers(sql: string, params: SqlParams | undefined, onChunk: (columns: readonly Float64Array[], rowCount: number) => void): Promise<void>;
  /**
   * Appends `count` rows to an existing table (TEMP tables included) through
   * DuckDB's appender, column by column as `types` say: far faster than
   * INSERT ... VALUES for many rows. `valueAt(row, column)` gives a value
   * (null for NULL).
   */
  appendRows(table: string, types: readonly AppendType[], count: number, valueAt: (row: number, column: number) => string | number | null): Promise<void>;
  /** Runs `work` inside BEGIN/COMMIT; rolls back and rethrows if it throws. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** Releases the connection and the database file. */
  close(): void;
  /** Where the database lives: a file path or `:memory:`. */
  readonly path: string;
}

/** A DuckDB statement failed; `sql` keeps the statement for the report. */
export class QueryError extends Error {
  readonly sql: string;
  constructor(message: string, sql: string, cause: unknown) {
    super(message, { cause });
    this.name = 'QueryError';
    this.sql = sql;
  }
}

/** Settings applied to every connection. */
export interface DuckDbOptions {
  /** Worker threads (DuckDB `threads`); default: DuckDB's own (all cores). */
  threads?: number;
  /** DuckDB `memory_limit`, e.g. `4GB`; default: DuckDB's own (80% of RAM). */
  memoryLimit?: string;
  /** Open a database file read-only (TEMP tables still work). */
  readOnly?: boolean;
}

/**
 * Why `path` cannot be a store, or null: a store is a DuckDB database file
 * (bytes 8-11 read "DUCK") or a path not there yet. DuckDB itself opens other
 * files, a CSV as an in-memory database with a view on it for instance, so
 * an ingest into it would say "stored" and keep nothing.
 */
function notAStore(path: string): string | null {
  if (path === ':memory:' || !existsSync(path)) return null;
  if (statSync(path).isDirectory()) return 'it is a folder; name the database file, e.g. out/ccrg.duckdb';
  const head = Buffer.alloc(12);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 12, 0);
  } finally {
    closeSync(fd);
  }
  return head.subarray(8, 12).toString('latin1') === 'DUCK' ? null : 'it exists and is not a DuckDB database (an extract? give extracts as input files or --dir); name a new file or an existing store';
}

/** Opens (creating it and its folder if needed) a DuckDB database at `path` (`:memory:` for none). */
export async function openDuckDb(path: string, options: DuckDbOptions = {}): Promise<Db> {
  const refused = notAStore(path);
  if (refused !== null) throw new UsageError(`The store ${path} cannot be used: ${refused}`);
  const config: Record<string, string> = {};
  if (options.threads !== undefined) config['threads'] = String(options.threads);
  if (options.memoryLimit !== undefined) config['memory_limit'] = options.memoryLimit;
  if (options.readOnly === true && path !== ':memory:') config['access_mode'] = 'READ_ONLY';
  let instance: DuckDBInstance;
  try {
    if (path !== ':memory:' && options.readOnly !== true) mkdirSync(dirname(path), { recursive: true });
    instance = await DuckDBInstance.create(path, config);
  } catch (cause) {
    const message = messageOf(cause);
    // A setting DuckDB refuses (a memory limit it cannot parse or grant) is the user's to change, not a failure of the store.
    if (/Failed to set config|Invalid Input Error/i.test(message)) {
      throw new UsageError(`DuckDB refused the settings ${JSON.stringify(config)} for the store ${path}: ${message.split('\n')[0] ?? message} (check --threads and --memory-limit)`);
    }
    throw new Error(`Cannot open the store ${path}: ${message}`, { cause });
  }
  const connection = await instance.connect();
  return new DuckDbAdapter(path, instance, connection);
}

class DuckDbAdapter implements Db {
  constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  async run(sql: string, params?: SqlParams): Promise<void> {
    try {
      await (params === undefined ? this.connection.run(sql) : this.connection.run(sql, { ...params }));
    } catch (cause) {
      throw new QueryError(`DuckDB: ${messageOf(cause)}`, sql, cause);
    }
  }

  async all(sql: string, params?: SqlParams): Promise<Row[]> {
    try {
      const reader = await (params === undefined ? this.connection.runAndReadAll(sql) : this.connection.runAndReadAll(sql, { ...params }));
      return reader.getRowObjectsJson() as Row[];
    } catch (cause) {
      throw new QueryError(`DuckDB: ${messageOf(cause)}`, sql, cause);
    }
  }

  scan(sql: string, params: SqlParams | undefined, onChunk: (columns: readonly (readonly unknown[])[], rowCount: number) => void): Promise<void> {
    return this.chunks(sql, params, (chunk) => onChunk(Array.from({ length: chunk.columnCount }, (_, c) => chunk.getColumnValues(c)), chunk.rowCount));
  }

  scanNumbers(sql: string, params: SqlParams | undefined, onChunk: (columns: readonly Float64Array[], rowCount: number) => void): Promise<void> {
    return this.chunks(sql, params, (chunk) => onChunk(Array.from({ length: chunk.columnCount }, (_, c) => numbersOf(chunk.getColumnVector(c), chunk.rowCount)), chunk.rowCount));
  }

  /** Streams a query's result to `onChunk`, one non-empty chunk at a time (what `scan` and `scanNumbers` convert). */
  private async chunks(sql: string, params: SqlParams | undefined, onChunk: (chunk: DuckDBDataChunk) => void): Promise<void> {
    try {
      const result = await (params === undefined ? this.connection.stream(sql) : this.connection.stream(sql, { ...params }));
      for (;;) {
        const chunk = await result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) break;
        onChunk(chunk);
      }
    } catch (cause) {
      throw new QueryError(`DuckDB: ${messageOf(cause)}`, sql, cause);
    }
  }

  async appendRows(table: string, types: readonly AppendType[], count: number, valueAt: (row: number, column: number) => string | number | null): Promise<void> {
    const temp = (await this.all(`SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE temporary AND table_name = $name`, { name: table }))[0]?.['n'] === 1;
    const appender = await (temp ? this.connection.createAppender(table, 'main', 'temp') : this.connection.createAppender(table));
    try {
      for (let r = 0; r < count; r++) {
        for (let c = 0; c < types.length; c++) {
          const v = valueAt(r, c);
          if (v === null) appender.appendNull();
          else if (types[c] === 'integer') appender.appendInteger(v as number);
          else if (types[c] === 'double') appender.appendDouble(v as number);
          else appender.appendVarchar(String(v));
        }
        appender.endRow();
      }
    } finally {
      appender.closeSync();
    }
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.run('COMMIT');
      return result;
    } catch (error) {
      await this.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** Typed arrays in which @duckdb/node-api holds the items of a numeric vector. */
type NumericItems = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint32Array | Uint16Array | Uint8Array;

/**
 * A numeric vector's values as doubles, NaN for NULL. The fast path reads
 * the typed array and validity words the vector holds (internals of
 * @duckdb/node-api 1.x, checked by test/io/db.test.ts against `getItem`);
 * any other vector is read item by item.
 */
function numbersOf(vector: DuckDBVector, rows: number): Float64Array {
  const out = new Float64Array(rows);
  const inside = vector as unknown as { items?: unknown; validity?: { data?: unknown; offset?: unknown } };
  const items = inside.items;
  const validity = inside.validity;
  const words = validity?.data;
  const fast =
    (items instanceof Float64Array || items instanceof Float32Array || items instanceof Int32Array || items instanceof Int16Array || items instanceof Int8Array ||
      items instanceof Uint32Array || items instanceof Uint16Array || items instanceof Uint8Array) &&
    items.length >= rows &&
    validity?.offset === 0 &&
    (words === null || words instanceof BigUint64Array);
  if (!fast) {
    for (let r = 0; r < rows; r++) {
      const v = vector.getItem(r);
      out[r] = v === null ? Number.NaN : Number(v);
    }
    return out;
  }
  const values = items as NumericItems;
  for (let r = 0; r < rows; r++) out[r] = values[r] as number;
  if (words instanceof BigUint64Array) {
    // Bit r of the validity words says whether row r is valid; read as 32-bit halves (little-endian), no BigInt per row.
    const halves = new Uint32Array(words.buffer, words.byteOffset, words.length * 2);
    for (let r = 0; r < rows; r++) if (((halves[r >>> 5] as number) & (1 << (r & 31))) === 0) out[r] = Number.NaN;
  }
  return out;
}

/** The message of any thrown value. */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
