/**
 * `ccrg score --level item`: every declaration item released in the period,
 * labelled or not, scored by an item model, into `items.csv`, the roll-up
 * `items-by-participant.csv` and `items-manifest.json` of the run folder: their own set, swapped in at
 * once, the participant files left as they are (docs/outputs.md).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { csvText } from '../io/csv-write.js';
import type { Row } from '../io/db.js';
import { checkReplaceable, replaceFilesOf, RUN_FOLDER } from '../io/run-dir.js';
import { loadItemModel } from '../models/evaluation/evaluate-item-model.js';
import { serializeArtifact } from '../models/risk/artifact.js';
import { itemExampleFeatures, itemToScore, type ItemExample } from '../models/risk/item-examples.js';
import { predictRisk } from '../models/risk/predict.js';
import { FileSet } from '../run-folder/file-set.js';
import { fixed, money } from '../run-folder/format.js';
import { itemFeatureDefs } from '../score/item-feature-defs.js';
import { modelReasons } from '../score/model-reasons.js';
import { asOfSql } from '../store/as-of.js';
import type { Clock } from '../util/clock.js';
import { UsageError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import type { Logger } from '../util/logger.js';
import { codeVersion } from '../util/version.js';
import type { DuckDbOptions } from '../io/db.js';
import type { ScoreParams } from '../score/score-period.js';
import { withSource, type Source } from './store.js';

/** What scoring items needs: the period, the item model, the language, where to read and write. */
export type ItemScoreConfig = Pick<ScoreParams, 'period' | 'modelPath' | 'rankBy' | 'lang' | 'features'> & { source: Source; outDir: string; duckdb: DuckDbOptions };

/** The files of the item set, replaced together. */
export const ITEM_FILES = ['items.csv', 'items-by-participant.csv', 'items-manifest.json'] as const;

/** Columns of items-by-participant.csv, in order. */
const ROLL_UP_COLUMNS = ['rank', 'importer_inn', 'items', 'items_probability_at_least_half', 'max_probability', 'max_margin', 'expected_charges', 'worst_items'] as const;

/** Items named per participant in the roll-up. */
const WORST_ITEMS = 3;

/** Columns of items.csv, in order. */
const ITEM_COLUMNS = [
  'rank',
  'decl_id',
  'item_no',
  'importer_inn',
  'hs_code',
  'origin_country',
  'customs_value',
  'margin',
  'probability',
  'expected_charges',
  'reason_1',
  'reason_2',
  'reason_3',
] as const;

/** Items whose reasons are written (the rest of the list has none: TreeSHAP costs time per item). */
export const ITEM_REASONS_TOP = 10_000;

/** What a scored item is. */
interface ScoredItem {
  declId: string;
  itemNo: number;
  importer: string;
  hsCode: string;
  origin: string;
  customsValue: number | null;
  margin: number;
  probability: number;
  expected: number | null;
  reasons: string[];
}

const text = (v: Row[string] | undefined): string => (v === null || v === undefined ? '' : String(v));

/**
 * Scores the items released in the period with the item model of
 * `config.modelPath` and replaces the item set of the run folder; returns
 * the summary to print.
 */
export async function scoreItems(config: ItemScoreConfig, clock: Clock, logger: Logger): Promise<string> {
  const modelPath = config.modelPath ?? null;
  if (modelPath === null) throw new UsageError('--level item needs an item model: give --model models/item (trained with ccrg train --level item)');
  if (config.rankBy !== undefined && config.rankBy !== 'auto') throw new UsageError('--rank-by applies to participants: items are ranked by the item model');
  await checkReplaceable(config.outDir, RUN_FOLDER);
  const asOf = config.features.asOf;
  const monthStart = `${config.period}-01`;
  return withSource(config.source, config.duckdb, clock, logger, async ({ db }) => {
    const { loaded, set } = await loadItemModel(db, modelPath);
    if (loaded.models.kind !== 'risk') throw new UsageError(`${modelPath} is not a risk model`);
    const rows = await db.all(
      `SELECT decl_id, item_no, importer_inn, hs_code, origin_country, CAST(customs_value_rub AS DOUBLE) AS customs_value
       FROM (${asOfSql('declarations', asOf)}) WHERE release_date >= CAST($month_start AS DATE)
       ORDER BY decl_id, item_no`,
      { month_start: monthStart },
    );
    if (rows.length === 0) throw new UsageError(`--period ${config.period}: no declaration item was released in the month as of ${asOf}`);
    logger.info(`scoring ${rows.length} items released in ${config.period} with ${modelPath}`);
    const examples: ItemExample[] = rows.map((r) => itemToScore(`item|${text(r['decl_id'])}|${text(r['item_no'])}`, text(r['decl_id']), Number(r['item_no']), text(r['importer_inn']), asOf));
    const { values, notFound } = await itemExampleFeatures(db, examples, set, config.features);
    const n = set.features.length;
    const x = { values, nRows: rows.length, nCols: n, layout: 'row-major' as const };
    const margin = loaded.models.classifier.predictMargin(x);
    const predicted = predictRisk(loaded.models, x);
    const items: ScoredItem[] = rows.map((r, i) => ({
      declId: text(r['decl_id']),
      itemNo: Number(r['item_no']),
      importer: text(r['importer_inn']),
      hsCode: text(r['hs_code']),
      origin: text(r['origin_country']),
      customsValue: r['customs_value'] === null || r['customs_value'] === undefined ? null : Number(r['customs_value']),
      margin: Number((margin[i] as number).toFixed(6)),
      probability: Number((predicted.probability[i] as number).toFixed(6)),
      expected: predicted.expectedChargesRub === null ? null : Number((predicted.expectedChargesRub[i] as number).toFixed(2)),
      reasons: [],
    }));
    // Highest margin first; ties by declaration and item number, so the order never depends on the engine.
    const order = items.map((_, i) => i).sort((a, b) => (items[b] as ScoredItem).margin - (items[a] as ScoredItem).margin || compareItems(items[a] as ScoredItem, items[b] as ScoredItem));
    const top = order.slice(0, ITEM_REASONS_TOP);
    const topValues = new Float64Array(top.length * n);
    top.forEach((row, k) => topValues.set(values.subarray(row * n, (row + 1) * n), k * n));
    const explained = modelReasons(loaded.models.classifier, topValues, top.length, { features: itemFeatureDefs(set, config.lang), lang: config.lang });
    top.forEach((row, k) => ((items[row] as ScoredItem).reasons = (explained.reasons[k] ?? []).map((reason) => reason.reason)));
    const csv = csvText(
      ITEM_COLUMNS,
      order.map((row, rank) => {
        const it = items[row] as ScoredItem;
        return [rank + 1, it.declId, it.itemNo, it.importer, it.hsCode, it.origin, money(it.customsValue), fixed(it.margin, 6), fixed(it.probability, 6), money(it.expected), it.reasons[0] ?? '', it.reasons[1] ?? '', it.reasons[2] ?? ''];
      }),
    );
    const files = new FileSet();
    files.add('items.csv', csv);
    files.add('items-by-participant.csv', rollUpCsv(order.map((row) => items[row] as ScoredItem)));
    const manifest = {
      command: 'score',
      level: 'item',
      period: config.period,
      as_of: asOf,
      code_version: codeVersion(),
      model: { path: modelPath, window: loaded.artifact.window, sha256: sha256Hex(serializeArtifact(loaded.artifact)), features: set.features.length },
      parameters: { lang: config.lang, reasons_top: ITEM_REASONS_TOP, order: 'margin descending, then decl_id, then item_no' },
      counts: { items: items.length, participants: new Set(items.map((it) => it.importer)).size, with_reasons: top.length, not_in_store_as_of: notFound, probability_at_least_half: items.filter((it) => it.probability >= 0.5).length },
      outputs: files.hashes(),
    };
    await replaceFilesOf(config.outDir, ITEM_FILES, async (dir) => {
      await files.writeInto(dir);
      await writeFile(join(dir, 'items-manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    });
    logger.info(`wrote ${join(config.outDir, 'items.csv')}`);
    const head = order.slice(0, 10).map((row, rank) => {
      const it = items[row] as ScoredItem;
      return `${String(rank + 1).padStart(4)}  ${`${it.declId}/${it.itemNo}`.padEnd(24)}  ${it.probability.toFixed(3)}  ${it.reasons[0] ?? ''}`;
    });
    return [`${items.length} items released in ${config.period} scored as of ${asOf} with ${modelPath}; items.csv in ${config.outDir}`, '', ...head].join('\n');
  });
}

/**
 * The participants behind the items: per importer, its items, those with
 * probability at least 0.5, its riskiest item's probability and margin, the
 * sum of expected charges (empty without an amount model) and its worst
 * items; riskiest importer (by its worst margin) first, ties by INN.
 * `ranked` is in items.csv order.
 */
function rollUpCsv(ranked: readonly ScoredItem[]): string {
  const by = new Map<string, { items: ScoredItem[] }>();
  for (const it of ranked) {
    const entry = by.get(it.importer);
    if (entry === undefined) by.set(it.importer, { items: [it] });
    else entry.items.push(it);
  }
  const rows = [...by.entries()].map(([inn, { items }]) => {
    const worst = items[0] as ScoredItem;
    const expected = items.every((it) => it.expected === null) ? null : items.reduce((sum, it) => sum + (it.expected ?? 0), 0);
    return { inn, items, worst, expected };
  });
  rows.sort((a, b) => b.worst.margin - a.worst.margin || (a.inn < b.inn ? -1 : a.inn > b.inn ? 1 : 0));
  return csvText(
    ROLL_UP_COLUMNS,
    rows.map((r, i) => [
      i + 1,
      r.inn,
      r.items.length,
      r.items.filter((it) => it.probability >= 0.5).length,
      fixed(r.worst.probability, 6),
      fixed(r.worst.margin, 6),
      money(r.expected),
      r.items
        .slice(0, WORST_ITEMS)
        .map((it) => `${it.declId}/${it.itemNo}`)
        .join(' | '),
    ]),
  );
}

function compareItems(a: ScoredItem, b: ScoredItem): number {
  if (a.declId !== b.declId) return a.declId < b.declId ? -1 : 1;
  return a.itemNo - b.itemNo;
}
