/**
 * `ccrg score --level item`: every declaration item released in the period,
 * labelled or not, scored by an item model, into `items.csv`, the roll-up
 * `items-by-participant.csv` and `items-manifest.json` of the run folder: their own set, swapped in at
 * once, the participant files left as they are (docs/outputs.md).
 */
import { join } from 'node:path';
import { checkReplaceable, replaceFilesOf, RUN_FOLDER } from '../io/run-dir.js';
import { loadItemModel } from '../models/evaluation/evaluate-item-model.js';
import { serializeArtifact } from '../models/risk/artifact.js';
import { itemExampleFeatures, itemToScore, type ItemExample } from '../models/risk/item-examples.js';
import { predictRisk } from '../models/risk/predict.js';
import { compareItemRank, ITEM_FILES, ITEM_ORDER, ITEMS_FILE, writeItemSet, type ItemRow, type ItemSetHeader } from '../run-folder/items.js';
import { itemRollUp } from '../score/item-roll-up.js';
import { itemFeatureDefs } from '../score/item-feature-defs.js';
import { modelReasons } from '../score/model-reasons.js';
import { asOfSql } from '../store/as-of.js';
import { sqlDate } from '../io/sql.js';
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

/** Items whose reasons are written (the rest of the list has none: TreeSHAP costs time per item). */
export const ITEM_REASONS_TOP = 10_000;

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
    // Streamed: a month can hold millions of items, too many for row objects.
    const items: ItemRow[] = [];
    await db.scan(
      `SELECT decl_id, CAST(item_no AS INTEGER), importer_inn, hs_code, origin_country, CAST(customs_value_rub AS DOUBLE)
       FROM (${asOfSql('declarations', asOf, `release_date >= ${sqlDate(monthStart)}`)})
       ORDER BY decl_id, item_no`,
      undefined,
      (c, rows) => {
        const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
        for (let r = 0; r < rows; r++) {
          const value = c[5]?.[r];
          items.push({
            declId: str(c[0]?.[r]),
            itemNo: c[1]?.[r] as number,
            importer: str(c[2]?.[r]),
            hsCode: str(c[3]?.[r]),
            origin: str(c[4]?.[r]),
            customsValue: typeof value === 'number' ? value : null,
            margin: 0,
            probability: 0,
            expected: null,
            reasons: [],
          });
        }
      },
    );
    if (items.length === 0) throw new UsageError(`--period ${config.period}: no declaration item was released in the month as of ${asOf}`);
    logger.info(`scoring ${items.length} items released in ${config.period} with ${modelPath}`);
    const examples: ItemExample[] = items.map((it) => itemToScore(`item|${it.declId}|${it.itemNo}`, it.declId, it.itemNo, it.importer, asOf));
    const { values, notFound } = await itemExampleFeatures(db, examples, set, config.features);
    const n = set.features.length;
    const predicted = predictRisk(loaded.models, { values, nRows: items.length, nCols: n, layout: 'row-major' });
    items.forEach((it, i) => {
      it.margin = Number((predicted.margin[i] as number).toFixed(6));
      it.probability = Number((predicted.probability[i] as number).toFixed(6));
      it.expected = predicted.expectedChargesRub === null ? null : Number((predicted.expectedChargesRub[i] as number).toFixed(2));
    });
    // Highest margin first; ties by declaration and item number, so the order never depends on the engine.
    // Margins compared from a typed array first: a month holds millions of items.
    const margins = Float64Array.from(items, (it) => it.margin);
    const order = items.map((_, i) => i).sort((a, b) => (margins[b] as number) - (margins[a] as number) || compareItemRank(items[a] as ItemRow, items[b] as ItemRow));
    const top = order.slice(0, ITEM_REASONS_TOP);
    const topValues = new Float64Array(top.length * n);
    top.forEach((row, k) => topValues.set(values.subarray(row * n, (row + 1) * n), k * n));
    const explained = modelReasons(loaded.models.classifier, topValues, top.length, { features: itemFeatureDefs(set, config.lang), lang: config.lang });
    top.forEach((row, k) => ((items[row] as ItemRow).reasons = (explained.reasons[k] ?? []).map((reason) => reason.reason)));
    const ranked = order.map((row) => items[row] as ItemRow);
    const header: ItemSetHeader = {
      command: 'score',
      level: 'item',
      period: config.period,
      as_of: asOf,
      code_version: codeVersion(),
      model: { path: modelPath, window: loaded.artifact.window, sha256: sha256Hex(serializeArtifact(loaded.artifact)), features: set.features.length },
      parameters: { lang: config.lang, reasons_top: ITEM_REASONS_TOP, order: ITEM_ORDER },
      counts: { with_reasons: top.length, not_in_store_as_of: notFound },
    };
    await replaceFilesOf(config.outDir, ITEM_FILES, async (dir) => {
      await writeItemSet(dir, ranked, itemRollUp(ranked), header);
    });
    logger.info(`wrote ${join(config.outDir, ITEMS_FILE)}`);
    const head = order.slice(0, 10).map((row, rank) => {
      const it = items[row] as ItemRow;
      return `${String(rank + 1).padStart(4)}  ${`${it.declId}/${it.itemNo}`.padEnd(24)}  ${it.probability.toFixed(3)}  ${it.reasons[0] ?? ''}`;
    });
    return [`${items.length} items released in ${config.period} scored as of ${asOf} with ${modelPath}; items.csv in ${config.outDir}`, '', ...head].join('\n');
  });
}
