/**
 * Exports (docs/generator.md, "Exports"): export declarations (procedure 10)
 * in the declarations extract and the zero-rate figures of the VAT returns
 * (`zero_rate_sales_rub`, `zero_rate_sales_eaeu_rub`,
 * `zero_rate_unconfirmed_rub`), consistent with each other.
 *
 * Exporters are the participants whose revenue already has an export share
 * (`Participant.exportShare`). Each month an exporter makes a few sales at
 * the zero rate: most are declared for export on the day of the sale, some
 * go to buyers in other EAEU members (no export declaration: the buyer's
 * application confirms them), a few are never shipped and are moved to
 * Section 6 of the return 180 days later.
 *
 * Planted: `zero_rate_without_export` (zero-rate sales no export declaration
 * stands behind) and `fictitious_export` (exports declared at several times
 * the price of the goods). Decoys: `export_declared_later` (declarations up
 * to 170 days after the sale) and `eaeu_buyer_confirmed` (sales to EAEU
 * buyers). Drawn from random streams of their own (44, 45), so no other
 * generated value changes.
 */
import { isoFromDay, type MonthRef } from './calendar.js';
import { DeclIdAllocator, round2 } from './declarations.js';
import type { Participant } from './participants.js';
import { pickCumulative, Rng } from './random.js';
import type { World } from './world.js';

export type ExportSchemeKind = 'zero_rate_without_export' | 'fictitious_export';
export type ExportDecoyKind = 'export_declared_later' | 'eaeu_buyer_confirmed';
export const EXPORT_SCHEME_KINDS: readonly ExportSchemeKind[] = ['zero_rate_without_export', 'fictitious_export'];
export const EXPORT_DECOY_KINDS: readonly ExportDecoyKind[] = ['export_declared_later', 'eaeu_buyer_confirmed'];

/** Share of participants given each planted scheme and each decoy. */
const PLANT_RATE = 0.01;

/** The standard VAT rate: what a zero-rate sale saves, and what an overstated export can refund. */
const VAT_RATE = 0.2;

/** Days after which an unconfirmed zero-rate sale is moved to Section 6 and taxed. */
const CONFIRM_DAYS = 180;

type Role = ExportSchemeKind | ExportDecoyKind | 'honest';

interface ExportPlan {
  readonly role: Role;
  /** Months of the scheme or decoy (inclusive); the whole span for honest exporters. */
  readonly fromMonth: number;
  readonly toMonth: number;
  /** Share of the sales going to buyers in other EAEU members. */
  readonly eaeuShare: number;
  /** Expected zero-rate sales of a month, RUB. */
  readonly monthly: number;
}

/** A zero-rate figure of one return. */
export interface ZeroRateFigures {
  readonly sales: number;
  readonly eaeu: number;
  readonly unconfirmed: number;
}

/** A planted charge of an export scheme, in the month of the sale. */
export interface ExportCharge {
  readonly p: Participant;
  readonly kind: ExportSchemeKind;
  readonly month: MonthRef;
  readonly amount: number;
}

/** A decoy and the month its behaviour starts. */
export interface ExportDecoy {
  readonly p: Participant;
  readonly kind: ExportDecoyKind;
  readonly period: string;
}

interface DeclarationLine {
  readonly day: number;
  readonly fields: string[];
}

/** Plans every export of the span up front, then hands out the declarations by month and the zero-rate figures by return. */
export class ExportBook {
  private readonly plans = new Map<number, ExportPlan>();
  private readonly figures = new Map<string, { sales: number; eaeu: number; unconfirmed: number }>();
  private readonly declarations = new Map<string, DeclarationLine[]>();
  private readonly charges: ExportCharge[] = [];
  private readonly decoyList: ExportDecoy[] = [];
  /** Export declaration numbers `office/ddmmyy/9nnnnnn`, apart from the imports'. */
  private readonly ids = new DeclIdAllocator(9_000_001);

  constructor(
    private readonly world: World,
    participants: readonly Participant[],
    seed: number,
    /** Participants planted with something the Participant record does not carry (traceability decoys, the EAEU scheme). */
    taken: ReadonlySet<number>,
  ) {
    const plan = new Rng(seed, 45);
    const months = world.months.length;
    const monthlySales = (p: Participant, share: number): number =>
      ((p.lambda * 3 * p.expectedItemValueRub * 1.06 * (1 + p.margin) + p.domesticQ) * share) / 3;
    const files = (p: Participant): boolean => p.regime === 'general' && p.filesReturns;
    for (const p of participants) {
      if (p.exportShare > 0 && files(p)) {
        this.plans.set(p.idx, { role: 'honest', fromMonth: 0, toMonth: months - 1, eaeuShare: plan.chance(0.2) ? plan.between(0.1, 0.5) : 0, monthly: monthlySales(p, p.exportShare) });
      }
    }
    const free = (p: Participant): boolean =>
      files(p) && p.scheme === null && p.decoy === null && p.traceScheme === null && p.registrationDay < world.startDay && !taken.has(p.idx);
    const count = Math.max(1, Math.round(participants.length * PLANT_RATE));
    const roles: readonly Exclude<Role, 'honest'>[] = ['zero_rate_without_export', 'fictitious_export', 'export_declared_later', 'eaeu_buyer_confirmed'];
    for (const role of roles) {
      // Fictitious exports and both decoys are exporters' behaviour; anyone can claim zero-rate sales it never made.
      const mustExport = role !== 'zero_rate_without_export';
      for (let k = 0; k < count; k++) {
        for (let attempt = 0; attempt < 400; attempt++) {
          const p = participants[plan.int(participants.length)];
          if (p === undefined || !free(p)) continue;
          const current = this.plans.get(p.idx);
          if (current !== undefined && current.role !== 'honest') continue;
          if (mustExport && current === undefined) continue;
          const scheme = role === 'zero_rate_without_export' || role === 'fictitious_export';
          const span = scheme ? plan.intBetween(Math.min(6, months), Math.min(12, months)) : months;
          const from = scheme ? plan.int(months - span + 1) : plan.int(Math.max(1, Math.floor(months / 3)));
          const base = current?.monthly ?? monthlySales(p, plan.between(0.1, 0.3));
          const monthly = role === 'zero_rate_without_export' ? Math.max(base, (p.lambda * p.expectedItemValueRub) * 0.4) : base;
          this.plans.set(p.idx, {
            role,
            fromMonth: from,
            toMonth: scheme ? from + span - 1 : months - 1,
            eaeuShare: role === 'eaeu_buyer_confirmed' ? plan.between(0.8, 1) : (current?.eaeuShare ?? 0),
            monthly,
          });
          if (!scheme) this.decoyList.push({ p, kind: role as ExportDecoyKind, period: world.months[from]?.key ?? '' });
          break;
        }
      }
    }
    const rng = new Rng(seed, 44);
    for (const p of participants) {
      const planned = this.plans.get(p.idx);
      if (planned !== undefined) this.planSales(p, planned, rng);
    }
  }

  private planSales(p: Participant, plan: ExportPlan, rng: Rng): void {
    const world = this.world;
    for (const month of world.months) {
      const lo = Math.max(month.firstDay, p.registrationDay);
      const hi = Math.min(month.lastDay, p.liquidationStartDay - 1);
      if (lo > hi) continue;
      const inEpisode = month.index >= plan.fromMonth && month.index <= plan.toMonth;
      const role = inEpisode ? plan.role : 'honest';
      if (role === 'zero_rate_without_export') {
        // Zero-rate sales nobody ships, on top of any real exports.
        const amount = round2(plan.monthly * rng.between(0.6, 1.4));
        this.addFigure(p, month, 'sales', amount);
        this.charges.push({ p, kind: role, month, amount: round2(VAT_RATE * amount) });
      }
      if (p.exportShare === 0 && role !== 'fictitious_export') continue;
      if (!rng.chance(0.7)) continue;
      const shipments = rng.intBetween(1, 3);
      const fx = world.fx[month.index] ?? 88;
      for (let s = 0; s < shipments; s++) {
        const day = lo + rng.int(hi - lo + 1);
        const value = round2(((plan.monthly / 0.7) * rng.logNormal(0, 0.3)) / shipments);
        if (!(value > 0)) continue;
        if (rng.chance(plan.eaeuShare)) {
          // To a buyer in another EAEU member: no export declaration, the buyer's application confirms the zero rate.
          this.addFigure(p, month, 'sales', value);
          this.addFigure(p, month, 'eaeu', value);
          continue;
        }
        if (role === 'honest' && rng.chance(0.03)) {
          // Never shipped: moved to Section 6 once its 180 days pass.
          this.addFigure(p, month, 'sales', value);
          const moved = this.monthOfDay(day + CONFIRM_DAYS + 1);
          if (moved !== undefined) this.addFigure(p, moved, 'unconfirmed', value);
          continue;
        }
        const code = world.hs[p.hsPool[pickCumulative(rng, p.hsCum)] ?? 0];
        if (code === undefined) continue;
        // The goods' own price: the market price of the code with a domestic markup.
        const perKg = code.priceUsdPerKg * p.priceFactor * fx * rng.between(1.05, 1.4);
        const weight = Math.max(0.1, Math.round((value / perKg) * 1000) / 1000);
        const declared = role === 'fictitious_export' ? round2(value * rng.between(4, 10)) : value;
        if (role === 'fictitious_export') this.charges.push({ p, kind: role, month, amount: round2(VAT_RATE * (declared - value)) });
        this.addFigure(p, month, 'sales', declared);
        const release = role === 'export_declared_later' ? day + rng.intBetween(60, 170) : day;
        if (release > world.endDay) continue;
        const office = rng.pick(p.offices);
        const releaseIso = isoFromDay(release);
        const fields = [this.ids.allocate(office, release), '1', '1', releaseIso, releaseIso, '10', p.inn, '', office, code.code, 'RU', 'RU', '', declared.toFixed(2), String(weight), '', '', '0.00', '0.00', '', '1'];
        const releaseMonth = releaseIso.slice(0, 7);
        const list = this.declarations.get(releaseMonth);
        if (list === undefined) this.declarations.set(releaseMonth, [{ day: release, fields }]);
        else list.push({ day: release, fields });
      }
    }
  }

  private monthOfDay(day: number): MonthRef | undefined {
    return this.world.months.find((m) => day >= m.firstDay && day <= m.lastDay);
  }

  private addFigure(p: Participant, month: MonthRef, field: 'sales' | 'eaeu' | 'unconfirmed', amount: number): void {
    const key = `${p.inn}|${month.quarterKey}`;
    const f = this.figures.get(key) ?? { sales: 0, eaeu: 0, unconfirmed: 0 };
    f[field] = round2(f[field] + amount);
    this.figures.set(key, f);
  }

  /** The zero-rate figures of a participant's return for a quarter (zeros when it sold nothing at the zero rate). */
  returnFigures(inn: string, taxPeriod: string): ZeroRateFigures {
    return this.figures.get(`${inn}|${taxPeriod}`) ?? { sales: 0, eaeu: 0, unconfirmed: 0 };
  }

  /** Export declaration lines released in a month, by release day. */
  declarationLines(month: MonthRef): string[][] {
    return (this.declarations.get(month.key) ?? []).sort((a, b) => a.day - b.day).map((d) => d.fields);
  }

  /** Planted charges, in planning order. */
  plantedCharges(): readonly ExportCharge[] {
    return this.charges;
  }

  decoys(): readonly ExportDecoy[] {
    return this.decoyList;
  }

  /** Indices of the participants with a planted scheme or a decoy. */
  plantedIdx(): ReadonlySet<number> {
    return new Set([...this.plans].filter(([, plan]) => plan.role !== 'honest').map(([idx]) => idx));
  }

  /** Participants with each planted scheme. */
  schemeCounts(): Record<ExportSchemeKind, number> {
    const counts: Record<ExportSchemeKind, number> = { zero_rate_without_export: 0, fictitious_export: 0 };
    for (const plan of this.plans.values()) if (plan.role === 'zero_rate_without_export' || plan.role === 'fictitious_export') counts[plan.role]++;
    return counts;
  }
}
