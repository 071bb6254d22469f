import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/util/clock.js';
import { asOfFromPeriod, isCalendarDate, isPeriod, periodOption, periodsBetween, previousPeriod } from '../../src/util/period.js';
import { UsageError } from '../../src/util/errors.js';

describe('periods and dates (src/util/period.ts)', () => {
  it('take months 01..12 only', () => {
    expect(['2026-01', '2026-12', '1999-06'].every(isPeriod)).toBe(true);
    expect(['2026-00', '2026-13', '2026-1', '26-01', '2026-01-31', ' 2026-01'].some(isPeriod)).toBe(false);
  });

  it('take real calendar days only', () => {
    expect(['2024-02-29', '2026-12-31'].every(isCalendarDate)).toBe(true);
    expect(['2026-02-30', '2025-02-29', '2026-13-01', '2026-1-01', '2026-06'].some(isCalendarDate)).toBe(false);
  });

  it('give the last day as the as-of date, the month before, and the months between', () => {
    expect(['2024-02', '2026-06', '2026-12'].map(asOfFromPeriod)).toEqual(['2024-02-29', '2026-06-30', '2026-12-31']);
    expect(['2026-01', '2026-06'].map(previousPeriod)).toEqual(['2025-12', '2026-05']);
    expect(periodsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(periodsBetween('2026-03', '2026-02')).toEqual([]);
    expect(() => asOfFromPeriod('2026-13')).toThrow('A period must be YYYY-MM, got "2026-13"');
  });

  it('let no clock stand on a day that does not exist', () => {
    expect(fixedClock('2024-02-29').today()).toBe('2024-02-29');
    expect(() => fixedClock('2026-02-30')).toThrow('A date must be YYYY-MM-DD, got "2026-02-30"');
  });
});

describe('periodOption', () => {
  it('passes a month and names the option of anything else (exit 2)', () => {
    expect(periodOption('--period', '2026-06')).toBe('2026-06');
    for (const bad of ['2026-13', '2026-6', 'latest', undefined]) {
      expect(() => periodOption('--from', bad)).toThrow(`--from must be a month YYYY-MM, got "${bad ?? ''}"`);
      expect(() => periodOption('--from', bad)).toThrow(UsageError);
    }
  });
});
