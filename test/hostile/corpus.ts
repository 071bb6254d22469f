/**
 * A generator of hostile CSV inputs, each with the outcome ingest must give,
 * worked out here and not by the ingest: the builder counts physical lines
 * itself (the LFs it has written; the header is line 1) and knows the fate
 * of every record it writes. Nothing is committed as a blob: the corpus is
 * built when the tests run.
 */

import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { EXTRACTS, type ExtractId } from '../../src/contract/extracts.js';
import { Sfc32 } from '../../src/util/random.js';
import { innFromBody } from '../../src/validation/inn.js';
import type { RejectCode } from '../../src/validation/reject-codes.js';
import { VALID_ROWS } from '../util/fixtures.js';

type LineEnd = '\n' | '\r\n';

/** What ingest must report for a file it reads. */
export interface Expectation {
  records: number;
  blankLines: number;
  /** Physical lines where the accepted records start (their `source_line`). */
  accepted: number[];
  /** Rejected records: the line where each starts, and its reject codes (sorted). */
  rejected: Map<number, RejectCode[]>;
  /** For some rejected records, the value the reject must show. */
  rejectValues: Map<number, string>;
  /** Values the store must hold: the accepted record at `line` has `value` in `column`. */
  stored: { line: number; column: string; value: unknown }[];
  floatNoiseValues: number;
}

/** One hostile input: a file and either its expected outcome or the whole-file refusal it must cause. */
export interface HostileCase {
  name: string;
  extract: ExtractId;
  fileName: string;
  bytes: Uint8Array;
  /** Mapping YAML, when the default one does not fit. */
  mapping?: string;
  expect: Expectation | { refused: RegExp };
}

/** A valid record of `extract` whose key no other record of the case has. */
function uniqueRow(extract: ExtractId, n: number): Record<string, string> {
  const row = { ...VALID_ROWS[extract] };
  const day = new Date(Date.UTC(2023, 0, 1) + (n % 1000) * 86_400_000).toISOString().slice(0, 10);
  switch (extract) {
    case 'participants':
      // 1000 snapshot days (all before the tests' today) per taxpayer.
      row['snapshot_date'] = day;
      if (n >= 1000) row['inn'] = innFromBody(String(770_000_000 + Math.floor(n / 1000)));
      break;
    case 'declarations':
      row['item_no'] = String(n + 1);
      break;
    case 'tax_returns':
      row['correction_no'] = String(n % 1000);
      row['tax_period'] = `${2000 + Math.floor(n / 1000)}-Q1`;
      break;
    case 'outcomes':
      row['inspection_id'] = `I-${n}`;
      break;
    case 'item_outcomes':
      row['item_no'] = String(n + 1);
      break;
  }
  return row;
}

/** A field as RFC 4180 writes it: quoted when it holds the delimiter, a quote or a line end. */
export function csvField(value: string, delimiter = ','): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Writes one case: the header, records and whatever bytes in between, and
 * keeps the expectation in step.
 */
export class CaseBuilder {
  readonly columns: readonly string[];
  private readonly parts: Buffer[] = [];
  private line = 1;
  private serial = 0;
  private readonly expected: Expectation = {
    records: 0,
    blankLines: 0,
    accepted: [],
    rejected: new Map(),
    rejectValues: new Map(),
    stored: [],
    floatNoiseValues: 0,
  };

  constructor(
    readonly extract: ExtractId,
    readonly delimiter = ',',
  ) {
    this.columns = EXTRACTS[extract].columns.map((c) => c.name);
  }

  /** The physical line the next byte goes on. */
  get nextLine(): number {
    return this.line;
  }

  /** Appends bytes that are no record of their own (a continuation, a line end), counting their LFs. */
  raw(text: string | Uint8Array): this {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text);
    for (const b of bytes) if (b === 0x0a) this.line++;
    this.parts.push(bytes);
    return this;
  }

  header(end: LineEnd = '\n'): this {
    return this.raw(this.columns.join(this.delimiter) + end);
  }

  /** A blank line: empty before its LF or CRLF. */
  blank(end: LineEnd = '\n'): this {
    this.expected.blankLines++;
    return this.raw(end);
  }

  /** The fields of a valid record with a fresh key, with some values replaced. */
  fields(overrides: Record<string, string> = {}): string[] {
    const row = { ...uniqueRow(this.extract, this.serial++), ...overrides };
    return this.columns.map((c) => row[c] ?? '');
  }

  /** A record's text from its fields, quoted as RFC 4180 asks. */
  text(fields: readonly string[]): string {
    return fields.map((f) => csvField(f, this.delimiter)).join(this.delimiter);
  }

  /** A record that must be accepted; `stored` lists values the store must then hold for it. */
  good(overrides: Record<string, string> = {}, end: LineEnd | '' = '\n', stored: Record<string, unknown> = {}): this {
    return this.goodText(this.text(this.fields(overrides)), end, stored);
  }

  /** An accepted record written as given. */
  goodText(text: string, end: LineEnd | '' = '\n', stored: Record<string, unknown> = {}): this {
    const at = this.line;
    this.expected.records++;
    this.expected.accepted.push(at);
    for (const [column, value] of Object.entries(stored)) this.expected.stored.push({ line: at, column, value });
    return this.raw(text + end);
  }

  /** A record that must be rejected with `codes`, its values replaced. */
  bad(codes: RejectCode | RejectCode[], overrides: Record<string, string>, end: LineEnd | '' = '\n'): this {
    return this.badText(codes, this.text(this.fields(overrides)), end);
  }

  /** A rejected record written as given (it may span several lines); `value` is what the reject must show. */
  badText(codes: RejectCode | RejectCode[], text: string, end: LineEnd | '' = '\n', value?: string): this {
    const at = this.line;
    this.expected.records++;
    this.expected.rejected.set(at, [...new Set(Array.isArray(codes) ? codes : [codes])].sort());
    if (value !== undefined) this.expected.rejectValues.set(at, value);
    return this.raw(text + end);
  }

  /** Values stored rounded from floating-point noise, counted in the summary. */
  noise(n: number): this {
    this.expected.floatNoiseValues += n;
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }

  build(name: string, options: { encoding?: 'windows-1251'; gzip?: boolean; mapping?: string } = {}): HostileCase {
    let bytes: Buffer = this.bytes();
    if (options.encoding === 'windows-1251') bytes = iconv.encode(bytes.toString('utf8'), 'win1251');
    if (options.gzip === true) bytes = gzipSync(bytes);
    return {
      name,
      extract: this.extract,
      fileName: `${this.extract}.csv${options.gzip === true ? '.gz' : ''}`,
      bytes,
      ...(options.mapping === undefined ? {} : { mapping: options.mapping }),
      expect: this.expected,
    };
  }
}

/** A case ingest must refuse whole, naming the file and the fault. */
function refused(name: string, extract: ExtractId, bytes: Uint8Array, message: RegExp, fileName = `${extract}.csv`): HostileCase {
  return { name, extract, fileName, bytes, expect: { refused: message } };
}

const participants = (): CaseBuilder => new CaseBuilder('participants');
const declarations = (): CaseBuilder => new CaseBuilder('declarations');

function lineEnds(): HostileCase[] {
  const lf = participants().header().good().good().good();
  const crlf = participants().header('\r\n').good({}, '\r\n').good({}, '\r\n').good({}, '\r\n');
  const oneCrlf = participants().header().good().good({}, '\r\n').good();
  const mixed = participants().header('\r\n').good().good({}, '\r\n').good().good({}, '\r\n');
  const noEnd = participants().header().good().good({}, '');
  const crlfNoEnd = participants().header('\r\n').good({}, '\r\n').good({}, '');
  const crEnd = participants().header().good();
  crEnd.goodText(crEnd.text(crEnd.fields()), '').raw('\r');
  return [
    lf.build('LF line ends'),
    crlf.build('CRLF line ends'),
    oneCrlf.build('one CRLF line among LF lines'),
    mixed.build('LF and CRLF lines alternating, the header CRLF'),
    noEnd.build('no line end after the last record'),
    crlfNoEnd.build('CRLF lines, none after the last record'),
    crEnd.build('a CR alone ends the file'),
  ];
}

function blankLines(): HostileCase[] {
  const everywhere = participants().blank().blank('\r\n').header().good().blank().blank().good({}, '\r\n').blank('\r\n').good().blank().blank('\r\n');
  const bomThenBlank = participants().raw('\ufeff').blank('\r\n').header('\r\n').good({}, '\r\n');
  const spacesAndDelimiters = participants()
    .header()
    .good()
    .badText('RAGGED_ROW', '   ')
    .badText('REQUIRED_MISSING', ','.repeat(12))
    .badText('RAGGED_ROW', ','.repeat(5))
    .badText('RAGGED_ROW', '\t')
    .good();
  return [
    everywhere.build('blank lines before the header, between records and at the end, LF and CRLF'),
    bomThenBlank.build('a BOM, a blank line, then the header'),
    spacesAndDelimiters.build('a line of spaces, a tab or of delimiters only is a record'),
  ];
}

function carriageReturns(): HostileCase[] {
  const b = participants().header().good();
  const bareCr = b.text(b.fields({ name: 'ООО Ромашка' })).replace('ООО Ромашка', 'ООО\rРомашка');
  b.badText('MALFORMED_RECORD', bareCr, '\n', bareCr).good();
  const atStart = `\r${b.text(b.fields())}`;
  b.badText('MALFORMED_RECORD', atStart).good();
  const beforeDelimiter = b.text(b.fields()).replace(',active,', ',active\r,');
  b.badText('MALFORMED_RECORD', beforeDelimiter, '\r\n').good({}, '\r\n');
  const inQuotes = participants().header('\r\n');
  inQuotes
    .good({ name: 'АО Лес\rи поле' }, '\r\n', { name: 'АО Лес\rи поле' })
    .good({ name: 'АО Лес\r\nи поле' }, '\r\n', { name: 'АО Лес\r\nи поле' })
    .good({ name: 'АО Лес\nи поле' }, '\n', { name: 'АО Лес\nи поле' })
    .good({}, '\r\n');
  return [b.build('a CR without LF outside quotes: in a field, at a line start, before a delimiter'), inQuotes.build('CR, CRLF and LF inside quoted fields are text')];
}

function quotes(): HostileCase[] {
  const escaped = participants()
    .header()
    .good({ name: 'ООО "Ромашка", филиал' }, '\n', { name: 'ООО "Ромашка", филиал' })
    .good({ name: '"' }, '\n', { name: '"' })
    .good({ name: '""' }, '\n', { name: '""' });
  const stray = participants().header();
  stray.goodText(stray.text(stray.fields({ name: 'X' })).replace(',X,', ',ООО "Ромашка",'), '\n', { name: 'ООО "Ромашка"' });
  stray.goodText(stray.text(stray.fields({ name: 'X' })).replace(',X,', ',12" pipe,'), '\n', { name: '12" pipe' });
  const textAfter = participants().header().good();
  const after = textAfter.text(textAfter.fields({ name: 'X' })).replace(',X,', ',"ООО Ромашка" ЛТД,');
  textAfter.badText('MALFORMED_RECORD', after, '\n', after).good();

  const fifteen = participants().header();
  const open = fifteen.text(fifteen.fields({ name: 'X' })).replace(',X,', ',"ООО Ромашка,');
  fifteen.badText('MALFORMED_RECORD', open, '\n', open);
  for (let i = 0; i < 15; i++) fifteen.good();

  const continued = participants().header().good();
  continued.badText('MALFORMED_RECORD', continued.text(continued.fields({ name: 'X' })).replace(',X,', ',"ООО Ромашка, филиал'));
  continued.raw('на Лесной, дом 5\r\n').raw('и ещё строка\n').blank().blank('\r\n').good().good({ name: 'ООО "Лес"' });

  const quotedLater = participants().header();
  quotedLater.badText('MALFORMED_RECORD', quotedLater.text(quotedLater.fields({ name: 'X' })).replace(',X,', ',"open,'));
  quotedLater.good({ name: 'ООО "Лес", филиал' }, '\n', { name: 'ООО "Лес", филиал' }).good();

  const last = participants().header().good().good();
  last.badText('MALFORMED_RECORD', last.text(last.fields({ name: 'X' })).replace(',X,', ',"open to the end,'), '\n');

  const twoOpen = participants().header().good();
  twoOpen.badText('MALFORMED_RECORD', twoOpen.text(twoOpen.fields({ name: 'X' })).replace(',X,', ',"first,'));
  twoOpen.good();
  twoOpen.badText('MALFORMED_RECORD', twoOpen.text(twoOpen.fields({ name: 'X' })).replace(',X,', ',"second,'), '\r\n');
  twoOpen.blank().good();

  const spaced = participants().header().good();
  const twoWays = spaced.text(spaced.fields({ name: 'X' })).replace(',X,', ', "ООО, филиал",').replace(/,0$/, '');
  spaced.badText('MALFORMED_RECORD', twoWays, '\n', twoWays);
  spaced.badText('MALFORMED_RECORD', spaced.text(spaced.fields({ name: 'X' })).replace(',X,', ',  "ООО",'));
  spaced.badText('MALFORMED_RECORD', spaced.text(spaced.fields({ name: 'X' })).replace(',X,', ',"ООО" ,'));
  spaced.good({ name: 'ООО "Лес"' }, '\n', { name: 'ООО "Лес"' });
  spaced.goodText(spaced.text(spaced.fields({ name: 'X' })).replace(',X,', ',ООО  "Лес",'), '\n', { name: 'ООО  "Лес"' });

  const multiLine = participants().header().good({ name: 'ООО Ромашка\nфилиал, дом 1,2,3,4,5,6,7,8,9,10,11,12' }, '\n', { name: 'ООО Ромашка\nфилиал, дом 1,2,3,4,5,6,7,8,9,10,11,12' }).good();
  return [
    escaped.build('escaped quotes and delimiters inside quoted fields'),
    stray.build('a quote inside an unquoted field is text'),
    textAfter.build('text after a closing quote'),
    fifteen.build('an unclosed quote followed by 15 good rows'),
    continued.build('an unclosed quote with continuation lines and blank lines before the next record'),
    quotedLater.build('an unclosed quote followed by a record with quoted fields'),
    last.build('an unclosed quote on the last line'),
    twoOpen.build('two unclosed quotes, a good record between them'),
    spaced.build('spaces next to a quote that opens or closes a field'),
    multiLine.build('a quoted multi-line field whose second line looks like a record'),
  ];
}

function widths(): HostileCase[] {
  const b = participants().header().good();
  const row = b.text(b.fields());
  b.badText('RAGGED_ROW', row.slice(0, row.lastIndexOf(',')), '\n', '12 fields');
  b.badText('RAGGED_ROW', `${b.text(b.fields())},0`, '\n', '14 fields');
  b.badText('RAGGED_ROW', `${b.text(b.fields())},`, '\n', '14 fields');
  b.badText('RAGGED_ROW', `${b.text(b.fields())},,,`, '\r\n', '16 fields');
  b.badText('RAGGED_ROW', `${b.text(b.fields())}${','.repeat(5000)}`, '\n', '5013 fields');
  b.badText('RAGGED_ROW', `${b.text(b.fields())},""`, '\n', '14 fields');
  b.good();
  const long = participants().header();
  const name = 'Ж'.repeat(50_000);
  long.good({ name }, '\n', { name }).good();
  return [b.build('ragged rows: a field missing, one more, trailing empty fields (1, 3, 5000), a quoted empty one'), long.build('a field of 100 KB is read whole')];
}

function delimiters(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const [delimiter, label] of [
    [';', 'semicolon'],
    ['\t', 'tab'],
    ['|', 'pipe'],
  ] as const) {
    const b = new CaseBuilder('participants', delimiter).header('\r\n');
    b.good({ name: 'ООО Ромашка, филиал' }, '\r\n', { name: 'ООО Ромашка, филиал' });
    b.good({ name: `a${delimiter}b` }, '\n', { name: `a${delimiter}b` });
    const fields = b.fields();
    b.badText('RAGGED_ROW', [...fields, ''].join(delimiter), '\r\n');
    b.blank().good();
    cases.push(b.build(`${label}-delimited, sniffed, with the delimiter inside a quoted field`));
  }
  return cases;
}

function containers(): HostileCase[] {
  const gz = participants().raw('\ufeff').header('\r\n').good({}, '\r\n').blank('\r\n');
  gz.badText('MALFORMED_RECORD', gz.text(gz.fields({ name: 'X' })).replace(',X,', ',"open,'), '\r\n');
  gz.good({}, '\r\n').bad('RAGGED_ROW', {}, '').raw(',\r\n').good({ name: 'ООО Ромашка' }, '\r\n', { name: 'ООО Ромашка' });
  const cp1251 = participants().header('\r\n').good({ name: 'ООО Ромашка' }, '\r\n', { name: 'ООО Ромашка' }).blank('\r\n');
  const bare = cp1251.text(cp1251.fields({ name: 'X' })).replace(',X,', ',АО\rЛес,');
  cp1251.badText('MALFORMED_RECORD', bare, '\r\n', bare).good({ name: 'ИП Иванов' }, '\r\n', { name: 'ИП Иванов' });
  return [
    gz.build('gzip with a BOM, CRLF, a blank line, an unclosed quote and a ragged row', { gzip: true }),
    cp1251.build('Windows-1251 with CRLF, a blank line and a bare CR', {
      encoding: 'windows-1251',
      mapping: 'version: 1\nextracts:\n  participants:\n    encoding: windows-1251\n',
    }),
  ];
}

function numbers(): HostileCase[] {
  const money = declarations().header();
  money.bad('TOO_MANY_DECIMALS', { customs_value_rub: '1.005' });
  money.bad('TOO_MANY_DECIMALS', { duty_rub: '0.001' });
  money.bad('TOO_MANY_DECIMALS', { import_vat_rub: '20000.0001' });
  money.bad('TOO_MANY_DECIMALS', { customs_value_rub: '0.000000001' });
  money.good({ customs_value_rub: '241.58000000000004' }, '\n', { customs_value_rub: '241.58' }).noise(1);
  money.good({ customs_value_rub: '99.99999999999999', duty_rub: '0.30000000000000004' }, '\n', { customs_value_rub: '100.00', duty_rub: '0.30' }).noise(2);
  money.good({ customs_value_rub: '12345678.905' }, '\n', { customs_value_rub: '12345678.91' }).noise(1);
  money.good({ customs_value_rub: '1.500000' }, '\n', { customs_value_rub: '1.50' });
  money.good({ customs_value_rub: '1e3' }, '\n', { customs_value_rub: '1000.00' });
  money.good({ customs_value_rub: '1.5E+2' }, '\n', { customs_value_rub: '150.00' });
  money.good({ customs_value_rub: '.5' }, '\n', { customs_value_rub: '0.50' });
  money.good({ customs_value_rub: '5.' }, '\n', { customs_value_rub: '5.00' });
  money.good({ customs_value_rub: '+7.25' }, '\n', { customs_value_rub: '7.25' });
  money.good({ duty_rub: '-0.00' }, '\n', { duty_rub: '0.00' });
  money.good({ customs_value_rub: '  12.50  ' }, '\n', { customs_value_rub: '12.50' });
  money.good({ customs_value_rub: '9999999999999999.99' }, '\n', { customs_value_rub: '9999999999999999.99' });
  money.bad('OUT_OF_RANGE', { customs_value_rub: '10000000000000000' });
  money.bad('OUT_OF_RANGE', { customs_value_rub: '1e16' });
  money.bad('OUT_OF_RANGE', { customs_value_rub: '1e-999' });
  money.bad('NEGATIVE_AMOUNT', { duty_rub: '-1.00' });

  const notNumbers = declarations().header();
  for (const value of ['1_000', '1,000', '1 000', '1\u00a0000', '0x1A', 'Infinity', 'NaN', '1e', '1e5000', '--1', '1.2.3', '١٢٣', '１２３', '12O5.00', '$100']) {
    notNumbers.bad('NOT_A_NUMBER', { customs_value_rub: value });
  }
  notNumbers.bad('NOT_A_NUMBER', { net_weight_kg: '1_000' });
  notNumbers.bad('NOT_A_NUMBER', { supplementary_qty: '2,5' });
  notNumbers.bad('OUT_OF_RANGE', { net_weight_kg: '1e-999' });
  notNumbers.good({ net_weight_kg: '1e-3', supplementary_qty: '0.123456789' }, '\n', { net_weight_kg: 0.001, supplementary_qty: 0.123456789 });
  notNumbers.bad('NOT_AN_INTEGER', { item_no: '1_000' });
  notNumbers.bad('NOT_AN_INTEGER', { valuation_method: '1.0' });

  // Under a decimal comma every number of the record is written with one.
  const comma = new CaseBuilder('declarations', ';').header();
  const decimalComma = { customs_value_rub: '100000,00', net_weight_kg: '12,5', duty_rub: '0', import_vat_rub: '20 000,00' };
  comma.good({ ...decimalComma, customs_value_rub: '100 000,50' }, '\n', { customs_value_rub: '100000.50', import_vat_rub: '20000.00' });
  comma.good({ ...decimalComma, customs_value_rub: '1\u00a0000\u00a0000,00' }, '\n', { customs_value_rub: '1000000.00' });
  comma.good({ ...decimalComma, customs_value_rub: '241,58000000000004', net_weight_kg: '12,5' }, '\n', { customs_value_rub: '241.58', net_weight_kg: 12.5 }).noise(1);
  comma.bad('NOT_A_NUMBER', { ...decimalComma, customs_value_rub: '1_000,00' });
  comma.bad('NOT_A_NUMBER', { ...decimalComma, customs_value_rub: '1.000,00' });
  comma.bad('NOT_A_NUMBER', { ...decimalComma, customs_value_rub: '1.000' });
  comma.bad('NOT_A_NUMBER', { ...decimalComma, net_weight_kg: '12.5' });
  comma.bad('TOO_MANY_DECIMALS', { ...decimalComma, customs_value_rub: '1,005' });
  return [
    money.build('money: more than 2 decimals, floating-point noise, exponents, signs, limits'),
    notNumbers.build('digit separators and other forms that are not numbers'),
    comma.build('a decimal comma: spaces group thousands, nothing else does', {
      mapping: 'version: 1\nextracts:\n  declarations:\n    delimiter: ";"\n    decimal_separator: ","\n',
    }),
  ];
}

function dates(): HostileCase[] {
  const b = declarations().header();
  for (const value of ['0000-01-01', '0001-01-01', '1899-12-31', '2023-02-29', '2024-3-5', '20240315', '2024-03-15T00:00', '15.03.2024', '2024-13-01', '2024-00-10']) {
    b.bad('BAD_DATE', { release_date: value });
  }
  b.good({ release_date: '1900-01-01' }, '\n', { release_date: '1900-01-01' });
  b.good({ release_date: '2024-02-29' }, '\n', { release_date: '2024-02-29' });
  b.good({ release_date: ' 2024-03-15 ' }, '\n', { release_date: '2024-03-15' });
  b.bad('FUTURE_DATE', { release_date: '2099-01-01' });
  const dotted = declarations().header();
  dotted.bad('BAD_DATE', { release_date: '01.01.0000' });
  dotted.bad('BAD_DATE', { release_date: '31.12.1899' });
  dotted.good({ release_date: '29.02.2024' }, '\n', { release_date: '2024-02-29' });
  return [
    b.build('dates: before 1900, the year 0000, unreal days, other forms'),
    dotted.build('dates in dd.mm.yyyy: the year 0000 and 1899 are no dates', { mapping: 'version: 1\nextracts:\n  declarations:\n    date_format: "%d.%m.%Y"\n' }),
  ];
}

function ids(): HostileCase[] {
  const b = participants().header();
  b.good({ inn: '0123456788' }, '\n', { inn: '0123456788' });
  b.good({ inn: ' 7736207543 ' }, '\n', { inn: '7736207543' });
  // DuckDB's trim takes Unicode spaces (non-breaking, ideographic) as spaces, not a tab.
  b.good({ inn: '7736207543\u00a0' }, '\n', { inn: '7736207543' });
  for (const inn of ['7707083893.0', '7.707083893E9', '٧٧٠٧٠٨٣٨٩٣', '７７０７０８３８９３', '\ufeff7707083893', '\t7707083893', '77070838 93', '0000000000']) {
    b.bad('BAD_INN', { inn });
  }
  b.bad('INN_CHECKSUM', { inn: '7707083894' });
  const codes = declarations().header();
  codes.good({ hs_code: '0102291000' }, '\n', { hs_code: '0102291000' });
  codes.bad('BAD_HS_CODE', { hs_code: '8.47E+09' });
  codes.bad('BAD_HS_CODE', { hs_code: '８４７１３０００００' });
  codes.bad('BAD_HS_CODE', { hs_code: '102291000' });
  codes.bad('BAD_CODE', { customs_office: '1070203O' });
  codes.bad('BAD_COUNTRY', { origin_country: 'cn' });
  return [b.build('INNs: leading zeros kept, spreadsheet and foreign digits rejected'), codes.build('codes: leading zeros kept, spreadsheet and full-width forms rejected')];
}

function text(): HostileCase[] {
  const b = participants().header();
  b.good({ name: 'x\u0000y' }, '\n', { name: 'x\u0000y' });
  b.good({ name: '=HYPERLINK("http://x")' }, '\n', { name: '=HYPERLINK("http://x")' });
  b.good({ name: '😀 ООО Ромашка' }, '\n', { name: '😀 ООО Ромашка' });
  b.good({ name: '\u200bООО' }, '\n', { name: '\u200bООО' });
  return [b.build('text is stored as written: NUL, formula-like, emoji, zero-width')];
}

function refusals(): HostileCase[] {
  const header = EXTRACTS.participants.columns.map((c) => c.name).join(',');
  const good = new CaseBuilder('participants');
  const row = good.text(good.fields());
  const utf8 = Buffer.from(`${header}\n${row}\n`);
  return [
    refused('a byte that is not UTF-8', 'participants', Buffer.concat([utf8, iconv.encode(`${row.replace('ООО Ромашка', 'АО Лес')}\n`, 'win1251')]), /line 3: bytes 0xC0 0xCE are not valid UTF-8/),
    refused('UTF-16 with a byte order mark', 'participants', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${header}\n${row}\n`, 'utf16le')]), /the file is UTF-16 \(it starts with the byte order mark FF FE\)/),
    refused('a header with an unclosed quote', 'participants', Buffer.from(`"inn,${header.slice(4)}\n${row}\n`), /the header \(line 1\) opens a quote that is not closed/),
    refused('only blank lines', 'participants', Buffer.from('\n\r\n\n'), /the file is empty \(it has 3 blank lines\)/),
    refused('an empty file', 'participants', Buffer.alloc(0), /the file is empty: expected a header line/),
    refused('old Mac line ends (CR only)', 'participants', Buffer.from(`${header}\r${row}\r`), /carriage return \(CR\) not followed by a line feed.*old Mac line ends/),
    refused('a truncated gzip stream', 'participants', gzipSync(utf8).subarray(0, 40), /is not a valid gzip file/, 'participants.csv.gz'),
    refused('a header naming a column twice', 'participants', Buffer.from(`${header},inn\n${row},7707083893\n`), /the header names column "inn" twice/),
  ];
}

/** Every fixed case of the corpus. */
export function hostileCases(): HostileCase[] {
  return [...lineEnds(), ...blankLines(), ...carriageReturns(), ...quotes(), ...widths(), ...delimiters(), ...containers(), ...numbers(), ...dates(), ...ids(), ...text(), ...refusals()];
}

/**
 * A register file of `records` records mixing, at random, every structural
 * fault and line end the corpus knows, with its expectation.
 */
export function randomCase(seed: number, records: number): HostileCase {
  const rng = new Sfc32(seed);
  const end = (): LineEnd => (rng.next() < 0.5 ? '\n' : '\r\n');
  const b = participants();
  for (let i = rng.int(3); i > 0; i--) b.blank(end());
  b.header(end());
  let written = 0;
  while (written < records) {
    const kind = rng.int(12);
    const last = written === records - 1;
    const lineEnd = last && rng.next() < 0.5 ? '' : end();
    written++;
    switch (kind) {
      case 0:
        b.blank(end());
        written--;
        break;
      case 1: {
        const fields = b.fields();
        const cut = 1 + rng.int(3);
        b.badText('RAGGED_ROW', rng.next() < 0.5 ? fields.slice(0, -cut).join(',') : `${b.text(fields)}${','.repeat(cut)}`, lineEnd);
        break;
      }
      case 2:
        b.badText('MALFORMED_RECORD', b.text(b.fields({ name: 'X' })).replace(',X,', ',A\rB,'), lineEnd);
        break;
      case 3:
        b.badText('MALFORMED_RECORD', b.text(b.fields({ name: 'X' })).replace(',X,', ',"A"B,'), lineEnd);
        break;
      case 4: {
        if (last) {
          b.good({}, lineEnd);
          break;
        }
        // An unclosed quote, maybe continuation lines and blank lines, then a good record.
        b.badText('MALFORMED_RECORD', b.text(b.fields({ name: 'X' })).replace(',X,', ',"open'), end());
        for (let i = rng.int(3); i > 0; i--) b.raw(`continued text, more${end()}`);
        for (let i = rng.int(2); i > 0; i--) b.blank(end());
        b.good({}, end());
        written++;
        break;
      }
      case 5:
        b.good({ name: `ООО "Р${written}"\r\nфилиал, ${written}` }, lineEnd, { name: `ООО "Р${written}"\r\nфилиал, ${written}` });
        break;
      case 6:
        b.bad('BAD_INN', { inn: '77070838' }, lineEnd);
        break;
      case 7:
        b.badText('REQUIRED_MISSING', ','.repeat(12), lineEnd);
        break;
      default:
        b.good({}, lineEnd);
    }
  }
  return b.build(`${records} records of every fault at random, seed ${seed}`);
}
