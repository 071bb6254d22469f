import { isCalendarDate, isoDate } from './period.js';
/**
 * The source of "now". Everything that depends on the date takes a Clock, so
 * tests and outputs do not depend on the wall clock.
 */
export interface Clock {
  /** Today as an ISO date, YYYY-MM-DD. */
  today(): string;
  /** The current instant (for timings and run metadata only, never for results). */
  now(): Date;
}

/** The wall clock, in UTC. */
export const systemClock: Clock = {
  today: () => isoDate(new Date()),
  now: () => new Date(),
};

/** A clock stopped at a given ISO date (midnight UTC). */
export function fixedClock(today: string): Clock {
  if (!isCalendarDate(today)) {
    throw new Error(`A date must be YYYY-MM-DD, got "${today}"`);
  }
  const at = new Date(`${today}T00:00:00Z`);
  return { today: () => today, now: () => new Date(at) };
}
