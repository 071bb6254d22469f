import { describe, expect, it } from 'vitest';
import { exactDoubleSum } from '../../src/features/item-signals.js';
import { openDuckDb } from '../../src/io/db.js';

// Terms whose double sum depends on the order they are added in: small terms first are absorbed by 1e16.
const TERMS = [0.1, 0.2, 0.3, 1e16, -1e16];

describe('exactDoubleSum', () => {
  it('gives the same sum in any order of the terms, where a double sum does not', async () => {
    const db = await openDuckDb(':memory:', { threads: 1 });
    await db.run(`CREATE TABLE t AS SELECT * FROM (VALUES ${TERMS.map((x, i) => `(${i}, ${x}::DOUBLE)`).join(', ')}) v(i, x)`);
    const sums = async (order: string): Promise<{ plain: number; exact: number }> => {
      const [row] = await db.all(`SELECT sum(x) AS plain, ${exactDoubleSum('x')} AS exact FROM (SELECT x FROM t ORDER BY ${order})`);
      return { plain: Number(row?.['plain']), exact: Number(row?.['exact']) };
    };
    const forward = await sums('i');
    const backward = await sums('i DESC');
    // The premise: the plain double sums of the two orders differ.
    expect(forward.plain).not.toBe(backward.plain);
    expect(forward.exact).toBe(0.6);
    expect(backward.exact).toBe(0.6);
    db.close();
  });

  it('adds only the rows where the condition holds, and never casts the others', async () => {
    const db = await openDuckDb(':memory:');
    const [row] = await db.all(`SELECT ${exactDoubleSum('x', 'x < 100')} AS some, ${exactDoubleSum('x', 'x < 0')} AS none
      FROM (VALUES (1.5::DOUBLE), (2.25::DOUBLE), ('inf'::DOUBLE)) v(x)`);
    // An infinite value outside the condition would fail a cast to DECIMAL under a FILTER.
    expect(row).toEqual({ some: 3.75, none: null });
    db.close();
  });
});
