import type { Db } from '../io/db.js';

/** The first and last months with a declaration released in the store, or null without any. */
export async function declarationMonths(db: Db): Promise<{ first: string; last: string } | null> {
  const row = (await db.all(`SELECT strftime(min(release_date), '%Y-%m') AS first, strftime(max(release_date), '%Y-%m') AS last FROM declarations`))[0];
  return row?.['first'] === null || row?.['first'] === undefined ? null : { first: String(row['first']), last: String(row['last']) };
}
