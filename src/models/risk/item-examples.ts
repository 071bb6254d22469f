import { computeItemSignals, withoutInsertionOrder } from '../../features/compute.js';
import { sharedFloat64Array } from '../learners/gbdt/index.js';
import { Workspace } from '../../io/workspace.js';
import type { FeatureParams } from '../../features/types.js';
import type { Db } from '../../io/db.js';
import { quoteIdent, quoteLiteral, sqlDate } from '../../io/sql.js';
import { readEntityPairs } from '../../store/entity-pairs.js';
import { IMPORT_ITEMS_SQL } from '../../store/as-of.js';
import type { ExampleWindow } from './examples.js';
import {
  defaultHistoryRateSpec,
  entityRatesSql,
  historyRateFeatureNames,
  labelledItemsSql,
  type EntityColumn,
  type EntityDef,
  type HistoryRateSpec,
  withListedParents,
} from './history-rates.js';

/**
 * One item-level training example: a declaration item whose examination
 * result is known, seen as of the date its selection would have used.
 *
 * - `item_outcomes`: an item examined in a completed inspection, as of the
 *   last day of the month before the inspection started (as participant
 *   examples), known at the inspection's (earliest) completion.
 * - `declarations`: a row carrying label columns (a `generic` mapping's
 *   `labels`), as of the last day of the item's release month, known at
 *   `label_known_date`.
 */
export interface ItemExample {
  /** `io|<inspection>|<decl>|<item>` or `decl|<decl>|<item>`: unique. */
  exampleId: string;
  source: 'item_outcomes' | 'declarations';
  declId: string;
  itemNo: number;
  /** The participant: the inspected inn, or the item's importer. */
  inn: string;
  /** The inspection that examined it (null for a label carried on the row). */
  inspectionId: string | null;
  /** YYYY-MM-DD. */
  asOf: string;
  label: 0 | 1;
  chargesRub: number;
  /** The date the label became known, YYYY-MM-DD. */
  knownDate: string;
  /** How the inspection was selected; null when the row does not say (labels on declaration rows). */
  selection: 'risk' | 'random' | null;
  propensity: number | null;
}

/**
 * The labelled items of the store whose as-of month lies in the window
 * (and, with `knownBy`, whose label was known by then), ordered by as-of
 * date, then example id.
 */
export async function itemExamples(db: Db, window: ExampleWindow): Promise<ItemExample[]> {
  const knownBy = window.knownBy === undefined ? '' : 'AND known_date <= CAST($known_by AS DATE)';
  const rows = await db.all(
    `
    WITH insp AS (
      SELECT inspection_id, inn, completed_date AS known_date, selection, propensity,
        CAST(date_trunc('month', started_date) - INTERVAL 1 DAY AS DATE) AS as_of
      FROM outcomes WHERE completed_date IS NOT NULL
      QUALIFY row_number() OVER (PARTITION BY inspection_id ORDER BY completed_date ASC, ingest_id DESC) = 1
    ), ex AS (
      SELECT 'item_outcomes' AS source, 'io|' || io.inspection_id || '|' || io.decl_id || '|' || io.item_no AS example_id,
        io.decl_id, io.item_no, i.inn, io.inspection_id, i.as_of, io.violation,
        coalesce(io.additional_charges_rub, 0)::DOUBLE AS charges, i.known_date, i.selection, i.propensity
      FROM item_outcomes io JOIN insp i USING (inspection_id)
      UNION ALL
      SELECT * FROM (
        SELECT 'declarations', 'decl|' || decl_id || '|' || item_no, decl_id, item_no, importer_inn, NULL,
          last_day(release_date),
          coalesce(label_violation, CASE WHEN label_charges_rub > 0 THEN 1 ELSE 0 END),
          coalesce(label_charges_rub, 0)::DOUBLE, label_known_date, NULL, NULL
        FROM declarations
        WHERE (label_violation IS NOT NULL OR label_charges_rub IS NOT NULL) AND label_known_date IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY decl_id, item_no
          ORDER BY (version_date <= label_known_date) DESC, version DESC, version_date DESC, ingest_id DESC) = 1)
    )
    SELECT source, example_id, decl_id, item_no, inn, inspection_id, strftime(as_of, '%Y-%m-%d') AS as_of, violation, charges,
      strftime(known_date, '%Y-%m-%d') AS known, selection, propensity
    FROM ex
    WHERE strftime(as_of, '%Y-%m') BETWEEN $from AND $to ${knownBy}
    ORDER BY as_of, example_id`,
    { from: window.from, to: window.to, ...(window.knownBy === undefined ? {} : { known_by: window.knownBy }) },
  );
  return rows.map((r) => ({
    exampleId: String(r['example_id']),
    source: r['source'] === 'item_outcomes' ? 'item_outcomes' : 'declarations',
    declId: String(r['decl_id']),
    itemNo: Number(r['item_no']),
    inn: String(r['inn']),
    inspectionId: r['inspection_id'] === null || r['inspection_id'] === undefined ? null : String(r['inspection_id']),
    asOf: String(r['as_of']),
    label: Number(r['violation']) === 1 ? 1 : 0,
    chargesRub: Number(r['charges']),
    knownDate: String(r['known']),
    selection: r['selection'] === 'random' ? 'random' : r['selection'] === 'risk' ? 'risk' : null,
    unselected: r['source'] !== 'item_outcomes',
    propensity: r['propensity'] === null || r['propensity'] === undefined ? null : Number(r['propensity']),
  }));
}

/** Store columns the item's own figures need; a figure whose source the store never fills is left out. */
type ItemSource = 'net_weight_kg' | 'duty_rub' | 'origin_country' | 'dispatch_country';

/**
 * One of an item's own figures, as SQL over the item-signals row `s`
 * (src/features/item-signals.ts) and its declaration's summary `dc` (items,
 * value, lowest unit-value deviation), or null for the importer's recent
 * volume, computed once for all examples (`RECENT_DAYS`).
 */
interface ItemOwnFeature {
  readonly id: string;
  readonly needs: readonly ItemSource[];
  readonly sql: string | null;
  readonly description: string;
}

/** History entities whose rates one query computes (`entityRatesSql`'s `entities`). */
const ENTITIES_PER_QUERY = 6;

/** Days before an item's release that make the importer's recent volume. */
export const RECENT_DAYS = 90;

/** The item's own figures, in feature order (docs/models.md, "Item features"). */
const ITEM_OWN_FEATURES: readonly ItemOwnFeature[] = [
  { id: 'item_log_customs_value', needs: [], sql: 'CASE WHEN s.customs_value_rub > 0 THEN ln(CAST(s.customs_value_rub AS DOUBLE)) END', description: 'ln of the customs value (mapping currency)' },
  { id: 'item_log_net_weight', needs: ['net_weight_kg'], sql: 'CASE WHEN s.net_weight_kg > 0 THEN ln(s.net_weight_kg) END', description: 'ln of the net weight in kg' },
  { id: 'item_log_unit_value', needs: ['net_weight_kg'], sql: 'CASE WHEN s.unit_value_rub_per_kg > 0 THEN ln(s.unit_value_rub_per_kg) END', description: 'ln of customs value per kg' },
  {
    id: 'item_unit_value_log_dev',
    needs: ['net_weight_kg'],
    sql: 's.unit_value_log_dev',
    description: "ln(unit value / median unit value of other importers' items in the same peer group: HS10 × origin, else HS6, else HS4, in the same 3-month block)",
  },
  {
    id: 'item_unit_value_log_dev_code',
    needs: ['net_weight_kg'],
    sql: 'CASE WHEN s.unit_value_rub_per_kg > 0 AND cm.items >= 5 THEN ln(s.unit_value_rub_per_kg / cm.median_uv) END',
    description: 'ln(unit value / median unit value of every item with the same code, any origin and importer, in the same 3-month block; at least 5 items)',
  },
  { id: 'item_duty_rate', needs: ['duty_rub'], sql: 's.duty_rate', description: 'duty / customs value (payment procedures)' },
  { id: 'item_duty_rate_gap', needs: ['duty_rub'], sql: 's.duty_rate - s.peer_duty_rate', description: 'duty rate minus the value-weighted median rate of the same HS10 code and preference group' },
  {
    id: 'item_dispatch_differs',
    needs: ['origin_country', 'dispatch_country'],
    sql: "CASE WHEN nullif(s.origin_country, '') IS NOT NULL AND nullif(s.dispatch_country, '') IS NOT NULL THEN CAST(s.origin_country <> s.dispatch_country AS INTEGER) END",
    description: '1 when the goods were dispatched from another country than their origin (a route through a third country), 0 when from the origin',
  },
  { id: 'decl_items', needs: [], sql: 'dc.n_items', description: 'items of the declaration (the item included)' },
  {
    id: 'decl_value_share',
    needs: [],
    sql: 'CASE WHEN dc.value > 0 AND s.customs_value_rub >= 0 THEN CAST(s.customs_value_rub AS DOUBLE) / CAST(dc.value AS DOUBLE) END',
    description: "the item's share of its declaration's customs value",
  },
  { id: 'decl_min_unit_value_log_dev', needs: ['net_weight_kg'], sql: 'dc.min_dev', description: 'the lowest unit-value deviation among the declaration\'s items (the item included): an undervalued item elsewhere in the declaration' },
  { id: 'importer_recent_items', needs: [], sql: null, description: `items the importer declared in the ${RECENT_DAYS} days before the item's release` },
  { id: 'importer_recent_log_value', needs: [], sql: null, description: `ln(1 + customs value the importer declared in the ${RECENT_DAYS} days before the item's release)` },
];

/**
 * An item to be scored, not a labelled example: its features are computed
 * as of `asOf` like an example's (`itemExampleFeatures`); label and charges
 * are placeholders no computation reads.
 */
export function itemToScore(exampleId: string, declId: string, itemNo: number, inn: string, asOf: string): ItemExample {
  return { exampleId, source: 'declarations', declId, itemNo, inn, inspectionId: null, asOf, label: 0, chargesRub: 0, knownDate: asOf, selection: null, propensity: null };
}

/**
 * What the item model reads from a store: which of its figures the data can
 * provide, the extra numeric columns, and the history-rate entities whose
 * keys the data holds. Features needing data the store never has are
 * absent from the list, not filled with made-up values.
 */
export interface ItemFeatureSet {
  /** Ordered feature names: own figures, extra numeric columns (`extra_<name>`), history rates. */
  features: string[];
  own: readonly ItemOwnFeature[];
  extraNumeric: string[];
  rates: HistoryRateSpec;
}

/** The declaration columns, and the HS code length, a history entity reads. */
function entityColumns(e: EntityDef): { columns: EntityColumn[]; hsDigits: number } {
  const columns: EntityColumn[] = [];
  let hsDigits = 0;
  for (const p of e.parts) {
    if (p.kind === 'column') columns.push(p.column);
    else if (p.kind === 'hs') hsDigits = Math.max(hsDigits, p.digits);
  }
  return { columns, hsDigits };
}

/**
 * The item feature set of the store's declarations: own figures whose
 * source columns hold a value somewhere, every extra numeric and extra
 * categorical column (sorted by name), and the history entities
 * (`defaultHistoryRateSpec`: the built-in ones, one per extra categorical
 * column, seller × importer, with the store's entity pairs added and
 * removed, src/store/entity-pairs.ts) whose key columns hold a value (an HS
 * prefix only when some code is that long).
 */
export async function itemFeatureSet(db: Db): Promise<ItemFeatureSet> {
  const [counts] = await db.all(`SELECT count(net_weight_kg)::DOUBLE AS net_weight_kg, count(duty_rub)::DOUBLE AS duty_rub,
      count(nullif(customs_representative_inn, ''))::DOUBLE AS customs_representative_inn,
      count(nullif(customs_office, ''))::DOUBLE AS customs_office, count(nullif(origin_country, ''))::DOUBLE AS origin_country,
      count(nullif(dispatch_country, ''))::DOUBLE AS dispatch_country,
      count(*)::DOUBLE AS importer_inn, coalesce(max(length(hs_code)), 0)::DOUBLE AS hs_digits
    FROM declarations`);
  const has = (column: string): boolean => Number(counts?.[column] ?? 0) > 0;
  const keys = async (column: 'extra_num' | 'extra_cat'): Promise<string[]> =>
    (await db.all(`SELECT DISTINCT unnest(map_keys(${column})) AS k FROM declarations ORDER BY k`)).map((r) => String(r['k']));
  const extraNumeric = await keys('extra_num');
  const extraCategorical = await keys('extra_cat');
  const own = ITEM_OWN_FEATURES.filter((f) => f.needs.every(has));
  const hsDigits = Number(counts?.['hs_digits'] ?? 0);
  const all = defaultHistoryRateSpec(extraCategorical, await readEntityPairs(db));
  const held = (e: EntityDef): boolean => {
    const need = entityColumns(e);
    return need.columns.every(has) && need.hsDigits <= hsDigits;
  };
  const rates: HistoryRateSpec = { entities: withListedParents(all.entities.filter(held)), smoothing: all.smoothing };
  return {
    features: [...own.map((f) => f.id), ...extraNumeric.map((name) => `extra_${name}`), ...historyRateFeatureNames(rates)],
    own,
    extraNumeric,
    rates,
  };
}

/**
 * Items of one as-of date given by a query instead of one object each (a
 * month's items to score): its rows are `example_id` (0 to count - 1),
 * `decl_id`, `item_no` and `inn`, the importer.
 */
export interface ItemBatchQuery {
  asOf: string;
  count: number;
  sql: string;
}

/** Item feature values, one row per example in their order; NaN where missing. */
export interface ItemExampleFeatures {
  /** Row-major, examples × `set.features`. */
  values: Float64Array;
  /** Examples whose item the store did not hold as of their date (own figures missing). */
  notFound: number;
}

const T = {
  batch: 'ccrg_item_ex_batch',
  /** The item signals of a one-block window, read once instead of re-evaluating the view at each of its three reads. */
  signals: 'ccrg_item_ex_signals',
  examples: 'ccrg_item_ex',
  labelled: 'ccrg_item_labelled',
} as const;

/**
 * Fills each example's recent volume: the items its importer declared, and
 * their customs value, in the `RECENT_DAYS` days before its release date.
 * An item counts from the day it was both released and first declared
 * (its first version), so nothing declared on or after the example's
 * release, which is never after its as-of date, is counted.
 */
function recentVolumeSql(): string {
  return `UPDATE ${T.examples} x SET importer_recent_items = r.n, importer_recent_log_value = r.lv
  FROM (
    WITH span AS (
      SELECT CAST(min(release_date) - INTERVAL ${RECENT_DAYS} DAY AS DATE) AS since, max(release_date) AS until FROM ${T.examples}
    ), candidates AS (
      -- An item counts from its first version's day (never before its release): it has a version in the span.
      SELECT DISTINCT d.decl_id, d.item_no FROM declarations d, span
      WHERE d.version_date >= span.since AND d.version_date < span.until AND d.${IMPORT_ITEMS_SQL}
        AND d.importer_inn IN (SELECT DISTINCT importer_inn FROM ${T.examples})
    ), first AS (
      SELECT d.importer_inn AS inn, greatest(d.release_date, d.version_date) AS known_day, coalesce(d.customs_value_rub, 0) AS v
      FROM declarations d SEMI JOIN candidates c ON c.decl_id = d.decl_id AND c.item_no = d.item_no
      QUALIFY row_number() OVER (PARTITION BY d.decl_id, d.item_no ORDER BY d.version, d.version_date, d.ingest_id) = 1
    ), cum AS (
      SELECT inn, known_day, sum(n) OVER w AS cn, sum(v) OVER w AS cv
      FROM (SELECT inn, known_day, count(*) AS n, sum(CAST(v AS DECIMAL(38, 2))) AS v FROM first GROUP BY ALL)
      WINDOW w AS (PARTITION BY inn ORDER BY known_day ROWS UNBOUNDED PRECEDING)
    ), ex AS (
      SELECT example_id, importer_inn AS inn, release_date, CAST(release_date - INTERVAL ${RECENT_DAYS} DAY AS DATE) AS since FROM ${T.examples} WHERE release_date IS NOT NULL
    ), upto AS (
      SELECT ex.example_id, ex.inn, ex.since, a.cn, a.cv FROM ex ASOF LEFT JOIN cum a ON a.inn = ex.inn AND ex.release_date > a.known_day
    )
    SELECT u.example_id, coalesce(u.cn, 0) - coalesce(b.cn, 0) AS n,
      round(ln(1 + greatest(0, CAST(coalesce(u.cv, 0) - coalesce(b.cv, 0) AS DOUBLE))), 6) AS lv
    FROM upto u ASOF LEFT JOIN cum b ON b.inn = u.inn AND u.since > b.known_day
  ) r
  WHERE x.example_id = r.example_id`;
}

/**
 * Months of history the item signals of the batch's examples need as of
 * `asOf`: the peer blocks (`peerWindowMonths` each, counted back from the
 * as-of month) down to the one holding the oldest example item, at most
 * the post-release control period. An item's peers are the other items of
 * its own block, so a shorter window gives the same values as the whole
 * control period while reading only the blocks the examples sit in (a
 * month's items: one block instead of twelve).
 */
async function signalWindowMonths(db: Db, asOf: string, defaults: Omit<FeatureParams, 'asOf'>): Promise<number> {
  const widest = Math.max(defaults.windowMonths, defaults.controlYears * 12);
  const [row] = await db.all(
    `SELECT (year(CAST($as_of AS DATE)) * 12 + month(CAST($as_of AS DATE))) - min(year(d.release_date) * 12 + month(d.release_date)) AS back
     FROM declarations d SEMI JOIN ${T.batch} b ON b.decl_id = d.decl_id AND b.item_no = d.item_no WHERE d.release_date <= CAST($as_of AS DATE)`,
    { as_of: asOf },
  );
  const back = row?.['back'] === null || row?.['back'] === undefined ? 0 : Math.max(0, Number(row['back']));
  const pw = defaults.peerWindowMonths;
  return Math.min(widest, (Math.floor(back / pw) + 1) * pw);
}

/**
 * Computes each example's item features as of its own as-of date, nothing
 * after it: once per distinct date, the store as it stood then
 * (src/features/as-of-tables.ts) and the item signals of `score`
 * (src/features/item-signals.ts, with the activity window widened to the
 * control period so that older examined items have peers); then the entity
 * history rates of all examples at once from labels known strictly before
 * the item's own release date (or the as-of date, when earlier;
 * src/models/risk/history). Leak-free by construction: an item's own label
 * and every label of its declaration are known on its release day or
 * later, whatever lag the mapping states, so none of them reaches its
 * features; the same rule holds when an item is scored. The history keys and extra
 * columns come from the item's latest version as of the date; an item the
 * store did not hold then keeps its inspected inn as importer.
 */
export async function itemExampleFeatures(
  db: Db,
  examples: readonly ItemExample[] | ItemBatchQuery,
  set: ItemFeatureSet,
  defaults: Omit<FeatureParams, 'asOf'>,
): Promise<ItemExampleFeatures> {
  // Every table below is read by example id, never in its row order.
  return withoutInsertionOrder(db, () => featuresOf(db, examples, set, defaults));
}

/** The examples' batches, one per as-of date in date order, each filling the batch table. */
function batchesOf(db: Db, examples: readonly ItemExample[] | ItemBatchQuery): { asOf: string; fill: () => Promise<void> }[] {
  if (!isExampleList(examples)) {
    return [{ asOf: examples.asOf, fill: () => db.run(`INSERT INTO ${T.batch} SELECT example_id, decl_id, item_no, inn FROM (${examples.sql})`) }];
  }
  const byDate = new Map<string, number[]>();
  examples.forEach((e, i) => {
    const indexes = byDate.get(e.asOf);
    if (indexes === undefined) byDate.set(e.asOf, [i]);
    else indexes.push(i);
  });
  return [...byDate.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([asOf, indexes]) => ({
      asOf,
      fill: () =>
        db.appendRows(T.batch, ['integer', 'varchar', 'integer', 'varchar'], indexes.length, (r, c) => {
          const i = indexes[r] as number;
          const e = examples[i] as ItemExample;
          return c === 0 ? i : c === 1 ? e.declId : c === 2 ? e.itemNo : e.inn;
        }),
    }));
}

function isExampleList(examples: readonly ItemExample[] | ItemBatchQuery): examples is readonly ItemExample[] {
  return Array.isArray(examples);
}

async function featuresOf(db: Db, examples: readonly ItemExample[] | ItemBatchQuery, set: ItemFeatureSet, defaults: Omit<FeatureParams, 'asOf'>): Promise<ItemExampleFeatures> {
  const nOwn = set.own.length + set.extraNumeric.length;
  const n = set.features.length;
  const count = isExampleList(examples) ? examples.length : examples.count;
  // In shared memory: prediction reads it from worker threads without a copy.
  const values = sharedFloat64Array(count * n).fill(Number.NaN);
  const tables = await Workspace.open(db, 'item example tables', 'the item examples');
  for (const name of Object.values(T)) tables.claim(name);
  const ownColumns = [
    ...set.own.map((f) => `round(CAST(${f.sql ?? 'NULL'} AS DOUBLE), 6) AS ${quoteIdent(f.id)}`),
    ...set.extraNumeric.map((name) => `round(CAST(d.extra_num[${quoteLiteral(name)}] AS DOUBLE), 6) AS ${quoteIdent(`extra_${name}`)}`),
  ];
  await db.run(`CREATE OR REPLACE TEMP TABLE ${T.examples} (example_id INTEGER, as_of DATE, release_date DATE, found BOOLEAN, importer_inn VARCHAR,
    customs_representative_inn VARCHAR, hs_code VARCHAR, origin_country VARCHAR, dispatch_country VARCHAR, customs_office VARCHAR, extra_cat MAP(VARCHAR, VARCHAR)
    ${set.own.map((f) => `, ${quoteIdent(f.id)} DOUBLE`).join('')}${set.extraNumeric.map((name) => `, ${quoteIdent(`extra_${name}`)} DOUBLE`).join('')})`);
  for (const { asOf, fill } of batchesOf(db, examples)) {
    await db.run(`CREATE OR REPLACE TEMP TABLE ${T.batch} (example_id INTEGER, decl_id VARCHAR, item_no INTEGER, inn VARCHAR)`);
    await fill();
    const windowMonths = await signalWindowMonths(db, asOf, defaults);
    const signals = await computeItemSignals(db, { ...defaults, asOf, windowMonths }, 'item examples');
    // One block (a month's items): the view is copied once and read three times below. Wider
    // windows (items examined years after release) read the view: a copy of years of items
    // costs more than the reads (src/features/item-signals.ts).
    let items = signals.itemTable;
    if (windowMonths <= defaults.peerWindowMonths) {
      await db.run(`CREATE OR REPLACE TEMP TABLE ${T.signals} AS SELECT * FROM ${signals.itemTable}`);
      items = T.signals;
    }
    // The 3-month block of a release date, counted back from the as-of month, as the peer comparison counts it.
    const blockSql = (date: string): string =>
      `((year(${sqlDate(asOf)}) * 12 + month(${sqlDate(asOf)})) - (year(${date}) * 12 + month(${date}))) // ${defaults.peerWindowMonths}`;
    await db.run(`INSERT INTO ${T.examples}
      SELECT e.example_id, least(${sqlDate(asOf)}, coalesce(s.release_date, ${sqlDate(asOf)})), s.release_date, s.decl_id IS NOT NULL, coalesce(s.inn, e.inn),
        d.customs_representative_inn, s.hs_code, s.origin_country, s.dispatch_country, s.customs_office, d.extra_cat
        ${ownColumns.map((c) => `, ${c}`).join('')}
      FROM ${T.batch} e
        LEFT JOIN ${items} s ON s.decl_id = e.decl_id AND s.item_no = e.item_no
        LEFT JOIN declarations d ON d.decl_id = s.decl_id AND d.item_no = s.item_no AND d.version = s.version
        LEFT JOIN (
          SELECT i.decl_id, count(*) AS n_items, sum(i.customs_value_rub) AS value, min(i.unit_value_log_dev) AS min_dev
          FROM ${items} i SEMI JOIN ${T.batch} b ON b.decl_id = i.decl_id GROUP BY i.decl_id
        ) dc ON dc.decl_id = s.decl_id
        LEFT JOIN (
          SELECT ${blockSql('i.release_date')} AS block, i.hs_code, count(*) AS items, median(i.unit_value_rub_per_kg) AS median_uv
          FROM ${items} i
          WHERE i.unit_value_rub_per_kg > 0 AND i.hs_code IN (SELECT s2.hs_code FROM ${items} s2 SEMI JOIN ${T.batch} b ON b.decl_id = s2.decl_id AND b.item_no = s2.item_no)
          GROUP BY ALL
        ) cm ON cm.hs_code = s.hs_code AND cm.block = ${blockSql('s.release_date')}
      QUALIFY row_number() OVER (PARTITION BY e.example_id ORDER BY d.version_date DESC NULLS LAST, d.ingest_id DESC NULLS LAST) = 1`);
    await db.run(`DROP TABLE IF EXISTS ${T.signals}`);
    await signals.workspace.drop();
  }
  if (set.own.some((f) => f.sql === null)) await db.run(recentVolumeSql());
  // Only labels known before the latest as-of date can reach a feature (entityRatesSql reads known_date < as_of):
  // a scored month's own labels, known later, are left out of the cumulative tables.
  await db.run(`CREATE OR REPLACE TEMP TABLE ${T.labelled} AS
    SELECT * FROM (${labelledItemsSql()}) WHERE known_date < (SELECT max(as_of) FROM ${T.examples})`);
  // Streamed in chunks into the value array: a month of items is millions of rows, too many for row objects.
  let notFound = 0;
  const ownColumnsSql = set.features.slice(0, nOwn).map((f) => `, CAST(${quoteIdent(f)} AS DOUBLE)`).join('');
  await db.scanNumbers(`SELECT example_id, CAST(found AS INTEGER)${ownColumnsSql} FROM ${T.examples}`, undefined, (columns, rows) => {
    const [ids, found] = columns as [Float64Array, Float64Array];
    for (let r = 0; r < rows; r++) {
      const at = (ids[r] as number) * n;
      if (found[r] !== 1) notFound++;
      for (let j = 0; j < nOwn; j++) values[at + j] = (columns[j + 2] as Float64Array)[r] as number;
    }
  });
  // The rates in a few narrower queries: one joining every entity's lookup onto millions of
  // examples carries ever wider rows through its joins (1.5M items, 24 entities: 22 s in one
  // query, 17 s in four).
  const nEntities = set.rates.entities.length;
  for (let first = 0; first < nEntities; first += ENTITIES_PER_QUERY) {
    const group = Array.from({ length: Math.min(nEntities, first + ENTITIES_PER_QUERY) - first }, (_, k) => first + k);
    await db.scanNumbers(`SELECT * FROM (${entityRatesSql(T.examples, T.labelled, set.rates, { ordered: false, entities: group })})`, undefined, (columns, rows) => {
      const ids = columns[0] as Float64Array;
      const width = columns.length - 1;
      for (let r = 0; r < rows; r++) {
        const at = (ids[r] as number) * n + nOwn + 2 * first;
        for (let j = 0; j < width; j++) values[at + j] = (columns[j + 1] as Float64Array)[r] as number;
      }
    });
  }
  await tables.drop();
  return { values, notFound };
}
