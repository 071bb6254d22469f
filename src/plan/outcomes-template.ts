/**
 * outcomes-template.csv and the Outcomes sheet of plan.xlsx: one row per
 * planned inspection and per referral, with what the plan knows filled in
 * and the result columns empty, for inspectors to fill and `ccrg ingest
 * --outcomes FILE --plan DIR` to read back (docs/outputs.md).
 */
import type { ColumnSpec, Table } from './table.js';
import { windowStartDay } from '../util/period.js';

/** The template's file in the plan's folder. */
export const OUTCOMES_TEMPLATE_FILE = 'outcomes-template.csv';

/** The template's sheet of plan.xlsx (English name; Russian in src/plan/xlsx-lang.ts). */
export const OUTCOMES_SHEET = 'Outcomes';

/** The kinds of template rows: a planned inspection, or a referral to the tax authority. */
export type TemplateRowKind = 'inspection' | 'referral';

/** The id of a planned inspection: `<plan_id>/<inn>`. */
export function inspectionIdOf(planId: string, inn: string): string {
  return `${planId}/${inn}`;
}

/** The id of a referral to the tax authority: `<plan_id>/R/<inn>`. */
export function referralIdOf(planId: string, inn: string): string {
  return `${planId}/R/${inn}`;
}

/** Columns the plan fills in. */
const PLANNED: readonly ColumnSpec[] = [
  { key: 'kind', label: 'Kind', kind: 'text', width: 10 },
  { key: 'plan_id', label: 'Plan', kind: 'text', width: 18 },
  { key: 'inspection_id', label: 'Inspection id', kind: 'text', width: 30 },
  { key: 'inn', label: 'INN', kind: 'text', width: 13 },
  { key: 'name', label: 'Name', kind: 'text', width: 30 },
  { key: 'office', label: 'Customs office', kind: 'text', width: 11 },
  { key: 'selection', label: 'Selection', kind: 'text', width: 10 },
  { key: 'propensity', label: 'Propensity', kind: 'decimal', decimals: 12, width: 16 },
  { key: 'recommended_form', label: 'Recommended form', kind: 'text', width: 20 },
  { key: 'check_type', label: 'Check type', kind: 'text', width: 8 },
  { key: 'period_from', label: 'Inspected from', kind: 'date', width: 12 },
  { key: 'period_to', label: 'Inspected to', kind: 'date', width: 12 },
];

/** Columns the inspectors fill in (the outcomes contract's results). */
const RESULTS: readonly ColumnSpec[] = [
  { key: 'started_date', label: 'Started', kind: 'date', width: 12 },
  { key: 'completed_date', label: 'Completed', kind: 'date', width: 12 },
  { key: 'violation', label: 'Violation (1/0)', kind: 'integer', width: 10 },
  { key: 'violation_category', label: 'Violation category', kind: 'text', width: 16 },
  { key: 'additional_charges_rub', label: 'Additional charges, RUB', kind: 'money', width: 16 },
  { key: 'duty_rub', label: 'Customs duty, RUB', kind: 'money', width: 14 },
  { key: 'import_vat_rub', label: 'Import VAT, RUB', kind: 'money', width: 14 },
  { key: 'excise_rub', label: 'Excise, RUB', kind: 'money', width: 14 },
  { key: 'penalties_rub', label: 'Penalties, RUB', kind: 'money', width: 14 },
];

/** Filled only to correct a result already ingested: 1, 2, ... (the outcomes contract's `correction_no`). */
const CORRECTION: ColumnSpec = { key: 'correction_no', label: 'Correction no.', kind: 'integer', width: 10 };

/** Columns of outcomes-template.csv and the Outcomes sheet, in order. */
export const OUTCOME_TEMPLATE_COLUMNS: readonly ColumnSpec[] = [...PLANNED, ...RESULTS, CORRECTION];

/** The template's result columns: a row with none of them filled is open (not yet reported). */
export const OUTCOME_RESULT_KEYS: readonly string[] = RESULTS.map((c) => c.key);

/**
 * The first day of the control period that ends on `asOf`: the window of
 * `controlYears` years, as the features' windows start
 * (src/util/period.ts). 2026-06-30 gives 2023-07-01; 2024-02-29 gives 2021-03-01.
 */
export function controlPeriodStart(asOf: string, controlYears: number): string {
  return windowStartDay(asOf, controlYears * 12);
}

/** The cell of `key` in a row of `table`. */
function cellOf(table: Table, row: readonly string[], key: string): string {
  const at = table.columns.findIndex((c) => c.key === key);
  if (at < 0) throw new Error(`the plan table has no column ${key}`);
  return row[at] ?? '';
}

/**
 * The template rows from the plan's own tables (plan.csv, then
 * referrals.csv), so they always agree with them. The inspected period
 * defaults to the control period ending on the as-of date; referrals are
 * routed by rule, not drawn (selection `risk`, propensity 1), and are
 * desk work of the tax authority.
 */
export function outcomesTemplateTable(plan: Table, referrals: Table, asOf: string, controlYears: number): Table {
  const from = controlPeriodStart(asOf, controlYears);
  const rows: string[][] = [];
  for (const row of plan.rows) {
    const planId = cellOf(plan, row, 'plan_id');
    const inn = cellOf(plan, row, 'inn');
    rows.push([
      'inspection',
      planId,
      inspectionIdOf(planId, inn),
      inn,
      cellOf(plan, row, 'name'),
      cellOf(plan, row, 'office'),
      cellOf(plan, row, 'selection'),
      cellOf(plan, row, 'propensity'),
      cellOf(plan, row, 'recommended_form'),
      cellOf(plan, row, 'check_type'),
      from,
      asOf,
      ...RESULTS.map(() => ''),
      '',
    ]);
  }
  for (const row of referrals.rows) {
    const planId = cellOf(referrals, row, 'plan_id');
    const inn = cellOf(referrals, row, 'inn');
    rows.push([
      'referral',
      planId,
      cellOf(referrals, row, 'referral_id'),
      inn,
      cellOf(referrals, row, 'name'),
      cellOf(referrals, row, 'office'),
      'risk',
      '1.000000000000',
      cellOf(referrals, row, 'recommended_form'),
      'desk',
      from,
      asOf,
      ...RESULTS.map(() => ''),
      '',
    ]);
  }
  return { columns: OUTCOME_TEMPLATE_COLUMNS, rows };
}
