import type { ItemRollUpRow, ScoredItems } from '../run-folder/items.js';

/** Items named per importer in the roll-up. */
const WORST_ITEMS = 3;

/**
 * The importers behind scored items: per importer, its items, those with
 * probability at least 0.5, its riskiest item's probability and margin, the
 * sum of expected charges (null without an amount model) and its worst
 * items; riskiest importer (by its riskiest item's margin) first, ties by
 * INN. `order` lists the items in ranking order (margin descending,
 * `rankItems`), so an importer's first item is its worst.
 */
export function itemRollUp(items: ScoredItems, order: Uint32Array): ItemRollUpRow[] {
  const by = new Map<string, ItemRollUpRow>();
  const expected = items.expected;
  for (let rank = 0; rank < order.length; rank++) {
    const i = order[rank] as number;
    const inn = items.importer[i] as string;
    const probability = items.probability[i] as number;
    let row = by.get(inn);
    if (row === undefined) {
      row = { inn, items: 0, atLeastHalf: 0, maxProbability: probability, maxMargin: items.margin[i] as number, expected: null, worstItems: [] };
      by.set(inn, row);
    }
    row.items++;
    if (probability >= 0.5) row.atLeastHalf++;
    const amount = expected?.[i];
    if (amount !== undefined && !Number.isNaN(amount)) row.expected = (row.expected ?? 0) + amount;
    if (row.worstItems.length < WORST_ITEMS) row.worstItems.push(`${items.declId[i] as string}/${items.itemNo[i] as number}`);
  }
  return [...by.values()].sort((a, b) => b.maxMargin - a.maxMargin || (a.inn < b.inn ? -1 : a.inn > b.inn ? 1 : 0));
}
