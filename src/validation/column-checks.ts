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

/**
 * Names a sub-expression that several checks of a column read, so that the caller can compute it once per row
 * (DuckDB does not share an expression between the branches of a CASE); returns the SQL that reads it. Only for
 * sub-expressions that cannot fail and that the checks evaluate on nearly every value anyway: a shared one is
 * computed for every row. The default writes the expression where it is read.
 */
export type Share = (expression: string) => string;

const INLINE: Share = (expression) => expression;

/** How a column kind is stored and checked. */
interface KindDef {
  /** DuckDB type in the store. */
  sqlType: string;
  /** SQL giving the typed value of the raw text (NULL when it cannot be typed). */
  typed(x: string, column: ColumnDef, ctx: CheckContext): string;
  /** Checks on a non-NULL raw value, in order; the first that holds gives the code. */
  checks(x: string, column: ColumnDef, ctx: CheckContext, share: Share): Check[];
  /**
   * SQL giving, in one expression, the reject code of a non-NULL raw value
   * that passed `checks` (NULL when it is fine): for a check whose codes
   * come from one computation, which one WHEN per code would repeat.
   */
  codeOf?(x: string, column: ColumnDef, ctx: CheckContext): string | null;
}

const FLAG_TRUE = ['1', 'true', 'yes', 'y', 't'];
const FLAG_FALSE = ['0', 'false', 'no', 'n', 'f'];

/**
 * A number as the contract reads it: optional sign, digits with an optional
 * decimal point, optional exponent. No digit grouping: `1_000`, `1,000` and
 * `1 000` are not numbers (DuckDB's own cast would take `1_000` as 1000).
 */
const NUMBER_PATTERN = '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]{1,3})?';

/** Money that needs no further analysis: plain notation, at most 16 integer digits and 2 decimals. */
const PLAIN_MONEY_PATTERN = '[+-]?[0-9]{1,16}([.][0-9]{0,2})?';

/** Decimals a money amount may have (`DECIMAL(18,2)`). */
const MONEY_DECIMALS = 2;

/**
 * How far (relative) a value with more decimals may lie from the value with
 * the allowed decimals and still be read as binary floating-point noise of
 * another system's export (241.58000000000004 for 241.58).
 */
const FLOAT_NOISE_TOLERANCE = 1e-9;

/** The earliest date accepted: earlier ones (the year 0000 included) are typing errors or placeholders. */
const EARLIEST_DATE = '1900-01-01';

function numberText(x: string, ctx: CheckContext): string {
  // With a comma decimal separator, spaces (also non-breaking and narrow non-breaking) group thousands,
  // and a point is no decimal point: 1.000 would be read as 1 (the point becomes '_', which no number holds).
  return ctx.decimalSeparator === ',' ? `replace(replace(regexp_replace(${x}, '[ \u00a0\u202f]', '', 'g'), '.', '_'), ',', '.')` : x;
}

function doubleOf(x: string, ctx: CheckContext): string {
  const t = numberText(x, ctx);
  return `CASE WHEN regexp_full_match(${t}, '${NUMBER_PATTERN}') THEN TRY_CAST(${t} AS DOUBLE) END`;
}

/** Whether `double` (the SQL of {@link doubleOf}) is a finite number. */
function isNumber(double: string): string {
  return `coalesce(isfinite(${double}), false)`;
}

/** A number that became 0 as a DOUBLE (`double`, the SQL of {@link doubleOf}) although its digits are not all zero (`1e-999`). */
function isUnderflow(x: string, double: string, ctx: CheckContext): string {
  return `(${double} = 0 AND regexp_matches(regexp_replace(${numberText(x, ctx)}, '[eE].*$', ''), '[1-9]'))`;
}

/** The checks of a quantity or weight: a finite number, no underflow, then `sign` on its (shared) value. */
function measureChecks(x: string, ctx: CheckContext, share: Share, sign: (double: string) => Check): Check[] {
  const double = share(doubleOf(x, ctx));
  return [{ condition: `NOT ${isNumber(double)}`, code: 'NOT_A_NUMBER' }, { condition: isUnderflow(x, double, ctx), code: 'OUT_OF_RANGE' }, sign(double)];
}

/** The exact value of a money text (NULL from 10^18 up); DECIMAL(38,20) rounds only beyond 20 decimals. */
function exactMoneyOf(x: string, ctx: CheckContext): string {
  return `TRY_CAST(${numberText(x, ctx)} AS DECIMAL(38,20))`;
}

function isPlainMoney(x: string, ctx: CheckContext): string {
  return `regexp_full_match(${numberText(x, ctx)}, '${PLAIN_MONEY_PATTERN}')`;
}

/**
 * SQL: whether an accepted money text had more decimals than allowed, i.e.
 * was floating-point noise stored rounded. Only meaningful on values that
 * passed the checks.
 */
export function isFloatNoiseExpr(x: string, ctx: CheckContext): string {
  return `(${x} IS NOT NULL AND NOT ${isPlainMoney(x, ctx)} AND ccrg_decimals(${numberText(x, ctx)}) > ${MONEY_DECIMALS})`;
}

/**
 * DuckDB macro `ccrg_decimals(t)`: how many decimals the number text `t`
 * really has (trailing zeros do not count; the exponent does: `1.5e-3` has
 * 4, `1.50` has 1, `100e-2` has 0).
 */
export function decimalsMacroSql(): string {
  const digits = `regexp_replace(t, '^[+-]?([0-9]*)[.]?([0-9]*).*$', '\\1\\2')`;
  return `CREATE OR REPLACE TEMP MACRO ccrg_decimals(t) AS (greatest(0,
    length(regexp_extract(t, '^[+-]?[0-9]*[.]?([0-9]*)', 1))
    - (length(${digits}) - length(rtrim(${digits}, '0')))
    - coalesce(TRY_CAST(regexp_extract(t, '[eE]([+-]?[0-9]+)$', 1) AS INTEGER), 0)))`;
}

/** The date of raw text `x`, or NULL when it is none: DuckDB reads the year 0000 as 1 BC, and before 1900 nothing is a real date here. */
function dateOf(x: string, ctx: CheckContext): string {
  if (ctx.dateFormat === null) {
    // ISO text: its first four characters are the year, so the earliest date is a comparison of the text, and the
    // pattern and the cast are evaluated once, not once more for the comparison (a fifth of the checks' time on the benchmark's declarations).
    return `CASE WHEN regexp_full_match(${x}, '[0-9]{4}-[0-9]{2}-[0-9]{2}') AND ${x} >= '${EARLIEST_DATE.slice(0, 4)}' THEN TRY_CAST(${x} AS DATE) END`;
  }
  const date = `TRY_CAST(TRY_STRPTIME(${x}, ${quoteLiteral(ctx.dateFormat)}) AS DATE)`;
  return `CASE WHEN ${date} >= DATE '${EARLIEST_DATE}' THEN ${date} END`;
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
    checks: () => [],
    // BAD_INN or INN_CHECKSUM from one call of the macro, not one WHEN calling it per code: the statement of a
    // small file's column checks then runs in 82 ms instead of 98 ms (medians of 15, interleaved), nearly all planning.
    codeOf: (x, _c, ctx) => (ctx.jurisdiction === 'ru' ? `ccrg_inn_problem(${x})` : null),
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
    checks: (x, column, _ctx, share) => {
      const value = share(`TRY_CAST(${x} AS HUGEINT)`);
      return [
        { condition: `NOT regexp_full_match(${x}, '[+-]?[0-9]+')`, code: 'NOT_AN_INTEGER' },
        { condition: `${value} IS NULL OR ${value} NOT BETWEEN ${column.min ?? -2147483648} AND ${column.max ?? 2147483647}`, code: 'OUT_OF_RANGE' },
      ];
    },
  },
  money: {
    sqlType: 'DECIMAL(18,2)',
    // Exact when the text has at most 2 decimals; otherwise (accepted only as float noise) the value it stands for.
    typed: (x, _c, ctx) =>
      `CASE WHEN ${isPlainMoney(x, ctx)} THEN TRY_CAST(${numberText(x, ctx)} AS DECIMAL(18,2)) ` +
      `ELSE TRY_CAST(round(${exactMoneyOf(x, ctx)}, ${MONEY_DECIMALS}) AS DECIMAL(18,2)) END`,
    checks: (x, _c, ctx, share) => {
      // Every condition after the first holds only off the fast path of plain amounts, so the exact value (rare) is
      // not shared: it is computed only off that path.
      const offPlain = `NOT ${share(isPlainMoney(x, ctx))}`;
      const double = share(doubleOf(x, ctx));
      const exact = exactMoneyOf(x, ctx);
      const rounded = `round(${exact}, ${MONEY_DECIMALS})`;
      return [
        { condition: `${offPlain} AND NOT ${isNumber(double)}`, code: 'NOT_A_NUMBER' },
        { condition: `${offPlain} AND (${exact} IS NULL OR abs(${rounded}) >= 1e16 OR ${isUnderflow(x, double, ctx)})`, code: 'OUT_OF_RANGE' },
        {
          // Noise is relative to the value it stands for: nothing is noise around 0 (and 1e-25 reads as 0 at scale 20).
          condition:
            `${offPlain} AND ccrg_decimals(${numberText(x, ctx)}) > ${MONEY_DECIMALS} ` +
            `AND NOT (${rounded} <> 0 AND abs(${exact} - ${rounded}) <= ${FLOAT_NOISE_TOLERANCE} * abs(${rounded}))`,
          code: 'TOO_MANY_DECIMALS',
        },
        { condition: `${double} < 0`, code: 'NEGATIVE_AMOUNT' },
      ];
    },
  },
  quantity: {
    sqlType: 'DOUBLE',
    typed: (x, _c, ctx) => doubleOf(x, ctx),
    checks: (x, _c, ctx, share) => measureChecks(x, ctx, share, (double) => ({ condition: `${double} < 0`, code: 'NEGATIVE_AMOUNT' })),
  },
  weight: {
    sqlType: 'DOUBLE',
    typed: (x, _c, ctx) => doubleOf(x, ctx),
    checks: (x, _c, ctx, share) => measureChecks(x, ctx, share, (double) => ({ condition: `${double} <= 0`, code: 'NONPOSITIVE_WEIGHT' })),
  },
  probability: {
    sqlType: 'DOUBLE',
    typed: (x, _c, ctx) => doubleOf(x, ctx),
    checks: (x, _c, ctx, share) => {
      const double = share(doubleOf(x, ctx));
      return [
        { condition: `NOT ${isNumber(double)}`, code: 'NOT_A_NUMBER' },
        { condition: `NOT (${double} > 0 AND ${double} <= 1)`, code: 'OUT_OF_RANGE' },
      ];
    },
  },
  date: {
    sqlType: 'DATE',
    typed: (x, _c, ctx) => dateOf(x, ctx),
    checks: (x, _c, ctx, share) => {
      const date = share(dateOf(x, ctx));
      return [
        { condition: `${date} IS NULL`, code: 'BAD_DATE' },
        { condition: `${date} > ${sqlDate(ctx.today)}`, code: 'FUTURE_DATE' },
      ];
    },
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
 * `share` names the sub-expressions the checks read more than once (see
 * {@link Share}); by default they are written where they are read.
 */
export function rejectCodeExpr(x: string, column: ColumnDef, ctx: CheckContext, required: boolean, share: Share = INLINE): string {
  const kind = KINDS[column.kind];
  const whens = kind.checks(x, column, ctx, share).map((c) => `WHEN ${c.condition} THEN '${c.code}'`);
  const missing = required ? `WHEN ${x} IS NULL THEN 'REQUIRED_MISSING'` : `WHEN ${x} IS NULL THEN NULL`;
  const rest = kind.codeOf?.(x, column, ctx) ?? null;
  return `CASE ${missing} ${whens.join(' ')}${rest === null ? '' : ` ELSE ${rest}`} END`;
}

