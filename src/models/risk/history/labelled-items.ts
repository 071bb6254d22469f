import { sqlDate } from '../../../io/sql.js';
import { isCalendarDate } from '../../../util/period.js';

/** Options of {@link labelledItemsSql}. */
export interface LabelledItemsOptions {
  /** Keep only labels known on or before this date (YYYY-MM-DD); default: all. */
  knownBy?: string;
}

/** The columns of {@link labelledItemsSql}, in order. */
export const LABELLED_ITEM_COLUMNS = [
  'decl_id',
  'item_no',
  'importer_inn',
  'customs_representative_inn',
  'hs_code',
  'origin_country',
  'dispatch_country',
  'customs_office',
  'extra_cat',
  'violation',
  'charges_rub',
  'known_date',
  'source',
] as const;

/**
 * SQL for every labelled declaration item of the store, with its entity keys
 * and the date its label became known (`known_date`). Two sources, stacked
 * (UNION ALL; an item labelled twice counts twice, as two examinations):
 *
 * - `item_outcomes` (`source` = 'item_outcomes'): an examined item is known
 *   at its inspection's `completed_date` (the earliest stored one, as
 *   `asOfSql('item_outcomes', d)` shows findings once any outcome row of the
 *   inspection is completed by d); open inspections give nothing. The entity
 *   keys come from the declaration item's latest version as of that date; an
 *   item with no declaration version by then keeps NULL keys (it still
 *   counts toward the prior). `violation` and `charges_rub` are the item's
 *   finding.
 * - label columns carried on declaration rows (`source` = 'declarations'):
 *   known at `label_known_date` (release + the mapping's lag), one row per
 *   item, from the latest version made by that date. `violation` is
 *   `label_violation`, or `label_charges_rub > 0` when only charges are
 *   mapped.
 *
 * Columns: decl_id, item_no, importer_inn, customs_representative_inn,
 * hs_code, origin_country, dispatch_country, customs_office, extra_cat (MAP), violation
 * (0/1), charges_rub (DECIMAL, may be NULL), known_date (DATE), source.
 */
export function labelledItemsSql(options: LabelledItemsOptions = {}): string {
  let knownBy = '';
  if (options.knownBy !== undefined) {
    if (!isCalendarDate(options.knownBy)) throw new Error(`knownBy must be a date YYYY-MM-DD; got ${JSON.stringify(options.knownBy)}`);
    knownBy = ` AND known_date <= ${sqlDate(options.knownBy)}`;
  }
  return `SELECT * FROM (
  WITH done AS (
    SELECT inspection_id, min(completed_date) AS known_date
    FROM outcomes WHERE completed_date IS NOT NULL GROUP BY inspection_id
  )
  (SELECT io.decl_id, io.item_no, d.importer_inn, d.customs_representative_inn, d.hs_code, d.origin_country, d.dispatch_country,
    d.customs_office, d.extra_cat, io.violation, io.additional_charges_rub AS charges_rub, done.known_date,
    'item_outcomes' AS source
  FROM item_outcomes io
  JOIN done ON done.inspection_id = io.inspection_id
  LEFT JOIN declarations d ON d.decl_id = io.decl_id AND d.item_no = io.item_no
    AND d.release_date <= done.known_date AND d.version_date <= done.known_date
  QUALIFY row_number() OVER (PARTITION BY io.inspection_id, io.decl_id, io.item_no
    ORDER BY d.version DESC NULLS LAST, d.version_date DESC NULLS LAST, d.ingest_id DESC NULLS LAST) = 1)
  UNION ALL
  (SELECT decl_id, item_no, importer_inn, customs_representative_inn, hs_code, origin_country, dispatch_country,
    customs_office, extra_cat,
    coalesce(label_violation, CASE WHEN label_charges_rub > 0 THEN 1 ELSE 0 END) AS violation,
    label_charges_rub AS charges_rub, label_known_date AS known_date, 'declarations' AS source
  FROM declarations
  WHERE (label_violation IS NOT NULL OR label_charges_rub IS NOT NULL) AND label_known_date IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY decl_id, item_no
    ORDER BY (version_date <= label_known_date) DESC, version DESC, version_date DESC, ingest_id DESC) = 1)
) WHERE TRUE${knownBy}`;
}
