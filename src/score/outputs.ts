import { createHash } from 'node:crypto';
import { csvText } from '../io/csv-write.js';
import type { Row } from '../io/db.js';
import type { RankedParticipant } from './score.js';

/** Columns of ranked.csv, in order (docs/outputs.md). */
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
  'anomaly_score',
  'indicators_fired',
  'reason_1',
  'reason_2',
  'reason_3',
] as const;

/** Columns of reasons.csv. */
export const REASON_COLUMNS = ['rank', 'inn', 'indicator_id', 'title', 'weight', 'contribution', 'amount_at_stake_rub', 'recovering_authority', 'reason'] as const;

/** Columns of evidence.csv (from the item signals table). */
export const EVIDENCE_COLUMNS = [
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

/** Money with 2 decimals; empty for null. */
export function money(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '' : value.toFixed(2);
}

/** A score or ratio with a fixed number of decimals; empty for null. */
export function fixed(value: number | null | undefined, decimals: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  const text = value.toFixed(decimals);
  return text === `-${(0).toFixed(decimals)}` ? (0).toFixed(decimals) : text;
}

/** ranked.csv: every scored participant, best first. */
export function rankedCsv(ranked: readonly RankedParticipant[]): string {
  return csvText(
    RANKED_COLUMNS,
    ranked.map((p) => {
      const e = p.evaluation;
      const byModel = p.scoreSource === 'model';
      const reasons = byModel ? (p.modelReasons ?? []).map((r) => r.reason) : e.fired.map((f) => f.reason);
      const modelScore = p.model === undefined ? null : (p.model.expectedChargesRub ?? p.model.probability);
      return [
        p.rank,
        p.inn,
        p.name,
        p.region,
        p.office,
        byModel ? fixed(modelScore, p.model?.expectedChargesRub === null ? 6 : 2) : fixed(e.score, 4),
        byModel ? 'model' : 'rules',
        p.model === undefined ? '' : fixed(p.model.probability, 6),
        p.model === undefined ? '' : money(p.model.expectedChargesRub),
        fixed(p.modelCustomsShare ?? null, 4),
        money(e.customsAtStakeRub),
        money(e.taxAtStakeRub),
        money(p.values['customs_value_window_rub'] ?? null),
        fixed(p.anomaly ?? null, 4),
        e.fired.length,
        reasons[0] ?? '',
        reasons[1] ?? '',
        reasons[2] ?? '',
      ];
    }),
  );
}

/**
 * reasons.csv: one row per fired indicator per participant, in rank order,
 * then (with a model) one row per feature among the model's reasons, with
 * `indicator_id` = `model:<feature>` and the TreeSHAP log-odds contribution.
 */
export function reasonsCsv(ranked: readonly RankedParticipant[]): string {
  const rows: (string | number | null)[][] = [];
  for (const p of ranked) {
    for (const f of p.evaluation.fired) {
      rows.push([p.rank, p.inn, f.id, f.title, fixed(f.weight, 4), fixed(f.contribution, 4), money(f.amountAtStakeRub), f.recoveringAuthority, f.reason]);
    }
    for (const r of p.modelReasons ?? []) rows.push([p.rank, p.inn, `model:${r.feature}`, r.title, '', fixed(r.contribution, 4), '', r.recoveringAuthority, r.reason]);
  }
  return csvText(REASON_COLUMNS, rows);
}

/** evidence.csv from item rows already ordered by rank and importance. */
export function evidenceCsv(items: readonly Row[]): string {
  return csvText(
    EVIDENCE_COLUMNS,
    items.map((item) => EVIDENCE_COLUMNS.map((c) => {
      const v = item[c];
      return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    })),
  );
}

/** sha256 of a text, hex. */
export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}
