/** evidence.csv (docs/outputs.md): the inspectable items behind the top participants' scores; writer and reader. */
import { readCsvRecords } from '../io/csv-read.js';
import { csvText } from '../io/csv-write.js';
import type { Row } from '../io/db.js';

/** File name in the run folder. */
export const EVIDENCE_FILE = 'evidence.csv';

/** Columns of evidence.csv (from the item signals table), in order. */
const EVIDENCE_COLUMNS = [
  'rank',
  'inn',
  'decl_id',
  'item_no',
  'version',
  'release_date',
  'inspectable_until',
  'hs_code',
  'origin_country',
  'dispatch_country',
  'customs_office',
  'customs_value_rub',
  'net_weight_kg',
  'duty_rub',
  'import_vat_rub',
  'unit_value_log_dev',
  'peer_median_unit_value_rub_per_kg',
  'peer_level',
  'peer_items',
  'peer_importers',
  'duty_rate',
  'peer_duty_rate',
  'item_at_stake_rub',
] as const;

/** One evidence item: its columns as written (texts). */
export type EvidenceRow = Record<(typeof EVIDENCE_COLUMNS)[number], string>;

/** The text of evidence.csv from item rows already ordered by rank and importance. */
export function evidenceCsv(items: readonly Row[]): string {
  return rowsCsv(EVIDENCE_COLUMNS, items);
}

/** CSV text of database rows, `columns` in order: NULL as empty, an object as JSON, the rest as text. */
export function rowsCsv(columns: readonly string[], rows: readonly Row[]): string {
  return csvText(
    columns,
    rows.map((row) =>
      columns.map((c) => {
        const v = row[c];
        return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      }),
    ),
  );
}

/** Reads evidence.csv: the items by INN, in file order. */
export async function readEvidence(path: string): Promise<Map<string, EvidenceRow[]>> {
  const { records } = await readCsvRecords(path, ['inn', 'decl_id', 'item_no']);
  const out = new Map<string, EvidenceRow[]>();
  for (const r of records) {
    const row = Object.fromEntries(EVIDENCE_COLUMNS.map((c) => [c, r.values[c] ?? ''])) as EvidenceRow;
    const list = out.get(row.inn);
    if (list === undefined) out.set(row.inn, [row]);
    else list.push(row);
  }
  return out;
}
