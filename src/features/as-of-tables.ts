import type { ExtractId } from '../contract/extracts.js';
import type { Db } from '../io/db.js';
import { quoteLiteralList } from '../io/sql.js';
import { anyMovementAsOfSql, asOfSql, EXPORT_ITEMS_SQL, IMPORT_ITEMS_SQL } from '../store/as-of.js';
import { datedOutsideMonthsSql } from '../store/movement-months.js';
import { dueQuarters, dueQuartersSql, windowQuarterCount, windowStartSql } from './params.js';
import type { FeatureParams } from './types.js';

/** TEMP tables holding the store as it stood on the as-of date, and the derived tables every family reads. */
export const AS_OF_TABLES = {
  /** TEMP view: declaration items (latest version by as-of) with derived columns: `inn`, `in_window`, `is_payment`, `q_key` (year·4 + quarter − 1), `peer_block` (months back from the as-of month // peerWindowMonths). */
  declarations: 'ccrg_asof_declarations',
  tax_returns: 'ccrg_asof_tax_returns',
  participants: 'ccrg_asof_participants',
  outcomes: 'ccrg_asof_outcomes',
  tax_signals: 'ccrg_asof_tax_signals',
  /** Movements of traceable goods with a scored participant (`universe`) as seller or buyer, the highest correction of each document line made by the date, of the document months the store's per-month aggregates do not serve (PrepareContext.movementMonths): rnpt, doc_type, doc_no, doc_date, seller_inn, buyer_inn, quantity, unit, value_rub (DOUBLE). */
  traceability: 'ccrg_asof_traceability',
  /** Applications on EAEU imports, the highest correction of each line filed by the date: inn (the applicant), goods_date (accepted_date, else application_date), vat_rub, hs_code, quantity, unit, value_rub (DOUBLE amounts). */
  eaeu_imports: 'ccrg_asof_eaeu_imports',
  /** Items of export declarations (procedure 10) released by the as-of date, latest version by then: inn (the exporter), decl_id, item_no, release_date, hs_code, value (DOUBLE), weight (DOUBLE). */
  exports: 'ccrg_asof_exports',
  /** One row per importer with an item released in the window: register data, main office, window customs value. */
  universe: 'ccrg_universe',
  /** One row: `declarations` (the as-of import items), `first_release` (their first release date), `first_export_release` (the export items'), from one pass over the store. */
  summary: 'ccrg_asof_summary',
  /** Due quarters: tax_period, q_start, q_end, q_rank (1 = latest due), q_key. */
  dueQuarters: 'ccrg_due_quarters',
  /** Per inn and due quarter: customs value and import VAT of payment-procedure items released in it. */
  customsQuarters: 'ccrg_customs_quarters',
} as const;

/** Row counts of the as-of extracts, to tell which features the data can provide (`traceability`: 1 when the store holds movements as of the date, else 0). */
export type AsOfCounts = Record<'declarations' | 'tax_returns' | 'participants' | 'outcomes' | 'tax_signals' | 'traceability' | 'eaeu_imports', number>;

// The columns features and the item table read.
const DECLARATION_COLUMNS = [
  'decl_id', 'item_no', 'version', 'release_date', 'procedure', 'customs_office', 'hs_code', 'origin_country',
  'dispatch_country', 'preference', 'customs_value_rub', 'net_weight_kg', 'supplementary_qty', 'supplementary_unit', 'duty_rub', 'import_vat_rub', 'excise_rub',
  'valuation_method',
];

/** SELECT of the as-of declarations of the items released in `where` (a predicate on the store's rows). */
function declarationsSql(params: FeatureParams, where: string): string {
  const windowStart = windowStartSql(params, params.windowMonths);
  const [y, mo] = params.asOf.split('-').map(Number) as [number, number];
  const asOfMonth = y * 12 + mo - 1;
  return `SELECT ${DECLARATION_COLUMNS.join(', ')},
       importer_inn AS inn,
       release_date >= ${windowStart} AS in_window,
       procedure IN (${quoteLiteralList(params.paymentProcedures)}) AS is_payment,
       year(release_date) * 4 + quarter(release_date) - 1 AS q_key,
       (${asOfMonth} - (year(release_date) * 12 + month(release_date) - 1)) // ${params.peerWindowMonths} AS peer_block
     FROM (${asOfSql('declarations', params.asOf, `(${where}) AND ${IMPORT_ITEMS_SQL}`)})`;
}

/**
 * The as-of declarations: a TEMP view over the store, not a copy. The store
 * as of a date is a filter on stored columns (src/store/as-of.ts,
 * `superseded_on`), so each read scans only the columns it needs, and row
 * groups released after the date are skipped; copying every item released
 * by the date (20M+ rows) cost a quarter of a batch. `windowOnly` keeps only
 * the items released in the activity window (what the item signals read),
 * instead of every item released by the date.
 */
export async function createAsOfDeclarations(db: Db, params: FeatureParams, windowOnly = false): Promise<void> {
  const where = windowOnly ? `release_date >= ${windowStartSql(params, params.windowMonths)}` : 'true';
  await db.run(`CREATE OR REPLACE TEMP VIEW ${AS_OF_TABLES.declarations} AS ${declarationsSql(params, where)}`);
}

/** Statements that (re)create the as-of TEMP tables for `params`. */
function asOfTableStatements(params: FeatureParams): string[] {
  const t = AS_OF_TABLES;
  const quarters = dueQuarters(params, Math.max(params.vatQuarters + 2, windowQuarterCount(params)));
  const asOfTable = (name: string, extract: ExtractId): string => `CREATE OR REPLACE TEMP TABLE ${name} AS ${asOfSql(extract, params.asOf)}`;
  return [
    asOfTable(t.tax_returns, 'tax_returns'),
    asOfTable(t.participants, 'participants'),
    asOfTable(t.outcomes, 'outcomes'),
    asOfTable(t.tax_signals, 'tax_signals'),
    `CREATE OR REPLACE TEMP TABLE ${t.eaeu_imports} AS
     SELECT applicant_inn AS inn, coalesce(accepted_date, application_date) AS goods_date, CAST(vat_rub AS DOUBLE) AS vat_rub,
       hs_code, CAST(quantity AS DOUBLE) AS quantity, unit, CAST(value_rub AS DOUBLE) AS value_rub
     FROM (${asOfSql('eaeu_imports', params.asOf)})`,
    `CREATE OR REPLACE TEMP TABLE ${t.exports} AS
     SELECT importer_inn AS inn, decl_id, item_no, release_date, hs_code,
       CAST(customs_value_rub AS DOUBLE) AS value, CAST(net_weight_kg AS DOUBLE) AS weight
     FROM (${asOfSql('declarations', params.asOf, EXPORT_ITEMS_SQL)})`,
    // Several families need where the data starts: read once (each scan of the as-of items costs about 0.5 s on
    // the benchmark store), together with the count that tells which features the data can provide.
    `CREATE OR REPLACE TEMP TABLE ${t.summary} AS
     SELECT d.declarations, d.first_release, e.first_export_release
     FROM (SELECT count(*)::DOUBLE AS declarations, min(release_date) AS first_release FROM ${t.declarations}) d,
       (SELECT min(release_date) AS first_export_release FROM ${t.exports}) e`,
    `CREATE OR REPLACE TEMP TABLE ${t.dueQuarters} AS ${dueQuartersSql(quarters)}`,
    `CREATE OR REPLACE TEMP TABLE ${t.universe} AS
     WITH office_value AS (
       SELECT inn, customs_office, sum(customs_value_rub) AS v
       FROM ${t.declarations} WHERE in_window GROUP BY inn, customs_office
     ), main_office AS (
       SELECT inn, customs_office AS office FROM office_value
       QUALIFY row_number() OVER (PARTITION BY inn ORDER BY v DESC, customs_office ASC NULLS LAST) = 1
     ), window_value AS (
       SELECT inn, sum(v) AS customs_value_window_rub FROM office_value GROUP BY inn
     )
     SELECT w.inn, p.name, p.region, o.office, w.customs_value_window_rub,
       p.tax_regime, p.activity_code, p.registration_date, p.headcount, p.mass_address, p.unreliable_record,
       p.inn IS NOT NULL AS in_register
     FROM window_value w JOIN main_office o USING (inn) LEFT JOIN ${t.participants} p USING (inn)`,
    `CREATE OR REPLACE TEMP TABLE ${t.customsQuarters} AS
     SELECT i.inn, q.tax_period, sum(i.customs_value_rub) AS customs_value_rub, sum(i.import_vat_rub) AS import_vat_rub
     FROM ${t.declarations} i JOIN ${t.dueQuarters} q ON i.q_key = q.q_key
     WHERE i.is_payment
     GROUP BY i.inn, q.tax_period`,
  ];
}

/**
 * Statement that creates the as-of movements (AS_OF_TABLES.traceability), after the universe: those of
 * the document months the store's per-month aggregates do not serve (`servedMonths`, YYYY-MM-01; see
 * src/store/movement-months.ts), which families read beside the aggregates of the others. Not one of
 * the tables {@link createAsOfTables} makes: as the largest as-of table (1.4 GB for the scored
 * participants' 11M movements of three national months, when no aggregate served them), it is created
 * just before the first family that reads it and dropped after the last (`readsMovements`).
 */
export function asOfMovementsSql(params: FeatureParams, servedMonths: ReadonlySet<string>): string {
  const t = AS_OF_TABLES;
  // Movements are the largest extract: only the columns the families read, and only the movements of
  // the scored participants, as seller or as buyer (every reader starts from them; domestic resellers'
  // and retailers' movements among themselves, most of a national month, are never read). The filter
  // applies to the movements as of the date: the highest correction of a line is found among all its rows.
  return `CREATE OR REPLACE TEMP TABLE ${t.traceability} AS
     SELECT rnpt, doc_type, doc_no, doc_date, seller_inn, buyer_inn, quantity, unit, CAST(value_rub AS DOUBLE) AS value_rub
     FROM (${asOfSql('traceability', params.asOf, datedOutsideMonthsSql(servedMonths))})
     WHERE seller_inn IN (SELECT inn FROM ${t.universe}) OR buyer_inn IN (SELECT inn FROM ${t.universe})`;
}

/** Creates the as-of TEMP tables and returns the as-of row counts of the extracts. */
export async function createAsOfTables(db: Db, params: FeatureParams): Promise<AsOfCounts> {
  await createAsOfDeclarations(db, params);
  for (const sql of asOfTableStatements(params)) await db.run(sql);
  const t = AS_OF_TABLES;
  const rows = await db.all(`SELECT
    (SELECT declarations FROM ${t.summary}) AS declarations,
    (SELECT count(*) FROM ${t.tax_returns})::DOUBLE AS tax_returns,
    (SELECT count(*) FROM ${t.participants})::DOUBLE AS participants,
    (SELECT count(*) FROM ${t.outcomes})::DOUBLE AS outcomes,
    (SELECT count(*) FROM ${t.tax_signals})::DOUBLE AS tax_signals,
    -- Whether the store holds movements as of the date at all (the table keeps the scored participants' only).
    (SELECT count(*) FROM (${anyMovementAsOfSql(params.asOf)}))::DOUBLE AS traceability,
    (SELECT count(*) FROM ${t.eaeu_imports})::DOUBLE AS eaeu_imports`);
  const r = rows[0] ?? {};
  return {
    declarations: Number(r['declarations'] ?? 0),
    tax_returns: Number(r['tax_returns'] ?? 0),
    participants: Number(r['participants'] ?? 0),
    outcomes: Number(r['outcomes'] ?? 0),
    tax_signals: Number(r['tax_signals'] ?? 0),
    traceability: Number(r['traceability'] ?? 0),
    eaeu_imports: Number(r['eaeu_imports'] ?? 0),
  };
}
