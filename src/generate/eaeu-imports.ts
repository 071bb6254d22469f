/**
 * Applications on the import of goods from other EAEU members
 * (eaeu_imports.csv): the import VAT a firm deducts in its VAT return as
 * EAEU VAT (`vat_deductions_eaeu_rub`) was paid with these applications, one
 * to three a quarter, each of one to three goods lines (docs/generator.md,
 * "EAEU imports"). Planted: `eaeu_vat_unpaid_deduction`, firms whose
 * applications pay only part of what their returns deduct. Drawn from
 * random streams of their own (42, 43), so every other file stays
 * byte-identical.
 */
import { isoFromDay, type MonthRef } from './calendar.js';
import { round2 } from './declarations.js';
import { pickCumulative } from './random.js';
import type { Participant } from './participants.js';
import { Rng } from './random.js';
import type { World } from './world.js';

/** Member states of the suppliers, with their shares. */
const SUPPLIERS: readonly { country: string; share: number; idDigits: number }[] = [
  { country: 'BY', share: 0.6, idDigits: 9 },
  { country: 'KZ', share: 0.25, idDigits: 12 },
  { country: 'AM', share: 0.08, idDigits: 8 },
  { country: 'KG', share: 0.07, idDigits: 14 },
];

interface Application {
  readonly day: number;
  readonly fields: string[];
}

/** The planted EAEU scheme: deductions of EAEU VAT that no application paid. */
export const EAEU_SCHEME = 'eaeu_vat_unpaid_deduction';

/** Share of participants given the scheme. */
const EAEU_SCHEME_RATE = 0.009;

interface UnpaidEpisode {
  readonly fromMonth: number;
  readonly toMonth: number;
  /** Share of the deducted VAT the applications pay. */
  readonly paidShare: number;
}

/** The origin schemes: third-country goods declared as EAEU goods at a fraction of their price, and genuinely cheaper EAEU goods. */
export type EaeuOriginKind = 'eaeu_false_origin' | 'eaeu_true_origin';
export const EAEU_ORIGIN_SCHEME = 'eaeu_false_origin';
export const EAEU_ORIGIN_DECOY = 'eaeu_true_origin';

/** Share of participants given the false-origin scheme, and the true-origin decoy. */
const EAEU_ORIGIN_RATE = 0.01;

interface OriginPlan {
  readonly kind: EaeuOriginKind;
  readonly fromMonth: number;
  readonly toMonth: number;
  /** The declared price of the goods over their market price. */
  readonly priceShare: number;
}

/** A planted charge of the false-origin scheme: the duty and VAT customs would have charged, in the month the goods were accepted. */
export interface EaeuOriginCharge {
  readonly p: Participant;
  readonly month: MonthRef;
  readonly amount: number;
}

/** A planted charge: VAT deducted in a quarter's return that no application paid. */
export interface EaeuCharge {
  readonly p: Participant;
  readonly month: MonthRef;
  readonly amount: number;
  readonly day: number;
}

/** Collects the applications behind the EAEU deductions of the returns, and writes them in filing order. */
export class EaeuBook {
  private readonly applications: Application[] = [];
  private readonly episodes = new Map<number, UnpaidEpisode>();
  private readonly origins = new Map<number, OriginPlan>();
  private readonly originCharges = new Map<string, EaeuOriginCharge>();
  private readonly rng: Rng;
  private serial = 0;
  private readonly seed: number;

  constructor(
    private readonly world: World,
    participants: readonly Participant[],
    seed: number,
    /** Participants planted with something else the Participant record does not carry (the traceability decoys). */
    taken: ReadonlySet<number>,
  ) {
    this.rng = new Rng(seed, 42);
    this.seed = seed;
    const plan = new Rng(seed, 43);
    const months = world.months.length;
    const count = Math.max(1, Math.round(participants.length * EAEU_SCHEME_RATE));
    const eligible = (p: Participant): boolean =>
      p.eaeuVatQ > 0 && p.scheme === null && p.decoy === null && p.traceScheme === null && p.regime === 'general' && p.filesReturns &&
      p.registrationDay < world.startDay && !this.episodes.has(p.idx) && !taken.has(p.idx);
    for (let k = 0; k < count; k++) {
      for (let attempt = 0; attempt < 400; attempt++) {
        const p = participants[plan.int(participants.length)];
        if (p === undefined || !eligible(p)) continue;
        const span = plan.intBetween(Math.min(6, months), Math.min(12, months));
        const from = plan.int(months - span + 1);
        this.episodes.set(p.idx, { fromMonth: from, toMonth: from + span - 1, paidShare: plan.between(0.2, 0.7) });
        break;
      }
    }
  }

  /**
   * Plans the origin scheme and its decoy (random stream 46), after the
   * export book has planned its own (`taken`), so that neither changes who
   * the other picks. A false-origin importer declares third-country goods
   * as EAEU goods, at 15-40% of their price, over 6-12 months; a true-origin
   * decoy buys genuinely cheaper EAEU goods, at 70-90% of the market price,
   * from a month in the first third of the span on.
   */
  planOrigins(participants: readonly Participant[], taken: ReadonlySet<number>): void {
    const plan = new Rng(this.seed, 46);
    const months = this.world.months.length;
    const count = Math.max(1, Math.round(participants.length * EAEU_ORIGIN_RATE));
    const eligible = (p: Participant): boolean =>
      p.eaeuVatQ > 0 && p.scheme === null && p.decoy === null && p.traceScheme === null && p.regime === 'general' && p.filesReturns &&
      p.registrationDay < this.world.startDay && !this.episodes.has(p.idx) && !this.origins.has(p.idx) && !taken.has(p.idx);
    for (const kind of [EAEU_ORIGIN_SCHEME, EAEU_ORIGIN_DECOY] as const) {
      for (let k = 0; k < count; k++) {
        for (let attempt = 0; attempt < 400; attempt++) {
          const p = participants[plan.int(participants.length)];
          if (p === undefined || !eligible(p)) continue;
          if (kind === EAEU_ORIGIN_SCHEME) {
            const span = plan.intBetween(Math.min(6, months), Math.min(12, months));
            const from = plan.int(months - span + 1);
            this.origins.set(p.idx, { kind, fromMonth: from, toMonth: from + span - 1, priceShare: plan.between(0.15, 0.4) });
          } else {
            this.origins.set(p.idx, { kind, fromMonth: plan.int(Math.max(1, Math.floor(months / 3))), toMonth: months - 1, priceShare: plan.between(0.7, 0.9) });
          }
          break;
        }
      }
    }
  }

  /** The true-origin decoys and the month each starts. */
  originDecoys(participants: readonly Participant[]): { p: Participant; period: string }[] {
    return participants.flatMap((p) => {
      const o = this.origins.get(p.idx);
      return o === undefined || o.kind !== EAEU_ORIGIN_DECOY ? [] : [{ p, period: this.world.months[o.fromMonth]?.key ?? '' }];
    });
  }

  /** Participants with the false-origin scheme. */
  get originSchemeCount(): number {
    return [...this.origins.values()].filter((o) => o.kind === EAEU_ORIGIN_SCHEME).length;
  }

  /** The false-origin charges, one per participant and month. */
  plantedOriginCharges(): readonly EaeuOriginCharge[] {
    return [...this.originCharges.values()];
  }

  /** Indices of the participants with the planted scheme. */
  plantedIdx(): ReadonlySet<number> {
    return new Set(this.episodes.keys());
  }

  /** Participants with the planted scheme. */
  get schemeCount(): number {
    return this.episodes.size;
  }

  /**
   * The applications of one quarter whose VAT the participant deducts in
   * its primary return for it: their VAT sums to `vat`, their goods were
   * accepted in the quarter's months, each filed by the 20th of the month
   * after the acceptance.
   */
  addQuarter(p: Participant, months: readonly MonthRef[], deducted: number, filedDay: number): EaeuCharge | null {
    if (deducted <= 0 || months.length === 0) return null;
    const rng = this.rng;
    const last = months[months.length - 1] as MonthRef;
    const episode = this.episodes.get(p.idx);
    const unpaid = episode !== undefined && last.index >= episode.fromMonth && last.index <= episode.toMonth;
    const vat = unpaid ? round2(deducted * (episode?.paidShare ?? 1)) : deducted;
    const count = rng.intBetween(1, 3);
    const supplier = SUPPLIERS[rng.weighted(SUPPLIERS.map((s) => s.share))] ?? SUPPLIERS[0];
    const supplierId = Array.from({ length: supplier?.idDigits ?? 9 }, (_, i) => String(i === 0 ? rng.intBetween(1, 9) : rng.int(10))).join('');
    let left = vat;
    for (let a = 0; a < count; a++) {
      const share = a === count - 1 ? 1 : rng.between(0.2, 0.6);
      const appVat = a === count - 1 ? round2(left) : round2(left * share);
      left = round2(left - appVat);
      if (appVat <= 0) continue;
      const month = months[rng.int(months.length)] as MonthRef;
      const accepted = month.firstDay + rng.int(month.days);
      const next = this.world.months[month.index + 1];
      const due = next === undefined ? accepted + 20 : next.firstDay + 19;
      const filed = Math.min(due, accepted + rng.intBetween(3, 40));
      if (filed > this.world.endDay) continue;
      this.serial += 1;
      const applicationNo = `${p.inn.slice(0, 4)}-${isoFromDay(filed).slice(0, 4)}-${String(this.serial).padStart(6, '0')}`;
      const lines = rng.intBetween(1, 3);
      let lineLeft = appVat;
      for (let l = 1; l <= lines; l++) {
        const lineVat = l === lines ? round2(lineLeft) : round2(lineLeft * rng.between(0.2, 0.7));
        lineLeft = round2(lineLeft - lineVat);
        if (lineVat <= 0) continue;
        const code = this.world.hs[p.hsPool[pickCumulative(rng, p.hsCum)] ?? 0];
        const rate = code?.vatRate ?? 0.2;
        const value = round2(lineVat / rate);
        // The goods' quantity at their market price (at 88 RUB a dollar): in the code's supplementary unit, else in kg.
        // Goods of a false origin are declared at a fraction of their price: more goods for the same value.
        const origin = this.origins.get(p.idx);
        const share = origin !== undefined && month.index >= origin.fromMonth && month.index <= origin.toMonth ? origin.priceShare : 1;
        const perKg = 88 * Math.max(0.01, code?.priceUsdPerKg ?? 1);
        const quantity =
          code === undefined
            ? ''
            : code.unit !== null
              ? String(Math.max(1, Math.round(((value / share) / perKg) * code.unitsPerKg)))
              : String(Math.max(0.001, Math.round(((value / share) / perKg) * 1000) / 1000));
        if (origin?.kind === EAEU_ORIGIN_SCHEME && share < 1) {
          const trueValue = value / share;
          const duty = trueValue * (code?.dutyRate ?? 0);
          const key = `${p.idx}|${month.key}`;
          const before = this.originCharges.get(key)?.amount ?? 0;
          this.originCharges.set(key, { p, month, amount: round2(before + duty + (trueValue + duty - value) * rate) });
        }
        const fields = [
          applicationNo,
          String(l),
          isoFromDay(filed),
          '0',
          '',
          p.inn,
          supplier?.country ?? 'BY',
          supplierId,
          `EA-${String(p.idx).padStart(5, '0')}/${month.year}`,
          isoFromDay(accepted),
          code?.code ?? '',
          quantity,
          quantity === '' ? '' : (code?.unit ?? '166'),
          value.toFixed(2),
          lineVat.toFixed(2),
          '',
        ];
        this.applications.push({ day: filed, fields });
        // A few applications are corrected later (a value found wrong): same line, correction 1.
        if (rng.chance(0.01)) {
          const correctedDay = filed + rng.intBetween(10, 60);
          if (correctedDay <= this.world.endDay) {
            const copy = [...fields];
            copy[3] = '1';
            copy[4] = isoFromDay(correctedDay);
            copy[13] = round2(value * 1.02).toFixed(2);
            copy[14] = round2(lineVat * 1.02).toFixed(2);
            this.applications.push({ day: correctedDay, fields: copy });
          }
        }
      }
    }
    return unpaid ? { p, month: last, amount: round2(deducted - vat), day: filedDay } : null;
  }

  /** Every line by filing month (`YYYY-MM`), in filing order within it (a correction: by its correction date). */
  linesByMonth(): Map<string, string[][]> {
    const out = new Map<string, string[][]>();
    const ordered = this.applications.map((a, i) => ({ ...a, i })).sort((x, y) => x.day - y.day || x.i - y.i);
    for (const a of ordered) {
      const month = isoFromDay(a.day).slice(0, 7);
      const list = out.get(month);
      if (list === undefined) out.set(month, [a.fields]);
      else list.push(a.fields);
    }
    return out;
  }
}
