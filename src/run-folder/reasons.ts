/** reasons.csv (docs/outputs.md): every fired indicator and model reason per participant; its row type, writer and reader. */
import { csvNumber, csvOptionalNumber, readCsvRecords } from '../io/csv-read.js';
import { csvText } from '../io/csv-write.js';
import { fixed, money } from './format.js';

/** File name in the run folder. */
export const REASONS_FILE = 'reasons.csv';

/** Columns of reasons.csv, in order. */
export const REASON_COLUMNS = ['rank', 'inn', 'indicator_id', 'title', 'weight', 'contribution', 'amount_at_stake_rub', 'recovering_authority', 'reason'] as const;

/**
 * One row of reasons.csv: a fired indicator of the risk profile, or (with a
 * model) a feature among the model's reasons, `indicatorId` = `model:<feature>`
 * and `contribution` its TreeSHAP log-odds contribution.
 */
export interface ReasonRow {
  rank: number;
  inn: string;
  indicatorId: string;
  title: string;
  /** The indicator's weight; null for a model reason. */
  weight: number | null;
  contribution: number;
  amountAtStakeRub: number | null;
  recoveringAuthority: string;
  reason: string;
}

/** The text of reasons.csv. */
export function reasonsCsv(rows: readonly ReasonRow[]): string {
  return csvText(
    REASON_COLUMNS,
    rows.map((r) => [r.rank, r.inn, r.indicatorId, r.title, fixed(r.weight, 4), fixed(r.contribution, 4), money(r.amountAtStakeRub), r.recoveringAuthority, r.reason]),
  );
}

/** Reads reasons.csv, in file order; a malformed file is a ConfigError naming file, line and column. */
export async function readReasons(path: string): Promise<ReasonRow[]> {
  const { records } = await readCsvRecords(path, ['inn', 'indicator_id', 'title', 'amount_at_stake_rub']);
  return records.map((r) => ({
    rank: csvOptionalNumber(path, r, 'rank') ?? 0,
    inn: r.values['inn'] ?? '',
    indicatorId: r.values['indicator_id'] ?? '',
    title: r.values['title'] ?? '',
    weight: csvOptionalNumber(path, r, 'weight'),
    contribution: r.values['contribution'] === undefined || r.values['contribution'] === '' ? 0 : csvNumber(path, r, 'contribution'),
    amountAtStakeRub: csvOptionalNumber(path, r, 'amount_at_stake_rub'),
    recoveringAuthority: r.values['recovering_authority'] ?? '',
    reason: r.values['reason'] ?? '',
  }));
}

/** Reasons grouped by INN, each list in file order (largest contribution first). */
export function reasonsByInn(rows: readonly ReasonRow[]): Map<string, ReasonRow[]> {
  const out = new Map<string, ReasonRow[]>();
  for (const r of rows) {
    const list = out.get(r.inn);
    if (list === undefined) out.set(r.inn, [r]);
    else list.push(r);
  }
  return out;
}
