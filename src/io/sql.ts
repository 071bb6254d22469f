import { isCalendarDate } from '../util/period.js';

/**
 * SQL text helpers. Every identifier and string literal that reaches DuckDB
 * goes through these: never splice a file name or user value in raw.
 */

/** Quotes an identifier: `a"b` -> `"a""b"`. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal: `it's` -> `'it''s'`. */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error(`A NUL character cannot be put in a SQL literal: ${JSON.stringify(value)}`);
  return `'${value.replaceAll("'", "''")}'`;
}

/** A list of string literals, for `IN (...)` or `[...]`. */
export function quoteLiteralList(values: readonly string[]): string {
  return values.map(quoteLiteral).join(', ');
}

/**
 * The one way a date literal is written into SQL text: `DATE 'YYYY-MM-DD'`,
 * refusing anything but a real calendar date (values from data or users are
 * bound as parameters instead, `CAST($name AS DATE)`).
 */
export function sqlDate(iso: string): string {
  if (!isCalendarDate(iso)) throw new Error(`A SQL date must be a real date YYYY-MM-DD, got ${JSON.stringify(iso)}`);
  return `DATE '${iso}'`;
}

/**
 * Sum of a DOUBLE expression made exact (DECIMAL, each term rounded to `scale` decimals: 6 for amounts, more for
 * shares and rates), so parallel aggregation cannot change its last bits, and sums of such sums (the store's
 * per-month aggregates) are the same bits as one sum.
 */
export function exactSum(expr: string, scale = 6): string {
  return `sum(CAST((${expr}) AS DECIMAL(38,${scale})))`;
}

/**
 * SQL predicate: `column` lies outside every span of `spans` (`[from, to)`, SQL literals, in order and
 * apart), written as the ranges between them rather than the negation of the spans, so that a scan skips
 * the row groups whose bounds lie inside a span.
 */
export function outsideSpansSql(column: string, spans: readonly (readonly [string, string])[]): string {
  if (spans.length === 0) return 'true';
  const gaps = [`${column} < ${spans[0]![0]}`];
  for (let i = 1; i < spans.length; i++) gaps.push(`(${column} >= ${spans[i - 1]![1]} AND ${column} < ${spans[i]![0]})`);
  gaps.push(`${column} >= ${spans.at(-1)![1]}`);
  return gaps.join(' OR ');
}
