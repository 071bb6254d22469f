import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXTRACTS } from '../../src/contract/extracts.js';
import { openDuckDb } from '../../src/io/db.js';
import { ensureStoreSchema, LINEAGE_COLUMN_NAMES, missingSchema, storedColumns } from '../../src/store/schema.js';
import { asOfSql } from '../../src/store/as-of.js';
import { openStoreReadOnly } from '../../src/app/store.js';
import { extractCsv, fixtureFile, ingestInto, memoryStore, rejectsOf, tempDir } from '../util/fixtures.js';

const ADDED = EXTRACTS.outcomes.columns.filter((c) => c.added === true).map((c) => c.name);

/** An outcomes CSV with the columns the contract had before the added ones. */
function firstVersionCsv(rows: Record<string, string>[]): string {
  const full = extractCsv('outcomes', rows).trimEnd().split('\n');
  const header = (full[0] as string).split(',');
  const keep = header.map((name, i) => (ADDED.includes(name) ? -1 : i)).filter((i) => i >= 0);
  return `${full.map((line) => keep.map((i) => line.split(',')[i]).join(',')).join('\n')}\n`;
}

describe('outcome columns added to the contract (violation category, charges by type)', () => {
  it('lists the added columns', () => {
    expect(ADDED).toEqual(['violation_category', 'duty_rub', 'import_vat_rub', 'excise_rub', 'penalties_rub', 'correction_no']);
  });

  it('recognises rows of an older file as stored when they come again with the added columns empty', async () => {
    const db = await memoryStore();
    const older = await fixtureFile('old.csv', firstVersionCsv([{}]));
    expect(older).not.toContain('violation_category');
    await ingestInto(db, [{ extract: 'outcomes', file: older }]);
    const newer = await fixtureFile('new.csv', extractCsv('outcomes', [{}, { inspection_id: 'I-2' }]));
    const result = await ingestInto(db, [{ extract: 'outcomes', file: newer }]);
    expect(result.files[0]).toMatchObject({ recordsRead: 2, accepted: 2, alreadyStored: 1, inserted: 1 });
  });

  it('hashes a row and its key whose added columns are empty as the first contract did (the columns before them, then the extra ones)', async () => {
    const db = await memoryStore();
    await ingestInto(db, [{ extract: 'outcomes', file: await fixtureFile('o.csv', firstVersionCsv([{}])) }]);
    const before = storedColumns(EXTRACTS.outcomes)
      .map(([name]) => name)
      .filter((name) => !ADDED.includes(name) && !LINEAGE_COLUMN_NAMES.has(name));
    const text = before.map((name) => `coalesce(CAST(${name} AS VARCHAR), '\\N')`).join(', chr(31), ');
    const keyText = ['inspection_id', 'completed_date'].map((name) => `coalesce(CAST(${name} AS VARCHAR), '\\N')`).join(', chr(31), ');
    const rows = await db.all(`SELECT (row_hash = md5_number(concat(${text}))) AS same, (key_hash = md5_number_lower(concat(${keyText}))) AS same_key FROM outcomes`);
    expect(rows).toEqual([{ same: true, same_key: true }]);
  });

  it('stores the category and the charges by type, and treats a stored row arriving with a category as other content', async () => {
    const db = await memoryStore();
    const plain = await fixtureFile('a.csv', extractCsv('outcomes', [{}]));
    await ingestInto(db, [{ extract: 'outcomes', file: plain }]);
    const detailed = { inspection_id: 'I-9', violation_category: 'valuation', duty_rub: '3000.00', import_vat_rub: '9000.00', excise_rub: '0.00', penalties_rub: '500.50' };
    const file = await fixtureFile('b.csv', extractCsv('outcomes', [detailed, { violation_category: 'origin' }]));
    const result = await ingestInto(db, [{ extract: 'outcomes', file }]);
    expect(result.rejects.map((r) => `${r.line} ${r.code}`)).toEqual(['3 DUPLICATE_KEY']);
    const rows = await db.all(`SELECT violation_category, duty_rub::DOUBLE AS duty, import_vat_rub::DOUBLE AS vat, excise_rub::DOUBLE AS excise, penalties_rub::DOUBLE AS penalties FROM outcomes WHERE inspection_id = 'I-9'`);
    expect(rows).toEqual([{ violation_category: 'valuation', duty: 3000, vat: 9000, excise: 0, penalties: 500.5 }]);
  });

  it('rejects a category outside the list and a negative charge', async () => {
    expect(await rejectsOf('outcomes', [{ violation_category: 'smuggling' }, { inspection_id: 'I-3', penalties_rub: '-1.00' }])).toEqual([
      '2 BAD_VALUE violation_category',
      '3 NEGATIVE_AMOUNT penalties_rub',
    ]);
  });

  it('adds the columns to a store made before they existed, its rows keeping them empty', async () => {
    const path = join(await tempDir(), 'old.duckdb');
    const old = await openDuckDb(path);
    await ensureStoreSchema(old);
    for (const name of ADDED) await old.run(`ALTER TABLE outcomes DROP COLUMN ${name}`);
    old.close();
    const db = await openDuckDb(path);
    try {
      const file = await fixtureFile('o.csv', firstVersionCsv([{}]));
      const result = await ingestInto(db, [{ extract: 'outcomes', file }]);
      expect(result.files[0]).toMatchObject({ accepted: 1, inserted: 1 });
      const rows = await db.all(`SELECT inspection_id, violation_category, penalties_rub FROM outcomes`);
      expect(rows).toEqual([{ inspection_id: 'I-1', violation_category: null, penalties_rub: null }]);
    } finally {
      db.close();
    }
  });

  it('lets a numbered correction supersede a stored result, which stays stored', async () => {
    const db = await memoryStore();
    const first = await fixtureFile('a.csv', extractCsv('outcomes', [{ additional_charges_rub: '1000.00' }]));
    await ingestInto(db, [{ extract: 'outcomes', file: first }]);
    const fixed = await fixtureFile('b.csv', extractCsv('outcomes', [{ additional_charges_rub: '1500.00', violation_category: 'valuation', correction_no: '1' }]));
    const result = await ingestInto(db, [{ extract: 'outcomes', file: fixed }]);
    expect(result.files[0]).toMatchObject({ accepted: 1, rejected: 0, inserted: 1 });
    expect(await db.all(`SELECT count(*)::INT AS n FROM outcomes`)).toEqual([{ n: 2 }]);
    const asOf = await db.all(`SELECT additional_charges_rub::DOUBLE AS charges, violation_category, correction_no FROM (${asOfSql('outcomes', '2024-12-31')})`);
    expect(asOf).toEqual([{ charges: 1500, violation_category: 'valuation', correction_no: 1 }]);
    // Numbered from 1: 0 is refused, so the first report and its corrections never share a number.
    expect(await rejectsOf('outcomes', [{ correction_no: '0' }])).toEqual(['2 OUT_OF_RANGE correction_no']);
  });

  it('upgrades a store made before the added columns and extracts when a reading command opens it', async () => {
    const path = join(await tempDir(), 'old.duckdb');
    const old = await openDuckDb(path);
    await ensureStoreSchema(old);
    for (const name of ADDED) await old.run(`ALTER TABLE outcomes DROP COLUMN ${name}`);
    await old.run('DROP TABLE tax_signals');
    await old.run('DROP TABLE tax_answers');
    expect(await missingSchema(old)).toEqual(['outcomes.violation_category', 'outcomes.duty_rub', 'outcomes.import_vat_rub', 'outcomes.excise_rub', 'outcomes.penalties_rub', 'outcomes.correction_no', 'tax_signals', 'tax_answers']);
    old.close();
    const db = await openStoreReadOnly(path);
    try {
      expect(await missingSchema(db)).toEqual([]);
      expect(await db.all(`SELECT count(*)::INT AS n FROM (${asOfSql('outcomes', '2024-12-31')})`)).toEqual([{ n: 0 }]);
    } finally {
      db.close();
    }
  });
});

