import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadMapping } from '../../src/config/load-mapping.js';
import { openDuckDb } from '../../src/io/db.js';
import { ingestFiles } from '../../src/store/ingest.js';
import { fixedClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
import { itemWorldCsv, makeItemWorld, type ItemWorldOptions } from '../../scripts/make-item-world.js';
import { fixtureFile, TODAY } from '../util/fixtures.js';

const SMALL: ItemWorldOptions = { items: 3000, months: 6, start: '2024-01', seed: 3, rate: 0.12 };

describe('the item world (scripts/make-item-world.ts)', () => {
  it('gives the same bytes for the same options and other bytes for another seed', () => {
    const a = itemWorldCsv(makeItemWorld(SMALL));
    expect(itemWorldCsv(makeItemWorld(SMALL))).toBe(a);
    expect(itemWorldCsv(makeItemWorld({ ...SMALL, seed: 4 }))).not.toBe(a);
  });

  it('is laid out like the generic fixture, with the number of items and months asked for', async () => {
    const world = makeItemWorld(SMALL);
    const fixtureHeader = (await readFile('test/fixtures/generic/declarations.csv', 'utf8')).split('\n')[0];
    expect(itemWorldCsv(world).split('\n')[0]).toBe(fixtureHeader);
    expect(world).toHaveLength(3000);
    expect(new Set(world.map((w) => w.date.slice(0, 7)))).toEqual(new Set(['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06']));
    expect(world.every((w) => w.cells.length === 22)).toBe(true);
  });

  it('plants fraud at the target rate, every scheme, label noise and transshipment', () => {
    const world = makeItemWorld({ ...SMALL, items: 20_000 });
    const share = world.filter((w) => w.fraud).length / world.length;
    expect(share).toBeGreaterThan(0.105);
    expect(share).toBeLessThan(0.135);
    for (const scheme of ['undervaluation', 'misclassification', 'transshipment', 'hidden'] as const) {
      expect(world.filter((w) => w.scheme === scheme).length).toBeGreaterThan(20);
    }
    // Missed frauds and honest items labelled Fraud both exist.
    expect(world.some((w) => w.fraud && !w.label)).toBe(true);
    expect(world.some((w) => !w.fraud && w.label)).toBe(true);
    // Transshipped goods leave from another country than their declared origin (columns 13 and 14), with a preference claimed.
    const transshipped = world.filter((w) => w.scheme === 'transshipment');
    expect(transshipped.every((w) => w.cells[13] !== w.cells[14] && w.cells[16] === 'B')).toBe(true);
  });

  it('is read by docs/examples/mapping-generic.yaml without a reject', async () => {
    const path = await fixtureFile('declarations.csv', itemWorldCsv(makeItemWorld(SMALL)));
    const db = await openDuckDb(':memory:');
    try {
      const mapping = await loadMapping('docs/examples/mapping-generic.yaml');
      const result = await ingestFiles(db, { inputs: [{ extract: 'declarations', file: path }], mapping, dryRun: false, maxRejectShare: null }, fixedClock(TODAY), memoryLogger());
      expect(result.rejects).toEqual([]);
      const [row] = await db.all('SELECT count(*)::INTEGER AS n, count(DISTINCT decl_id)::INTEGER AS d, sum(label_violation)::INTEGER AS v FROM declarations');
      const world = makeItemWorld(SMALL);
      expect(row).toEqual({ n: 3000, d: new Set(world.map((w) => w.declId)).size, v: world.filter((w) => w.label).length });
    } finally {
      db.close();
    }
  });
});
