import type { FeatureDef } from '../features/types.js';
import type { Db } from '../io/db.js';
import { quoteIdent } from '../io/sql.js';
import type { Scored } from './score-period.js';

/** Everything `ccrg explain` shows about one participant. */
export interface Explanation {
  inn: string;
  asOf: string;
  /** Null when the participant has no items in the feature window (not scored). */
  rank: number | null;
  of: number;
  text: string;
}

function formatValue(value: number | null, feature: FeatureDef): string {
  if (value === null) return '—';
  if (feature.unit === 'RUB') return `${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} RUB`;
  return `${value.toFixed(feature.decimals)}${feature.unit === 'flag' || feature.unit === 'count' ? '' : ` ${feature.unit}`}`;
}

/**
 * Explains one participant: its features with units, the peer groups its
 * items were compared with, the indicators that fired (with reasons) and
 * those that did not (with why), and its rank, also when it is not near the top.
 */
export async function explainParticipant(db: Db, scored: Scored, features: readonly FeatureDef[], inn: string, asOf: string): Promise<Explanation> {
  const participant = scored.ranked.find((p) => p.inn === inn);
  const of = scored.ranked.length;
  if (participant === undefined) {
    return {
      inn,
      asOf,
      rank: null,
      of,
      text: `${inn} is not scored as of ${asOf}: it has no declaration items in the feature window (${of} participants were scored).`,
    };
  }
  const e = participant.evaluation;
  const lines: string[] = [];
  lines.push(`${inn} ${participant.name ?? '(not in the register)'}, region ${participant.region ?? '—'}, office ${participant.office ?? '—'}`);
  lines.push(`as of ${asOf}: rank ${participant.rank} of ${of}, risk-profile score ${e.score.toFixed(4)}`);
  lines.push(`at stake: customs ${e.customsAtStakeRub.toFixed(2)} RUB, tax ${e.taxAtStakeRub.toFixed(2)} RUB`);
  if (participant.model !== undefined) {
    const m = participant.model;
    lines.push(
      `model: P(violation) ${m.probability.toFixed(4)}, expected charges ${m.expectedChargesRub === null ? '—' : `${m.expectedChargesRub.toFixed(2)} RUB`}; ` +
        `the list is ranked by ${participant.scoreSource === 'model' ? 'the model' : 'the risk profile'}`,
    );
    lines.push('', 'What raised the model score most (TreeSHAP, log-odds):');
    if ((participant.modelReasons ?? []).length === 0) lines.push('  nothing: every feature lowered it or left it unchanged');
    for (const r of participant.modelReasons ?? []) lines.push(`  + ${r.feature} (${r.contribution.toFixed(4)}, ${r.recoveringAuthority}): ${r.reason}`);
  }
  lines.push('', 'Indicators that fired:');
  if (e.fired.length === 0) lines.push('  none');
  for (const f of e.fired) lines.push(`  + ${f.id} (${f.contribution.toFixed(2)}, ${f.recoveringAuthority}): ${f.reason}`);
  lines.push('', 'Indicators that did not fire:');
  if (e.unfired.length === 0) lines.push('  none');
  for (const u of e.unfired) lines.push(`  - ${u.id}: ${u.why}`);
  lines.push('', 'Features:');
  const width = Math.max(...features.map((f) => f.id.length));
  for (const f of features) lines.push(`  ${f.id.padEnd(width)}  ${formatValue(participant.values[f.id] ?? null, f).padStart(22)}  ${f.title}`);
  const peers = await db.all(`SELECT coalesce(peer_level, 'none') AS peer_level, count(*)::INTEGER AS items,
      median(peer_items)::INTEGER AS median_peer_items, median(peer_importers)::INTEGER AS median_peer_importers
    FROM ${quoteIdent(scored.itemTable)} WHERE inn = $inn GROUP BY ALL ORDER BY items DESC, peer_level`,
    { inn },
  );
  lines.push('', 'Peer groups of its items (unit values are compared with other importers only):');
  for (const p of peers) {
    lines.push(`  ${String(p['peer_level']).padEnd(12)} ${String(p['items']).padStart(6)} items, median group ${String(p['median_peer_items'] ?? '—')} items from ${String(p['median_peer_importers'] ?? '—')} importers`);
  }
  return { inn, asOf, rank: participant.rank, of, text: lines.join('\n') };
}
