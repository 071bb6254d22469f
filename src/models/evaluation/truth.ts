import { csvNumber, readCsvRecords } from '../../io/csv-read.js';
import { ConfigError } from '../../util/errors.js';

/** One row of a generator's truth.csv (docs/generator.md). */
export interface TruthRow {
  inn: string;
  kind: 'scheme' | 'decoy';
  scheme: string;
  /** YYYY-MM */
  period: string;
  chargesRub: number;
}

/** Reads truth.csv. Evaluation only: no scoring or training code may read it. */
export async function readTruth(path: string): Promise<TruthRow[]> {
  const { records } = await readCsvRecords(path, ['inn', 'kind', 'scheme', 'period', 'charges_rub'], 'a generator truth file');
  return records.map((r) => {
    const kind = r.values['kind'];
    if (kind !== 'scheme' && kind !== 'decoy') throw new ConfigError(`${path}: line ${r.line}: kind must be scheme or decoy, got ${String(kind)}`);
    return { inn: r.values['inn'] ?? '', kind, scheme: r.values['scheme'] ?? '', period: r.values['period'] ?? '', chargesRub: r.values['charges_rub'] === '' ? 0 : csvNumber(path, r, 'charges_rub') };
  });
}

/**
 * The ranking without the participants of the schemes named (planted in a month up to the
 * as-of month, per `truth`): how a change orders the participants that were there before it,
 * apart from the places the schemes it added take (docs/quality.md, "The earlier figures").
 */
export function withoutSchemes(rankedInns: readonly string[], truth: readonly TruthRow[], schemes: ReadonlySet<string>, asOfMonth: string): string[] {
  const aside = new Set(truth.filter((row) => row.kind === 'scheme' && schemes.has(row.scheme) && row.period <= asOfMonth).map((row) => row.inn));
  return rankedInns.filter((inn) => !aside.has(inn));
}

/** Quality of a ranking against the planted truth, over the ranked participants. */
export interface TruthEvaluation {
  participants: number;
  positives: number;
  baseRate: number;
  /** k = ceil(share × participants). */
  atShare: { share: number; k: number; precision: number; liftOverBase: number; chargesShare: number; chargesLiftOverRandom: number }[];
  /** For each scheme and decoy: participants ranked, how many in the top 10%, and over-representation (1 = as random). */
  groups: { kind: 'scheme' | 'decoy'; name: string; participants: number; inTop10: number; overRepresentation: number }[];
}

/**
 * Compares a ranking (INNs best first) with the truth: a participant is
 * positive when it has a planted scheme in a month up to the as-of month;
 * its charges are the sum over those months.
 */
export function evaluateAgainstTruth(rankedInns: readonly string[], truth: readonly TruthRow[], asOfMonth: string, shares: readonly number[] = [0.01, 0.05, 0.1]): TruthEvaluation {
  const n = rankedInns.length;
  const inUniverse = new Set(rankedInns);
  const charges = new Map<string, number>();
  const members = new Map<string, { kind: 'scheme' | 'decoy'; inns: Set<string> }>();
  for (const row of truth) {
    if (row.period > asOfMonth || !inUniverse.has(row.inn)) continue;
    if (row.kind === 'scheme') charges.set(row.inn, (charges.get(row.inn) ?? 0) + row.chargesRub);
    const key = `${row.kind}:${row.scheme}`;
    let group = members.get(key);
    if (group === undefined) members.set(key, (group = { kind: row.kind, inns: new Set() }));
    group.inns.add(row.inn);
  }
  const positives = charges.size;
  const baseRate = n === 0 ? 0 : positives / n;
  const totalCharges = [...charges.values()].reduce((a, b) => a + b, 0);
  const atShare = shares.map((share) => {
    const k = Math.max(1, Math.ceil(share * n));
    const top = rankedInns.slice(0, k);
    const hits = top.filter((inn) => charges.has(inn)).length;
    const recovered = top.reduce((sum, inn) => sum + (charges.get(inn) ?? 0), 0);
    const precision = hits / k;
    const chargesShare = totalCharges === 0 ? 0 : recovered / totalCharges;
    return {
      share,
      k,
      precision,
      liftOverBase: baseRate === 0 ? 0 : precision / baseRate,
      chargesShare,
      chargesLiftOverRandom: chargesShare / (k / n),
    };
  });
  const k10 = Math.max(1, Math.ceil(0.1 * n));
  const top10 = new Set(rankedInns.slice(0, k10));
  const groups = [...members.entries()]
    .map(([key, g]) => {
      const inTop10 = [...g.inns].filter((inn) => top10.has(inn)).length;
      const expected = (g.inns.size * k10) / n;
      return { kind: g.kind, name: key.slice(key.indexOf(':') + 1), participants: g.inns.size, inTop10, overRepresentation: expected === 0 ? 0 : inTop10 / expected };
    })
    .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'scheme' ? -1 : 1));
  return { participants: n, positives, baseRate, atShare, groups };
}
