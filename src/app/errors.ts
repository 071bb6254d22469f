import { QueryError } from '../io/db.js';

/** The message a failed command prints: the error's own words, and the SQL it ran when the engine failed. */
export function describeError(error: unknown): string {
  if (error instanceof QueryError) return `${error.message}\n  while running: ${error.sql.slice(0, 500)}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
