import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { pseudonym } from '../../src/util/hash.js';
import { parseCsv } from '../util/csv-records.js';

/** A CSV file ccrg wrote, as a header and rows of fields (quoted fields read as written). */
async function csvTable(path: string): Promise<{ header: string[]; rows: string[][]; text: string }> {
  const text = await readFile(path, 'utf8');
  const [head, ...records] = parseCsv(text);
  return { header: head?.fields ?? [], rows: records.map((r) => r.fields), text };
}

/**
 * Checks that the pseudonymised CSV equals the plain one row by row and cell
 * by cell, apart from the id columns (each the HMAC pseudonym of the plain
 * id under `key`, in its domain) and the dropped columns (absent); and that
 * no real id of `realIds` nor the key (raw or hex) appears anywhere in it.
 */
export async function expectPseudonymisedCopy(
  plainPath: string,
  pseudonymisedPath: string,
  key: Buffer,
  ids: Readonly<Record<string, string>>,
  dropped: readonly string[],
  realIds: readonly string[],
): Promise<void> {
  const plain = await csvTable(plainPath);
  const pseudo = await csvTable(pseudonymisedPath);
  expect(pseudo.header).toEqual(plain.header.filter((c) => !dropped.includes(c)));
  expect(pseudo.rows).toHaveLength(plain.rows.length);
  const at = plain.header.map((c) => pseudo.header.indexOf(c));
  plain.rows.forEach((row, r) => {
    const other = pseudo.rows[r] as string[];
    row.forEach((value, c) => {
      const column = plain.header[c] as string;
      if (dropped.includes(column)) return;
      const domain = ids[column];
      const expected = domain === undefined || value === '' ? value : pseudonym(key, domain, value);
      expect(other[at[c] as number], `${column} of row ${r + 2}`).toBe(expected);
    });
  });
  const leaked = realIds.filter((id) => pseudo.text.includes(id));
  expect(leaked, 'real ids in the pseudonymised file').toEqual([]);
  expect(pseudo.text.includes(key.toString('hex'))).toBe(false);
  expect(pseudo.text.includes(key.toString('latin1'))).toBe(false);
}
