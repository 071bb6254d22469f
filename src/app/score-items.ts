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
import { itemExampleFeatures } from '../models/risk/item-examples.js';
import { contributionsMany } from '../models/learners/gbdt/index.js';
import { predictRiskMany } from '../models/risk/predict.js';
import { ITEM_FILES, ITEM_ORDER, ITEMS_FILE, itemRowAt, rankItems, writeItemSet, type ItemSetHeader, type ScoredItems } from '../run-folder/items.js';
import { itemRollUp } from '../score/item-roll-up.js';
import { itemFeatureDefs } from '../score/item-feature-defs.js';
import { modelReasons } from '../score/model-reasons.js';
import { asOfSql, IMPORT_ITEMS_SQL } from '../store/as-of.js';
import { sqlDate } from '../io/sql.js';
import type { Clock } from '../util/clock.js';
import { UsageError } from '../util/errors.js';
import { Workspace } from '../io/workspace.js';
import { sha256Hex } from '../util/hash.js';
import type { Logger } from '../util/logger.js';
import { codeVersion } from '../util/version.js';
import type { Db, DuckDbOptions } from '../io/db.js';
import type { ScoreParams } from '../score/score-period.js';
import { withSource, type Source } from './store.js';

/** What scoring items needs: the period, the item model, the language, where to read and write. */
export type ItemScoreConfig = Pick<ScoreParams, 'period' | 'modelPath' | 'rankBy' | 'lang' | 'features'> & { source: Source; outDir: string; duckdb: DuckDbOptions };

/** Items whose reasons are written (the rest of the list has none: TreeSHAP costs time per item). */
export const ITEM_REASONS_TOP = 10_000;

/** TEMP table of the month's items, numbered in decl_id, item_no order: the examples' ids. */
const MONTH_ITEMS = 'ccrg_month_items';

/**
 * The items released from `monthStart` on, as of `asOf` (the period's
 * items): left in the TEMP table `table` for the features, and read into
 * columns in the same order (a month holds millions of items, too many for
 * one object each).
 */
async function monthItems(db: Db, table: string, asOf: string, monthStart: string): Promise<Omit<ScoredItems, 'margin' | 'probability' | 'expected' | 'reasons'>> {
  await db.run(`CREATE OR REPLACE TEMP TABLE ${table} AS
    SELECT CAST(row_number() OVER (ORDER BY decl_id, item_no) - 1 AS INTEGER) AS example_id, decl_id, CAST(item_no AS INTEGER) AS item_no,
      importer_inn, hs_code, origin_country, CAST(customs_value_rub AS DOUBLE) AS customs_value
    FROM (${asOfSql('declarations', asOf, `release_date >= ${sqlDate(monthStart)} AND ${IMPORT_ITEMS_SQL}`)})`);
  const [row] = await db.all(`SELECT count(*)::INTEGER AS n FROM ${table}`);
  const count = Number(row?.['n'] ?? 0);
  const declId = new Array<string>(count);
  const importer = new Array<string>(count);
  const hsCode = new Array<string>(count);
  const origin = new Array<string>(count);
  const itemNo = new Int32Array(count);
  const customsValue = new Float64Array(count);
  const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
  await db.scan(`SELECT example_id, decl_id, item_no, importer_inn, hs_code, origin_country, customs_value FROM ${table}`, undefined, (c, rows) => {
    for (let r = 0; r < rows; r++) {
      const i = c[0]?.[r] as number;
      declId[i] = str(c[1]?.[r]);
      itemNo[i] = c[2]?.[r] as number;
      importer[i] = str(c[3]?.[r]);
      hsCode[i] = str(c[4]?.[r]);
      origin[i] = str(c[5]?.[r]);
      const value = c[6]?.[r];
      customsValue[i] = typeof value === 'number' ? value : Number.NaN;
    }
  });
  return { count, declId, itemNo, importer, hsCode, origin, customsValue };
}

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
    const workspace = await Workspace.open(db, 'item scoring', `the items of ${config.period}`);
    const items = await monthItems(db, workspace.claim(MONTH_ITEMS), asOf, monthStart);
    if (items.count === 0) throw new UsageError(`--period ${config.period}: no declaration item was released in the month as of ${asOf}`);
    logger.info(`scoring ${items.count} items released in ${config.period} with ${modelPath}`);
    const { values, notFound } = await itemExampleFeatures(db, { asOf, count: items.count, sql: `SELECT example_id, decl_id, item_no, importer_inn AS inn FROM ${MONTH_ITEMS}` }, set, config.features);
    await workspace.drop();
    const n = set.features.length;
    const predicted = await predictRiskMany(loaded.models, { values, nRows: items.count, nCols: n, layout: 'row-major' }, config.duckdb.threads);
    // Rounded as written, so that the order never depends on digits the file does not show.
    const round = (x: Float64Array, decimals: number): Float64Array => x.map((v) => Number(v.toFixed(decimals)));
    // Filled below for the top of the list.
    const reasons = new Map<number, string[]>();
    const scored: ScoredItems = {
      ...items,
      margin: round(predicted.margin, 6),
      probability: round(predicted.probability, 6),
      expected: predicted.expectedChargesRub === null ? null : round(predicted.expectedChargesRub, 2),
      reasons,
    };
    const order = rankItems(scored);
    const top = order.subarray(0, ITEM_REASONS_TOP);
    const topValues = new Float64Array(top.length * n);
    top.forEach((row, k) => topValues.set(values.subarray(row * n, (row + 1) * n), k * n));
    const classifier = loaded.models.classifier;
    const contributions = await contributionsMany(classifier, { values: topValues, nRows: top.length, nCols: n, layout: 'row-major' }, config.duckdb.threads);
    const explained = modelReasons(classifier, topValues, top.length, { features: itemFeatureDefs(set, config.lang), lang: config.lang, contributions });
    top.forEach((row, k) => reasons.set(row, (explained.reasons[k] ?? []).map((reason) => reason.reason)));
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
      await writeItemSet(dir, scored, order, itemRollUp(scored, order), header);
    });
    logger.info(`wrote ${join(config.outDir, ITEMS_FILE)}`);
    const head = [...order.subarray(0, 10)].map((row, rank) => {
      const it = itemRowAt(scored, row);
      return `${String(rank + 1).padStart(4)}  ${`${it.declId}/${it.itemNo}`.padEnd(24)}  ${it.probability.toFixed(3)}  ${it.reasons[0] ?? ''}`;
    });
    return [`${items.count} items released in ${config.period} scored as of ${asOf} with ${modelPath}; items.csv in ${config.outDir}`, '', ...head].join('\n');
  });
}
