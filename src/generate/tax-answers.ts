/**
 * The service's past referrals to the tax authority and the tax
 * authority's answers to them (tax_answers.csv). Each quarter the older
 * rules refer the importers whose VAT returns deduct more import VAT than
 * the service saw paid at the border, or that claim refunds with almost no
 * staff; the tax authority answers from the planted truth: a violation
 * with the VAT the schemes took, months later, and some referrals never.
 * Drawn from a random stream of their own, so that every other generated
 * file stays byte-identical (docs/generator.md, "Referrals and answers").
 */
import { isoFromDay, type MonthRef } from './calendar.js';
import { round2 } from './declarations.js';
import type { Participant } from './participants.js';
import type { Rng } from './random.js';
import type { TaxCharge } from './tax-returns.js';
import type { World } from './world.js';

/** Quarters over which deductions are compared with the VAT paid at the border. */
const LOOKBACK_QUARTERS = 4;
/** Deductions above this multiple of the border VAT (over one more quarter, for lawful lags) are a referral's first ground. */
const EXCESS_RATIO = 1.1;
/** Below this excess in RUB a gap is not worth a referral. */
const MIN_EXCESS_RUB = 50_000;
/** Referrals a quarter, as a share of the importers that filed returns (at least one). */
const REFERRED_SHARE = 0.004;
/** Quarters before the same importer can be referred again. */
const COOLDOWN_QUARTERS = 4;
/** Chance that the tax authority's control finds a planted tax-side violation. */
const DETECTION_PROBABILITY = 0.85;
/** Chance that a referral without one still ends in a violation. */
const FALSE_POSITIVE_RATE = 0.05;
/** Chance that the tax authority takes no measure. */
const DECLINE_RATE = 0.08;
/** Chance that a referral never gets an answer. */
const UNANSWERED_RATE = 0.12;
/** Chance that an answered referral first gets an in_progress answer. */
const IN_PROGRESS_RATE = 0.3;

/** What the service could see of one importer's quarter: its return and the VAT paid at the border. */
interface QuarterView {
  filedDay: number;
  deductedImport: number;
  deductions: number;
  accrued: number;
}

/** One referral of the older rules. */
interface Referral {
  readonly p: Participant;
  /** Index of the last month of the quarter whose return was referred. */
  readonly quarterEnd: number;
  readonly day: number;
  readonly id: string;
}

/** Collects what the referral rules see while the other files are written, then writes the answers. */
export class ReferralBook {
  /** VAT paid at the border, by participant and month index. */
  private readonly borderVat: Float64Array[];
  /** The first filed return of each participant's quarter, by quarter-end month index. */
  private readonly returns: Map<number, QuarterView>[];
  /** Planted tax-side charges, by participant. */
  private readonly charges: TaxCharge[][];

  constructor(
    private readonly world: World,
    private readonly participants: readonly Participant[],
  ) {
    this.borderVat = participants.map(() => new Float64Array(world.months.length));
    this.returns = participants.map(() => new Map());
    this.charges = participants.map(() => []);
  }

  /** Import VAT paid at the border (a correction's difference included) in a month. */
  addBorderVat(p: Participant, month: MonthRef, vat: number): void {
    const row = this.borderVat[p.idx] as Float64Array;
    row[month.index] = (row[month.index] ?? 0) + vat;
  }

  /** A filed return; only the first filing of a quarter counts (corrections come later than the referral). */
  addReturn(p: Participant, quarterEnd: number, view: QuarterView): void {
    const own = this.returns[p.idx] as Map<number, QuarterView>;
    if (!own.has(quarterEnd)) own.set(quarterEnd, view);
  }

  /** A planted tax-side charge (ground truth, for the answers only). */
  addCharge(charge: TaxCharge): void {
    (this.charges[charge.p.idx] as TaxCharge[]).push(charge);
  }

  /**
   * The older rules' referrals: in the second month after each quarter
   * from the second with returns, among the importers whose return for it
   * was filed by then, those deducting import VAT above {@link EXCESS_RATIO} times what
   * they paid at the border (over the last {@link LOOKBACK_QUARTERS}
   * quarters, one more quarter of payments allowed for lawful lags) by at
   * least {@link MIN_EXCESS_RUB}, and those with at most three staff
   * claiming a refund in two of those quarters; the largest gaps first, up
   * to {@link REFERRED_SHARE} of the filers, none referred twice within
   * {@link COOLDOWN_QUARTERS} quarters.
   */
  private referrals(): Referral[] {
    const months = this.world.months;
    const lastReferred = new Int32Array(this.participants.length).fill(-1000);
    const out: Referral[] = [];
    for (const quarterEndMonth of months) {
      if (quarterEndMonth.month % 3 !== 0 || quarterEndMonth.index < 5) continue;
      const month = months[quarterEndMonth.index + 2];
      if (month === undefined) break;
      const referralQuarter = Math.floor(quarterEndMonth.index / 3);
      const candidates: { p: Participant; gap: number }[] = [];
      let filers = 0;
      for (const p of this.participants) {
        const own = this.returns[p.idx] as Map<number, QuarterView>;
        const current = own.get(quarterEndMonth.index);
        if (current === undefined || current.filedDay >= month.firstDay) continue;
        filers++;
        if (referralQuarter - (lastReferred[p.idx] ?? -1000) < COOLDOWN_QUARTERS) continue;
        let deducted = 0;
        let refunds = 0;
        for (let q = 0; q < LOOKBACK_QUARTERS; q++) {
          const view = own.get(quarterEndMonth.index - 3 * q);
          if (view === undefined) continue;
          deducted += view.deductedImport;
          if (view.deductions > view.accrued) refunds++;
        }
        const border = this.borderVat[p.idx] as Float64Array;
        let paid = 0;
        for (let m = Math.max(0, quarterEndMonth.index - 3 * (LOOKBACK_QUARTERS + 1) + 1); m <= quarterEndMonth.index; m++) paid += border[m] ?? 0;
        const gap = deducted - paid;
        if ((deducted > EXCESS_RATIO * paid && gap >= MIN_EXCESS_RUB) || (p.headcount <= 3 && refunds >= 2)) candidates.push({ p, gap });
      }
      const capacity = Math.max(1, Math.round(filers * REFERRED_SHARE));
      candidates.sort((a, b) => b.gap - a.gap || a.p.idx - b.p.idx);
      for (const { p } of candidates.slice(0, capacity)) {
        lastReferred[p.idx] = referralQuarter;
        out.push({ p, quarterEnd: quarterEndMonth.index, day: month.firstDay, id: `PLAN-${month.quarterKey}/R/${p.inn}` });
      }
    }
    return out;
  }

  /**
   * The answer lines (referral_id, inn, decision_date, result,
   * vat_charged_rub, profit_tax_charged_rub), in date order. A referral
   * whose quarters hold planted tax-side charges ends, with
   * {@link DETECTION_PROBABILITY}, in a violation charging their VAT
   * (and profit tax on a shell's hidden sales); otherwise in no violation
   * (or, rarely, a small violation). The decision comes 2-5 months after
   * the referral, sometimes after an in_progress answer; some referrals are
   * declined, some never answered, and none is answered after the last
   * generated day.
   */
  answerLines(rng: Rng): string[] {
    const lines: { day: number; fields: string[] }[] = [];
    for (const r of this.referrals()) {
      if (rng.chance(UNANSWERED_RATE)) continue;
      const decisionDay = r.day + rng.intBetween(60, 150);
      if (rng.chance(IN_PROGRESS_RATE)) {
        const day = r.day + rng.intBetween(20, 50);
        if (day <= this.world.endDay) lines.push({ day, fields: [r.id, r.p.inn, isoFromDay(day), 'in_progress', '', ''] });
      }
      const fromMonth = r.quarterEnd - 3 * LOOKBACK_QUARTERS + 1;
      const planted = (this.charges[r.p.idx] as TaxCharge[]).filter((c) => c.month.index >= fromMonth && c.month.index <= r.quarterEnd);
      const plantedVat = planted.reduce((sum, c) => sum + c.amount, 0);
      let result: string;
      let vat = '';
      let profit = '';
      if (rng.chance(DECLINE_RATE)) result = 'declined';
      else if (plantedVat > 0 && rng.chance(DETECTION_PROBABILITY)) {
        result = 'violation';
        const charged = round2(plantedVat * rng.between(0.9, 1.05));
        vat = charged.toFixed(2);
        // A shell's sales go unreported: profit tax on them too.
        if (planted.some((c) => c.kind === 'shell_importer')) profit = round2(charged * rng.between(0.2, 0.5)).toFixed(2);
      } else if (rng.chance(FALSE_POSITIVE_RATE)) {
        result = 'violation';
        vat = round2(Math.max(r.p.lambda, 0.2) * 20_000 * rng.logNormal(0, 0.5)).toFixed(2);
      } else result = 'no_violation';
      if (decisionDay > this.world.endDay) continue;
      lines.push({ day: decisionDay, fields: [r.id, r.p.inn, isoFromDay(decisionDay), result, vat, profit] });
    }
    lines.sort((a, b) => a.day - b.day || (a.fields[0] as string).localeCompare(b.fields[0] as string));
    return lines.map((l) => l.fields.join(','));
  }
}
