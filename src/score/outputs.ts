/** The scored participants as the run folder's rows (src/run-folder): ranked.csv and reasons.csv. */
import type { RankedRow } from '../run-folder/ranked.js';
import type { ReasonRow } from '../run-folder/reasons.js';
import type { RankedParticipant } from './score.js';

/** One ranked.csv row per participant, in list order. */
export function rankedRows(ranked: readonly RankedParticipant[]): RankedRow[] {
  return ranked.map((p) => {
    const e = p.evaluation;
    const byModel = p.scoreSource === 'model';
    const reasons = byModel ? (p.modelReasons ?? []).map((r) => r.reason) : e.fired.map((f) => f.reason);
    return {
      rank: p.rank,
      inn: p.inn,
      name: p.name ?? '',
      region: p.region ?? '',
      office: p.office ?? '',
      score: byModel ? (p.model?.expectedChargesRub ?? p.model?.probability ?? Number.NaN) : e.score,
      scoreSource: byModel ? 'model' : 'rules',
      probability: p.model?.probability ?? null,
      expectedChargesRub: p.model?.expectedChargesRub ?? null,
      modelCustomsShare: p.modelCustomsShare ?? null,
      customsAtStakeRub: e.customsAtStakeRub,
      taxAtStakeRub: e.taxAtStakeRub,
      customsValueWindowRub: p.values['customs_value_window_rub'] ?? null,
      taxSignalCount: p.values['tax_signal_count'] ?? null,
      anomalyScore: p.anomaly ?? null,
      indicatorsFired: e.fired.length,
      reasons: reasons.slice(0, 3),
    };
  });
}

/**
 * reasons.csv rows: one per fired indicator per participant, in rank order,
 * then (with a model) one per feature among the model's reasons, with
 * `indicatorId` = `model:<feature>` and the TreeSHAP log-odds contribution.
 */
export function reasonRows(ranked: readonly RankedParticipant[]): ReasonRow[] {
  const rows: ReasonRow[] = [];
  for (const p of ranked) {
    for (const f of p.evaluation.fired) {
      rows.push({ rank: p.rank, inn: p.inn, indicatorId: f.id, title: f.title, weight: f.weight, contribution: f.contribution, amountAtStakeRub: f.amountAtStakeRub, recoveringAuthority: f.recoveringAuthority, reason: f.reason });
    }
    for (const r of p.modelReasons ?? []) {
      rows.push({ rank: p.rank, inn: p.inn, indicatorId: `model:${r.feature}`, title: r.title, weight: null, contribution: r.contribution, amountAtStakeRub: null, recoveringAuthority: r.recoveringAuthority, reason: r.reason });
    }
  }
  return rows;
}
