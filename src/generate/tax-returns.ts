/**
 * Quarterly VAT returns of general-regime participants: revenue follows the
 * goods sold out of an inventory fed by imports, import VAT is deducted with
 * an honest lag, corrections are filed later. Planted: inflated import
 * deductions and shells that hide revenue.
 */
import { isoFromDay, type MonthRef } from './calendar.js';
import type { ZeroRateFigures } from './exports.js';
import { round2 } from './declarations.js';
import { Rng } from './random.js';
import type { Participant } from './participants.js';
import type { World } from './world.js';

/** A return as filed, in contract column order. */
export interface TaxReturnRow {
  readonly inn: string;
  readonly taxPeriod: string;
  readonly correctionNo: number;
  readonly filedDay: number;
  readonly revenue: number;
  readonly cost: number;
  readonly vatAccrued: number;
  readonly vatDeductions: number;
  readonly vatDeductionsImport: number;
  readonly vatDeductionsEaeu: number;
}

/** Tax-side planted charges reported back to the orchestrator. */
export interface TaxCharge {
  readonly p: Participant;
  readonly kind: 'vat_deduction_inflation' | 'shell_importer';
  readonly month: MonthRef;
  readonly amount: number;
}

/** Per-participant quarter accumulators and the queue of returns by filing month. */
export class TaxBook {
  private readonly landed: Float64Array;
  private readonly vatPaid: Float64Array;
  private readonly inventory: Float64Array;
  private readonly carry1: Float64Array;
  private readonly carry2: Float64Array;
  private readonly pending = new Map<string, TaxReturnRow[]>();
  private readonly rng: Rng;

  constructor(
    private readonly world: World,
    private readonly participants: readonly Participant[],
    seed: number,
  ) {
    const n = participants.length;
    this.landed = new Float64Array(n);
    this.vatPaid = new Float64Array(n);
    this.inventory = new Float64Array(n);
    this.carry1 = new Float64Array(n);
    this.carry2 = new Float64Array(n);
    this.rng = new Rng(seed, 6);
    for (const p of participants) {
      if (p.registrationDay >= world.startDay || p.scheme?.kind === 'shell_importer') continue;
      // Start in steady state so the first quarters do not look like a build-up.
      const quarterLanded = p.lambda * 3 * p.expectedItemValueRub * 1.06;
      this.inventory[p.idx] = (quarterLanded * (1 - p.sellRate)) / p.sellRate;
      const quarterVat = quarterLanded * 0.2;
      this.carry1[p.idx] = quarterVat * (p.lag[1] + p.lag[2]);
      this.carry2[p.idx] = quarterVat * p.lag[2];
    }
  }

  /** Records an item's true landed cost and the VAT paid at customs. */
  addImport(p: Participant, trueLanded: number, vatPaid: number): void {
    this.landed[p.idx] = (this.landed[p.idx] ?? 0) + trueLanded;
    this.vatPaid[p.idx] = (this.vatPaid[p.idx] ?? 0) + vatPaid;
  }

  /** Extra VAT paid later (a correction) counts in the quarter it is paid. */
  addVat(p: Participant, vat: number): void {
    this.vatPaid[p.idx] = (this.vatPaid[p.idx] ?? 0) + vat;
  }

  /** Returns filed in a month (primary returns and corrections), in filing order. */
  takeFiled(month: MonthRef): TaxReturnRow[] {
    const rows = this.pending.get(month.key) ?? [];
    this.pending.delete(month.key);
    return rows.sort((a, b) => a.filedDay - b.filedDay || a.inn.localeCompare(b.inn) || a.correctionNo - b.correctionNo);
  }

  /**
   * Closes the quarter ending with `last`: computes every return, queues the
   * ones filed by the end of the span and returns the planted tax charges.
   * `complete` is false when the quarter started before the span (no returns).
   */
  closeQuarter(last: MonthRef, complete: boolean): TaxCharge[] {
    const charges: TaxCharge[] = [];
    const firstIndex = last.index - 2;
    const quarterStart = this.world.months[Math.max(0, firstIndex)]?.firstDay ?? last.firstDay;
    const rng = this.rng;
    for (const p of this.participants) {
      const i = p.idx;
      const landed = this.landed[i] ?? 0;
      // A downward correction in a quarter without imports must not turn deductions negative.
      const vatQ = Math.max(0, this.vatPaid[i] ?? 0);
      this.landed[i] = 0;
      this.vatPaid[i] = 0;
      const inventory = (this.inventory[i] ?? 0) + landed;
      const sold = inventory * p.sellRate;
      this.inventory[i] = inventory - sold;
      const lag = p.decoy === 'deduction_lag' && firstIndex < p.decoyMonth ? ([1, 0, 0] as const) : p.lag;
      const deductImport = lag[0] * vatQ + (this.carry1[i] ?? 0);
      this.carry1[i] = lag[1] * vatQ + (this.carry2[i] ?? 0);
      this.carry2[i] = lag[2] * vatQ;

      if (!complete || p.regime !== 'general' || !p.filesReturns) continue;
      if (p.registrationDay > last.lastDay || p.liquidationStartDay < quarterStart) continue;

      const domestic = p.domesticQ * rng.logNormal(0, 0.15);
      const honestRevenue = sold * (1 + p.margin) + domestic;
      const revenue = round2(honestRevenue * p.reportShare);
      const taxable = revenue * (1 - p.exportShare);
      const vatAccrued = round2(0.2 * taxable * rng.between(0.93, 1));
      const cost = round2((sold + domestic * 0.75) * p.reportShare);
      let vatImport = round2(deductImport);
      let excess = 0;
      const s = p.scheme;
      if (s !== null && s.kind === 'vat_deduction_inflation' && last.index >= s.fromMonth && firstIndex <= s.toMonth) {
        const typical = p.lambda * 3 * p.expectedItemValueRub * 0.2;
        excess = round2(s.depth * Math.max(vatQ, 0.5 * typical) * rng.logNormal(0, 0.1));
        vatImport = round2(vatImport + excess);
      }
      const eaeu = p.eaeuVatQ > 0 ? round2(p.eaeuVatQ * rng.logNormal(0, 0.3)) : 0;
      const domesticDeductions = round2(0.2 * domestic * 0.75 * 0.6 * p.reportShare);
      const row: TaxReturnRow = {
        inn: p.inn,
        taxPeriod: last.quarterKey,
        correctionNo: 0,
        filedDay: last.lastDay + (rng.chance(0.96) ? rng.intBetween(8, 25) : rng.intBetween(26, 70)),
        revenue,
        cost,
        vatAccrued,
        vatDeductions: round2(vatImport + domesticDeductions + eaeu),
        vatDeductionsImport: vatImport,
        vatDeductionsEaeu: eaeu,
      };
      if (row.filedDay > this.world.endDay) continue;
      this.queue(row);
      if (excess > 0) charges.push({ p, kind: 'vat_deduction_inflation', month: last, amount: excess });
      if (s !== null && s.kind === 'shell_importer' && vatImport > 0) charges.push({ p, kind: 'shell_importer', month: last, amount: vatImport });

      let previous = row;
      for (let c = 1; c <= 2 && rng.chance(c === 1 ? 0.08 : 0.25); c++) {
        const factor = 1 + 0.05 * rng.normal();
        const correctedRevenue = round2(previous.revenue * factor);
        const correction: TaxReturnRow = {
          ...previous,
          correctionNo: c,
          filedDay: previous.filedDay + rng.intBetween(20, 240),
          revenue: correctedRevenue,
          cost: round2(previous.cost * (1 + 0.03 * rng.normal())),
          vatAccrued: round2(previous.vatAccrued * factor),
        };
        if (correction.filedDay > this.world.endDay) break;
        this.queue(correction);
        previous = correction;
      }
    }
    return charges;
  }

  private queue(row: TaxReturnRow): void {
    const key = isoFromDay(row.filedDay).slice(0, 7);
    const list = this.pending.get(key);
    if (list === undefined) this.pending.set(key, [row]);
    else list.push(row);
  }
}

/** One tax_returns CSV line, with the zero-rate figures of the quarter (src/generate/exports.ts). */
export function taxReturnLine(row: TaxReturnRow, zero: ZeroRateFigures): string {
  return [
    row.inn,
    row.taxPeriod,
    String(row.correctionNo),
    isoFromDay(row.filedDay),
    row.revenue.toFixed(2),
    row.cost.toFixed(2),
    row.vatAccrued.toFixed(2),
    row.vatDeductions.toFixed(2),
    row.vatDeductionsImport.toFixed(2),
    row.vatDeductionsEaeu.toFixed(2),
    zero.sales.toFixed(2),
    zero.eaeu.toFixed(2),
    zero.unconfirmed.toFixed(2),
  ].join(',');
}
