/**
 * The item set of a run folder (`score --level item`, docs/outputs.md):
 * items.csv and items-by-participant.csv, their row types, writers and
 * reader, and the names of the set's files.
 */
import { csvNumber, csvOptionalNumber, readCsvRecords } from '../io/csv-read.js';
import { csvText } from '../io/csv-write.js';
import { fixed, money } from './format.js';

/** The files of the item set, replaced together. */
export const ITEM_FILES = ['items.csv', 'items-by-participant.csv', 'items-manifest.json'] as const;

/** Columns of items.csv, in order. */
const ITEM_COLUMNS = ['rank', 'decl_id', 'item_no', 'importer_inn', 'hs_code', 'origin_country', 'customs_value', 'margin', 'probability', 'expected_charges', 'reason_1', 'reason_2', 'reason_3'] as const;

/** Columns of items-by-participant.csv, in order. */
const ROLL_UP_COLUMNS = ['rank', 'importer_inn', 'items', 'items_probability_at_least_half', 'max_probability', 'max_margin', 'expected_charges', 'worst_items'] as const;

/** One scored item (a row of items.csv without its rank). */
export interface ItemRow {
  declId: string;
  itemNo: number;
  importer: string;
  hsCode: string;
  origin: string;
  customsValue: number | null;
  /** The classifier's raw log-odds: what the list is ranked by. */
  margin: number;
  probability: number;
  expected: number | null;
  /** Up to three reasons in plain words, largest first. */
  reasons: string[];
}

/** One importer of the roll-up (a row of items-by-participant.csv without its rank). */
export interface ItemRollUpRow {
  inn: string;
  items: number;
  atLeastHalf: number;
  maxProbability: number;
  maxMargin: number;
  /** Sum of the items' expected charges; null without an amount model. */
  expected: number | null;
  /** Its riskiest items, `decl_id/item_no`, riskiest first. */
  worstItems: string[];
}

/** The text of items.csv from rows already in ranking order. */
export function itemsCsv(ranked: readonly ItemRow[]): string {
  return csvText(
    ITEM_COLUMNS,
    ranked.map((it, i) => [i + 1, it.declId, it.itemNo, it.importer, it.hsCode, it.origin, money(it.customsValue), fixed(it.margin, 6), fixed(it.probability, 6), money(it.expected), it.reasons[0] ?? '', it.reasons[1] ?? '', it.reasons[2] ?? '']),
  );
}

/** The text of items-by-participant.csv from rows already in ranking order. */
export function itemRollUpCsv(ranked: readonly ItemRollUpRow[]): string {
  return csvText(
    ROLL_UP_COLUMNS,
    ranked.map((r, i) => [i + 1, r.inn, r.items, r.atLeastHalf, fixed(r.maxProbability, 6), fixed(r.maxMargin, 6), money(r.expected), r.worstItems.join(' | ')]),
  );
}

/** Reads items.csv, in ranking order; a malformed file is a ConfigError naming file, line and column. */
export async function readItems(path: string): Promise<ItemRow[]> {
  const { records } = await readCsvRecords(path, ['decl_id', 'item_no', 'margin', 'probability']);
  return records.map((r) => {
    const v = r.values;
    return {
      declId: v['decl_id'] ?? '',
      itemNo: csvNumber(path, r, 'item_no'),
      importer: v['importer_inn'] ?? '',
      hsCode: v['hs_code'] ?? '',
      origin: v['origin_country'] ?? '',
      customsValue: csvOptionalNumber(path, r, 'customs_value'),
      margin: csvNumber(path, r, 'margin'),
      probability: csvNumber(path, r, 'probability'),
      expected: csvOptionalNumber(path, r, 'expected_charges'),
      reasons: [v['reason_1'], v['reason_2'], v['reason_3']].filter((x): x is string => x !== undefined && x !== ''),
    };
  });
}
