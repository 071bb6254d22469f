/**
 * Family 8: the goods after the border (docs/traceability.md). Movements of
 * traceable goods carry the batch registration number (RNPT) of the
 * declaration item they were imported under; per firm and RNPT the engine
 * keeps what came in (the import, or purchases and transfers from another
 * firm) and what went out (sales, transfers, retirements), as of the date.
 */
import { quoteLiteral } from '../io/sql.js';
import { asOfSql } from '../store/as-of.js';
import { datedOutsideMonthsSql, FIRST_DOCUMENTS, MOVEMENT_BALANCES, MOVEMENT_INVOICES, servedAndMovedSql } from '../store/movement-months.js';
import { AS_OF_TABLES } from './as-of-tables.js';
import { exactDoubleSum, inspectableSql } from './item-signals.js';
import { asOfLiteral, dueQuarters, windowQuarterCount, windowStartSql } from './params.js';
import type { FeatureDef, FeatureFamily, FeatureParams, PrepareContext } from './types.js';

const family = 'traceability';

/** TEMP tables of the family (see `prepare`). */
const T = {
  /** Per RNPT a scored participant moved or received, naming an as-of declaration item (`<declaration number>/<item number>`): importer, code, release, imported quantity in the movements' unit, values. */
  batches: 'ccrg_trace_batches',
  /** Per scored participant and RNPT of a batch: quantity received and sent, first and last outgoing movement, lines out, the firm's invoices, the batch's item. */
  flows: 'ccrg_trace_flows',
  /** Per scored participant and RNPT it moved or received: lines out and in, quantities sent and bought, first and last date out, invoices. */
  balances: 'ccrg_trace_balances',
  /** Per scored participant (seller) and buyer: the value of its invoices dated in the activity window. */
  invoices: 'ccrg_trace_invoices',
} as const;

/** A markup above this multiple of the peers' counts towards the amount at stake. */
const MARKUP_STAKE_FROM = 1.5;
/** An imported traceable item counts as unmoved when released this many days before the as-of date without an outgoing movement. */
const UNMOVED_AFTER_DAYS = 90;

const moved = 'RNPTs naming an item of the store with a movement out of the participant (seller_inn) dated in the activity window';

const FEATURES: readonly FeatureDef[] = [
  {
    id: 'trace_batches',
    family,
    unit: 'count',
    decimals: 0,
    title: 'Traceable batches moved',
    formula: `Number of ${moved}.`,
    rationale: 'Context: how much of the participant\'s trade the traceability system shows.',
    catches: [],
    sources: ['traceability.rnpt', 'traceability.seller_inn', 'traceability.doc_date'],
  },
  {
    id: 'trace_excess_share',
    family,
    unit: 'share',
    decimals: 4,
    title: 'Goods moved beyond what was received under the same RNPT',
    formula:
      `Over the ${moved}: sum of max(0, quantity sent − quantity received) × customs value per unit, divided by the sum of quantity received × customs value per unit. ` +
      'Sent: invoices, transfer reports and retirements with the participant as seller; received: the imported quantity (supplementary quantity when the movement\'s unit is the declaration\'s supplementary unit, net weight for kilograms, 166) when it is the importer, plus invoices and transfer reports with it as buyer. Adjustments change values, not quantities: not counted. RNPTs whose unit matches neither quantity of the declaration are left out.',
    rationale: 'Selling more under a batch number than ever came in under it: goods that crossed the border undeclared, sold under a lawful batch. Following transfers (to a commission agent) and counting every earlier import of the RNPT keeps lawful stock and consignment out.',
    catches: ['sales_beyond_imports'],
    sources: ['traceability.quantity', 'traceability.unit', 'traceability.buyer_inn', 'declarations.supplementary_qty', 'declarations.supplementary_unit', 'declarations.net_weight_kg'],
    needs: ['declarations'],
  },
  {
    id: 'trace_excess_payments_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Payments on the goods moved beyond what was received',
    formula: `Sum over the ${moved} of max(0, quantity sent − quantity received) × (duty + import VAT + excise of the item) / imported quantity.`,
    rationale: 'What the undeclared goods would have paid at the border had they been declared like the batch they were sold under.',
    catches: ['sales_beyond_imports'],
    sources: ['declarations.duty_rub', 'declarations.import_vat_rub', 'declarations.excise_rub'],
    needs: ['declarations'],
  },
  {
    id: 'trace_sold_before_release',
    family,
    unit: 'count',
    decimals: 0,
    title: 'Batches moved before their release',
    formula: `Number of the ${moved} imported by the participant whose first movement out of it is dated before the item\'s release_date.`,
    rationale: 'Goods cannot be sold before customs releases them, unless they were already in the country.',
    catches: ['sales_beyond_imports'],
    sources: ['traceability.doc_date', 'declarations.release_date'],
    needs: ['declarations'],
  },
  {
    id: 'trace_markup_vs_peers',
    family,
    unit: 'ratio',
    decimals: 4,
    title: 'Resale markup against peers',
    formula:
      `Over the ${moved} imported by the participant and sold by it on invoices: markup = (invoice value / invoice quantity) / (landed cost per imported unit: customs value + duty + excise), ` +
      'compared with the peers\' markup: the median over the scored importers of each importer\'s median ln markup on the same 6-digit code (the 4-digit heading when fewer than peerMinImporters importers sold that code in the window, NULL when the heading has fewer too); ' +
      'the value is exp of the invoice-value-weighted mean of ln(markup) − ln(peer markup). Only the importer\'s own invoices count: a commission agent\'s retail sale or a transfer is not the first sale.',
    rationale: 'The first domestic sale shows what the goods are worth: a markup far beyond what importers of the same goods make means the customs value was too low (premium goods declared at the going price of their code, which the unit-value peers cannot see).',
    catches: ['resale_markup_undervaluation'],
    sources: ['traceability.value_rub', 'traceability.doc_type', 'declarations.customs_value_rub', 'declarations.hs_code'],
    needs: ['declarations'],
  },
  {
    id: 'trace_markup_undervaluation_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Payments at stake shown by the resale price',
    formula:
      `Sum over the participant's RNPTs whose markup is above ${MARKUP_STAKE_FROM} times the peers', and whose item is still inside the control period (release + controlYears − leadMonths): ` +
      '(invoice price per unit / peer markup − landed cost per unit) × the quantity invoiced (at most the quantity imported) × (duty + import VAT + excise) / landed cost.',
    rationale: 'The payments an inspection revaluing the goods at the value their resale shows could recover. Items past the control period are the tax authority\'s (docs/traceability.md).',
    catches: ['resale_markup_undervaluation'],
    sources: ['traceability.value_rub', 'declarations.duty_rub', 'declarations.import_vat_rub'],
    needs: ['declarations'],
  },
  {
    id: 'trace_markup_past_control_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Payments shown by the resale price, past the control period',
    formula: 'As trace_markup_undervaluation_rub, over the RNPTs whose item is past the control period (released before as-of − controlYears + leadMonths).',
    rationale: 'Customs can no longer inspect these items (EAEU Customs Code art. 310): the undervaluation the resale shows is the tax authority\'s to pursue, through the importer\'s profit and VAT base.',
    catches: ['resale_markup_undervaluation'],
    sources: ['traceability.value_rub', 'declarations.release_date'],
    needs: ['declarations'],
  },
  {
    id: 'trace_unmoved_share',
    family,
    unit: 'share',
    decimals: 4,
    title: 'Traceable imports never moved',
    formula:
      `Share of the customs value of the participant's items of a traceable code (the traceable goods list) under a payment procedure, released in the activity window at least ${UNMOVED_AFTER_DAYS} days before the as-of date, ` +
      'with no movement out of the participant under their RNPT (the declaration number and item number) by the as-of date; NULL when there are none.',
    rationale: 'Traceable goods that never show a sale, transfer or retirement were sold without documents (revenue hidden from the tax authority) or never existed. Context: long-held stock shows the same, so no indicator reads it alone.',
    catches: [],
    sources: ['declarations.hs_code', 'traceability.rnpt'],
    needs: ['declarations'],
  },
  {
    id: 'trace_weak_buyer_share',
    family,
    unit: 'share',
    decimals: 4,
    title: 'Sales to buyers with no staff or no VAT return',
    formula:
      "Share of the participant's invoice value dated in the activity window whose buyer is in the register as of the date with headcount 0, or on the general regime without a VAT return for any due quarter of the window; NULL when it has no invoices. Buyers missing from the register count as unknown, not as weak.",
    rationale: 'A VAT chain through a firm with no staff or no return to the final seller is how deductions are manufactured: the tax authority\'s side of the traceability data.',
    catches: [],
    sources: ['traceability.buyer_inn', 'participants.headcount', 'participants.tax_regime', 'tax_returns.tax_period'],
    needs: ['participants', 'tax_returns'],
  },
];

/**
 * SQL of the declaration item a batch registration number names: the
 * declaration number before the last '/', the item number after it (NULL
 * when the RNPT has no '/' or no 1-5 digit item number after it: a batch
 * from a notification of import, not a customs declaration).
 */
export function rnptItemSql(rnpt: string): { declId: string; itemNo: string } {
  const cut = `length(${rnpt}) - strpos(reverse(${rnpt}), '/')`;
  const named = `strpos(${rnpt}, '/') > 0 AND regexp_full_match(substr(${rnpt}, ${cut} + 2), '[0-9]{1,5}')`;
  return {
    declId: `CASE WHEN ${named} THEN left(${rnpt}, ${cut}) END`,
    itemNo: `CASE WHEN ${named} THEN CAST(substr(${rnpt}, ${cut} + 2) AS INTEGER) END`,
  };
}

/** SQL predicate on `hs_code`: the code starts with one of `prefixes` (the traceable goods list); false for none. */
export function traceableCodeSql(prefixes: readonly string[]): string {
  return prefixes.map((c) => `starts_with(hs_code, ${quoteLiteral(c)})`).join(' OR ') || 'false';
}

function prepare(params: FeatureParams, context: PrepareContext): string[] {
  const a = AS_OF_TABLES;
  const scored = `IN (SELECT inn FROM ${a.universe})`;
  // The item number follows the last '/': parsed once per batch number, not per movement.
  const item = rnptItemSql('rnpt');
  const windowStart = windowStartSql(params, params.windowMonths);
  const moved = (where = 'true'): string => `SELECT * FROM ${a.traceability} WHERE ${where}`;
  return [
    // Per scored participant and RNPT, what it received and sent as of the date: the months the store's
    // balances serve (src/store/movement-months.ts), summed, and the others from the as-of movements.
    // The scored participants are importers: of the stored balances, only the importers' (declarant) are read.
    // Exact sums (DECIMAL), cast to DOUBLE once summed: a national month gives a firm thousands of lines, and
    // a double sum's last bits changed with the order of parallel aggregation, a rounded amount by a cent between runs.
    `CREATE OR REPLACE TEMP TABLE ${T.balances} AS
     SELECT firm, rnpt, min(unit) AS unit, sum(lines_out) AS lines_out, CAST(sum(sent) AS DOUBLE) AS sent,
       min(first_out) AS first_out, max(last_out) AS last_out,
       CAST(sum(invoice_qty) AS DOUBLE) AS invoice_qty, CAST(sum(invoice_value) AS DOUBLE) AS invoice_value, CAST(sum(bought) AS DOUBLE) AS bought
     FROM (${servedAndMovedSql(MOVEMENT_BALANCES, context.movementMonths, moved(), 'declarant')})
     WHERE firm ${scored}
     GROUP BY firm, rnpt`,
    `CREATE OR REPLACE TEMP TABLE ${T.batches} AS
     WITH keys AS (
       -- The batches a scored participant moved or received: the other firms' balances are never read.
       SELECT rnpt, unit, ${item.declId} AS decl_id, ${item.itemNo} AS item_no
       FROM (SELECT rnpt, min(unit) AS unit FROM ${T.balances} GROUP BY rnpt)
       WHERE decl_id IS NOT NULL
     )
     SELECT k.rnpt, k.decl_id, k.item_no, d.inn AS importer, d.hs_code, d.release_date,
       CASE WHEN k.unit = d.supplementary_unit THEN d.supplementary_qty WHEN k.unit = '166' THEN d.net_weight_kg END AS imported_qty,
       CAST(d.customs_value_rub AS DOUBLE) AS customs_value,
       CAST(d.customs_value_rub AS DOUBLE) + coalesce(CAST(d.duty_rub AS DOUBLE), 0) + coalesce(CAST(d.excise_rub AS DOUBLE), 0) AS landed,
       coalesce(CAST(d.duty_rub AS DOUBLE), 0) + coalesce(CAST(d.import_vat_rub AS DOUBLE), 0) + coalesce(CAST(d.excise_rub AS DOUBLE), 0) AS payments,
       ${inspectableSql('d.release_date', params)} AS inspectable
     FROM keys k JOIN ${a.declarations} d ON d.decl_id = k.decl_id AND d.item_no = k.item_no`,
    // The firms whose balances a feature reads are the scored participants: domestic resellers and
    // retailers, most of the movements, are not needed.
    `CREATE OR REPLACE TEMP TABLE ${T.flows} AS
     SELECT s.firm, s.rnpt, s.sent, s.first_out, s.last_out, s.invoice_qty, s.invoice_value, s.lines_out,
       s.firm = b.importer AS is_importer,
       coalesce(s.bought, 0) + CASE WHEN s.firm = b.importer THEN b.imported_qty ELSE 0 END AS received,
       b.decl_id, b.item_no, b.imported_qty, b.hs_code, b.release_date, b.customs_value, b.landed, b.payments, b.inspectable
     FROM ${T.balances} s JOIN ${T.batches} b USING (rnpt)
     WHERE s.lines_out > 0`,
    // The scored participants' invoices dated in the window, per buyer. A month the store's invoice sums
    // serve is wholly inside the window or before it; the window's first month, when the window starts
    // inside it, comes from the movements, kept from the window's first day.
    `CREATE OR REPLACE TEMP TABLE ${T.invoices} AS
     SELECT seller_inn, buyer_inn, value
     FROM (${servedAndMovedSql(MOVEMENT_INVOICES, context.movementMonths, moved(`doc_date >= ${windowStart}`))})
     WHERE doc_month >= date_trunc('month', ${windowStart}) AND seller_inn ${scored}`,
  ];
}

/**
 * SELECT of the flows the features read (the batches moved out in the activity window) with what is
 * derived from each: `measurable`, `unit_cv` (customs value per imported unit), `excess` (max(0, sent −
 * received)); `where` keeps only some of them.
 */
function movedFlowsSql(params: FeatureParams, where = 'true'): string {
  return `SELECT *, imported_qty > 0 AND received > 0 AS measurable,
      customs_value / nullif(imported_qty, 0) AS unit_cv,
      greatest(0, sent - received) AS excess
    FROM ${T.flows} WHERE last_out >= ${windowStartSql(params, params.windowMonths)} AND (${where})`;
}

function sql(params: FeatureParams): string {
  const a = AS_OF_TABLES;
  const asOf = asOfLiteral(params);
  const quarters = dueQuarters(params, windowQuarterCount(params)).map((q) => quoteLiteral(q.taxPeriod));
  const traceable = traceableCodeSql(params.traceableCodes);
  const minImporters = params.peerMinImporters;
  return `WITH f AS (${movedFlowsSql(params)}), excess AS (
    SELECT firm AS inn, count(*) AS batches,
      ${exactDoubleSum('excess * unit_cv', 'measurable')} / nullif(${exactDoubleSum('received * unit_cv', 'measurable')}, 0) AS excess_share,
      coalesce(${exactDoubleSum('excess * payments / imported_qty', 'measurable')}, 0) AS excess_payments,
      count(*) FILTER (WHERE is_importer AND first_out < release_date) AS before_release
    FROM f GROUP BY firm
  ), sales AS (
    SELECT firm AS inn, rnpt, hs_code, invoice_value, least(invoice_qty, imported_qty) AS qty, inspectable,
      invoice_value / invoice_qty AS price, landed / imported_qty AS unit_landed, payments / nullif(landed, 0) AS pay_rate,
      ln((invoice_value / invoice_qty) / (landed / imported_qty)) AS ln_markup
    FROM f WHERE is_importer AND invoice_qty > 0 AND invoice_value > 0 AND imported_qty > 0 AND landed > 0
  ), by_importer AS (
    SELECT inn, left(hs_code, 6) AS hs6, left(hs_code, 4) AS hs4, median(ln_markup) AS m FROM sales GROUP BY ALL
  ), peers6 AS (
    SELECT hs6, median(m) AS ref, count(*) AS n FROM by_importer GROUP BY hs6
  ), peers4 AS (
    SELECT hs4, median(m) AS ref, count(*) AS n FROM (SELECT inn, hs4, median(m) AS m FROM by_importer GROUP BY ALL) GROUP BY hs4
  ), marked AS (
    SELECT s.*, CASE WHEN p6.n >= ${minImporters} THEN p6.ref WHEN p4.n >= ${minImporters} THEN p4.ref END AS ref
    FROM sales s LEFT JOIN peers6 p6 ON p6.hs6 = left(s.hs_code, 6) LEFT JOIN peers4 p4 ON p4.hs4 = left(s.hs_code, 4)
  ), markup AS (
    SELECT inn,
      exp(${exactDoubleSum('invoice_value * (ln_markup - ref)')} / ${exactDoubleSum('invoice_value')}) AS vs_peers,
      coalesce(${exactDoubleSum('(price / exp(ref) - unit_landed) * qty * pay_rate', `inspectable AND ln_markup - ref > ln(${MARKUP_STAKE_FROM}) AND pay_rate IS NOT NULL`)}, 0) AS stake,
      coalesce(${exactDoubleSum('(price / exp(ref) - unit_landed) * qty * pay_rate', `NOT inspectable AND ln_markup - ref > ln(${MARKUP_STAKE_FROM}) AND pay_rate IS NOT NULL`)}, 0) AS past_control
    FROM marked WHERE ref IS NOT NULL GROUP BY inn
  ), unmoved AS (
    SELECT d.inn,
      coalesce(CAST(sum(d.customs_value_rub) FILTER (WHERE o.decl_id IS NULL) AS DOUBLE), 0) / nullif(CAST(sum(d.customs_value_rub) AS DOUBLE), 0) AS share
    FROM ${a.declarations} d
    LEFT JOIN (SELECT firm, decl_id, item_no FROM ${T.flows} WHERE is_importer) o
      ON o.firm = d.inn AND o.decl_id = d.decl_id AND o.item_no = d.item_no
    WHERE d.in_window AND d.is_payment AND d.release_date <= ${asOf} - INTERVAL ${UNMOVED_AFTER_DAYS} DAY AND (${traceable})
    GROUP BY d.inn
  ), filed AS (
    SELECT DISTINCT inn FROM ${a.tax_returns} WHERE tax_period IN (${quarters.join(', ') || "''"})
  ), weak AS (
    SELECT l.seller_inn AS inn,
      coalesce(${exactDoubleSum('l.value', "p.headcount = 0 OR (p.tax_regime = 'general' AND fi.inn IS NULL)")}, 0) / nullif(${exactDoubleSum('l.value')}, 0) AS share
    FROM ${T.invoices} l
    LEFT JOIN ${a.participants} p ON p.inn = l.buyer_inn
    LEFT JOIN filed fi ON fi.inn = l.buyer_inn
    GROUP BY l.seller_inn
  )
  SELECT u.inn,
    coalesce(e.batches, 0) AS trace_batches,
    e.excess_share AS trace_excess_share,
    coalesce(e.excess_payments, 0) AS trace_excess_payments_rub,
    coalesce(e.before_release, 0) AS trace_sold_before_release,
    m.vs_peers AS trace_markup_vs_peers,
    coalesce(m.stake, 0) AS trace_markup_undervaluation_rub,
    coalesce(m.past_control, 0) AS trace_markup_past_control_rub,
    um.share AS trace_unmoved_share,
    w.share AS trace_weak_buyer_share
  FROM ${a.universe} u
  LEFT JOIN excess e USING (inn) LEFT JOIN markup m USING (inn) LEFT JOIN unmoved um USING (inn) LEFT JOIN weak w USING (inn)`;
}

/** TEMP table the traceability evidence reads, kept after the features while their workspace lives (undefined otherwise). */
export const TRACE_FLOWS_TABLE = T.flows;

/**
 * SQL of the traceability evidence (docs/outputs.md, trace-evidence.csv) of the participants `inns`:
 * per participant, up to `perParticipant` of the batches the features read (RNPTs it moved out in the
 * activity window), the most customs value moved beyond what was received first, then those moved
 * before their release, then the largest invoiced value; each with its balance and its first outgoing
 * documents as of the date (document type, number, date and quantity; FIRST_DOCUMENTS of them, and
 * the count of all). Reads {@link TRACE_FLOWS_TABLE}, and the documents from the store's monthly balances
 * of the months `servedMonths` (the features' {@link FeatureResult.movementMonths}) and from the movements
 * of the other months.
 */
export function traceEvidenceSql(params: FeatureParams, inns: readonly string[], perParticipant: number, servedMonths: ReadonlySet<string>): string {
  const inList = inns.map(quoteLiteral).join(', ');
  const list = `[${inList}]`;
  const quantity = (q: string): string => `CASE WHEN ${q} = trunc(${q}) AND abs(${q}) < 1e15 THEN CAST(CAST(${q} AS BIGINT) AS VARCHAR) ELSE CAST(${q} AS VARCHAR) END`;
  return `WITH f AS (
      SELECT firm AS inn, *, excess * unit_cv AS excess_value, is_importer AND first_out < release_date AS before_release
      FROM (${movedFlowsSql(params, `list_contains(${list}, firm)`)})
    ), chosen AS (
      SELECT *, row_number() OVER (PARTITION BY inn ORDER BY coalesce(excess_value, 0) DESC, before_release DESC, invoice_value DESC NULLS LAST, rnpt) AS n
      FROM f QUALIFY n <= ${perParticipant}
    ), docs AS (
      -- The earliest outgoing documents of each chosen batch: those the store's monthly balances keep, of the
      -- months the features read from them, and those of the other months from the movements as of the date.
      -- The participants are scored ones, importers: of the stored balances, only the importers' are read.
      SELECT firm AS inn, rnpt, list_sort(flatten(list(first_docs)))[1:${FIRST_DOCUMENTS}] AS first_docs
      FROM (${servedAndMovedSql(MOVEMENT_BALANCES, servedMonths, asOfSql('traceability', params.asOf, `seller_inn IN (${inList}) AND (${datedOutsideMonthsSql(servedMonths)})`), 'declarant')}) b
      SEMI JOIN chosen c ON c.inn = b.firm AND c.rnpt = b.rnpt
      WHERE b.firm IN (${inList}) AND b.lines_out > 0
      GROUP BY firm, rnpt
    )
    SELECT c.inn, c.rnpt, c.decl_id, c.item_no, c.release_date, c.hs_code, c.imported_qty, c.received AS received_qty, c.sent AS sent_qty,
      c.excess AS excess_qty, round(coalesce(c.excess_value, 0), 2) AS excess_customs_value_rub,
      c.before_release AS moved_before_release, c.first_out, c.last_out, c.invoice_qty, round(c.invoice_value, 2) AS invoice_value_rub,
      CASE WHEN c.is_importer AND c.invoice_qty > 0 AND c.imported_qty > 0 AND c.landed > 0
        THEN round((c.invoice_value / c.invoice_qty) / (c.landed / c.imported_qty), 4) END AS markup,
      CAST(c.lines_out AS INTEGER) AS documents_out,
      array_to_string(list_transform(d.first_docs, d -> d.doc_type || ' ' || d.doc_no || ' of ' || strftime(d.doc_date, '%Y-%m-%d') || ': ' || ${quantity('d.quantity')}), '; ') AS documents
    FROM chosen c LEFT JOIN docs d USING (inn, rnpt)
    ORDER BY c.inn, c.n`;
}

/** Family 8: traceable goods after the border: quantities beyond imports, sales before release, resale markups, unmoved batches, weak buyers. */
export const traceability: FeatureFamily = {
  id: family,
  description:
    'Traceable goods after the border (the traceability extract): per firm and batch registration number (RNPT), what came in and what went out, as of the date; the resale markup against importers of the same goods.',
  needs: ['traceability'],
  features: FEATURES,
  sql,
  prepare,
  preparedTables: [T.balances, T.batches, T.invoices],
  // The flows stay until the features' workspace is dropped: the batch's evidence reads them (traceEvidenceSql).
  keptTables: [T.flows],
  readsMovements: true,
};
