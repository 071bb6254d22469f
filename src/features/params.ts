import { EXPORT_PROCEDURE } from '../contract/extracts.js';
import { quoteLiteral, sqlDate } from '../io/sql.js';
import type { FeatureParams } from './types.js';
import { isCalendarDate, isoDate } from '../util/period.js';

/** A quarter that is due: its VAT return had to be filed (due date + grace) by the as-of date. */
export interface DueQuarter {
  /** `YYYY-Qn`, as in `tax_returns.tax_period`. */
  taxPeriod: string;
  /** First and last day, YYYY-MM-DD. */
  start: string;
  end: string;
  /** 1 for the latest due quarter, 2 for the one before, ... */
  rank: number;
}


/** Checks parameters before they reach SQL; throws naming the parameter, the value and what was expected. */
export function checkFeatureParams(params: FeatureParams): void {
  if (!isCalendarDate(params.asOf)) {
    throw new Error(`asOf must be a calendar date YYYY-MM-DD; got ${JSON.stringify(params.asOf)}`);
  }
  const ints: [keyof FeatureParams, number][] = [
    ['returnGraceDays', 0],
    ['vatQuarters', 1],
    ['windowMonths', 1],
    ['peerWindowMonths', 1],
    ['peerMinItems', 1],
    ['peerMinImporters', 1],
    ['controlYears', 0],
    ['leadMonths', 0],
  ];
  for (const [name, min] of ints) {
    const v = params[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 1000) {
      throw new Error(`${name} must be a whole number from ${min} to 1000; got ${JSON.stringify(v)}`);
    }
  }
  const badCode = params.traceableCodes.find((c) => !/^[0-9]{2,10}$/.test(c));
  if (badCode !== undefined) throw new Error(`traceableCodes must be code prefixes of 2 to 10 digits; got ${JSON.stringify(badCode)}`);
  if (params.paymentProcedures.length === 0) throw new Error('paymentProcedures must name at least one customs procedure; got none');
  if (params.paymentProcedures.includes(EXPORT_PROCEDURE)) {
    throw new Error(`paymentProcedures cannot include ${EXPORT_PROCEDURE}: an export declaration pays no import duty or VAT; the export features read it`);
  }
}

/** `DATE 'YYYY-MM-DD'` of the as-of date. */
export function asOfLiteral(params: FeatureParams): string {
  return `${sqlDate(params.asOf)}`;
}

/** First day (inclusive) of the `months`-month window ending on the as-of date: as-of minus `months` months, plus one day. */
export function windowStartSql(params: FeatureParams, months: number): string {
  return `CAST(${asOfLiteral(params)} - INTERVAL ${months} MONTH + INTERVAL 1 DAY AS DATE)`;
}

/**
 * The latest `count` quarters whose VAT return is due by the as-of date: due date
 * (the 25th of the month after the quarter) + `returnGraceDays` on or before as-of.
 */
export function dueQuarters(params: FeatureParams, count: number): DueQuarter[] {
  const asOf = new Date(`${params.asOf}T00:00:00Z`);
  let year = asOf.getUTCFullYear();
  let q = Math.floor(asOf.getUTCMonth() / 3) + 1;
  const out: DueQuarter[] = [];
  while (out.length < count) {
    const due = new Date(Date.UTC(year, q * 3, 25 + params.returnGraceDays));
    if (due.getTime() <= asOf.getTime()) {
      out.push({
        taxPeriod: `${year}-Q${q}`,
        start: isoDate(new Date(Date.UTC(year, (q - 1) * 3, 1))),
        end: isoDate(new Date(Date.UTC(year, q * 3, 0))),
        rank: out.length + 1,
      });
    }
    q -= 1;
    if (q === 0) {
      q = 4;
      year -= 1;
    }
  }
  return out;
}

/** A `VALUES` relation of due quarters: (tax_period, q_start, q_end, q_rank, q_key = year·4 + quarter − 1). */
export function dueQuartersSql(quarters: readonly DueQuarter[]): string {
  const rows = quarters.map((q) => {
    const [year, n] = q.taxPeriod.split('-Q').map(Number) as [number, number];
    return `(${quoteLiteral(q.taxPeriod)}, ${sqlDate(q.start)}, ${sqlDate(q.end)}, ${q.rank}, ${year * 4 + n - 1})`;
  });
  return `SELECT * FROM (VALUES ${rows.join(', ')}) AS t(tax_period, q_start, q_end, q_rank, q_key)`;
}

/** Due quarters of the customs-vs-tax comparison: as many as the activity window spans (windowMonths / 3, at least 1). */
export function windowQuarterCount(params: FeatureParams): number {
  return Math.max(1, Math.ceil(params.windowMonths / 3));
}
