import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { mappingFromText } from '../../src/config/load-mapping.js';
import { CsvScanner } from '../../src/io/csv-scan.js';
import { quoteLiteral } from '../../src/io/sql.js';
import { formatIngestSummary } from '../../src/report/ingest-summary.js';
import { extractCsv, fixtureFile, ingestInto, memoryStore, tempDir } from '../util/fixtures.js';

const HEADER = 'inn,snapshot_date,name,registration_date,status,liquidation_date,region,activity_code,headcount,tax_regime,aeo,unreliable_record,mass_address';
const ROW_A = '7707083893,2024-03-31,"ООО ""Ромашка"", филиал",2010-05-01,active,,77,46.90,12,general,0,0,0';
const ROW_B = '7736207543,2024-03-31,"АО Лес\r\nи поле",2011-05-01,active,,77,46.90,3,general,0,0,0';
const ROW_C = '500100732259,2024-03-31,ИП Иванов,2015-01-01,active,,50,47.11,1,usn,0,0,0';

async function count(db: Awaited<ReturnType<typeof memoryStore>>, table: string): Promise<number> {
  const rows = await db.all(`SELECT count(*)::INTEGER AS n FROM ${table}`);
  return Number(rows[0]?.['n']);
}

describe('ingest: reading files', () => {
  it('reads UTF-8 with a BOM, CRLF line ends, a quoted multi-line field and a blank line, with physical line numbers', async () => {
    const db = await memoryStore();
    const text = `\ufeff${HEADER}\r\n${ROW_A}\r\n\r\n${ROW_B}\r\n${ROW_C.replace(',0,0,0', ',0,0')}\r\n0000000000,2024-03-31,X,2015-01-01,active,,50,47.11,1,usn,0,0,0\r\n`;
    const file = await fixtureFile('participants.csv', text);
    const result = await ingestInto(db, [{ extract: 'participants', file }]);
    expect(result.files[0]).toMatchObject({ recordsRead: 4, accepted: 2, rejected: 2, inserted: 2 });
    expect(result.rejects.map((r) => [r.line, r.code, r.value])).toEqual([
      [6, 'RAGGED_ROW', '12 fields'],
      [7, 'BAD_INN', '0000000000'],
    ]);
    const names = await db.all('SELECT name FROM participants ORDER BY source_line');
    expect(names.map((r) => r['name'])).toEqual(['ООО "Ромашка", филиал', 'АО Лес\r\nи поле']);
    const lines = await db.all('SELECT source_line FROM participants ORDER BY source_line');
    expect(lines.map((r) => r['source_line'])).toEqual([2, 4]);
  });

  it('numbers the rows of a file DuckDB could read as it is, a column of its own named _line among them', async () => {
    const db = await memoryStore();
    // LF line ends, nothing refused, a multi-line record: the lines come from the scan through the numbered copy.
    const text = `_line,${HEADER}\n9,${ROW_A}\n8,${ROW_B.replace('\r\n', '\n')}\n7,${ROW_C}\n`;
    const file = await fixtureFile('participants.csv', text);
    const result = await ingestInto(db, [{ extract: 'participants', file }]);
    expect(result.files[0]).toMatchObject({ recordsRead: 3, accepted: 3, rejected: 0 });
    const rows = await db.all('SELECT inn, source_line FROM participants ORDER BY source_line');
    expect(rows.map((r) => [r['inn'], r['source_line']])).toEqual([
      ['7707083893', 2],
      ['7736207543', 3],
      ['500100732259', 5],
    ]);
  });

  it('sniffs a semicolon delimiter and reads gzip', async () => {
    const db = await memoryStore();
    const text = extractCsv('participants', [{}, { inn: '7736207543' }], ';');
    const file = await fixtureFile('participants.csv.gz', gzipSync(Buffer.from(text)));
    const result = await ingestInto(db, [{ extract: 'participants', file }]);
    expect(result.files[0]).toMatchObject({ recordsRead: 2, accepted: 2, rejected: 0 });
  });

  it('transcodes Windows-1251 named in the mapping', async () => {
    const db = await memoryStore();
    const file = await fixtureFile('participants.csv', iconv.encode(`${HEADER}\n${ROW_A}\n`, 'win1251'));
    const mapping = mappingFromText('version: 1\nextracts:\n  participants:\n    encoding: windows-1251\n', 'm.yaml');
    await ingestInto(db, [{ extract: 'participants', file }], { mapping });
    const rows = await db.all('SELECT name FROM participants');
    expect(rows[0]?.['name']).toBe('ООО "Ромашка", филиал');
  });

  it('rejects a record with a stray quote as MALFORMED_RECORD', async () => {
    const db = await memoryStore();
    const file = await fixtureFile('participants.csv', `${HEADER}\n${ROW_A}\n7736207543,2024-03-31,"AO"X,2011-05-01,active,,77,46.90,3,general,0,0,0\n${ROW_C}\n`);
    const result = await ingestInto(db, [{ extract: 'participants', file }]);
    expect(result.rejects.map((r) => [r.line, r.code])).toEqual([[3, 'MALFORMED_RECORD']]);
    expect(result.files[0]).toMatchObject({ recordsRead: 3, accepted: 2, rejected: 1 });
  });

  it('reads Parquet, numbering rows from 1', async () => {
    const db = await memoryStore();
    const dir = await tempDir();
    const csv = await fixtureFile('p.csv', extractCsv('participants', [{}, { inn: '123' }, { inn: '7736207543' }]), dir);
    const parquet = join(dir, 'participants.parquet');
    // A column of its own named _line does not stand for the row number.
    await db.run(`COPY (SELECT *, 'x' AS _line FROM read_csv(${quoteLiteral(csv)}, all_varchar = true)) TO ${quoteLiteral(parquet)} (FORMAT parquet)`);
    const result = await ingestInto(db, [{ extract: 'participants', file: parquet }]);
    expect(result.files[0]).toMatchObject({ recordsRead: 3, accepted: 2, rejected: 1 });
    expect(result.rejects.map((r) => [r.line, r.code])).toEqual([[2, 'BAD_INN']]);
    expect((await db.all('SELECT source_line FROM participants ORDER BY 1')).map((r) => r['source_line'])).toEqual([1, 3]);
  });
});

describe('ingest: line ends, blank lines and broken records (one bad line never refuses a file)', () => {
  const good = (inn: string, name = 'X'): string => `${inn},2024-03-31,${name},2010-05-01,active,,77,46.90,12,general,0,0,0`;
  const INNS = ['7707083893', '7736207543', '500100732259', '7702070139', '7710140679'];
  const readLines = async (db: Awaited<ReturnType<typeof memoryStore>>): Promise<unknown[]> =>
    (await db.all('SELECT source_line FROM participants ORDER BY source_line')).map((r) => r['source_line']);

  it('accepts mixed LF and CRLF line ends (one CRLF line is enough)', async () => {
    const db = await memoryStore();
    const file = await fixtureFile('participants.csv', `${HEADER}\n${good(INNS[0] as string)}\r\n${good(INNS[1] as string)}\n${good(INNS[2] as string)}\r\n`);
    const result = await ingestInto(db, [{ extract: 'participants', file }]);
    expect(result.files[0]).toMatchObject({ recordsRead: 3, accepted: 3, rejected: 0, blankLines: 0 });
    expect(await readLines(db)).toEqual([2, 3, 4]);
    const names = await db.all("SELECT count(*)::INTEGER AS n FROM participants WHERE name = 'X' AND mass_address = false");
    expect(names[0]?.['n']).toBe(3);
  });

  it('rejects a record with a bare CR outside quotes as MALFORMED_RECORD at its line, and keeps the others', async () => {
    const db = await memoryStore();
    const file = await fixtureFile('participants.csv', `${HEADER}\n${good(INNS[0] as string)}\n${good(INNS[1] as string, 'A\rB')}\n${good(INNS[2] as string)}\n`);
    const result = await ingestInto(db, [{ extract: 'participants', file }]);
    expect(result.files[0]).toMatchObject({ recordsRead: 3, accepted: 2, rejected: 1 });
    expect(result.rejects.map((r) => [r.line, r.code, r.column])).toEqual([[3, 'MALFORMED_RECORD', 'name']]);
    expect(result.rejects[0]?.message).toMatch(/carriage return/);
    expect(await readLines(db)).toEqual([2, 4]);
  });

  it('skips blank lines, before the header too, counting them apart from records', async () => {
    const db = await memoryStore();
    const text = `\n\r\n${HEADER}\r\n${good(INNS[0] as string)}\n\n${good(INNS[1] as string)}\r\n\r\n\n${good(INNS[2] as string)}`;
    const file = await fixtureFile('participants.csv', text);
    const result = await ingestInto(db, [{ extract: 'participants', file }]);
    expect(result.files[0]).toMatchObject({ recordsRead: 3, accepted: 3, rejected: 0, blankLines: 5 });
    expect(await readLines(db)).toEqual([4, 6, 9]);
    expect(formatIngestSummary(result, { dryRun: false, rejectsPath: null })).toContain(`${file}: 5 blank lines skipped (not records).`);
  });

  it('judges a line of spaces or of delimiters only as a record', async () => {
    const db = await memoryStore();
    const file = await fixtureFile('participants.csv', `${HEADER}\n   \n,,,,,,,,,,,,\n${good(INNS[0] as string)}\n`);
    const result = await ingestInto(db, [{ extract: 'participants', file }]);
    expect(result.files[0]).toMatchObject({ recordsRead: 3, accepted: 1, rejected: 2, blankLines: 0 });
    expect([...new Set(result.rejects.map((r) => `${r.line} ${r.code}`))]).toEqual(['2 RAGGED_ROW', '3 REQUIRED_MISSING']);
  });

  it('reads every file of a run when one of them has a stray CR', async () => {
    const db = await memoryStore();
    const participants = await fixtureFile('participants.csv', `${HEADER}\r\n${good(INNS[0] as string, 'A\rB')}\n${good(INNS[1] as string)}\r\n`);
    const returns = await fixtureFile('tax_returns.csv', extractCsv('tax_returns', [{}]).replace('\n', '\r\n'));
    const result = await ingestInto(db, [
      { extract: 'participants', file: participants },
      { extract: 'tax_returns', file: returns },
    ]);
    expect(result.files.map((f) => [f.extract, f.accepted, f.rejected])).toEqual([
      ['participants', 1, 1],
      ['tax_returns', 1, 0],
    ]);
    expect(result.committed).toBe(true);
  });

  it('rejects an unclosed quote as one MALFORMED_RECORD and reads on from the next well-formed line', async () => {
    const db = await memoryStore();
    const rows = Array.from({ length: 15 }, (_, i) => good(INNS[i % INNS.length] as string, `N${i}`).replace('2024-03-31', `2024-03-${String(i + 1).padStart(2, '0')}`));
    const file = await fixtureFile('participants.csv', `${HEADER}\n${good(INNS[0] as string, '"ООО Ромашка')}\n${rows.join('\n')}\n`);
    const result = await ingestInto(db, [{ extract: 'participants', file }]);
    expect(result.files[0]).toMatchObject({ recordsRead: 16, accepted: 15, rejected: 1 });
    expect(result.rejects.map((r) => [r.line, r.code, r.column])).toEqual([[2, 'MALFORMED_RECORD', 'name']]);
    expect(result.rejects[0]?.message).toMatch(/quote .* not closed/);
    expect(result.rejects[0]?.value).toBe(good(INNS[0] as string, '"ООО Ромашка'));
    expect(await readLines(db)).toEqual(Array.from({ length: 15 }, (_, i) => i + 3));
  });

  it('rejects a record over 8 MiB naming the limit, and reads the records after it', async () => {
    const db = await memoryStore();
    const long = `"${'x'.repeat(9 * 1024 * 1024)}"`;
    const file = await fixtureFile('participants.csv', `${HEADER}\n${good(INNS[0] as string, long)}\n${good(INNS[1] as string)}\n`);
    const result = await ingestInto(db, [{ extract: 'participants', file }]);
    expect(result.files[0]).toMatchObject({ recordsRead: 2, accepted: 1, rejected: 1 });
    expect(result.rejects.map((r) => [r.line, r.code])).toEqual([[2, 'MALFORMED_RECORD']]);
    expect(result.rejects[0]?.message).toContain('8 MiB');
    expect(result.rejects[0]?.message).not.toMatch(/quote/);
    expect(await readLines(db)).toEqual([3]);
  });

  it('refuses a field of spaces then a quote, which DuckDB and RFC 4180 split differently', async () => {
    const db = await memoryStore();
    // The scan alone would read two text fields here (13 in all); DuckDB reads one quoted field (12 in all).
    const ambiguous = good(INNS[1] as string, ' "ООО, филиал"').replace(/,0$/, '');
    const file = await fixtureFile('participants.csv', `${HEADER}\n${good(INNS[0] as string)}\n${ambiguous}\n${good(INNS[2] as string)}\n`);
    const result = await ingestInto(db, [{ extract: 'participants', file }]);
    expect(result.files[0]).toMatchObject({ recordsRead: 3, accepted: 2, rejected: 1 });
    expect(result.rejects.map((r) => [r.line, r.code, r.column, r.value])).toEqual([[3, 'MALFORMED_RECORD', 'name', ambiguous]]);
    expect(result.rejects[0]?.message).toMatch(/spaces before a quote/);
    expect(await readLines(db)).toEqual([2, 4]);
  });

  it('rejects a record DuckDB cannot read although the scan kept it, at its line, keeping the rows around it', async () => {
    // Switch the scan's spaced-quote check off to make the two disagree.
    const spy = vi.spyOn(CsvScanner.prototype as unknown as { spacedQuoteField: () => number }, 'spacedQuoteField').mockReturnValue(0);
    onTestFinished(() => spy.mockRestore());
    const db = await memoryStore();
    const ambiguous = good(INNS[1] as string, ' "ООО, филиал"').replace(/,0$/, '');
    const file = await fixtureFile('participants.csv', `${HEADER}\r\n${good(INNS[0] as string)}\n${ambiguous}\n${good(INNS[2] as string)}\n`);
    const result = await ingestInto(db, [{ extract: 'participants', file }]);
    expect(spy).toHaveBeenCalled();
    expect(result.files[0]).toMatchObject({ recordsRead: 3, accepted: 2, rejected: 1 });
    expect(result.rejects.map((r) => [r.line, r.code, r.value])).toEqual([[3, 'MALFORMED_RECORD', ambiguous]]);
    expect(result.rejects[0]?.message).toMatch(/^DuckDB could not read the record: /);
    expect(await readLines(db)).toEqual([2, 4]);
  });

  it('rejects rows with trailing empty fields as RAGGED_ROW, 5,000 of them included', async () => {
    const db = await memoryStore();
    const file = await fixtureFile('participants.csv', `${HEADER}\n${good(INNS[0] as string)},,,\n${good(INNS[1] as string)}${','.repeat(5000)}\n${good(INNS[2] as string)}\n`);
    const result = await ingestInto(db, [{ extract: 'participants', file }]);
    expect(result.files[0]).toMatchObject({ recordsRead: 3, accepted: 1, rejected: 2 });
    expect(result.rejects.map((r) => [r.line, r.code, r.value])).toEqual([
      [2, 'RAGGED_ROW', '16 fields'],
      [3, 'RAGGED_ROW', '5013 fields'],
    ]);
    expect(await readLines(db)).toEqual([4]);
  });
});

describe('ingest: whole-file faults', () => {
  it('names a missing file', async () => {
    const db = await memoryStore();
    await expect(ingestInto(db, [{ extract: 'participants', file: '/nonexistent/p.csv' }])).rejects.toThrow('/nonexistent/p.csv: file not found');
  });

  it('names an absent required column and lists the header', async () => {
    const db = await memoryStore();
    const file = await fixtureFile('participants.csv', 'inn,snapshot_date\n7707083893,2024-03-31\n');
    await expect(ingestInto(db, [{ extract: 'participants', file }])).rejects.toThrow(
      `${file}: required column "name" of participants is absent; the header has: "inn", "snapshot_date". Rename it in the file or map it in the mapping under extracts.participants.columns`,
    );
  });

  it('says which delimiter the file seems to use when the mapping names another', async () => {
    const db = await memoryStore();
    const file = await fixtureFile('participants.csv', extractCsv('participants', [{}], ';'));
    const mapping = mappingFromText('version: 1\ndefaults:\n  delimiter: ","\n', 'm.yaml');
    await expect(ingestInto(db, [{ extract: 'participants', file }], { mapping })).rejects.toThrow(
      /the header is a single column "inn;snapshot_date;.*" with delimiter ","; the file seems to be delimited by ";": set delimiter in the mapping/,
    );
  });

  it('names the line of a byte that is not UTF-8', async () => {
    const db = await memoryStore();
    const file = await fixtureFile('participants.csv', Buffer.concat([Buffer.from(`${HEADER}\n${ROW_A}\n`), iconv.encode(ROW_C, 'win1251'), Buffer.from('\n')]));
    await expect(ingestInto(db, [{ extract: 'participants', file }])).rejects.toThrow(
      `${file}: line 3: bytes 0xC8 0xCF are not valid UTF-8; if the file is Windows-1251, set encoding: windows-1251 in the mapping`,
    );
  });

  it('leaves the store unchanged when any file of the run is faulty', async () => {
    const db = await memoryStore();
    const good = await fixtureFile('participants.csv', extractCsv('participants', [{}]));
    const bad = await fixtureFile('tax_returns.csv', 'inn\n7707083893\n');
    await expect(ingestInto(db, [{ extract: 'participants', file: good }, { extract: 'tax_returns', file: bad }])).rejects.toThrow('required column');
    await ingestInto(db, []);
    expect(await count(db, 'participants')).toBe(0);
    expect(await count(db, 'lineage')).toBe(0);
  });

  it('names a mapped source column that is not in the header', async () => {
    const db = await memoryStore();
    const file = await fixtureFile('participants.csv', extractCsv('participants', [{}]));
    const mapping = mappingFromText('version: 1\nextracts:\n  participants:\n    columns:\n      ИНН: inn\n', 'm.yaml');
    await expect(ingestInto(db, [{ extract: 'participants', file }], { mapping })).rejects.toThrow(`${file}: column "ИНН" (mapped to inn) is not in the header; the header has: "inn", "snapshot_date"`);
  });
});

describe('ingest: history in the store', () => {
  it('does nothing when the same file is ingested again', async () => {
    const db = await memoryStore();
    const file = await fixtureFile('participants.csv', extractCsv('participants', [{}, { inn: '123' }]));
    await ingestInto(db, [{ extract: 'participants', file }]);
    const again = await ingestInto(db, [{ extract: 'participants', file }]);
    expect(again.files[0]).toMatchObject({ skipped: true, inserted: 0 });
    expect(again.rejects).toEqual([]);
    expect(await count(db, 'participants')).toBe(1);
    expect(await count(db, 'lineage')).toBe(1);
    expect(await count(db, 'rejects')).toBe(1);
  });

  it('merges overlapping extracts: rows already stored are counted, not stored twice', async () => {
    const db = await memoryStore();
    const january = await fixtureFile('a.csv', extractCsv('tax_returns', [{ tax_period: '2024-Q1' }, { tax_period: '2024-Q2', filed_date: '2024-07-20' }]));
    const february = await fixtureFile('b.csv', extractCsv('tax_returns', [{ tax_period: '2024-Q2', filed_date: '2024-07-20' }, { tax_period: '2024-Q3', filed_date: '2024-10-20' }]));
    await ingestInto(db, [{ extract: 'tax_returns', file: january }]);
    const second = await ingestInto(db, [{ extract: 'tax_returns', file: february }]);
    expect(second.files[0]).toMatchObject({ recordsRead: 2, accepted: 2, inserted: 1, alreadyStored: 1 });
    expect(await count(db, 'tax_returns')).toBe(3);
  });

  it('rejects a stored key arriving with other content, keeping what is stored', async () => {
    const db = await memoryStore();
    const first = await fixtureFile('a.csv', extractCsv('tax_returns', [{}]));
    const second = await fixtureFile('b.csv', extractCsv('tax_returns', [{ revenue_rub: '1.00' }]));
    await ingestInto(db, [{ extract: 'tax_returns', file: first }]);
    const result = await ingestInto(db, [{ extract: 'tax_returns', file: second }]);
    expect(result.rejects.map((r) => [r.line, r.code, r.value])).toEqual([[2, 'DUPLICATE_KEY', '7707083893 / 2024-Q1 / 0']]);
    const rows = await db.all('SELECT revenue_rub FROM tax_returns');
    expect(rows).toEqual([{ revenue_rub: '5000000.00' }]);
  });

  it('keeps corrections and versions beside the rows they supersede', async () => {
    const db = await memoryStore();
    const returns = await fixtureFile('t.csv', extractCsv('tax_returns', [{}, { correction_no: '1', filed_date: '2024-09-01', revenue_rub: '6000000.00' }]));
    const items = await fixtureFile('d.csv', extractCsv('declarations', [{}, { version: '2', version_date: '2024-06-01', customs_value_rub: '150000.00' }]));
    await ingestInto(db, [
      { extract: 'tax_returns', file: returns },
      { extract: 'declarations', file: items },
    ]);
    expect(await count(db, 'tax_returns')).toBe(2);
    expect(await count(db, 'declarations')).toBe(2);
  });

  it('records lineage: path, hash, schema version and counts', async () => {
    const db = await memoryStore();
    const file = await fixtureFile('participants.csv', extractCsv('participants', [{}, { inn: '123' }]));
    const result = await ingestInto(db, [{ extract: 'participants', file }]);
    const rows = await db.all('SELECT extract, source_path, sha256, schema_version, records_read, accepted, rejected, inserted, ingested_on FROM lineage');
    expect(rows).toEqual([
      {
        extract: 'participants',
        source_path: file,
        sha256: result.files[0]?.sha256,
        schema_version: 1,
        records_read: '2',
        accepted: '1',
        rejected: '1',
        inserted: '1',
        ingested_on: '2026-11-26',
      },
    ]);
  });

  it('stores nothing when validating only', async () => {
    const db = await memoryStore();
    const file = await fixtureFile('participants.csv', extractCsv('participants', [{}, { inn: '123' }]));
    const result = await ingestInto(db, [{ extract: 'participants', file }], { dryRun: true });
    expect(result.files[0]).toMatchObject({ accepted: 1, rejected: 1, inserted: 1 });
    expect(result.committed).toBe(false);
    expect(await count(db, 'participants')).toBe(0);
  });

  it('stores nothing when a file rejects more than the allowed share', async () => {
    const db = await memoryStore();
    const file = await fixtureFile('participants.csv', extractCsv('participants', [{}, { inn: '123' }]));
    const result = await ingestInto(db, [{ extract: 'participants', file }], { maxRejectShare: 0.4 });
    expect(result.rejectShareExceeded?.rejected).toBe(1);
    expect(await count(db, 'participants')).toBe(0);
  });
});

describe('ingest: mapping', () => {
  it('renames columns, maps values, derives the tax period, and reads comma decimals and dd.mm.yyyy dates', async () => {
    const db = await memoryStore();
    const text = [
      'ИНН;ОТЧ_ГОД;ПЕРИОД;НОМ_КОРР;ДАТА_ПРЕД;ВЫРУЧКА;НДС_НАЧ;ВЫЧЕТЫ;ВЫЧЕТЫ_ТАМОЖ',
      '7707083893;2024;21;0;20.04.2024;5 000 000,50;1000000;800000,00;20000,10',
      '7707083893;2024;25;0;20.07.2024;1;1;1;1',
    ].join('\n');
    const file = await fixtureFile('tax.csv', iconv.encode(text, 'win1251'));
    const mapping = mappingFromText(
      `version: 1
extracts:
  tax_returns:
    encoding: windows-1251
    delimiter: ";"
    decimal_separator: ","
    date_format: "%d.%m.%Y"
    columns: { ИНН: inn, НОМ_КОРР: correction_no, ДАТА_ПРЕД: filed_date, ВЫРУЧКА: revenue_rub, НДС_НАЧ: vat_accrued_rub, ВЫЧЕТЫ: vat_deductions_rub, ВЫЧЕТЫ_ТАМОЖ: vat_deductions_import_rub }
    values: { ПЕРИОД: { "21": Q1, "22": Q2, "23": Q3, "24": Q4 } }
    derive: { tax_period: "{ОТЧ_ГОД}-{ПЕРИОД}" }
`,
      'm.yaml',
    );
    const result = await ingestInto(db, [{ extract: 'tax_returns', file }], { mapping });
    expect(result.rejects.map((r) => [r.line, r.code, r.column, r.value])).toEqual([[3, 'BAD_TAX_PERIOD', 'tax_period', '2024-25']]);
    const rows = await db.all('SELECT inn, tax_period, filed_date, revenue_rub, vat_deductions_import_rub FROM tax_returns');
    expect(rows).toEqual([{ inn: '7707083893', tax_period: '2024-Q1', filed_date: '2024-04-20', revenue_rub: '5000000.50', vat_deductions_import_rub: '20000.10' }]);
  });

  it('keeps extra columns and labels on generic declarations, numbering items in file order', async () => {
    const db = await memoryStore();
    const text = [
      'Declaration ID,Date,Importer ID,HS10 Code,Item Price,Mode of Transport,Tax Rate,Fraud,Critical Fraud',
      'D1,2024-01-10,IMP-1,8471300000,1000,air,8,1,0',
      'D1,2024-01-10,IMP-1,847130,2000,air,8,0,0',
      'D2,2024-01-11,IMP-2,8471300000,500,sea,x,0,0',
    ].join('\n');
    const file = await fixtureFile('decl.csv', text);
    const mapping = mappingFromText(
      `version: 1
jurisdiction: generic
extracts:
  declarations:
    currency: KRW
    columns: { Declaration ID: decl_id, Date: release_date, Importer ID: importer_inn, HS10 Code: hs_code, Item Price: customs_value_rub }
    extra_categorical: [Mode of Transport]
    extra_numeric: [Tax Rate]
    labels: { violation: Fraud, lag_days: 90 }
`,
      'm.yaml',
    );
    const result = await ingestInto(db, [{ extract: 'declarations', file }], { mapping });
    expect(result.rejects.map((r) => [r.line, r.code, r.column])).toEqual([[4, 'NOT_A_NUMBER', 'Tax Rate']]);
    const rows = await db.all(`SELECT decl_id, item_no, extra_cat['Mode of Transport'] AS mode, extra_num['Tax Rate'] AS rate,
      label_violation, label_known_date FROM declarations ORDER BY source_line`);
    expect(rows).toEqual([
      { decl_id: 'D1', item_no: 1, mode: 'air', rate: 8, label_violation: 1, label_known_date: '2024-04-09' },
      { decl_id: 'D1', item_no: 2, mode: 'air', rate: 8, label_violation: 0, label_known_date: '2024-04-09' },
    ]);
    const lineage = await db.all('SELECT currency, jurisdiction FROM lineage');
    expect(lineage).toEqual([{ currency: 'KRW', jurisdiction: 'generic' }]);
  });
});
