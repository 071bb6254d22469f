/**
 * The item set of a run folder (`score --level item`, docs/outputs.md):
 * items.csv, items-by-participant.csv and items-manifest.json, their row
 * types, writers and readers, and the names of the set's files.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { csvNumber, csvOptionalNumber, readCsvRecords } from '../io/csv-read.js';
import { csvBytes, csvText } from '../io/csv-write.js';
import { describeJsonValue, isJsonObject, readJsonFile } from '../io/json-read.js';
import { ConfigError } from '../util/errors.js';
import { FileSet } from './file-set.js';
import { fixed, money } from './format.js';

/** Every item released in the period, riskiest first. */
export const ITEMS_FILE = 'items.csv';
/** The importers behind the items, riskiest first. */
export const ITEM_ROLL_UP_FILE = 'items-by-participant.csv';
/** The item run's model, counts and the hashes of the two CSV files. */
export const ITEMS_MANIFEST_FILE = 'items-manifest.json';

/** The files of the item set, replaced together. */
export const ITEM_FILES = [ITEMS_FILE, ITEM_ROLL_UP_FILE, ITEMS_MANIFEST_FILE] as const;

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

/** items-manifest.json (docs/outputs.md#itemscsv): what `score --level item` scored, with what, and the hashes of its CSV files. */
export interface ItemsManifest {
  command: 'score';
  level: 'item';
  period: string;
  as_of: string;
  code_version: string;
  model: { path: string; window: { from: string; to: string }; sha256: string; features: number };
  parameters: { lang: 'en' | 'ru'; reasons_top: number; order: string };
  counts: { items: number; participants: number; with_reasons: number; not_in_store_as_of: number; probability_at_least_half: number };
  /** sha256 of the bytes of items.csv and items-by-participant.csv. */
  outputs: Record<string, string>;
}

/** The text of items-manifest.json. */
export function itemsManifestJson(manifest: ItemsManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The order of items.csv, as the manifest states it. */
export const ITEM_ORDER = 'margin descending, then decl_id, then item_no';

/** The order of items.csv on the fields it reads: highest margin first, ties by declaration and item number (never by the engine). */
function rankOrder(marginA: number, declA: string, itemA: number, marginB: number, declB: string, itemB: number): number {
  if (marginA !== marginB) return marginB - marginA;
  if (declA !== declB) return declA < declB ? -1 : 1;
  return itemA - itemB;
}

/** Compares two items in the order of items.csv ({@link rankOrder}). */
export function compareItemRank(a: ItemRow, b: ItemRow): number {
  return rankOrder(a.margin, a.declId, a.itemNo, b.margin, b.declId, b.itemNo);
}

/**
 * The items of a scoring run as columns (item i is index i of each):
 * a month holds millions of items, too many for one object each.
 */
export interface ScoredItems {
  count: number;
  declId: readonly string[];
  itemNo: Int32Array;
  importer: readonly string[];
  hsCode: readonly string[];
  origin: readonly string[];
  /** NaN where the item has no customs value. */
  customsValue: Float64Array;
  margin: Float64Array;
  probability: Float64Array;
  /** Null without an amount model. */
  expected: Float64Array | null;
  /** Up to three reasons in plain words, largest first, of the items that have them (the top of the list). */
  reasons: ReadonlyMap<number, readonly string[]>;
}

/** The columns of item rows (hand-made or read back). */
export function scoredItemsOf(rows: readonly ItemRow[]): ScoredItems {
  const withExpected = rows.some((r) => r.expected !== null);
  return {
    count: rows.length,
    declId: rows.map((r) => r.declId),
    itemNo: Int32Array.from(rows, (r) => r.itemNo),
    importer: rows.map((r) => r.importer),
    hsCode: rows.map((r) => r.hsCode),
    origin: rows.map((r) => r.origin),
    customsValue: Float64Array.from(rows, (r) => r.customsValue ?? Number.NaN),
    margin: Float64Array.from(rows, (r) => r.margin),
    probability: Float64Array.from(rows, (r) => r.probability),
    expected: withExpected ? Float64Array.from(rows, (r) => r.expected ?? Number.NaN) : null,
    reasons: new Map(rows.flatMap((r, i) => (r.reasons.length > 0 ? [[i, r.reasons] as const] : []))),
  };
}

/** Item i as a row. */
export function itemRowAt(items: ScoredItems, i: number): ItemRow {
  const value = items.customsValue[i] as number;
  const expected = items.expected?.[i];
  return {
    declId: items.declId[i] as string,
    itemNo: items.itemNo[i] as number,
    importer: items.importer[i] as string,
    hsCode: items.hsCode[i] as string,
    origin: items.origin[i] as string,
    customsValue: Number.isNaN(value) ? null : value,
    margin: items.margin[i] as number,
    probability: items.probability[i] as number,
    expected: expected === undefined || Number.isNaN(expected) ? null : expected,
    reasons: [...(items.reasons.get(i) ?? [])],
  };
}

/** The indexes of the items in the order of items.csv ({@link rankOrder}), read from the columns. */
export function rankItems(items: ScoredItems): Uint32Array {
  const { margin, declId, itemNo } = items;
  const order = new Uint32Array(items.count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => rankOrder(margin[a] as number, declId[a] as string, itemNo[a] as number, margin[b] as number, declId[b] as string, itemNo[b] as number));
}

/** The manifest of an item set but what its files give (the counts of the items and the hashes). */
export type ItemSetHeader = Omit<ItemsManifest, 'counts' | 'outputs'> & { counts: Pick<ItemsManifest['counts'], 'with_reasons' | 'not_in_store_as_of'> };

/**
 * Writes the item set into `dir`: items.csv and items-by-participant.csv
 * from the items in ranking order (`order`, from {@link rankItems}) and
 * their roll-up, then the manifest with the counts and the hashes of the
 * bytes written.
 */
export async function writeItemSet(dir: string, items: ScoredItems, order: Uint32Array, rollUp: readonly ItemRollUpRow[], header: ItemSetHeader): Promise<ItemsManifest> {
  const files = new FileSet();
  files.add(ITEMS_FILE, itemsCsv(items, order));
  files.add(ITEM_ROLL_UP_FILE, itemRollUpCsv(rollUp));
  let atLeastHalf = 0;
  for (let i = 0; i < items.count; i++) if ((items.probability[i] as number) >= 0.5) atLeastHalf++;
  const manifest: ItemsManifest = {
    ...header,
    counts: {
      items: items.count,
      participants: rollUp.length,
      ...header.counts,
      probability_at_least_half: atLeastHalf,
    },
    outputs: files.hashes(),
  };
  await files.writeInto(dir);
  await writeFile(join(dir, ITEMS_MANIFEST_FILE), itemsManifestJson(manifest));
  return manifest;
}

/** The bytes of items.csv: the items in ranking order. */
export function itemsCsv(items: ScoredItems, order: Uint32Array): Buffer {
  return csvBytes(ITEM_COLUMNS, order.length, (rank) => {
    const i = order[rank] as number;
    const value = items.customsValue[i] as number;
    const expected = items.expected?.[i];
    const reasons = items.reasons.get(i);
    return [
      rank + 1,
      items.declId[i],
      items.itemNo[i],
      items.importer[i],
      items.hsCode[i],
      items.origin[i],
      Number.isNaN(value) ? '' : money(value),
      fixed(items.margin[i], 6),
      fixed(items.probability[i], 6),
      expected === undefined || Number.isNaN(expected) ? '' : money(expected),
      reasons?.[0] ?? '',
      reasons?.[1] ?? '',
      reasons?.[2] ?? '',
    ];
  });
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

/** Reads items-by-participant.csv, in ranking order; a malformed file is a ConfigError naming file, line and column. */
export async function readItemRollUp(path: string): Promise<ItemRollUpRow[]> {
  const { records } = await readCsvRecords(path, [...ROLL_UP_COLUMNS]);
  return records.map((r) => {
    const worst = r.values['worst_items'] ?? '';
    return {
      inn: r.values['importer_inn'] ?? '',
      items: csvNumber(path, r, 'items'),
      atLeastHalf: csvNumber(path, r, 'items_probability_at_least_half'),
      maxProbability: csvNumber(path, r, 'max_probability'),
      maxMargin: csvNumber(path, r, 'max_margin'),
      expected: csvOptionalNumber(path, r, 'expected_charges'),
      worstItems: worst === '' ? [] : worst.split(' | '),
    };
  });
}

/**
 * Reads items-manifest.json in `dir`; a file that is not the manifest of
 * `score --level item`, or lacks what the readers use, is a ConfigError
 * naming the file and the field.
 */
export async function readItemsManifest(dir: string): Promise<ItemsManifest> {
  const path = join(dir, ITEMS_MANIFEST_FILE);
  const json = await readJsonFile(path);
  const fail = (message: string): never => {
    throw new ConfigError(`${path}: ${message}; is this the manifest of ccrg score --level item? (score the items again to rewrite it)`);
  };
  if (!isJsonObject(json)) return fail('expected an object');
  if (json['command'] !== 'score' || json['level'] !== 'item') fail(`expected "command": "score" and "level": "item", got ${describeJsonValue(json['command'])} and ${describeJsonValue(json['level'])}`);
  for (const key of ['period', 'as_of'] as const) if (typeof json[key] !== 'string') fail(`${key} must be a text, got ${describeJsonValue(json[key])}`);
  if (!isJsonObject(json['model']) || typeof json['model']['sha256'] !== 'string') fail('model must be an object with its sha256');
  if (!isJsonObject(json['counts'])) fail('counts must be an object');
  const outputs = json['outputs'];
  if (!isJsonObject(outputs)) return fail('outputs must be an object');
  for (const name of [ITEMS_FILE, ITEM_ROLL_UP_FILE]) if (typeof outputs[name] !== 'string') fail(`outputs["${name}"] must be the file's sha256, got ${describeJsonValue(outputs[name])}`);
  return json as unknown as ItemsManifest;
}

/** The files of the item set that `dir` lacks, in {@link ITEM_FILES} order. */
export function missingItemFiles(dir: string): string[] {
  return ITEM_FILES.filter((name) => !existsSync(join(dir, name)));
}
