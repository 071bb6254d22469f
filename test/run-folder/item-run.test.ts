import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readItemRun } from '../../src/run-folder/item-run.js';
import { compareItemRank, itemRowAt, rankItems, scoredItemsOf } from '../../src/run-folder/items.js';
import { itemRollUp } from '../../src/score/item-roll-up.js';
import { sha256Hex } from '../../src/util/hash.js';
import { tempDir } from '../util/fixtures.js';
import { item, writeItemSet } from '../util/item-set.js';

const ITEMS = [item('7701000001', 'D1', 1, 2.5), item('7701000002', 'D2', 1, 3.1, { expected: null, reasons: [], customsValue: null }), item('7701000001', 'D1', 2, -1.2)];

async function writeSet(): Promise<string> {
  const dir = await tempDir();
  await writeItemSet(dir, ITEMS, { period: '2026-06', asOf: '2026-06-30' });
  return dir;
}

describe('readItemRun', () => {
  it('reads the item set back in its order, with the hashes of the bytes', async () => {
    const dir = await writeSet();
    const run = await readItemRun(dir);
    expect(run?.items.map((it) => `${it.declId}/${it.itemNo}`)).toEqual(['D2/1', 'D1/1', 'D1/2']);
    expect(run?.items[0]).toEqual(ITEMS[1]);
    expect(run?.rollUp).toEqual([
      { inn: '7701000002', items: 1, atLeastHalf: 1, maxProbability: ITEMS[1]?.probability, maxMargin: 3.1, expected: null, worstItems: ['D2/1'] },
      { inn: '7701000001', items: 2, atLeastHalf: 1, maxProbability: ITEMS[0]?.probability, maxMargin: 2.5, expected: Number(((ITEMS[0]?.expected ?? 0) + (ITEMS[2]?.expected ?? 0)).toFixed(2)), worstItems: ['D1/1', 'D1/2'] },
    ]);
    expect(run?.rollUpSha256).toBe(sha256Hex(await readFile(join(dir, 'items-by-participant.csv'))));
    expect(run?.manifest.period).toBe('2026-06');
  });

  it('is null for a folder without an item set', async () => {
    expect(await readItemRun(await tempDir())).toBeNull();
  });

  it.each(['items.csv', 'items-by-participant.csv'])('refuses %s edited after scoring, naming it and the command that scores the items', async (name) => {
    const dir = await writeSet();
    const path = join(dir, name);
    await writeFile(path, (await readFile(path, 'utf8')).replace('7701000002', '7701000003'));
    await expect(readItemRun(dir)).rejects.toThrow(
      `${path} was changed after ccrg score --level item wrote it (its sha256 differs from items-manifest.json): score the items again (ccrg score --level item --model PATH --period 2026-06 --out ${dir}) rather than edit its files`,
    );
  });

  it('refuses a set with a file missing, naming it', async () => {
    const dir = await writeSet();
    await rm(join(dir, 'items.csv'));
    await expect(readItemRun(dir)).rejects.toThrow(`${join(dir, 'items.csv')} is missing from the item set of ${dir}`);
  });

  it('refuses a manifest of another command, naming the file', async () => {
    const dir = await writeSet();
    await writeFile(join(dir, 'items-manifest.json'), JSON.stringify({ command: 'plan' }));
    await expect(readItemRun(dir)).rejects.toThrow(`${join(dir, 'items-manifest.json')}: expected "command": "score" and "level": "item"`);
  });
});

describe('rankItems', () => {
  it('orders item columns as compareItemRank orders rows: margin descending, ties by declaration and item number', () => {
    // Few distinct margins, so that most items tie with others; declarations of several items, out of order; every item once.
    const rows = Array.from({ length: 500 }, (_, i) => item(`77010000${String(i % 13).padStart(2, '0')}`, `D${(i * 7) % 50}`, Math.floor(i / 50) + 1, ((i * 31) % 9) / 4 - 1));
    const columns = scoredItemsOf(rows);
    const order = rankItems(columns);
    const ranked = [...order].map((i) => itemRowAt(columns, i));
    expect(ranked).toEqual([...rows].sort(compareItemRank));
    // The roll-up of the columns: every importer once, its first item its worst, items counted.
    const rollUp = itemRollUp(columns, order);
    expect(rollUp.reduce((sum, r) => sum + r.items, 0)).toBe(rows.length);
    for (const r of rollUp) expect(r.worstItems[0]).toBe(`${ranked.find((it) => it.importer === r.inn)?.declId}/${ranked.find((it) => it.importer === r.inn)?.itemNo}`);
  });
});
