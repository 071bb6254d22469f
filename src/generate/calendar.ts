/**
 * Dates as whole days since 1970-01-01 (UTC), months of the generated span,
 * and cached ISO formatting (formatting dominates the generator's time).
 */

/** One month of the generated span. */
export interface MonthRef {
  /** 0 for the first month of the span. */
  readonly index: number;
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** `YYYY-MM` */
  readonly key: string;
  readonly firstDay: number;
  readonly lastDay: number;
  readonly days: number;
  /** 1..4 */
  readonly quarter: number;
  /** `YYYY-Qn` */
  readonly quarterKey: string;
}

const MS_PER_DAY = 86_400_000;

/** Day number of a calendar date. */
export function dayFromYmd(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

const BASE = dayFromYmd(1900, 1, 1);
const isoCache: (string | undefined)[] = [];

/** `YYYY-MM-DD` of a day number. */
export function isoFromDay(day: number): string {
  const i = day - BASE;
  const hit = isoCache[i];
  if (hit !== undefined) return hit;
  const iso = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
  if (i >= 0 && i < 80_000) isoCache[i] = iso;
  return iso;
}

/** `ddmmyy` of a day number (the date part of a declaration number). */
export function ddmmyyFromDay(day: number): string {
  const iso = isoFromDay(day);
  return iso.slice(8, 10) + iso.slice(5, 7) + iso.slice(2, 4);
}

/** Parses `YYYY-MM`; null when malformed. */
export function parseYearMonth(text: string): { year: number; month: number } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12 || year < 1990 || year > 2090) return null;
  return { year, month };
}

/** The `count` months ending with `end`, oldest first. */
export function monthsEnding(end: { year: number; month: number }, count: number): MonthRef[] {
  const out: MonthRef[] = [];
  const endSerial = end.year * 12 + (end.month - 1);
  for (let i = 0; i < count; i++) {
    const serial = endSerial - (count - 1) + i;
    const year = Math.floor(serial / 12);
    const month = (serial % 12) + 1;
    const firstDay = dayFromYmd(year, month, 1);
    const lastDay = dayFromYmd(year, month + 1, 1) - 1;
    const quarter = Math.floor((month - 1) / 3) + 1;
    out.push({
      index: i,
      year,
      month,
      key: `${year}-${String(month).padStart(2, '0')}`,
      firstDay,
      lastDay,
      days: lastDay - firstDay + 1,
      quarter,
      quarterKey: `${year}-Q${quarter}`,
    });
  }
  return out;
}
