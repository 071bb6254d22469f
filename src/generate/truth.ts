/**
 * truth.csv: what was planted, for evaluation only. One row per scheme,
 * participant and month (items and charges summed), one row per decoy.
 */
import type { ItemRecord } from './declarations.js';
import { round2 } from './declarations.js';
import type { DecoyKind, Participant, SchemeKind } from './participants.js';
import type { ExportDecoyKind, ExportSchemeKind } from './exports.js';
import type { TraceDecoyKind } from './traceability.js';

export const TRUTH_COLUMNS = ['inn', 'kind', 'scheme', 'period', 'items', 'item_keys', 'charges_rub'] as const;

interface TruthRow {
  readonly inn: string;
  readonly kind: 'scheme' | 'decoy';
  readonly scheme: string;
  readonly period: string;
  items: number;
  readonly keys: string[];
  charges: number;
}

/** Accumulates truth rows while the extracts stream. */
export class TruthLog {
  private readonly rows = new Map<string, TruthRow>();

  private row(inn: string, kind: 'scheme' | 'decoy', scheme: string, period: string): TruthRow {
    const key = `${period}|${inn}|${kind}|${scheme}`;
    let row = this.rows.get(key);
    if (row === undefined) {
      row = { inn, kind, scheme, period, items: 0, keys: [], charges: 0 };
      this.rows.set(key, row);
    }
    return row;
  }

  /** A planted item, in the month of its release. */
  addItem(item: ItemRecord, period: string): void {
    if (item.planted === null) return;
    const row = this.row(item.importer.inn, 'scheme', item.planted, period);
    row.items++;
    row.keys.push(`${item.declId}/${item.itemNo}`);
    row.charges += item.charge;
  }

  /** An item a traceability scheme planted on (src/generate/traceability.ts), in the month of its release. */
  addTraceItem(item: ItemRecord, scheme: string, period: string, charge: number): void {
    const row = this.row(item.importer.inn, 'scheme', scheme, period);
    row.items++;
    row.keys.push(`${item.declId}/${item.itemNo}`);
    row.charges += charge;
  }

  /** A planted charge without items (tax side). */
  addCharge(p: Participant, scheme: SchemeKind | ExportSchemeKind | 'eaeu_vat_unpaid_deduction' | 'eaeu_false_origin', period: string, amount: number): void {
    this.row(p.inn, 'scheme', scheme, period).charges += amount;
  }

  addDecoy(p: Participant, decoy: DecoyKind | TraceDecoyKind | ExportDecoyKind | 'eaeu_true_origin', period: string): void {
    this.row(p.inn, 'decoy', decoy, period);
  }

  get size(): number {
    return this.rows.size;
  }

  /** Rows ordered by period, inn, kind and scheme. */
  lines(): string[][] {
    return [...this.rows.keys()].sort().map((key) => {
      const r = this.rows.get(key) as TruthRow;
      return [r.inn, r.kind, r.scheme, r.period, String(r.items), r.keys.join(';'), round2(r.charges).toFixed(2)];
    });
  }
}
