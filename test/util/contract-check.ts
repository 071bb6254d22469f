import { EXTRACTS, type ExtractId } from '../../src/contract/extracts.js';
import type { RejectCode } from '../../src/validation/reject-codes.js';
import { innProblem } from '../../src/validation/inn.js';
import { isCountryCode } from '../../src/validation/countries.js';

const NUMBER = /^-?\d+(\.\d+)?$/;

function isRealDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** More than 2 decimals, and not within 1e-9 (relative) of the 2-decimal value: not floating-point noise. */
function hasTooManyDecimals(text: string): boolean {
  if ((text.split('.')[1] ?? '').replace(/0+$/, '').length <= 2) return false;
  const x = Number(text);
  const rounded = Math.round(x * 100) / 100;
  return rounded === 0 || Math.abs(x - rounded) > 1e-9 * Math.abs(rounded);
}

/**
 * The column-level and date-order rules a record breaks under `ru`, as the
 * contract describes them (a test-side reference, independent of the validator).
 */
export function brokenRules(extract: ExtractId, fields: readonly string[], today: string): Set<RejectCode> {
  const def = EXTRACTS[extract];
  const out = new Set<RejectCode>();
  if (fields.length !== def.columns.length) return new Set(['RAGGED_ROW']);
  def.columns.forEach((col, i) => {
    const v = (fields[i] ?? '').trim();
    if (v === '') {
      if (col.required) out.add('REQUIRED_MISSING');
      return;
    }
    switch (col.kind) {
      case 'inn': {
        const problem = innProblem(v);
        if (problem !== null) out.add(problem);
        break;
      }
      case 'code':
        if (col.pattern !== undefined && !new RegExp(`^(?:${col.pattern})$`).test(v)) out.add('BAD_CODE');
        break;
      case 'enum':
        if (!(col.values ?? []).includes(v)) out.add('BAD_VALUE');
        break;
      case 'integer':
        if (!NUMBER.test(v)) out.add('NOT_A_NUMBER');
        else if (!/^-?\d+$/.test(v)) out.add('NOT_AN_INTEGER');
        else if (Number(v) < (col.min ?? -Infinity) || Number(v) > (col.max ?? Infinity)) out.add('OUT_OF_RANGE');
        break;
      case 'money':
        if (!NUMBER.test(v)) out.add('NOT_A_NUMBER');
        else if (hasTooManyDecimals(v)) out.add('TOO_MANY_DECIMALS');
        else if (Number(v) < 0) out.add('NEGATIVE_AMOUNT');
        break;
      case 'quantity':
        if (!NUMBER.test(v)) out.add('NOT_A_NUMBER');
        else if (Number(v) < 0) out.add('NEGATIVE_AMOUNT');
        break;
      case 'weight':
        if (!NUMBER.test(v)) out.add('NOT_A_NUMBER');
        else if (Number(v) <= 0) out.add('NONPOSITIVE_WEIGHT');
        break;
      case 'probability':
        if (!NUMBER.test(v)) out.add('NOT_A_NUMBER');
        else if (Number(v) <= 0 || Number(v) > 1) out.add('OUT_OF_RANGE');
        break;
      case 'date':
        if (!isRealDate(v)) out.add('BAD_DATE');
        else if (v > today) out.add('FUTURE_DATE');
        break;
      case 'hs_code':
        if (!/^\d{10}$/.test(v)) out.add('BAD_HS_CODE');
        break;
      case 'country':
        if (!isCountryCode(v)) out.add('BAD_COUNTRY');
        break;
      case 'tax_period':
        if (!/^\d{4}-Q[1-4]$/.test(v)) out.add('BAD_TAX_PERIOD');
        break;
      case 'flag':
        if (!['0', '1', 'true', 'false', 'yes', 'no'].includes(v.toLowerCase())) out.add('BAD_VALUE');
        break;
      default:
        break;
    }
  });
  if (out.size > 0) return out;
  const index = (name: string): number => def.columns.findIndex((c) => c.name === name);
  for (const [earlier, later] of def.dateOrder ?? []) {
    const a = fields[index(earlier)] ?? '';
    let b = fields[index(later)] ?? '';
    if (b === '' && EXTRACTS[extract].columns.find((c) => c.name === later)?.defaultFrom === earlier) b = a;
    if (a !== '' && b !== '' && b < a) out.add('DATE_ORDER');
  }
  return out;
}

/** The key of a record as one string. */
export function keyOf(extract: ExtractId, fields: readonly string[]): string {
  const def = EXTRACTS[extract];
  return def.key.map((name) => fields[def.columns.findIndex((c) => c.name === name)] ?? '').join('\u0001');
}
