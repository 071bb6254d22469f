import { MOVEMENT_RETIRED_EXPORTS, servedAndMovedSql } from '../store/movement-months.js';
import { AS_OF_TABLES } from './as-of-tables.js';
import { exactDoubleSum } from './item-signals.js';
import { asOfLiteral, windowStartSql } from './params.js';
import { rnptItemSql } from './traceability.js';
import type { FeatureDef, FeatureFamily, FeatureParams, PrepareContext } from './types.js';

const family = 'exports';

/** Days an exporter has to confirm a zero-rate sale with its export declaration (Tax Code art. 165). */
export const CONFIRM_DAYS = 180;

/** Days an export declaration may precede the sale it confirms. */
const DECLARED_BEFORE_DAYS = 90;

/** An export priced above this multiple of the market's unit value of its code counts as overvalued. */
export const EXPORT_PRICE_MULTIPLE = 3;

/** Days between a retirement by export and its export declaration that still match. */
const RETIREMENT_MATCH_DAYS = 30;

/** The standard VAT rate, used to put an amount at stake on a zero-rate sale. */
const VAT_RATE = 0.2;

const judged =
  `the due quarters among the last vatQuarters whose ${CONFIRM_DAYS}-day confirmation period has run out by the as-of date (quarter end + ${CONFIRM_DAYS} days ≤ as-of) and that start at least ${DECLARED_BEFORE_DAYS} days after the first release date of a declaration in the store (judged quarters)`;

const noExports = 'NULL when the store holds no export declaration as of the date (a declarations extract without exports cannot confirm anything), or when the participant filed no return of a judged quarter with the zero-rate columns.';

const FEATURES: readonly FeatureDef[] = [
  {
    id: 'zero_rate_without_export_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Zero-rate sales claimed without an export declaration',
    formula:
      `max(0, S − U − E): S = zero_rate_sales_rub − zero_rate_sales_eaeu_rub summed over the participant's returns of ${judged}; ` +
      `U = zero_rate_unconfirmed_rub summed over its returns of the judged quarters and every later due quarter (sales moved to Section 6 and taxed); ` +
      `E = customs value of its export declarations (procedure 10) released from ${DECLARED_BEFORE_DAYS} days before the first judged quarter to ${CONFIRM_DAYS} days after the last. ${noExports}`,
    rationale:
      'A sale at the zero VAT rate must be confirmed by an export declaration within 180 days, or moved to Section 6 and taxed. Sales to buyers in other EAEU members are confirmed by the buyer\'s application instead and are left out. Comparing cumulative sums over quarters whose 180 days have run out lets a declaration filed late (within the 180 days) still confirm its sale; what remains is zero-rate turnover that customs never saw leave.',
    catches: ['zero_rate_without_export'],
    sources: ['tax_returns.zero_rate_sales_rub', 'tax_returns.zero_rate_sales_eaeu_rub', 'tax_returns.zero_rate_unconfirmed_rub', 'declarations.procedure', 'declarations.customs_value_rub'],
    needs: ['tax_returns'],
  },
  {
    id: 'zero_rate_without_export_share',
    family,
    unit: 'share',
    decimals: 4,
    title: 'Share of the zero-rate sales no export declaration confirms',
    formula: 'zero_rate_without_export_rub / S; NULL when S is 0 or the excess is NULL.',
    rationale: 'Scale-free version of the excess: 1 when no export declaration at all stands behind the zero-rate sales.',
    catches: ['zero_rate_without_export'],
    sources: ['tax_returns.zero_rate_sales_rub', 'declarations.customs_value_rub'],
    needs: ['tax_returns'],
  },
  {
    id: 'zero_rate_vat_at_stake_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'VAT on the zero-rate sales no export declaration confirms',
    formula: `${VAT_RATE} × zero_rate_without_export_rub (the standard rate: goods at the reduced 10% rate would owe half).`,
    rationale: 'What the zero rate saved on sales that were never shown to leave the country: the tax authority\'s amount at stake.',
    catches: ['zero_rate_without_export'],
    sources: ['tax_returns.zero_rate_sales_rub', 'declarations.customs_value_rub'],
    needs: ['tax_returns'],
  },
  {
    id: 'zero_rate_sales_claimed_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Zero-rate sales to outside the EAEU claimed in the judged quarters',
    formula: `S as for zero_rate_without_export_rub. ${noExports}`,
    rationale: 'The tax-side figure of the comparison, shown in reasons.',
    catches: [],
    sources: ['tax_returns.zero_rate_sales_rub', 'tax_returns.zero_rate_sales_eaeu_rub'],
    needs: ['tax_returns'],
  },
  {
    id: 'export_declared_value_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Customs value of the export declarations that can confirm them',
    formula: 'E as for zero_rate_without_export_rub; NULL when the store holds no export declaration as of the date.',
    rationale: 'The customs-side figure of the comparison, shown in reasons.',
    catches: [],
    sources: ['declarations.procedure', 'declarations.customs_value_rub', 'declarations.release_date'],
  },
  {
    id: 'export_value_window_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Customs value exported in the activity window',
    formula: 'Sum of customs_value_rub of the participant\'s export declarations (procedure 10) released in the windowMonths months up to the as-of date; 0 without any.',
    rationale: 'Context: the size of the participant\'s exports.',
    catches: [],
    sources: ['declarations.procedure', 'declarations.customs_value_rub'],
  },
  {
    id: 'export_overvaluation_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: `Export value beyond ${EXPORT_PRICE_MULTIPLE} times the market price of the goods`,
    formula:
      `Sum over the participant's export items released in the window of max(0, customs value − ${EXPORT_PRICE_MULTIPLE} × m × net weight), m = exp(median ln(customs_value_rub / net_weight_kg)) over every item of the same 6-digit code released in the window, imports under a payment procedure and exports alike, ` +
      'when they number at least peerMinItems from at least peerMinImporters + 1 declarants (else the 4-digit code under the same rule; else the item is not compared). 0 without export items.',
    rationale:
      'Goods exported at many times what the same goods cost at the border, in either direction, are exported on paper (a carousel or a fictitious export): the inflated zero-rate turnover carries a refund of input VAT on purchases that were never made at that price.',
    catches: ['fictitious_export'],
    sources: ['declarations.procedure', 'declarations.customs_value_rub', 'declarations.net_weight_kg', 'declarations.hs_code'],
  },
  {
    id: 'export_overvaluation_vat_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Input VAT a refund could carry on the overvalued exports',
    formula: `${VAT_RATE} × export_overvaluation_rub.`,
    rationale: 'The tax authority\'s amount at stake: the input VAT on the purchases behind the overstated export value.',
    catches: ['fictitious_export'],
    sources: ['declarations.customs_value_rub', 'declarations.net_weight_kg'],
  },
  {
    id: 'export_price_log_ratio',
    family,
    unit: 'log',
    decimals: 4,
    title: 'Export price against the market price of the goods (log)',
    formula: 'Value-weighted mean over the participant\'s compared export items in the window of ln(customs value / net weight) − ln m, m as for export_overvaluation_rub; NULL without compared export items.',
    rationale: 'Scale-free: ln 3 ≈ 1.1 means the exports are priced at three times the market on average.',
    catches: ['fictitious_export'],
    sources: ['declarations.customs_value_rub', 'declarations.net_weight_kg', 'declarations.hs_code'],
  },
  {
    id: 'retired_export_undeclared_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Traceable goods retired as exported without an export declaration',
    formula:
      `Value (value_rub) of the participant's retirements by export (doc_type retired_export, seller_inn) dated in the window at least ${RETIREMENT_MATCH_DAYS} days before the as-of date, ` +
      `for which the participant has no export declaration released within ${RETIREMENT_MATCH_DAYS} days of the retirement's date with the same 4-digit code as the batch's import item (the RNPT's declaration item; any code when the RNPT names no item in the store). 0 without such retirements.`,
    rationale: 'A batch of traceable goods leaves circulation by an export only with an export declaration; without one, the goods were sold on the domestic market off the books.',
    catches: [],
    sources: ['traceability.doc_type', 'traceability.rnpt', 'traceability.value_rub', 'declarations.procedure', 'declarations.hs_code'],
    needs: ['traceability'],
  },
];

/** TEMP table of the scored participants' retirements by export dated in the window up to RETIREMENT_MATCH_DAYS before the as-of date, per seller, RNPT and date. */
const RETIRED = 'ccrg_export_retired';

function prepare(params: FeatureParams, context: PrepareContext): string[] {
  const t = AS_OF_TABLES;
  // The months the store's retirement sums serve (src/store/movement-months.ts), and the others from the as-of movements.
  return [
    `CREATE OR REPLACE TEMP TABLE ${RETIRED} AS
     SELECT seller_inn, rnpt, doc_date, value
     FROM (${servedAndMovedSql(MOVEMENT_RETIRED_EXPORTS, context.movementMonths, `SELECT * FROM ${t.traceability}`)})
     WHERE doc_date >= ${windowStartSql(params, params.windowMonths)} AND doc_date <= ${asOfLiteral(params)} - INTERVAL ${RETIREMENT_MATCH_DAYS} DAY
       AND seller_inn IN (SELECT inn FROM ${t.universe})`,
  ];
}

function sql(params: FeatureParams): string {
  const t = AS_OF_TABLES;
  const asOf = asOfLiteral(params);
  const windowStart = windowStartSql(params, params.windowMonths);
  const minItems = params.peerMinItems;
  const minDeclarants = params.peerMinImporters + 1;
  const item = rnptItemSql('m.rnpt');
  return `WITH has_exports AS (SELECT count(*) > 0 AS any FROM ${t.exports}),
  start AS (
    SELECT least(first_release, first_export_release) AS data_start FROM ${t.summary}
  ),
  j AS (
    SELECT q.* FROM ${t.dueQuarters} q, start s
    WHERE q.q_rank <= ${params.vatQuarters} AND q.q_end + INTERVAL ${CONFIRM_DAYS} DAY <= ${asOf}
      AND q.q_start >= s.data_start + INTERVAL ${DECLARED_BEFORE_DAYS} DAY
  ),
  span AS (
    SELECT CAST(min(q_start) - INTERVAL ${DECLARED_BEFORE_DAYS} DAY AS DATE) AS e_from,
      least(${asOf}, CAST(max(q_end) + INTERVAL ${CONFIRM_DAYS} DAY AS DATE)) AS e_to, min(q_start) AS j_start
    FROM j
  ),
  claimed AS (
    SELECT r.inn, count(r.zero_rate_sales_rub) AS n,
      CAST(sum(coalesce(r.zero_rate_sales_rub, 0) - coalesce(r.zero_rate_sales_eaeu_rub, 0)) AS DOUBLE) AS s
    FROM ${t.tax_returns} r JOIN j USING (tax_period) GROUP BY r.inn
  ),
  moved AS (
    SELECT r.inn, CAST(sum(coalesce(r.zero_rate_unconfirmed_rub, 0)) AS DOUBLE) AS u
    FROM ${t.tax_returns} r JOIN ${t.dueQuarters} q USING (tax_period), span
    WHERE q.q_start >= span.j_start GROUP BY r.inn
  ),
  declared AS (
    SELECT x.inn, ${exactDoubleSum('x.value')} AS e FROM ${t.exports} x, span WHERE x.release_date BETWEEN span.e_from AND span.e_to GROUP BY x.inn
  ),
  zero AS (
    SELECT c.inn, c.s, greatest(0, c.s - coalesce(m.u, 0) - coalesce(d.e, 0)) AS excess
    FROM claimed c LEFT JOIN moved m USING (inn) LEFT JOIN declared d USING (inn), has_exports h
    WHERE c.n > 0 AND h.any
  ),
  -- The window's export lines with a price per kg: market items, and the lines priced against the market.
  window_exports AS (
    SELECT inn, hs_code, value, weight, ln(value / weight) AS luv FROM ${t.exports} WHERE release_date >= ${windowStart} AND value > 0 AND weight > 0
  ),
  -- Read by both reference levels: materialised, its 19M rows cost seconds more than scanning the items twice.
  market_items AS NOT MATERIALIZED (
    SELECT inn, hs_code, ln(customs_value_rub / net_weight_kg) AS luv FROM ${t.declarations}
    WHERE in_window AND is_payment AND customs_value_rub > 0 AND net_weight_kg > 0
    UNION ALL
    SELECT inn, hs_code, luv FROM window_exports
  ),
  -- References only where an export line reads one: the codes exported in the window, and the 4-digit
  -- level only for the codes without a 6-digit reference (coalesce below reads it for no other line).
  exported AS (SELECT DISTINCT left(hs_code, 6) AS hs6 FROM window_exports),
  m6 AS (
    SELECT left(c.hs_code, 6) AS hs6, median(c.luv) AS ref FROM market_items c SEMI JOIN exported e ON e.hs6 = left(c.hs_code, 6)
    GROUP BY ALL HAVING count(*) >= ${minItems} AND count(DISTINCT c.inn) >= ${minDeclarants}
  ),
  unpriced AS (SELECT DISTINCT left(e.hs6, 4) AS hs4 FROM exported e ANTI JOIN m6 a ON a.hs6 = e.hs6),
  m4 AS (
    SELECT left(c.hs_code, 4) AS hs4, median(c.luv) AS ref FROM market_items c SEMI JOIN unpriced o ON o.hs4 = left(c.hs_code, 4)
    GROUP BY ALL HAVING count(*) >= ${minItems} AND count(DISTINCT c.inn) >= ${minDeclarants}
  ),
  priced AS (
    SELECT x.inn, x.value, x.weight, x.luv, coalesce(a.ref, b.ref) AS ref
    FROM window_exports x LEFT JOIN m6 a ON a.hs6 = left(x.hs_code, 6) LEFT JOIN m4 b ON b.hs4 = left(x.hs_code, 4)
  ),
  price AS (
    SELECT inn, ${exactDoubleSum('value')} AS window_value,
      coalesce(${exactDoubleSum(`greatest(0, value - ${EXPORT_PRICE_MULTIPLE} * exp(ref) * weight)`, 'ref IS NOT NULL')}, 0) AS over,
      ${exactDoubleSum('(luv - ref) * value', 'ref IS NOT NULL')} / nullif(${exactDoubleSum('value', 'ref IS NOT NULL')}, 0) AS log_ratio
    FROM priced GROUP BY inn
  ),
  retired AS (
    SELECT m.seller_inn AS inn, m.doc_date, m.value AS value_rub, ${item.declId} AS decl_id, ${item.itemNo} AS item_no
    FROM ${RETIRED} m
  ),
  retired_code AS (
    SELECT r.*, left(d.hs_code, 4) AS hs4
    FROM retired r LEFT JOIN ${t.declarations} d ON d.decl_id = r.decl_id AND d.item_no = r.item_no
  ),
  undeclared AS (
    SELECT r.inn, ${exactDoubleSum('r.value_rub')} AS v FROM retired_code r
    WHERE NOT EXISTS (
      SELECT 1 FROM ${t.exports} x
      WHERE x.inn = r.inn AND abs(datediff('day', x.release_date, r.doc_date)) <= ${RETIREMENT_MATCH_DAYS}
        AND (r.hs4 IS NULL OR left(x.hs_code, 4) = r.hs4)
    )
    GROUP BY r.inn
  )
  SELECT u.inn,
    z.excess AS zero_rate_without_export_rub,
    CASE WHEN z.s > 0 THEN z.excess / z.s END AS zero_rate_without_export_share,
    ${VAT_RATE} * z.excess AS zero_rate_vat_at_stake_rub,
    z.s AS zero_rate_sales_claimed_rub,
    CASE WHEN h.any THEN coalesce(d.e, 0) END AS export_declared_value_rub,
    coalesce(p.window_value, 0) AS export_value_window_rub,
    coalesce(p.over, 0) AS export_overvaluation_rub,
    ${VAT_RATE} * coalesce(p.over, 0) AS export_overvaluation_vat_rub,
    p.log_ratio AS export_price_log_ratio,
    coalesce(x.v, 0) AS retired_export_undeclared_rub
  FROM ${t.universe} u CROSS JOIN has_exports h
    LEFT JOIN zero z USING (inn) LEFT JOIN declared d USING (inn) LEFT JOIN price p USING (inn) LEFT JOIN undeclared x USING (inn)`;
}

/** Family 10: exports at the zero VAT rate against the export declarations, export prices against the market, and retirements by export. */
export const exportsFamily: FeatureFamily = {
  id: family,
  description:
    'Exports: zero-rate sales of the VAT returns against the export declarations (procedure 10) that confirm them within 180 days (sales to EAEU buyers left out), export prices against the market price of the same goods, and traceable goods retired as exported without an export declaration.',
  needs: ['declarations'],
  features: FEATURES,
  sql,
  prepare,
  preparedTables: [RETIRED],
  readsMovements: true,
};
