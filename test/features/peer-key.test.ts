import { describe, expect, it } from 'vitest';
import { peerKeySql } from '../../src/features/item-signals.js';
import { openDuckDb } from '../../src/io/db.js';
import { COUNTRY_CODES } from '../../src/validation/countries.js';

describe('peerKeySql', () => {
  it('gives distinct (code, origin) pairs distinct keys: codes of 6 to 10 digits with leading zeros, every ru country, generic 3-character origins, NULL', async () => {
    const db = await openDuckDb(':memory:');
    // Codes that differ only by a leading zero or by length, the largest code, and the digits a length could be confused with.
    const codes = ['000000', '0000000', '0000000000', '123456', '1234560', '0123456', '1234567890', '0123456789', '9999999999', '999999', '100000', '1000000'];
    const origins = [...COUNTRY_CODES, 'ZZZ', '000', '0A', 'A0', '9Z9', 'Z99', null];
    const values = codes.flatMap((c) => origins.map((o) => `('${c}', ${o === null ? 'NULL' : `'${o}'`})`));
    const [row] = await db.all(`SELECT count(*)::INTEGER AS pairs, count(DISTINCT k)::INTEGER AS keys, min(k) > 0 AS positive
      FROM (SELECT ${peerKeySql('c', 'o')} AS k FROM (VALUES ${values.join(', ')}) v(c, o))`);
    expect(row?.['pairs']).toBe(codes.length * origins.length);
    expect(row?.['keys']).toBe(codes.length * origins.length);
    expect(row?.['positive']).toBe(true);
    db.close();
  });
});
