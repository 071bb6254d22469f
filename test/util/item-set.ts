import { ITEM_ORDER, rankItems, scoredItemsOf, writeItemSet as writeItemSetFiles, type ItemRow } from '../../src/run-folder/items.js';
import { itemRollUp } from '../../src/score/item-roll-up.js';

/** An item of importer `inn` with margin `margin` (the probability follows it), for a hand-made item set. */
export function item(inn: string, declId: string, itemNo: number, margin: number, overrides: Partial<ItemRow> = {}): ItemRow {
  return {
    declId,
    itemNo,
    importer: inn,
    hsCode: '8471300000',
    origin: 'CN',
    customsValue: 125000.5,
    margin,
    probability: Number((1 / (1 + Math.exp(-margin))).toFixed(6)),
    expected: Number((1000 * (1 / (1 + Math.exp(-margin)))).toFixed(2)),
    reasons: [`reason of ${declId}/${itemNo}`],
    ...overrides,
  };
}

/**
 * Writes the item set `score --level item` would write for these items into
 * `dir` (items.csv, items-by-participant.csv, items-manifest.json with their
 * hashes), through the run folder's own writer, order and roll-up.
 */
export async function writeItemSet(dir: string, items: readonly ItemRow[], options: { period: string; asOf: string }): Promise<void> {
  const scored = scoredItemsOf(items);
  const order = rankItems(scored);
  await writeItemSetFiles(dir, scored, order, itemRollUp(scored, order), {
    command: 'score',
    level: 'item',
    period: options.period,
    as_of: options.asOf,
    code_version: 'test',
    model: { path: 'models/item', window: { from: '2025-01', to: '2025-12' }, sha256: 'f'.repeat(64), features: 12 },
    parameters: { lang: 'en', reasons_top: 10_000, order: ITEM_ORDER },
    counts: { with_reasons: items.length, not_in_store_as_of: 0 },
  });
}
