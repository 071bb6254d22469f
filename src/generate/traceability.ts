/**
 * Movements of traceable goods (traceability.csv): every released item of
 * a traceable code gets a batch registration number (RNPT: the declaration
 * number and the item number), and the importer's invoices, the buyers'
 * resales and the final retirements carry it (docs/generator.md,
 * "Traceability").
 *
 * Planted schemes, seen only in the movements (the declarations look
 * honest): `resale_markup_undervaluation` (premium goods declared at the
 * going price of their code, resold at their true price: a markup far
 * beyond peers) and `sales_beyond_imports` (more sold under an RNPT than was
 * imported under it, sometimes before the release: goods that crossed the
 * border undeclared). Lawful decoys: `stock_from_earlier_batches` (stock
 * imported long before, sold inside the window) and `consignment_sales`
 * (a commission agent sells the importer's goods at retail).
 *
 * Everything is drawn from random streams of its own (40 and 41), so the
 * other extracts change only where a scheme changes them: the tax returns
 * of the scheme participants (their revenue follows the true value sold).
 */
import { innFromBody } from '../validation/inn.js';
import { isoFromDay, type MonthRef } from './calendar.js';
import { round2, type ItemRecord } from './declarations.js';
import { TRACE_SCHEME_KINDS, type Participant, type TraceSchemeKind } from './participants.js';
import { Rng } from './random.js';
import type { World } from './world.js';

/** Lawful behaviours that a naive reading of the movements would flag. */
export type TraceDecoyKind = 'stock_from_earlier_batches' | 'consignment_sales';
export const TRACE_DECOY_KINDS: readonly TraceDecoyKind[] = ['stock_from_earlier_batches', 'consignment_sales'];

/** A participant's traceability scheme over a span of months. */
export interface TraceScheme {
  readonly kind: TraceSchemeKind;
  readonly fromMonth: number;
  readonly toMonth: number;
  /** Share of the span's traceable items affected. */
  readonly share: number;
  /** Resale: true value / declared value; sales beyond imports: quantity sold / imported. */
  readonly depth: number;
}

interface TraceDecoy {
  readonly kind: TraceDecoyKind;
  /** Month index the decoy's truth row is dated (stock: the first month its stock is not sold before). */
  readonly month: number;
  /** Consignment: the commission agent. */
  readonly agent: string;
}

/** What the orchestrator records for a planted item (truth row and the inspections' charges). */
export interface TracePlanted {
  readonly kind: TraceSchemeKind;
  readonly charge: number;
  /** Day the violation is dated for the inspections (release day). */
  readonly day: number;
}

/** Share of participants given each scheme and each decoy. */
const TRACE_RATE = 0.009;

/** Traceability unit when the item has no supplementary unit: kilograms (OKEI 166). */
const KG = '166';

interface Movement {
  readonly day: number;
  readonly seq: number;
  readonly fields: string[];
}

/** Plans and writes the movements of traceable goods. */
export class TraceBook {
  private readonly traceable: ReadonlySet<number>;
  private readonly schemes = new Map<number, TraceScheme>();
  private readonly decoys = new Map<number, TraceDecoy>();
  private readonly buyers: string[] = [];
  private readonly rng: Rng;
  private readonly byMonth = new Map<string, Movement[]>();
  private seq = 0;
  private docSerial = 0;

  constructor(
    private readonly world: World,
    participants: readonly Participant[],
    prefixes: readonly string[],
    itemsPerMonth: number,
    seed: number,
  ) {
    this.traceable = new Set(world.hs.flatMap((h, i) => (prefixes.some((prefix) => h.code.startsWith(prefix)) ? [i] : [])));
    const planRng = new Rng(seed, 40);
    this.rng = new Rng(seed, 41);
    const taken = new Set(participants.map((p) => p.inn));
    const buyerCount = 300 + Math.ceil(participants.length / 5);
    while (this.buyers.length < buyerCount) {
      const inn = innFromBody(`77${String(planRng.intBetween(10, 99))}${String(planRng.int(100_000)).padStart(5, '0')}`);
      if (taken.has(inn)) continue;
      taken.add(inn);
      this.buyers.push(inn);
    }
    this.plan(participants, itemsPerMonth, planRng);
  }

  /** Scheme of a participant, or null. */
  schemeOf(p: Participant): TraceScheme | null {
    return this.schemes.get(p.idx) ?? null;
  }

  /** Participants of each scheme and decoy, and the truth period of each decoy. */
  planted(participants: readonly Participant[]): { schemes: Record<TraceSchemeKind, number>; decoys: { p: Participant; kind: TraceDecoyKind; period: string }[] } {
    const schemes = { resale_markup_undervaluation: 0, sales_beyond_imports: 0 };
    for (const s of this.schemes.values()) schemes[s.kind]++;
    const decoys = participants.flatMap((p) => {
      const d = this.decoys.get(p.idx);
      return d === undefined ? [] : [{ p, kind: d.kind, period: this.world.months[d.month]?.key ?? '' }];
    });
    return { schemes, decoys };
  }

  private isTraceable(item: ItemRecord): boolean {
    return item.procedure === '40' && this.traceable.has(item.hs);
  }

  private plan(participants: readonly Participant[], itemsPerMonth: number, rng: Rng): void {
    const months = this.world.months.length;
    const eligible = (p: Participant): boolean =>
      p.scheme === null &&
      p.decoy === null &&
      !this.schemes.has(p.idx) &&
      !this.decoys.has(p.idx) &&
      p.lambda >= Math.min(1, itemsPerMonth / 4) &&
      p.importProb >= 0.3 &&
      p.registrationDay < this.world.startDay &&
      p.liquidationStartDay === Number.POSITIVE_INFINITY &&
      p.hsPool.some((h) => this.traceable.has(h));
    const count = Math.max(1, Math.round(participants.length * TRACE_RATE));
    const pickOne = (): Participant | undefined => {
      for (let attempt = 0; attempt < 400; attempt++) {
        const p = participants[rng.int(participants.length)];
        if (p !== undefined && eligible(p)) return p;
      }
      return undefined;
    };
    for (const kind of TRACE_SCHEME_KINDS) {
      for (let k = 0; k < count; k++) {
        const p = pickOne();
        if (p === undefined) break;
        const span = rng.intBetween(Math.min(8, months), Math.min(14, months));
        const from = rng.int(months - span + 1);
        const depth = kind === 'resale_markup_undervaluation' ? rng.between(1.7, 3.2) : rng.between(1.4, 2.6);
        this.schemes.set(p.idx, { kind, fromMonth: from, toMonth: from + span - 1, share: rng.between(0.6, 1), depth });
        p.traceScheme = kind;
      }
    }
    for (const kind of TRACE_DECOY_KINDS) {
      for (let k = 0; k < count; k++) {
        const p = pickOne();
        if (p === undefined) break;
        const month = kind === 'stock_from_earlier_batches' ? rng.intBetween(Math.min(4, months - 1), Math.min(10, months - 1)) : 0;
        this.decoys.set(p.idx, { kind, month, agent: rng.pick(this.buyers) });
      }
    }
  }

  /**
   * The movements of one released item, when it is traceable. Returns what
   * a scheme planted on it (null for an honest item) and the true landed
   * cost beyond the declared one that the importer's books carry.
   */
  addItem(item: ItemRecord, month: MonthRef): { planted: TracePlanted | null; extraLanded: number } {
    const none = { planted: null, extraLanded: 0 };
    if (!this.isTraceable(item)) return none;
    const rng = this.rng;
    const p = item.importer;
    const code = this.world.hs[item.hs];
    const vatRate = code?.vatRate ?? 0.2;
    const unit = item.qty === null ? KG : (code?.unit ?? KG);
    const whole = unit !== KG && unit !== '112';
    const quantity = item.qty ?? item.weight;
    const rnpt = `${item.declId}/${String(item.itemNo).padStart(3, '0')}`;
    const scheme = this.schemes.get(p.idx);
    const decoy = this.decoys.get(p.idx);
    const active = scheme !== undefined && month.index >= scheme.fromMonth && month.index <= scheme.toMonth && rng.chance(scheme.share) ? scheme : null;

    let landed = item.trueLanded;
    let sold = quantity;
    let planted: TracePlanted | null = null;
    let extraLanded = 0;
    let firstDelay = rng.intBetween(3, 75);
    if (active?.kind === 'resale_markup_undervaluation') {
      const premium = active.depth * rng.logNormal(0, 0.05);
      extraLanded = (premium - 1) * item.trueLanded;
      landed = item.trueLanded * premium;
      planted = { kind: active.kind, charge: round2((premium - 1) * (item.duty + item.vat)), day: item.releaseDay };
    } else if (active?.kind === 'sales_beyond_imports') {
      const factor = active.depth * rng.logNormal(0, 0.05);
      sold = whole ? Math.max(quantity + 1, Math.round(quantity * factor)) : quantity * factor;
      extraLanded = ((sold - quantity) / quantity) * item.trueLanded;
      planted = { kind: active.kind, charge: round2(((sold - quantity) / quantity) * (item.duty + item.vat)), day: item.releaseDay };
      if (rng.chance(0.3)) firstDelay = -rng.intBetween(2, 20);
    } else if (decoy?.kind === 'stock_from_earlier_batches' && month.index < decoy.month) {
      firstDelay = rng.intBetween(330, 480);
    }
    const unitCost = landed / quantity;
    const markup = (1 + p.margin) * rng.logNormal(0, 0.08);
    const start = item.releaseDay + firstDelay;

    if (decoy?.kind === 'consignment_sales') {
      // The goods go to the commission agent (no sale, no VAT invoice), who sells them at retail.
      this.push(start, rnpt, 'transfer_report', p.inn, decoy.agent, quantity, whole, unit, unitCost * markup * quantity, 0);
      this.retail(start, rnpt, decoy.agent, quantity, whole, unit, unitCost * markup * rng.between(1.25, 1.6), vatRate);
      return none;
    }
    const parts = this.split(sold, whole, rng.intBetween(1, 3));
    let day = start;
    for (const q of parts) {
      const buyer = rng.pick(this.buyers);
      const price = unitCost * markup * rng.logNormal(0, 0.04);
      this.push(day, rnpt, 'invoice', p.inn, buyer, q, whole, unit, price * q, vatRate);
      const next = rng.next();
      if (next < 0.5) {
        this.retail(day, rnpt, buyer, q, whole, unit, price * rng.between(1.15, 1.6), vatRate);
      } else if (next < 0.85) {
        const second = rng.pick(this.buyers);
        const day2 = day + rng.intBetween(5, 60);
        const price2 = price * rng.between(1.05, 1.25);
        this.push(day2, rnpt, 'invoice', buyer, second, q, whole, unit, price2 * q, vatRate);
        this.retail(day2, rnpt, second, q, whole, unit, price2 * rng.between(1.15, 1.5), vatRate);
      }
      day += rng.intBetween(5, 40);
    }
    return { planted, extraLanded };
  }

  /** Retirement by sale to final consumers, in one to three reports. */
  private retail(after: number, rnpt: string, seller: string, quantity: number, whole: boolean, unit: string, unitPrice: number, vatRate: number): void {
    let day = after + this.rng.intBetween(5, 60);
    for (const q of this.split(quantity, whole, this.rng.intBetween(1, 3))) {
      this.push(day, rnpt, 'retired_sale', seller, '', q, whole, unit, unitPrice * q * this.rng.logNormal(0, 0.03), vatRate);
      day += this.rng.intBetween(3, 30);
    }
  }

  /** Splits a quantity into up to `parts` positive parts (whole units when `whole`). */
  private split(quantity: number, whole: boolean, parts: number): number[] {
    const n = whole ? Math.max(1, Math.min(parts, Math.floor(quantity))) : parts;
    const weights = Array.from({ length: n }, () => this.rng.between(0.5, 1.5));
    const total = weights.reduce((x, y) => x + y, 0);
    const out: number[] = [];
    let left = quantity;
    for (let j = 0; j < n - 1; j++) {
      const raw = (quantity * (weights[j] ?? 1)) / total;
      const q = whole ? Math.max(1, Math.min(left - (n - 1 - j), Math.round(raw))) : Math.round(raw * 1000) / 1000;
      out.push(q);
      left -= q;
    }
    out.push(whole ? left : Math.round(left * 1000) / 1000);
    return out.filter((q) => q > 0);
  }

  private push(day: number, rnpt: string, type: string, seller: string, buyer: string, quantity: number, whole: boolean, unit: string, value: number, vatRate: number): void {
    if (day > this.world.endDay) return;
    const month = isoFromDay(day).slice(0, 7);
    const prefix = type === 'invoice' ? 'INV' : type === 'transfer_report' ? 'TR' : 'RET';
    const docNo = `${prefix}-${String(++this.docSerial).padStart(7, '0')}`;
    const amount = round2(Math.max(0.01, value));
    const fields = [rnpt, type, docNo, isoFromDay(day), '0', '', seller, buyer, whole ? String(quantity) : quantity.toFixed(3), unit, amount.toFixed(2), round2(amount * vatRate).toFixed(2)];
    this.add(month, day, fields);
    // A few documents are corrected later: same document, new value.
    if (type !== 'transfer_report' && this.rng.chance(0.015)) {
      const correctionDay = day + this.rng.intBetween(3, 40);
      if (correctionDay <= this.world.endDay) {
        const corrected = round2(amount * this.rng.between(0.93, 1.07));
        const copy = [...fields];
        copy[4] = '1';
        copy[5] = isoFromDay(correctionDay);
        copy[10] = corrected.toFixed(2);
        copy[11] = round2(corrected * vatRate).toFixed(2);
        this.add(isoFromDay(correctionDay).slice(0, 7), correctionDay, copy);
      }
    }
  }

  private add(month: string, day: number, fields: string[]): void {
    let list = this.byMonth.get(month);
    if (list === undefined) this.byMonth.set(month, (list = []));
    list.push({ day, seq: ++this.seq, fields });
  }

  /**
   * Every movement line by the month it was made (a correction: its
   * correction date), in date order; a line dated before the first month
   * (a sale before a release in it) goes with the first month.
   */
  linesByMonth(): Map<string, string[][]> {
    const first = this.world.months[0]?.key ?? '';
    const out = new Map<string, Movement[]>();
    for (const [month, list] of this.byMonth) {
      const key = month < first ? first : month;
      const into = out.get(key);
      if (into === undefined) out.set(key, [...list]);
      else into.push(...list);
    }
    this.byMonth.clear();
    return new Map([...out].map(([month, list]) => [month, list.sort((a, b) => a.day - b.day || a.seq - b.seq).map((m) => m.fields)] as const));
  }
}
