import { AS_OF_TABLES } from './as-of-tables.js';
import { asOfLiteral, windowStartSql } from './params.js';
import { exactDoubleSum } from './item-signals.js';
import type { FeatureDef, FeatureFamily, FeatureParams } from './types.js';
import { comparedPaymentQuarters } from './vat-deductions.js';

const family = 'eaeu';

const compared =
  'the returns of the last vatQuarters due quarters (fewer when the applications in the store start later: only quarters whose two predecessors start on or after the first goods date of an application are compared)';

const FEATURES: readonly FeatureDef[] = [
  {
    id: 'eaeu_vat_deduction_excess_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'EAEU import VAT deducted beyond the VAT paid with applications',
    formula:
      `max(0, D − max(V0, V1, V2)): D = vat_deductions_eaeu_rub of ${compared}; Vk = VAT of the participant's applications on the import of goods whose goods were accepted (accepted_date, else application_date) in the same number of quarters shifted k quarters back. 0 when no return was filed.`,
    rationale:
      'Import VAT on goods from other EAEU members is paid to the tax authority with an application and may only be deducted once paid. Any lag of up to two quarters between payment and deduction averages out, as for the import VAT paid at customs; a lasting surplus is VAT deducted that nobody paid.',
    catches: ['eaeu_vat_unpaid_deduction'],
    sources: ['tax_returns.vat_deductions_eaeu_rub', 'eaeu_imports.vat_rub', 'eaeu_imports.accepted_date'],
    needs: ['tax_returns'],
  },
  {
    id: 'eaeu_vat_unpaid_share',
    family,
    unit: 'share',
    decimals: 4,
    title: 'Share of the EAEU VAT deducted that no application paid',
    formula: 'eaeu_vat_deduction_excess_rub / D; NULL when D is 0.',
    rationale: 'Scale-free version of the excess: 1 when the deductions have no application at all behind them.',
    catches: ['eaeu_vat_unpaid_deduction'],
    sources: ['tax_returns.vat_deductions_eaeu_rub', 'eaeu_imports.vat_rub'],
    needs: ['tax_returns'],
  },
  {
    id: 'eaeu_vat_deductions_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'EAEU import VAT deducted in the VAT returns',
    formula: `D: vat_deductions_eaeu_rub summed over ${compared}; 0 when no return was filed.`,
    rationale: 'The tax-side figure of the comparison, shown in reasons.',
    catches: [],
    sources: ['tax_returns.vat_deductions_eaeu_rub'],
    needs: ['tax_returns'],
  },
  {
    id: 'eaeu_vat_paid_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'EAEU import VAT paid with applications (lag-allowing)',
    formula: 'max(V0, V1, V2) as for eaeu_vat_deduction_excess_rub.',
    rationale: 'The application-side figure of the comparison, shown in reasons.',
    catches: [],
    sources: ['eaeu_imports.vat_rub'],
  },
  {
    id: 'eaeu_price_vs_customs_log',
    family,
    unit: 'log',
    decimals: 4,
    title: 'EAEU arrivals priced against the same goods through customs (log)',
    formula:
      `Value-weighted mean over the participant's application lines with goods accepted in the window and a quantity of ln(value_rub / quantity) − ln m, m = exp(median ln(customs value / quantity)) over the payment-procedure items of the same 10-digit code released in the window, ` +
      'the quantity being supplementary_qty when the line\'s unit is the item\'s supplementary unit, net_weight_kg when it is 166 (kg); compared when the items number at least peerMinItems from at least peerMinImporters + 1 importers (else the 6-digit code under the same rule; else the line is not compared). NULL without compared lines.',
    rationale:
      'Goods from another EAEU member pay no duty and their VAT goes to the tax authority. Third-country goods passed off as EAEU goods are declared far below what the same goods cost at the border: ln 0.5 ≈ −0.7 means half the customs price.',
    catches: ['eaeu_false_origin'],
    sources: ['eaeu_imports.value_rub', 'eaeu_imports.quantity', 'eaeu_imports.unit', 'eaeu_imports.hs_code', 'declarations.customs_value_rub', 'declarations.supplementary_qty', 'declarations.net_weight_kg'],
  },
  {
    id: 'eaeu_false_origin_at_stake_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Duty and VAT at stake if the cheap EAEU arrivals came from a third country',
    formula:
      'Sum over the compared lines priced below half the customs price (ln ratio ≤ ln 0.5) of m·q·d + max(0, m·q·(1 + d) − value_rub) · vat_rub / value_rub: ' +
      'm and q as for eaeu_price_vs_customs_log, d = the effective duty rate of the code through customs (duty over customs value of the same items). 0 without such lines.',
    rationale: 'What customs would have charged at the border on goods worth the customs price: the duty, and the VAT on the value gap. Customs\' amount at stake.',
    catches: ['eaeu_false_origin'],
    sources: ['eaeu_imports.value_rub', 'eaeu_imports.vat_rub', 'declarations.duty_rub', 'declarations.customs_value_rub'],
  },
  {
    id: 'eaeu_below_half_share',
    family,
    unit: 'share',
    decimals: 4,
    title: 'Share of the EAEU arrivals priced below half the customs price',
    formula: 'Value of the compared lines (as for eaeu_price_vs_customs_log) with ln ratio ≤ ln 0.5, over the value of all compared lines; NULL without compared lines.',
    rationale: 'A false origin is a run of shipments, not the average of a year: the share of the arrivals far below the customs price shows it even when honest arrivals dilute the mean.',
    catches: ['eaeu_false_origin'],
    sources: ['eaeu_imports.value_rub', 'eaeu_imports.quantity', 'declarations.customs_value_rub'],
  },
  {
    id: 'eaeu_below_half_log',
    family,
    unit: 'log',
    decimals: 4,
    title: 'Price of the EAEU arrivals below half the customs price, against it (log)',
    formula: 'Value-weighted mean ln ratio (as for eaeu_price_vs_customs_log) over the compared lines with ln ratio ≤ ln 0.5; NULL without such lines.',
    rationale: 'How far below the customs price those arrivals were declared, shown in reasons.',
    catches: ['eaeu_false_origin'],
    sources: ['eaeu_imports.value_rub', 'eaeu_imports.quantity', 'declarations.customs_value_rub'],
  },
  {
    id: 'eaeu_compared_value_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'Value of the EAEU arrivals compared with customs prices',
    formula: 'Sum of value_rub over the lines compared in eaeu_price_vs_customs_log; 0 without any.',
    rationale: 'Context: how much of the EAEU arrivals the price comparison covers.',
    catches: [],
    sources: ['eaeu_imports.value_rub'],
  },
  {
    id: 'eaeu_codes_switched_rub',
    family,
    unit: 'RUB',
    decimals: 2,
    title: 'EAEU arrivals of the codes it stopped importing through customs after an inspection',
    formula:
      'Value (value_rub) of the participant\'s application lines with goods accepted in the window after the completion of its latest inspection completed by the as-of date, ' +
      'of the 4-digit codes it imported through customs (payment procedures) in the 12 months before that completion and no longer after it. 0 without such lines or without a completed inspection.',
    rationale: 'An importer that moves the goods an inspection looked at from the customs border to EAEU arrivals, where no customs declaration is made, may be avoiding the next inspection of their value or origin.',
    catches: [],
    sources: ['eaeu_imports.value_rub', 'eaeu_imports.hs_code', 'outcomes.completed_date', 'declarations.hs_code'],
    needs: ['outcomes'],
  },
];

/** A line priced below this share of the customs price counts towards the amount at stake. */
const HALF = Math.log(0.5);

function sql(params: FeatureParams): string {
  const t = AS_OF_TABLES;
  const v = params.vatQuarters;
  const shifted = (k: number): string => `coalesce(${exactDoubleSum('a.vat_rub', `q.q_rank BETWEEN ${1 + k} AND l.r + ${k}`)}, 0)`;
  return `WITH start AS (SELECT min(goods_date) AS data_start FROM ${t.eaeu_imports}),
  q AS (SELECT q.*, q.q_start >= s.data_start AS known FROM ${t.dueQuarters} q, start s WHERE q.q_rank <= ${comparedPaymentQuarters(params)}),
  l AS (SELECT greatest(0, least(${v}, count(*) FILTER (WHERE known) - 2)) AS r FROM q),
  paid AS (
    SELECT a.inn, ${[0, 1, 2].map((k) => `${shifted(k)} AS v${k}`).join(', ')}
    FROM ${t.eaeu_imports} a JOIN q ON a.goods_date BETWEEN q.q_start AND q.q_end, l
    GROUP BY a.inn
  ),
  d AS (
    SELECT r.inn, CAST(sum(coalesce(r.vat_deductions_eaeu_rub, 0)) AS DOUBLE) AS d, count(*) AS n_returns
    FROM ${t.tax_returns} r JOIN q USING (tax_period), l WHERE q.q_rank <= l.r GROUP BY r.inn
  ),
  c AS (
    SELECT u.inn, coalesce(d.d, 0) AS d, coalesce(d.n_returns, 0) AS n_returns,
      greatest(coalesce(p.v0, 0), coalesce(p.v1, 0), coalesce(p.v2, 0)) AS v_max
    FROM ${t.universe} u LEFT JOIN d USING (inn) LEFT JOIN paid p USING (inn)
  )
  SELECT c.inn,
    CASE WHEN n_returns = 0 THEN 0 ELSE greatest(0, d - v_max) END AS eaeu_vat_deduction_excess_rub,
    CASE WHEN d > 0 THEN greatest(0, d - v_max) / d END AS eaeu_vat_unpaid_share,
    d AS eaeu_vat_deductions_rub,
    v_max AS eaeu_vat_paid_rub,
    pr.log_ratio AS eaeu_price_vs_customs_log,
    coalesce(pr.at_stake, 0) AS eaeu_false_origin_at_stake_rub,
    pr.below_share AS eaeu_below_half_share,
    pr.below_log AS eaeu_below_half_log,
    coalesce(pr.compared, 0) AS eaeu_compared_value_rub,
    coalesce(sw.v, 0) AS eaeu_codes_switched_rub
  FROM c LEFT JOIN (${priceSql(params)}) pr USING (inn) LEFT JOIN (${switchSql(params)}) sw USING (inn)`;
}

/** Per participant: its EAEU arrivals' prices against the same goods' customs prices (eaeu_price_vs_customs_log and the amount at stake). */
function priceSql(params: FeatureParams): string {
  const t = AS_OF_TABLES;
  const windowStart = windowStartSql(params, params.windowMonths);
  const minItems = params.peerMinItems;
  const minImporters = params.peerMinImporters + 1;
  // The goods priced at a level: every arrived good, or only those of `only` (hs6, unit).
  const reference = (digits: number, only?: string): string => `SELECT left(hs_code, ${digits}) AS code, unit, median(luv) AS ref, CAST(sum(duty) AS DOUBLE) / nullif(CAST(sum(v) AS DOUBLE), 0) AS duty_rate
      FROM customs c${only === undefined ? '' : ` SEMI JOIN ${only} o ON o.hs6 = left(c.hs_code, 6) AND o.unit = c.unit`}
      GROUP BY ALL HAVING count(*) >= ${minItems} AND count(DISTINCT inn) >= ${minImporters}`;
  // The application lines compared: goods accepted in the window, with a value and a quantity.
  const compared = `a.goods_date >= ${windowStart} AND a.value_rub > 0 AND a.quantity > 0`;
  // Only the goods (6-digit code and unit) that arrived are priced: both reference levels stay exact for them.
  // Not materialised: a copy of the window's priced rows (26M on the benchmark store) costs more than scanning the
  // items once per reference level.
  return `WITH arrived AS (SELECT DISTINCT a.hs_code, left(a.hs_code, 6) AS hs6, a.unit FROM ${t.eaeu_imports} a WHERE ${compared}),
    customs AS NOT MATERIALIZED (
      SELECT c.* FROM (
        -- The values and duties stay DECIMAL: their sums are exact, where a double sum's last bits changed from run to run.
        SELECT inn, hs_code, '166' AS unit, ln(customs_value_rub / net_weight_kg) AS luv, customs_value_rub AS v, coalesce(duty_rub, 0) AS duty
        FROM ${t.declarations} WHERE in_window AND is_payment AND customs_value_rub > 0 AND net_weight_kg > 0
        UNION ALL
        SELECT inn, hs_code, supplementary_unit, ln(customs_value_rub / supplementary_qty), customs_value_rub, coalesce(duty_rub, 0)
        FROM ${t.declarations} WHERE in_window AND is_payment AND customs_value_rub > 0 AND supplementary_qty > 0 AND supplementary_unit IS NOT NULL AND supplementary_unit <> '166'
      ) c SEMI JOIN (SELECT DISTINCT hs6, unit FROM arrived) r ON r.hs6 = left(c.hs_code, 6) AND r.unit = c.unit
    ),
    r10 AS MATERIALIZED (${reference(10)}),
    -- The 6-digit level only for the goods without a 10-digit reference (the only lines that read it).
    unpriced AS (SELECT DISTINCT a.hs6, a.unit FROM arrived a ANTI JOIN r10 x ON x.code = a.hs_code AND x.unit = a.unit),
    r6 AS (${reference(6, 'unpriced')}),
    lines AS (
      SELECT a.inn, a.value_rub AS value, a.quantity AS q, a.vat_rub / a.value_rub AS vat_rate,
        ln(a.value_rub / a.quantity) - coalesce(x.ref, y.ref) AS lr, exp(coalesce(x.ref, y.ref)) AS m,
        coalesce(CASE WHEN x.ref IS NOT NULL THEN x.duty_rate ELSE y.duty_rate END, 0) AS d
      FROM ${t.eaeu_imports} a
      LEFT JOIN r10 x ON x.code = a.hs_code AND x.unit = a.unit
      LEFT JOIN r6 y ON y.code = left(a.hs_code, 6) AND y.unit = a.unit
      WHERE ${compared} AND coalesce(x.ref, y.ref) IS NOT NULL
    )
    -- Exact sums: a double sum's last bits changed from run to run with the order of parallel aggregation.
    SELECT inn, ${exactDoubleSum('value * lr')} / ${exactDoubleSum('value')} AS log_ratio, ${exactDoubleSum('value')} AS compared,
      coalesce(${exactDoubleSum('value', `lr <= ${HALF}`)}, 0) / ${exactDoubleSum('value')} AS below_share,
      ${exactDoubleSum('value * lr', `lr <= ${HALF}`)} / ${exactDoubleSum('value', `lr <= ${HALF}`)} AS below_log,
      coalesce(${exactDoubleSum('m * q * d + greatest(0, m * q * (1 + d) - value) * vat_rate', `lr <= ${HALF}`)}, 0) AS at_stake
    FROM lines GROUP BY inn`;
}

/** Per participant: the value of its EAEU arrivals, after its latest completed inspection, of the codes it stopped importing through customs then. */
function switchSql(params: FeatureParams): string {
  const t = AS_OF_TABLES;
  const asOf = asOfLiteral(params);
  const windowStart = windowStartSql(params, params.windowMonths);
  return `WITH inspected AS (
      SELECT inn, max(completed_date) AS done FROM ${t.outcomes} WHERE completed_date IS NOT NULL AND completed_date <= ${asOf} GROUP BY inn
    ),
    codes AS (
      SELECT d.inn, left(d.hs_code, 4) AS hs4, bool_or(d.release_date > s.done) AS after
      FROM ${t.declarations} d JOIN inspected s ON s.inn = d.inn
      WHERE d.is_payment AND d.release_date > s.done - INTERVAL 12 MONTH
      GROUP BY ALL
    )
    SELECT a.inn, ${exactDoubleSum('a.value_rub')} AS v
    FROM ${t.eaeu_imports} a JOIN inspected s ON s.inn = a.inn JOIN codes c ON c.inn = a.inn AND c.hs4 = left(a.hs_code, 4)
    WHERE NOT c.after AND a.goods_date > s.done AND a.goods_date >= ${windowStart}
    GROUP BY a.inn`;
}

/** Family 9: EAEU import VAT deducted in the VAT returns against the VAT paid with applications on the import of goods. */
export const eaeu: FeatureFamily = {
  id: family,
  description:
    'Goods from other EAEU members (the eaeu_imports extract of applications on the import of goods): the import VAT deducted in the VAT returns (vat_deductions_eaeu_rub) against the VAT paid with the applications, over the trailing due quarters with a two-quarter lag allowance; the arrivals\' prices against the same goods through customs (third-country goods declared as EAEU goods); codes moved from customs imports to EAEU arrivals after an inspection.',
  needs: ['eaeu_imports'],
  features: FEATURES,
  sql,
};
