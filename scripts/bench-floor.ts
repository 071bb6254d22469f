// The engine's floor (issue "A monthly batch that costs one month"): plain DuckDB doing the least work
// the job needs, on the same machine, files and store as the ingest and score benchmarks, so that their
// figures are ratios measured side by side (docs/performance.md). Never writes to the store.
//
//   npx tsx scripts/bench-floor.ts read FILE.csv[,FILE.csv...] [THREADS]     the single read of a month's files
//                                                                           into tables (in memory)
//   npx tsx scripts/bench-floor.ts persist FILE.csv[,FILE.csv...] [THREADS]  the same read into tables of a fresh
//                                                                           database file, committed: the least an
//                                                                           ingest that keeps the rows must do
//   npx tsx scripts/bench-floor.ts pass STORE AS_OF [THREADS]               one pass over the window's items grouped
//                                                                           by importer, with a per-HS6 median unit
//                                                                           value joined back
//
// Prints one line: `floor <what>: <seconds> s, <rows> rows` (`... rows of <n> columns` for a read).
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { sniffDelimiter, splitCsvRecord } from '../src/io/csv-scan.js';
import { openDuckDb } from '../src/io/db.js';
import { quoteLiteral } from '../src/io/sql.js';

const [what, target, arg, threadsArg] = process.argv.slice(2);
const usage = (): never => {
  process.stderr.write('usage: npx tsx scripts/bench-floor.ts read|persist FILE.csv[,FILE.csv...] [THREADS] | pass STORE AS_OF [THREADS]\n');
  process.exit(2);
};
if (target === undefined || (what !== 'read' && what !== 'persist' && what !== 'pass') || (what === 'pass' && arg === undefined)) usage();

if (what === 'read' || what === 'persist') {
  const threads = Number(arg ?? '2');
  const files = (target as string).split(',').filter((file) => file !== '');
  // `persist` writes the same tables into a fresh database file and commits them (DuckDB writes an append
  // this large straight into the file): what keeping the month costs beyond reading it, before any check.
  const scratch = what === 'persist' ? mkdtempSync(join(tmpdir(), 'ccrg-floor-')) : null;
  const db = await openDuckDb(scratch === null ? ':memory:' : join(scratch, 'floor.duckdb'), { threads });
  try {
    const started = performance.now();
    for (const [index, file] of files.entries()) await db.run(`CREATE TABLE month_${index} AS ${readCsvSql(file)}`);
    const seconds = (performance.now() - started) / 1000;
    let rows = 0;
    const shapes: string[] = [];
    for (const [index, file] of files.entries()) {
      const n = Number((await db.all(`SELECT count(*)::BIGINT AS n FROM month_${index}`))[0]?.['n'] ?? 0);
      const columns = (await db.all(`DESCRIBE month_${index}`)).length;
      const header = firstLine(file);
      const expected = splitCsvRecord(header, sniffDelimiter(header)).length;
      if (columns !== expected) throw new Error(`${file}: read ${columns} columns, but its header names ${expected}`);
      rows += n;
      shapes.push(`${n} rows of ${columns} columns`);
    }
    process.stdout.write(`floor ${what} ${files.map((file) => basename(file)).join(', ')}, ${threads} threads: ${seconds.toFixed(2)} s, ${rows} rows (${shapes.join('; ')})\n`);
  } finally {
    db.close();
    if (scratch !== null) rmSync(scratch, { recursive: true, force: true });
  }
} else {
  const asOf = arg as string;
  const threads = Number(threadsArg ?? '2');
  const db = await openDuckDb(target as string, { readOnly: true, threads });
  const started = performance.now();
  // The window's items (12 months up to the as-of date, versions made by then), one pass: per importer its
  // items, customs value and mean log deviation from the median unit value of its HS6 code. No version
  // de-duplication: almost every item has one version, and the floor is the least work, as the issue measured it.
  const rows = await db.all(`
    WITH w AS (
      SELECT importer_inn, left(hs_code, 6) AS hs6, customs_value_rub, customs_value_rub / net_weight_kg AS unit_value
      FROM declarations
      WHERE release_date > DATE ${quoteLiteral(asOf)} - INTERVAL 12 MONTH AND release_date <= DATE ${quoteLiteral(asOf)}
        AND version_date <= DATE ${quoteLiteral(asOf)}
    ),
    med AS (SELECT hs6, median(unit_value) AS m FROM w WHERE unit_value > 0 GROUP BY hs6)
    SELECT count(*)::BIGINT AS importers, sum(items)::BIGINT AS items FROM (
      SELECT importer_inn, count(*) AS items, sum(customs_value_rub) AS value, avg(ln(unit_value / m)) AS dev
      FROM w JOIN med USING (hs6) WHERE unit_value > 0
      GROUP BY importer_inn
    )`);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`floor pass ${target} as of ${asOf}, ${threads} threads: ${seconds.toFixed(2)} s, ${String(rows[0]?.['items'])} rows, ${String(rows[0]?.['importers'])} importers\n`);
  db.close();
}

/**
 * Plain DuckDB reading one CSV file. The delimiter comes from the header line, not from DuckDB's sniffer:
 * on a file with malformed lines (the benchmark's declarations carry some) the sniffer settled on one text
 * column per line, a "read" that split no field (0.3-0.4 s instead of 1.4-1.8 s for July's declarations on
 * this machine). Malformed lines are skipped, as a plain read of such a file would.
 */
function readCsvSql(file: string): string {
  const delimiter = sniffDelimiter(firstLine(file));
  return `SELECT * FROM read_csv(${quoteLiteral(file)}, header = true, delim = ${quoteLiteral(delimiter)}, ignore_errors = true)`;
}

/** The first line of a text file (its header), read from its first 64 KiB. */
function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(65536);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n).toString('utf8').split(/\r?\n/)[0] ?? '';
  } finally {
    closeSync(fd);
  }
}
