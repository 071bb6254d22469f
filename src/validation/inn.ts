/**
 * Russian taxpayer numbers (INN): 10 digits for organisations, 12 for
 * individuals, with check digits computed as weighted sums mod 11 mod 10.
 */

const W10 = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const W11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const W12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

function checkDigit(digits: readonly number[], weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += (digits[i] ?? 0) * (weights[i] ?? 0);
  return (sum % 11) % 10;
}

/** Why an INN is invalid, or null when it is valid. */
export function innProblem(inn: string): 'BAD_INN' | 'INN_CHECKSUM' | null {
  if (!/^(\d{10}|\d{12})$/.test(inn) || /^0+$/.test(inn)) return 'BAD_INN';
  const d = [...inn].map(Number);
  if (inn.length === 10) return checkDigit(d, W10) === d[9] ? null : 'INN_CHECKSUM';
  return checkDigit(d, W11) === d[10] && checkDigit(d, W12) === d[11] ? null : 'INN_CHECKSUM';
}

/** Whether an INN has the right length and check digits. */
export function isValidInn(inn: string): boolean {
  return innProblem(inn) === null;
}

/**
 * Completes a 9-digit (organisation) or 10-digit (individual) body with its
 * check digits.
 */
export function innFromBody(body: string): string {
  if (!/^\d{9}$|^\d{10}$/.test(body)) throw new Error(`INN body must be 9 or 10 digits, got "${body}"`);
  const d = [...body].map(Number);
  if (d.length === 9) return body + String(checkDigit(d, W10));
  const c11 = checkDigit(d, W11);
  const c12 = checkDigit([...d, c11], W12);
  return body + String(c11) + String(c12);
}

/**
 * DuckDB macro `ccrg_inn_problem(x)`: NULL when `x` is a valid INN, otherwise
 * 'BAD_INN' or 'INN_CHECKSUM'. Mirrors `innProblem`.
 */
export function innProblemMacroSql(): string {
  const term = (i: number, w: number): string => `${w} * (ascii(substr(x, ${i + 1}, 1)) - 48)`;
  const sum = (weights: readonly number[]): string => weights.map((w, i) => term(i, w)).join(' + ');
  const digitAt = (i: number): string => `(ascii(substr(x, ${i + 1}, 1)) - 48)`;
  return `CREATE OR REPLACE TEMP MACRO ccrg_inn_problem(x) AS (
  CASE
    WHEN NOT regexp_full_match(x, '[0-9]{10}|[0-9]{12}') OR regexp_full_match(x, '0+') THEN 'BAD_INN'
    WHEN length(x) = 10 THEN CASE WHEN ((${sum(W10)}) % 11) % 10 = ${digitAt(9)} THEN NULL ELSE 'INN_CHECKSUM' END
    ELSE CASE WHEN ((${sum(W11)}) % 11) % 10 = ${digitAt(10)} AND ((${sum(W12)}) % 11) % 10 = ${digitAt(11)} THEN NULL ELSE 'INN_CHECKSUM' END
  END)`;
}
