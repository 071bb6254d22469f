import { QueryError } from '../io/db.js';
import { pathErrorText } from '../util/errors.js';

/** The message a failed command prints: the error's own words, and the SQL it ran when the engine failed. */
export function describeError(error: unknown): string {
  if (error instanceof QueryError) return `${error.message}\n  while running: ${error.sql.slice(0, 500)}`;
  const pathText = pathErrorText(error);
  if (pathText !== null) return pathText;
  if (error instanceof Error) return error.message;
  return String(error);
}
