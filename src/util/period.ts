/**
 * Periods and dates, in one place: a period is a calendar month written
 * YYYY-MM; its as-of date is its last day (docs/data-contract.md, the as-of
 * rule); dates are real calendar days written YYYY-MM-DD.
 */

const PERIOD_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

import { UsageError } from './errors.js';

/** Whether `text` is a month YYYY-MM (01..12). */
export function isPeriod(text: string): boolean {
  return PERIOD_RE.test(text);
}

/** A UTC date written YYYY-MM-DD. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Whether `text` is a real calendar date written YYYY-MM-DD (2025-02-30 is not). */
export function isCalendarDate(text: string): boolean {
  if (!DATE_RE.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && isoDate(date) === text;
}

function yearMonth(period: string): [number, number] {
  const match = PERIOD_RE.exec(period);
  if (match === null) throw new Error(`A period must be YYYY-MM, got "${period}"`);
  return [Number(match[1]), Number(match[2])];
}

function periodOf(year: number, month: number): string {
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** The as-of date of a period: its last day, YYYY-MM-DD. */
export function asOfFromPeriod(period: string): string {
  const [year, month] = yearMonth(period);
  return isoDate(new Date(Date.UTC(year, month, 0)));
}

/**
 * The first day of the `months`-month window that ends on `asOf`
 * (YYYY-MM-DD): `months` months back, the day clamped to that month's
 * length as SQL's date minus an interval clamps it, then the next day, as
 * the features' windows compute it in SQL (`windowStartSql`,
 * src/features/params.ts). 2026-06-30 and 36 give 2023-07-01; 2024-02-29
 * and 36 give 2021-03-01.
 */
export function windowStartDay(asOf: string, months: number): string {
  const end = new Date(`${asOf}T00:00:00Z`);
  const index = end.getUTCFullYear() * 12 + end.getUTCMonth() - months;
  const [year, month] = [Math.floor(index / 12), index % 12];
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return isoDate(new Date(Date.UTC(year, month, Math.min(end.getUTCDate(), lastDay) + 1)));
}

/** The month before a period. */
export function previousPeriod(period: string): string {
  const [year, month] = yearMonth(period);
  return month === 1 ? periodOf(year - 1, 12) : periodOf(year, month - 1);
}

/** The month after a period. */
export function nextPeriod(period: string): string {
  const [year, month] = yearMonth(period);
  return month === 12 ? periodOf(year + 1, 1) : periodOf(year, month + 1);
}

/** Every period from `from` to `to`, both included, in order (none when `from` is after `to`). */
export function periodsBetween(from: string, to: string): string[] {
  let [year, month] = yearMonth(from);
  yearMonth(to);
  const out: string[] = [];
  for (let p = periodOf(year, month); p <= to; p = periodOf(year, month)) {
    out.push(p);
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
  return out;
}

/** A month given as a command's option (`--period`, `--from`, `--to`): checked, or a usage error naming the option. */
export function periodOption(option: string, value: string | undefined): string {
  if (value === undefined || !isPeriod(value)) throw new UsageError(`${option} must be a month YYYY-MM, got "${value ?? ''}"`);
  return value;
}
