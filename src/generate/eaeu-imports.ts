/**
 * Applications on the import of goods from other EAEU members
 * (eaeu_imports.csv): the import VAT a firm deducts in its VAT return as
 * EAEU VAT (`vat_deductions_eaeu_rub`) was paid with these applications, one
 * to three a quarter, each of one to three goods lines (docs/generator.md,
 * "EAEU imports"). Drawn from a random stream of their own (42), so every
 * other file stays byte-identical.
 */
import { isoFromDay, type MonthRef } from './calendar.js';
import { round2 } from './declarations.js';
import { pickCumulative, type Rng } from './random.js';
import type { Participant } from './participants.js';
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

/** Collects the applications behind the EAEU deductions of the returns, and writes them in filing order. */
export class EaeuBook {
  private readonly applications: Application[] = [];
  private serial = 0;

  constructor(
    private readonly world: World,
    private readonly rng: Rng,
  ) {}

  /**
   * The applications of one quarter whose VAT the participant deducts in
   * its primary return for it: their VAT sums to `vat`, their goods were
   * accepted in the quarter's months, each filed by the 20th of the month
   * after the acceptance.
   */
  addQuarter(p: Participant, months: readonly MonthRef[], vat: number): void {
    if (vat <= 0 || months.length === 0) return;
    const rng = this.rng;
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
        const quantity = code?.unit == null ? '' : String(Math.max(1, Math.round((value / 88 / Math.max(0.01, code.priceUsdPerKg)) * code.unitsPerKg)));
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
          quantity === '' ? '' : (code?.unit ?? ''),
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
  }

  /** Every line in filing order (a correction: by its correction date). */
  lines(): string[][] {
    return this.applications
      .map((a, i) => ({ ...a, i }))
      .sort((x, y) => x.day - y.day || x.i - y.i)
      .map((a) => a.fields);
  }
}
