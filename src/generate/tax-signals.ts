/**
 * The tax authority's signals about foreign-trade participants
 * (tax_signals.csv): what its own control would find of the planted
 * schemes, late and incomplete, plus some signals about honest firms.
 * Drawn from a random stream of their own, so that every other generated
 * file stays byte-identical (docs/generator.md, "Tax signals").
 */
import { isoFromDay, type MonthRef } from './calendar.js';
import { round2 } from './declarations.js';
import type { Participant, SchemeKind } from './participants.js';
import type { Rng } from './random.js';

/** Per scheme: the chance the tax authority signals it, and what it signals. */
const SIGNALLED: Readonly<Record<SchemeKind, { chance: number; type: string } | null>> = {
  // Deductions above the VAT paid show in the tax authority's own desk audits.
  vat_deduction_inflation: { chance: 0.5, type: 'deduction_refused' },
  // A shell's buyers deduct VAT it never pays: a break in the VAT chain.
  shell_importer: { chance: 0.6, type: 'missing_trader' },
  // Undervalued goods resold at the going price: a markup the tax side can see.
  undervaluation: { chance: 0.25, type: 'resale_markup' },
  // Duty is customs' business alone: nothing for the tax authority to see.
  misclassification: null,
  origin_manipulation: null,
};

/** Chance that an honest active participant is the subject of a signal over the whole span. */
const HONEST_SIGNAL_CHANCE = 0.01;

const HONEST_TYPES = ['deduction_refused', 'resale_markup', 'other'] as const;

/**
 * The signal lines (signal_id, inn, signal_type, signal_date, amount_rub,
 * description), in date order. A scheme's signal comes 2-8 months after
 * the scheme starts (dropped when that is after the last month); an honest
 * participant's at a random month.
 */
export function taxSignalLines(participants: readonly Participant[], months: readonly MonthRef[], rng: Rng): string[] {
  const signals: { day: number; fields: string[] }[] = [];
  const last = months[months.length - 1];
  if (last === undefined) return [];
  for (const p of participants) {
    const planted = p.scheme === null ? null : SIGNALLED[p.scheme.kind];
    let type: string | null = null;
    let month: MonthRef | undefined;
    if (p.scheme !== null) {
      if (planted === null || !rng.chance(planted.chance)) continue;
      type = planted.type;
      month = months[p.scheme.fromMonth + rng.intBetween(2, 8)];
    } else {
      if (!rng.chance(HONEST_SIGNAL_CHANCE)) continue;
      type = HONEST_TYPES[rng.intBetween(0, HONEST_TYPES.length - 1)] as string;
      month = months[rng.intBetween(0, months.length - 1)];
    }
    if (month === undefined) continue;
    const day = month.firstDay + rng.intBetween(0, month.days - 1);
    // The money the signal names: of the order of the firm's monthly trade.
    const amount = round2(Math.max(p.lambda, 0.2) * 250_000 * rng.logNormal(0, 0.8));
    signals.push({ day, fields: ['', p.inn, type, isoFromDay(day), amount.toFixed(2), ''] });
  }
  signals.sort((a, b) => a.day - b.day || (a.fields[1] as string).localeCompare(b.fields[1] as string));
  return signals.map((s, i) => {
    s.fields[0] = `FNS-SIG-${String(i + 1).padStart(6, '0')}`;
    return s.fields.join(',');
  });
}
