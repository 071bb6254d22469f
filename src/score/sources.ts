/**
 * The source rows behind a reason (`ccrg explain --sources`): for a fired
 * indicator, the rows of each extract its features read, as the store held
 * them on the as-of date, each with the file and physical line it was
 * ingested from (the stored lineage).
 */
import { FAMILIES } from '../features/families.js';
import { FEATURES } from '../features/compute.js';
import { dueQuarters, windowStartSql } from '../features/params.js';
import { comparedPaymentQuarters } from '../features/vat-deductions.js';
import type { FeatureParams } from '../features/types.js';
import type { Db, Row } from '../io/db.js';
import { quoteLiteral, quoteLiteralList } from '../io/sql.js';
import { decidingFeatures, type Indicator } from '../rules/profile.js';
import { asOfSql } from '../store/as-of.js';

/** One source row: where it came from, and what it is in words. */
export interface SourceRow {
  /** The file as ingested (lineage `source_path`). */
  file: string;
  /** Its physical line there. */
  line: number;
  what: string;
}

/** The rows of one extract behind a reason. */
export interface ExtractSources {
  extract: ListedExtract;
  /** Rows behind the reason; `rows` holds the first `limit` of them. */
  total: number;
  rows: SourceRow[];
}

/** Extracts with rows that can be listed, in the order they are shown. */
const LISTED = ['declarations', 'tax_returns', 'tax_signals', 'participants', 'outcomes'] as const;
type ListedExtract = (typeof LISTED)[number];

/** The extracts an indicator's features read: their `sources`, else their family's needs. */
export function extractsOf(indicator: Indicator): ListedExtract[] {
  const ids = featureIds(indicator);
  const out = new Set<string>();
  for (const f of FEATURES) {
    if (!ids.has(f.id)) continue;
    const sources = (f.sources ?? []).map((s) => s.slice(0, s.indexOf('.')));
    for (const e of sources.length > 0 ? sources : [...FAMILIES[f.family as keyof typeof FAMILIES].needs, ...(f.needs ?? [])]) out.add(e);
  }
  return LISTED.filter((e) => out.has(e));
}

const money = (v: unknown): string => (v === null || v === undefined ? '—' : `${Number(v).toFixed(2)} RUB`);

/** The features an indicator reads: its deciding ones and its amount at stake. */
function featureIds(indicator: Indicator): Set<string> {
  return new Set([...decidingFeatures(indicator), ...(indicator.amountAtStake === null ? [] : [indicator.amountAtStake])]);
}

/**
 * The first release date of the declarations an indicator's features read:
 * the VAT-deduction features compare payments over their
 * `comparedPaymentQuarters`; the others read the activity window.
 */
function declarationsStartSql(indicator: Indicator, params: FeatureParams): string {
  const ids = featureIds(indicator);
  const vat = FEATURES.some((f) => ids.has(f.id) && f.family === 'vat_deductions');
  const earliest = vat ? dueQuarters(params, comparedPaymentQuarters(params)).at(-1) : undefined;
  return earliest === undefined ? windowStartSql(params, params.windowMonths) : `DATE '${earliest.start}'`;
}

/** Per extract: the as-of rows of the participant the features read, with the columns shown and the order. */
function querySql(extract: ListedExtract, inn: string, indicator: Indicator, params: FeatureParams): { sql: string; what: (r: Row) => string } {
  const i = quoteLiteral(inn);
  const lineage = (inner: string, where: string, order: string): string =>
    `SELECT t.*, l.source_path FROM (${inner}) t JOIN lineage l USING (ingest_id) WHERE ${where} ORDER BY ${order}`;
  switch (extract) {
    case 'declarations':
      return {
        sql: lineage(asOfSql('declarations', params.asOf, `importer_inn = ${i}`), `t.release_date >= ${declarationsStartSql(indicator, params)}`, 't.customs_value_rub DESC, t.decl_id, t.item_no'),
        what: (r) =>
          `declaration ${String(r['decl_id'])} item ${String(r['item_no'])} (version ${String(r['version'])}), released ${String(r['release_date'])}, HS ${String(r['hs_code'])}, customs value ${money(r['customs_value_rub'])}, duty ${money(r['duty_rub'])}, import VAT ${money(r['import_vat_rub'])}`,
      };
    case 'tax_returns': {
      const quarters = dueQuarters(params, params.vatQuarters).map((q) => q.taxPeriod);
      return {
        sql: lineage(asOfSql('tax_returns', params.asOf), `t.inn = ${i} AND t.tax_period IN (${quarters.length === 0 ? "''" : quoteLiteralList(quarters)})`, 't.tax_period DESC'),
        what: (r) =>
          `VAT return ${String(r['tax_period'])} (correction ${String(r['correction_no'])}, filed ${String(r['filed_date'])}): revenue ${money(r['revenue_rub'])}, VAT deductions for imports ${money(r['vat_deductions_import_rub'])}`,
      };
    }
    case 'tax_signals':
      return {
        sql: lineage(asOfSql('tax_signals', params.asOf), `t.inn = ${i} AND t.signal_date >= ${windowStartSql(params, params.controlYears * 12)}`, 't.signal_date DESC, t.signal_id'),
        what: (r) => `tax authority's signal ${String(r['signal_id'])} (${String(r['signal_type'])}) of ${String(r['signal_date'])}, ${money(r['amount_rub'])}`,
      };
    case 'participants':
      return {
        sql: lineage(asOfSql('participants', params.asOf), `t.inn = ${i}`, 't.snapshot_date DESC'),
        what: (r) => `register snapshot of ${String(r['snapshot_date'])}: registered ${String(r['registration_date'] ?? '—')}, headcount ${String(r['headcount'] ?? '—')}`,
      };
    default:
      return {
        sql: lineage(asOfSql('outcomes', params.asOf), `t.inn = ${i}`, 't.started_date DESC, t.inspection_id'),
        what: (r) =>
          `inspection ${String(r['inspection_id'])} started ${String(r['started_date'])}${r['completed_date'] === null || r['completed_date'] === undefined ? ', open' : `, completed ${String(r['completed_date'])}, violation ${String(r['violation'])}, charges ${money(r['additional_charges_rub'])}`}`,
      };
  }
}

/**
 * The source rows behind one fired indicator of `inn` as of `params.asOf`:
 * per extract its features read, the rows the store held then (the items of
 * the feature window by customs value, the returns of the compared
 * quarters (and the payments of the quarters they are compared with), the signals of the control period, the register snapshot, the
 * inspections), each with its file and line; the first `limit` of each (0:
 * all), with the total.
 */
export async function reasonSources(db: Db, inn: string, indicator: Indicator, params: FeatureParams, limit: number): Promise<ExtractSources[]> {
  const out: ExtractSources[] = [];
  for (const extract of extractsOf(indicator)) {
    const { sql, what } = querySql(extract, inn, indicator, params);
    const rows = await db.all(sql);
    const shown = limit > 0 ? rows.slice(0, limit) : rows;
    out.push({ extract, total: rows.length, rows: shown.map((r) => ({ file: String(r['source_path']), line: Number(r['source_line']), what: what(r) })) });
  }
  return out;
}
