import type { ItemRollUpRow, ItemRow } from '../run-folder/items.js';

/** Items named per importer in the roll-up. */
const WORST_ITEMS = 3;

/**
 * The importers behind scored items: per importer, its items, those with
 * probability at least 0.5, its riskiest item's probability and margin, the
 * sum of expected charges (null without an amount model) and its worst
 * items; riskiest importer (by its riskiest item's margin) first, ties by
 * INN. `ranked` is in ranking order (margin descending).
 */
export function itemRollUp(ranked: readonly ItemRow[]): ItemRollUpRow[] {
  const by = new Map<string, ItemRow[]>();
  for (const it of ranked) {
    const list = by.get(it.importer);
    if (list === undefined) by.set(it.importer, [it]);
    else list.push(it);
  }
  const rows = [...by.entries()].map(([inn, items]): ItemRollUpRow => {
    const worst = items[0] as ItemRow;
    return {
      inn,
      items: items.length,
      atLeastHalf: items.filter((it) => it.probability >= 0.5).length,
      maxProbability: worst.probability,
      maxMargin: worst.margin,
      expected: items.every((it) => it.expected === null) ? null : items.reduce((sum, it) => sum + (it.expected ?? 0), 0),
      worstItems: items.slice(0, WORST_ITEMS).map((it) => `${it.declId}/${it.itemNo}`),
    };
  });
  return rows.sort((a, b) => b.maxMargin - a.maxMargin || (a.inn < b.inn ? -1 : a.inn > b.inn ? 1 : 0));
}
