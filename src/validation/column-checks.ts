import type { ColumnDef, ColumnKind, Jurisdiction } from '../contract/extracts.js';
import { quoteLiteral, quoteLiteralList, sqlDate } from '../io/sql.js';
import { COUNTRY_CODES } from './countries.js';
import type { RejectCode } from './reject-codes.js';

/** What the checks of one column need to know about the file. */
export interface CheckContext {
  jurisdiction: Jurisdiction;
  decimalSeparator: '.' | ',';
  /** strptime format, or null for ISO dates. */
  dateFormat: string | null;
  /** Dates after this ISO date are rejected. */
  today: string;
}

/** One check: when `condition` (SQL over the raw text `x`) holds, the value is rejected with `code`. */
export interface Check {
  condition: string;
  code: RejectCode;
}

/** How a column kind is stored and checked. */
interface KindDef {
  /** DuckDB type in the store. */
  sqlType: string;
  /** SQL giving the typed value of the raw text (NULL when it cannot be typed). */
  typed(x: string, column: ColumnDef, ctx: CheckContext): string;
  /** Checks on a non-NULL raw value, in order; the first that holds gives the code. */
  checks(x: string, column: ColumnDef, ctx: CheckContext): Check[];
}

const FLAG_TRUE = ['1', 'true', 'yes', 'y', 't'];
const FLAG_FALSE = ['0', 'false', 'no', 'n', 'f'];

function numberText(x: string, ctx: CheckContext): string {
  // With a comma decimal separator, spaces (also non-breaking) group thousands.
  return ctx.decimalSeparator === ',' ? `replace(regexp_replace(${x}, '[ \u00a0]', '', 'g'), ',', '.')` : x;
}

function doubleOf(x: string, ctx: CheckContext): string {
  return `TRY_CAST(${numberText(x, ctx)} AS DOUBLE)`;
}

function isNumber(x: string, ctx: CheckContext): string {
  return `coalesce(isfinite(${doubleOf(x, ctx)}), false)`;
}

function dateOf(x: string, ctx: CheckContext): string {
  if (ctx.dateFormat !== null) return `TRY_CAST(TRY_STRPTIME(${x}, ${quoteLiteral(ctx.dateFormat)}) AS DATE)`;
  return `CASE WHEN regexp_full_match(${x}, '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN TRY_CAST(${x} AS DATE) END`;
}

function enumText(x: string): string {
  return `replace(lower(${x}), ' ', '_')`;
}

const text: KindDef = { sqlType: 'VARCHAR', typed: (x) => x, checks: () => [] };

const KINDS: Record<ColumnKind, KindDef> = {
  id: text,
  text,
  inn: {
    sqlType: 'VARCHAR',
    typed: (x) => x,
    checks: (x, _c, ctx) =>
      ctx.jurisdiction === 'ru'
        ? [
            { condition: `ccrg_inn_problem(${x}) = 'BAD_INN'`, code: 'BAD_INN' },
            { condition: `ccrg_inn_problem(${x}) = 'INN_CHECKSUM'`, code: 'INN_CHECKSUM' },
          ]
        : [],
  },
  code: {
    sqlType: 'VARCHAR',
    typed: (x) => x,
    checks: (x, column, ctx) =>
      ctx.jurisdiction === 'ru' && column.pattern !== undefined
        ? [{ condition: `NOT regexp_full_match(${x}, ${quoteLiteral(column.pattern)})`, code: 'BAD_CODE' }]
        : [],
  },
  enum: {
    sqlType: 'VARCHAR',
    typed: (x) => enumText(x),
    checks: (x, column) => [{ condition: `${enumText(x)} NOT IN (${quoteLiteralList(column.values ?? [])})`, code: 'BAD_VALUE' }],
  },
  integer: {
    sqlType: 'INTEGER',
    typed: (x) => `TRY_CAST(${x} AS INTEGER)`,
    checks: (x, column) => [
      { condition: `NOT regexp_full_match(${x}, '[+-]?[0-9]+')`, code: 'NOT_AN_INTEGER' },
      {
        condition: `TRY_CAST(${x} AS HUGEINT) IS NULL OR TRY_CAST(${x} AS HUGEINT) NOT BETWEEN ${column.min ?? -2147483648} AND ${column.max ?? 2147483647}`,
        code: 'OUT_OF_RANGE',
      },
    ],
  },
  money: {
    sqlType: 'DECIMAL(18,2)',
    typed: (x, _c, ctx) => `TRY_CAST(${numberText(x, ctx)} AS DECIMAL(18,2))`,
    checks: (x, _c, ctx) => [
      { condition: `NOT ${isNumber(x, ctx)} OR TRY_CAST(${numberText(x, ctx)} AS DECIMAL(18,2)) IS NULL`, code: 'NOT_A_NUMBER' },
      { condition: `${doubleOf(x, ctx)} < 0`, code: 'NEGATIVE_AMOUNT' },
    ],
  },
  quantity: {
    sqlType: 'DOUBLE',
    typed: (x, _c, ctx) => doubleOf(x, ctx),
    checks: (x, _c, ctx) => [
      { condition: `NOT ${isNumber(x, ctx)}`, code: 'NOT_A_NUMBER' },
      { condition: `${doubleOf(x, ctx)} < 0`, code: 'NEGATIVE_AMOUNT' },
    ],
  },
  weight: {
    sqlType: 'DOUBLE',
    typed: (x, _c, ctx) => doubleOf(x, ctx),
    checks: (x, _c, ctx) => [
      { condition: `NOT ${isNumber(x, ctx)}`, code: 'NOT_A_NUMBER' },
      { condition: `${doubleOf(x, ctx)} <= 0`, code: 'NONPOSITIVE_WEIGHT' },
    ],
  },
  probability: {
    sqlType: 'DOUBLE',
    typed: (x, _c, ctx) => doubleOf(x, ctx),
    checks: (x, _c, ctx) => [
      { condition: `NOT ${isNumber(x, ctx)}`, code: 'NOT_A_NUMBER' },
      { condition: `NOT (${doubleOf(x, ctx)} > 0 AND ${doubleOf(x, ctx)} <= 1)`, code: 'OUT_OF_RANGE' },
    ],
  },
  date: {
    sqlType: 'DATE',
    typed: (x, _c, ctx) => dateOf(x, ctx),
    checks: (x, _c, ctx) => [
      { condition: `${dateOf(x, ctx)} IS NULL`, code: 'BAD_DATE' },
      { condition: `${dateOf(x, ctx)} > ${sqlDate(ctx.today)}`, code: 'FUTURE_DATE' },
    ],
  },
  hs_code: {
    sqlType: 'VARCHAR',
    typed: (x) => x,
    checks: (x, _c, ctx) => [
      { condition: `NOT regexp_full_match(${x}, '${ctx.jurisdiction === 'ru' ? '[0-9]{10}' : '[0-9]{6,10}'}')`, code: 'BAD_HS_CODE' },
    ],
  },
  country: {
    sqlType: 'VARCHAR',
    typed: (x, _c, ctx) => (ctx.jurisdiction === 'ru' ? x : `upper(${x})`),
    checks: (x, _c, ctx) =>
      ctx.jurisdiction === 'ru'
        ? [{ condition: `${x} NOT IN (${quoteLiteralList(COUNTRY_CODES)})`, code: 'BAD_COUNTRY' }]
        : [{ condition: `NOT regexp_full_match(${x}, '[A-Za-z0-9]{2,3}')`, code: 'BAD_COUNTRY' }],
  },
  tax_period: {
    sqlType: 'VARCHAR',
    typed: (x) => x,
    checks: (x) => [{ condition: `NOT regexp_full_match(${x}, '[0-9]{4}-Q[1-4]')`, code: 'BAD_TAX_PERIOD' }],
  },
  flag: {
    sqlType: 'BOOLEAN',
    typed: (x) =>
      `CASE WHEN lower(${x}) IN (${quoteLiteralList(FLAG_TRUE)}) THEN true WHEN lower(${x}) IN (${quoteLiteralList(FLAG_FALSE)}) THEN false END`,
    checks: (x) => [{ condition: `lower(${x}) NOT IN (${quoteLiteralList([...FLAG_TRUE, ...FLAG_FALSE])})`, code: 'BAD_VALUE' }],
  },
};

/** DuckDB type a column is stored as. */
export function sqlTypeOf(column: ColumnDef): string {
  return KINDS[column.kind].sqlType;
}

/** SQL for the typed value of raw text `x` of a column. */
export function typedExpr(x: string, column: ColumnDef, ctx: CheckContext): string {
  return KINDS[column.kind].typed(x, column, ctx);
}

/**
 * SQL giving the reject code of raw text `x` of a column, or NULL when it is
 * fine. `required` decides whether an empty value is REQUIRED_MISSING.
 */
export function rejectCodeExpr(x: string, column: ColumnDef, ctx: CheckContext, required: boolean): string {
  const checks = KINDS[column.kind].checks(x, column, ctx);
  const whens = checks.map((c) => `WHEN ${c.condition} THEN '${c.code}'`);
  const missing = required ? `WHEN ${x} IS NULL THEN 'REQUIRED_MISSING'` : `WHEN ${x} IS NULL THEN NULL`;
  return `CASE ${missing} ${whens.join(' ')} END`;
}

