/**
 * Planted bad rows: corrupted copies of good rows, each breaking exactly one
 * rule of the contract, logged with their physical line for dirty.csv.
 */
import { EXTRACTS, type ExtractId } from '../contract/extracts.js';
import type { RejectCode } from '../validation/reject-codes.js';
import { isCountryCode } from '../validation/countries.js';
import { quoteField, type CsvWriter } from '../io/csv-stream-writer.js';
import type { Rng } from './random.js';

/** One way of breaking a row. `fields` is a copy the rule may change. */
export interface DirtyRule {
  readonly code: RejectCode;
  corrupt(fields: string[], rng: Rng): string[];
  /** Column written as is, without RFC 4180 quoting (to break the quoting itself). */
  readonly unquoted?: number;
}

function columnIndex(extract: ExtractId, name: string): number {
  const i = EXTRACTS[extract].columns.findIndex((c) => c.name === name);
  if (i < 0) throw new Error(`extract ${extract} has no column ${name}`);
  return i;
}

function set(fields: string[], i: number, value: string): string[] {
  fields[i] = value;
  return fields;
}

const at = (fields: readonly string[], i: number): string => fields[i] ?? '';

/** An INN of the wrong form: all zeros or one digit short. */
export function malformedInn(inn: string, rng: Rng): string {
  return rng.chance(0.5) ? '0'.repeat(inn.length === 12 ? 12 : 10) : inn.slice(0, -1);
}

/** The INN with its last check digit changed. */
export function wrongCheckDigitInn(inn: string): string {
  const last = Number(inn.slice(-1));
  return inn.slice(0, -1) + String((last + 1 + (inn.length % 3)) % 10);
}

/** A date that does not exist or is not ISO. */
function malformedDate(iso: string, rng: Rng): string {
  return rng.chance(0.5) ? `${iso.slice(0, 4)}-02-30` : `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
}

/** The same day of year in 2099 (a real date, far in the future). */
export function futureDate(iso: string): string {
  const md = iso.slice(5);
  return `2099-${md === '02-29' ? '02-28' : md}`;
}

/** A number with a letter O in place of a digit, like a mistyped zero. */
export function notANumber(value: string): string {
  const source = value === '' ? '1205.00' : value;
  const i = source.indexOf('0');
  return i >= 0 ? `${source.slice(0, i)}O${source.slice(i + 1)}` : `${source.slice(0, 1)}O${source.slice(1)}`;
}

/**
 * An amount with a third decimal, like a mistyped cent (`1205.00` -> `1205.005`),
 * kept under a million, where a third decimal cannot pass for floating-point noise.
 */
export function tooManyDecimals(value: string): string {
  const cents = Math.round((Number(value) || 1205) * 100) % 100_000_000;
  return `${(cents / 100).toFixed(2)}5`;
}

function negative(fields: string[], candidates: readonly number[]): string[] {
  for (const i of candidates) {
    const v = Number(at(fields, i));
    if (at(fields, i) !== '' && v > 0) return set(fields, i, `-${at(fields, i)}`);
  }
  return set(fields, candidates[0] ?? 0, '-150.00');
}

function ragged(fields: string[], rng: Rng): string[] {
  return rng.chance(0.5) ? fields.slice(0, -1) : [...fields, at(fields, fields.length - 1)];
}

function addAmount(value: string, delta: number): string {
  return ((Number(value) || 0) + delta).toFixed(2);
}

function minusDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

const D = (name: string): number => columnIndex('declarations', name);
const T = (name: string): number => columnIndex('tax_returns', name);
const P = (name: string): number => columnIndex('participants', name);
const O = (name: string): number => columnIndex('outcomes', name);
const I = (name: string): number => columnIndex('item_outcomes', name);
const S = (name: string): number => columnIndex('tax_signals', name);
const A = (name: string): number => columnIndex('tax_answers', name);
const M = (name: string): number => columnIndex('traceability', name);
const E = (name: string): number => columnIndex('eaeu_imports', name);

/** The rules planted in each extract; `DUPLICATE_KEY` keeps the key, every other rule gets a fresh key first. */
const DIRTY_RULES: Record<ExtractId, readonly DirtyRule[]> = {
  declarations: [
    { code: 'RAGGED_ROW', corrupt: ragged },
    { code: 'REQUIRED_MISSING', corrupt: (f) => set(f, D('customs_office'), '') },
    { code: 'NOT_A_NUMBER', corrupt: (f) => set(f, D('customs_value_rub'), notANumber(at(f, D('customs_value_rub')))) },
    { code: 'NOT_AN_INTEGER', corrupt: (f) => set(f, D('valuation_method'), `${at(f, D('valuation_method'))}.5`) },
    { code: 'OUT_OF_RANGE', corrupt: (f) => set(f, D('valuation_method'), '9') },
    { code: 'NEGATIVE_AMOUNT', corrupt: (f) => negative(f, [D('customs_value_rub')]) },
    { code: 'NONPOSITIVE_WEIGHT', corrupt: (f, rng) => set(f, D('net_weight_kg'), rng.chance(0.5) ? '0' : `-${at(f, D('net_weight_kg'))}`) },
    { code: 'BAD_DATE', corrupt: (f, rng) => set(f, D('release_date'), malformedDate(at(f, D('release_date')), rng)) },
    { code: 'FUTURE_DATE', corrupt: (f) => set(f, D('version_date'), futureDate(at(f, D('release_date')))) },
    { code: 'BAD_INN', corrupt: (f, rng) => set(f, D('importer_inn'), malformedInn(at(f, D('importer_inn')), rng)) },
    {
      code: 'INN_CHECKSUM',
      corrupt: (f) => {
        const i = at(f, D('customs_representative_inn')) !== '' ? D('customs_representative_inn') : D('importer_inn');
        return set(f, i, wrongCheckDigitInn(at(f, i)));
      },
    },
    { code: 'BAD_HS_CODE', corrupt: (f) => set(f, D('hs_code'), at(f, D('hs_code')).slice(0, 8)) },
    {
      code: 'BAD_COUNTRY',
      corrupt: (f, rng) => {
        const bad = rng.pick(['RUS', 'ZZ', 'CHN', 'XX']);
        if (isCountryCode(bad)) throw new Error(`${bad} is a valid country`);
        return set(f, rng.chance(0.7) ? D('origin_country') : D('dispatch_country'), bad);
      },
    },
    {
      code: 'BAD_CODE',
      corrupt: (f, rng) => (rng.chance(0.5) ? set(f, D('customs_office'), at(f, D('customs_office')).slice(0, 7)) : set(f, D('procedure'), '4')),
    },
    { code: 'DATE_ORDER', corrupt: (f, rng) => set(f, D('version_date'), minusDays(at(f, D('release_date')), rng.intBetween(1, 20))) },
    { code: 'DUPLICATE_KEY', corrupt: (f, rng) => set(f, D('customs_value_rub'), addAmount(at(f, D('customs_value_rub')), rng.intBetween(1, 500))) },
  ],
  tax_returns: [
    { code: 'RAGGED_ROW', corrupt: ragged },
    { code: 'REQUIRED_MISSING', corrupt: (f) => set(f, T('vat_accrued_rub'), '') },
    { code: 'NOT_A_NUMBER', corrupt: (f) => set(f, T('revenue_rub'), notANumber(at(f, T('revenue_rub')))) },
    { code: 'NOT_AN_INTEGER', corrupt: (f) => set(f, T('correction_no'), `${at(f, T('correction_no'))}.5`) },
    { code: 'OUT_OF_RANGE', corrupt: (f) => set(f, T('correction_no'), '1000') },
    { code: 'NEGATIVE_AMOUNT', corrupt: (f) => negative(f, [T('vat_deductions_rub'), T('revenue_rub'), T('vat_accrued_rub')]) },
    { code: 'BAD_DATE', corrupt: (f, rng) => set(f, T('filed_date'), malformedDate(at(f, T('filed_date')), rng)) },
    { code: 'FUTURE_DATE', corrupt: (f) => set(f, T('filed_date'), futureDate(at(f, T('filed_date')))) },
    { code: 'BAD_INN', corrupt: (f, rng) => set(f, T('inn'), malformedInn(at(f, T('inn')), rng)) },
    { code: 'INN_CHECKSUM', corrupt: (f) => set(f, T('inn'), wrongCheckDigitInn(at(f, T('inn')))) },
    {
      code: 'BAD_TAX_PERIOD',
      corrupt: (f, rng) => {
        const period = at(f, T('tax_period'));
        return set(f, T('tax_period'), rng.chance(0.5) ? `${period.slice(0, 4)}-Q5` : `${period.slice(0, 4)}-${period.slice(-1)}`);
      },
    },
    { code: 'DUPLICATE_KEY', corrupt: (f, rng) => set(f, T('revenue_rub'), addAmount(at(f, T('revenue_rub')), rng.intBetween(1000, 90_000))) },
  ],
  participants: [
    { code: 'RAGGED_ROW', corrupt: ragged },
    { code: 'REQUIRED_MISSING', corrupt: (f) => set(f, P('name'), '') },
    { code: 'NOT_AN_INTEGER', corrupt: (f) => set(f, P('headcount'), `${at(f, P('headcount'))}.5`) },
    { code: 'OUT_OF_RANGE', corrupt: (f) => set(f, P('headcount'), '20000000') },
    { code: 'BAD_DATE', corrupt: (f, rng) => set(f, P('registration_date'), malformedDate(at(f, P('registration_date')), rng)) },
    { code: 'FUTURE_DATE', corrupt: (f) => set(f, P('registration_date'), futureDate(at(f, P('registration_date')))) },
    { code: 'BAD_VALUE', corrupt: (f, rng) => (rng.chance(0.5) ? set(f, P('status'), 'closed') : set(f, P('tax_regime'), 'simplified')) },
    {
      code: 'DATE_ORDER',
      corrupt: (f, rng) => {
        set(f, P('status'), 'liquidated');
        return set(f, P('liquidation_date'), minusDays(at(f, P('registration_date')), rng.intBetween(10, 400)));
      },
    },
    { code: 'BAD_INN', corrupt: (f, rng) => set(f, P('inn'), malformedInn(at(f, P('inn')), rng)) },
    { code: 'INN_CHECKSUM', corrupt: (f) => set(f, P('inn'), wrongCheckDigitInn(at(f, P('inn')))) },
    { code: 'DUPLICATE_KEY', corrupt: (f) => set(f, P('headcount'), String(Number(at(f, P('headcount'))) + 1)) },
    {
      // A closing quote followed by more text, on one physical line: `"ООО «Альфа»" ЛТД`.
      code: 'MALFORMED_RECORD',
      unquoted: P('name'),
      corrupt: (f) => set(f, P('name'), `"${at(f, P('name')).replace(/[",\r\n]+/g, ' ')}" ЛТД`),
    },
  ],
  outcomes: [
    { code: 'RAGGED_ROW', corrupt: ragged },
    { code: 'REQUIRED_MISSING', corrupt: (f) => set(f, O('started_date'), '') },
    { code: 'BAD_VALUE', corrupt: (f) => set(f, O('check_type'), 'onsite') },
    { code: 'OUT_OF_RANGE', corrupt: (f) => set(f, O('propensity'), '1.5') },
    { code: 'NOT_A_NUMBER', corrupt: (f) => set(f, O('additional_charges_rub'), notANumber(at(f, O('additional_charges_rub')))) },
    { code: 'NOT_AN_INTEGER', corrupt: (f) => set(f, O('violation'), '0.5') },
    { code: 'NEGATIVE_AMOUNT', corrupt: (f) => negative(f, [O('additional_charges_rub')]) },
    { code: 'DATE_ORDER', corrupt: (f) => set(f, O('period_to'), minusDays(at(f, O('period_from')), 1)) },
    { code: 'BAD_DATE', corrupt: (f, rng) => set(f, O('period_from'), malformedDate(at(f, O('period_from')), rng)) },
    { code: 'FUTURE_DATE', corrupt: (f) => set(f, O('started_date'), futureDate(at(f, O('started_date')))) },
    { code: 'INN_CHECKSUM', corrupt: (f) => set(f, O('inn'), wrongCheckDigitInn(at(f, O('inn')))) },
    { code: 'BAD_INN', corrupt: (f, rng) => set(f, O('inn'), malformedInn(at(f, O('inn')), rng)) },
    {
      code: 'DUPLICATE_KEY',
      corrupt: (f, rng) =>
        at(f, O('additional_charges_rub')) === ''
          ? set(f, O('plan_id'), `PLAN-X${rng.intBetween(1, 99)}`)
          : set(f, O('additional_charges_rub'), addAmount(at(f, O('additional_charges_rub')), rng.intBetween(100, 9000))),
    },
  ],
  item_outcomes: [
    { code: 'RAGGED_ROW', corrupt: ragged },
    { code: 'REQUIRED_MISSING', corrupt: (f) => set(f, I('violation'), '') },
    { code: 'OUT_OF_RANGE', corrupt: (f) => set(f, I('violation'), '2') },
    { code: 'NOT_AN_INTEGER', corrupt: (f) => set(f, I('item_no'), `${at(f, I('item_no'))}.5`) },
    { code: 'NEGATIVE_AMOUNT', corrupt: (f) => negative(f, [I('additional_charges_rub')]) },
    { code: 'NOT_A_NUMBER', corrupt: (f) => set(f, I('additional_charges_rub'), notANumber(at(f, I('additional_charges_rub')))) },
    { code: 'DUPLICATE_KEY', corrupt: (f, rng) => set(f, I('additional_charges_rub'), addAmount(at(f, I('additional_charges_rub')), rng.intBetween(1, 900))) },
    { code: 'TOO_MANY_DECIMALS', corrupt: (f) => set(f, I('additional_charges_rub'), tooManyDecimals(at(f, I('additional_charges_rub')))) },
  ],
  tax_signals: [
    { code: 'RAGGED_ROW', corrupt: ragged },
    { code: 'REQUIRED_MISSING', corrupt: (f) => set(f, S('signal_type'), '') },
    { code: 'BAD_VALUE', corrupt: (f) => set(f, S('signal_type'), 'markup') },
    { code: 'BAD_DATE', corrupt: (f, rng) => set(f, S('signal_date'), malformedDate(at(f, S('signal_date')), rng)) },
    { code: 'FUTURE_DATE', corrupt: (f) => set(f, S('signal_date'), futureDate(at(f, S('signal_date')))) },
    { code: 'NEGATIVE_AMOUNT', corrupt: (f) => negative(f, [S('amount_rub')]) },
    { code: 'NOT_A_NUMBER', corrupt: (f) => set(f, S('amount_rub'), notANumber(at(f, S('amount_rub')))) },
    { code: 'INN_CHECKSUM', corrupt: (f) => set(f, S('inn'), wrongCheckDigitInn(at(f, S('inn')))) },
    { code: 'DUPLICATE_KEY', corrupt: (f, rng) => set(f, S('amount_rub'), addAmount(at(f, S('amount_rub')), rng.intBetween(100, 9000))) },
  ],
  tax_answers: [
    { code: 'RAGGED_ROW', corrupt: ragged },
    { code: 'BAD_VALUE', corrupt: (f) => set(f, A('result'), 'maybe') },
    { code: 'REQUIRED_MISSING', corrupt: (f) => set(f, A('result'), '') },
    { code: 'BAD_DATE', corrupt: (f, rng) => set(f, A('decision_date'), malformedDate(at(f, A('decision_date')), rng)) },
    { code: 'NEGATIVE_AMOUNT', corrupt: (f) => negative(f, [A('vat_charged_rub'), A('profit_tax_charged_rub')]) },
    { code: 'INN_CHECKSUM', corrupt: (f) => set(f, A('inn'), wrongCheckDigitInn(at(f, A('inn')))) },
    { code: 'FUTURE_DATE', corrupt: (f) => set(f, A('decision_date'), futureDate(at(f, A('decision_date')))) },
  ],
  traceability: [
    { code: 'RAGGED_ROW', corrupt: ragged },
    { code: 'REQUIRED_MISSING', corrupt: (f) => set(f, M('rnpt'), '') },
    { code: 'BAD_VALUE', corrupt: (f) => set(f, M('doc_type'), 'sale') },
    { code: 'BAD_DATE', corrupt: (f, rng) => set(f, M('doc_date'), malformedDate(at(f, M('doc_date')), rng)) },
    { code: 'FUTURE_DATE', corrupt: (f) => set(f, M('doc_date'), futureDate(at(f, M('doc_date')))) },
    { code: 'DATE_ORDER', corrupt: (f, rng) => set(f, M('correction_date'), minusDays(at(f, M('doc_date')), rng.intBetween(1, 20))) },
    { code: 'INN_CHECKSUM', corrupt: (f) => set(f, M('seller_inn'), wrongCheckDigitInn(at(f, M('seller_inn')))) },
    { code: 'BAD_INN', corrupt: (f, rng) => set(f, M('seller_inn'), malformedInn(at(f, M('seller_inn')), rng)) },
    { code: 'BAD_CODE', corrupt: (f) => set(f, M('unit'), '79') },
    { code: 'NOT_A_NUMBER', corrupt: (f) => set(f, M('quantity'), notANumber(at(f, M('quantity')))) },
    { code: 'NEGATIVE_AMOUNT', corrupt: (f) => negative(f, [M('value_rub')]) },
    { code: 'DUPLICATE_KEY', corrupt: (f, rng) => set(f, M('value_rub'), addAmount(at(f, M('value_rub')), rng.intBetween(100, 9000))) },
  ],
  eaeu_imports: [
    { code: 'RAGGED_ROW', corrupt: ragged },
    { code: 'REQUIRED_MISSING', corrupt: (f) => set(f, E('vat_rub'), '') },
    { code: 'BAD_DATE', corrupt: (f, rng) => set(f, E('application_date'), malformedDate(at(f, E('application_date')), rng)) },
    { code: 'FUTURE_DATE', corrupt: (f) => set(f, E('application_date'), futureDate(at(f, E('application_date')))) },
    { code: 'INN_CHECKSUM', corrupt: (f) => set(f, E('applicant_inn'), wrongCheckDigitInn(at(f, E('applicant_inn')))) },
    { code: 'BAD_HS_CODE', corrupt: (f) => set(f, E('hs_code'), at(f, E('hs_code')).slice(0, 8)) },
    { code: 'NOT_A_NUMBER', corrupt: (f) => set(f, E('value_rub'), notANumber(at(f, E('value_rub')))) },
    { code: 'NEGATIVE_AMOUNT', corrupt: (f) => negative(f, [E('vat_rub')]) },
    { code: 'DUPLICATE_KEY', corrupt: (f, rng) => set(f, E('vat_rub'), addAmount(at(f, E('vat_rub')), rng.intBetween(100, 9000))) },
  ],
};

/** Gives a copy a key no good row has (mutates `fields`); `serial` counts planted rows of the extract. */
export type FreshKey = (fields: string[], serial: number) => void;

/** The physical location of one planted row. */
export interface DirtyEntry {
  readonly file: string;
  readonly line: number;
  readonly rule: RejectCode;
}

/**
 * Plants corrupted copies after good rows at `rate`, cycling through the
 * extract's rules so every rule appears once enough rows are written.
 */
export class DirtyPlanter {
  private next: number;
  private serial = 0;
  private readonly rules: readonly DirtyRule[];

  constructor(
    extract: ExtractId,
    private readonly rate: number,
    private readonly rng: Rng,
    private readonly freshKey: FreshKey,
    private readonly onPlanted: (entry: DirtyEntry) => void,
  ) {
    this.rules = DIRTY_RULES[extract];
    this.next = rng.int(this.rules.length);
  }

  /** Maybe writes a corrupted copy of the good row just written to `writer`. */
  afterGood(writer: CsvWriter, fields: readonly string[]): void {
    if (!this.rng.chance(this.rate)) return;
    const rule = this.rules[this.next % this.rules.length];
    this.next++;
    if (rule === undefined) return;
    const copy = [...fields];
    if (rule.code !== 'DUPLICATE_KEY') this.freshKey(copy, ++this.serial);
    const corrupted = rule.corrupt(copy, this.rng);
    const line =
      rule.unquoted === undefined
        ? writer.writeFields(corrupted)
        : writer.writeRaw(corrupted.map((v, i) => (i === rule.unquoted ? v : quoteField(v))).join(','));
    this.onPlanted({ file: writer.fileName, line, rule: rule.code });
  }
}
