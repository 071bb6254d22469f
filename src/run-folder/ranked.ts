/** ranked.csv (docs/outputs.md): every scored participant, best first; its one row type, writer and reader. */
import { csvNumber, csvOptionalNumber, readCsvRecords } from '../io/csv-read.js';
import { csvText } from '../io/csv-write.js';
import { fixed, money } from './format.js';

/** File name in the run folder. */
export const RANKED_FILE = 'ranked.csv';

/** Columns of ranked.csv, in order. */
export const RANKED_COLUMNS = [
  'rank',
  'inn',
  'name',
  'region',
  'office',
  'score',
  'score_source',
  'probability',
  'expected_charges_rub',
  'model_customs_share',
  'customs_at_stake_rub',
  'tax_at_stake_rub',
  'customs_value_window_rub',
  'tax_signal_count',
  'anomaly_score',
  'indicators_fired',
  'reason_1',
  'reason_2',
  'reason_3',
] as const;

/** One row of ranked.csv. */
export interface RankedRow {
  rank: number;
  inn: string;
  name: string;
  region: string;
  office: string;
  /** Rules: the risk profile's points; model: expected charges (RUB), or the probability when the model has no amount part. */
  score: number;
  scoreSource: 'rules' | 'model';
  probability: number | null;
  expectedChargesRub: number | null;
  /** The customs share of the model's positive contributions; null without a model. */
  modelCustomsShare: number | null;
  customsAtStakeRub: number;
  taxAtStakeRub: number;
  customsValueWindowRub: number | null;
  /** The tax authority's signals about it within the control period; null when the store holds no signals. */
  taxSignalCount: number | null;
  anomalyScore: number | null;
  indicatorsFired: number;
  /** The first three reasons, in order. */
  reasons: string[];
}

/** Decimals of the score column: 4 for points, 2 for RUB, 6 for a probability. */
function scoreDecimals(row: RankedRow): number {
  if (row.scoreSource === 'rules') return 4;
  return row.expectedChargesRub === null ? 6 : 2;
}

/** The text of ranked.csv. */
export function rankedCsv(rows: readonly RankedRow[]): string {
  return csvText(
    RANKED_COLUMNS,
    rows.map((r) => [
      r.rank,
      r.inn,
      r.name,
      r.region,
      r.office,
      fixed(r.score, scoreDecimals(r)),
      r.scoreSource,
      fixed(r.probability, 6),
      money(r.expectedChargesRub),
      fixed(r.modelCustomsShare, 4),
      money(r.customsAtStakeRub),
      money(r.taxAtStakeRub),
      money(r.customsValueWindowRub),
      fixed(r.taxSignalCount, 0),
      fixed(r.anomalyScore, 4),
      r.indicatorsFired,
      r.reasons[0] ?? '',
      r.reasons[1] ?? '',
      r.reasons[2] ?? '',
    ]),
  );
}

/** Reads ranked.csv, in rank order; a malformed file is a ConfigError naming file, line and column. */
export async function readRanked(path: string): Promise<RankedRow[]> {
  const { records } = await readCsvRecords(path, ['rank', 'inn', 'name', 'score', 'score_source', 'customs_at_stake_rub', 'tax_at_stake_rub']);
  return records.map((r) => {
    const v = r.values;
    return {
      rank: csvNumber(path, r, 'rank'),
      inn: v['inn'] ?? '',
      name: v['name'] ?? '',
      region: v['region'] ?? '',
      office: v['office'] ?? '',
      score: csvNumber(path, r, 'score'),
      scoreSource: v['score_source'] === 'model' ? 'model' : 'rules',
      probability: csvOptionalNumber(path, r, 'probability'),
      expectedChargesRub: csvOptionalNumber(path, r, 'expected_charges_rub'),
      modelCustomsShare: csvOptionalNumber(path, r, 'model_customs_share'),
      customsAtStakeRub: csvOptionalNumber(path, r, 'customs_at_stake_rub') ?? 0,
      taxAtStakeRub: csvOptionalNumber(path, r, 'tax_at_stake_rub') ?? 0,
      customsValueWindowRub: csvOptionalNumber(path, r, 'customs_value_window_rub'),
      // Absent from runs made before the column existed: unknown.
      taxSignalCount: csvOptionalNumber(path, r, 'tax_signal_count'),
      anomalyScore: csvOptionalNumber(path, r, 'anomaly_score'),
      indicatorsFired: csvOptionalNumber(path, r, 'indicators_fired') ?? 0,
      reasons: [v['reason_1'], v['reason_2'], v['reason_3']].filter((x): x is string => x !== undefined && x !== ''),
    };
  });
}
