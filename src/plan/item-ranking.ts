/**
 * The plan's ranking by item scores (`ccrg plan --rank-by items`,
 * docs/plan.md#ranking-by-items): the participants of the score run in the
 * order of items-by-participant.csv. Pure.
 */
import type { ItemRollUpRow } from '../run-folder/items.js';
import type { RankedRow } from '../run-folder/ranked.js';

/** The participants of a score run ranked by their items. */
export interface ItemRanking {
  /**
   * ranked.csv's rows in the plan's order, `rank` renumbered from 1: those
   * with item scores in items-by-participant.csv's order, then those without
   * in ranked.csv's order.
   */
  ranked: RankedRow[];
  /** INNs with item scores in the period: the risk candidates. */
  withItemScores: Set<string>;
  /** Participants of ranked.csv none of whose items was scored in the period. */
  withoutItemScores: number;
  /** Importers of items-by-participant.csv that ranked.csv does not hold, in its order: they cannot be planned. */
  notInScoreRun: string[];
}

/**
 * Ranks the score run's participants by the item roll-up (`rollUp` in its
 * file order). Nobody of the score run is dropped: a participant without
 * item scores keeps its routing, eligibility and exploration chances and
 * comes after everyone with item scores. An importer with item scores that
 * the score run lacks has no routing inputs or eligibility facts and is
 * left out, named in `notInScoreRun`.
 */
export function rankByItems(ranked: readonly RankedRow[], rollUp: readonly ItemRollUpRow[]): ItemRanking {
  const byInn = new Map(ranked.map((r) => [r.inn, r]));
  const order: RankedRow[] = [];
  const withItemScores = new Set<string>();
  const notInScoreRun: string[] = [];
  for (const line of rollUp) {
    const row = byInn.get(line.inn);
    if (row === undefined) notInScoreRun.push(line.inn);
    else if (!withItemScores.has(line.inn)) {
      withItemScores.add(line.inn);
      order.push(row);
    }
  }
  const without = ranked.filter((r) => !withItemScores.has(r.inn));
  return {
    ranked: [...order, ...without].map((row, i) => ({ ...row, rank: i + 1 })),
    withItemScores,
    withoutItemScores: without.length,
    notInScoreRun,
  };
}
