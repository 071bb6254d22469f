import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PLAN_DEFAULTS } from '../../src/config/defaults.js';
import { quoteField } from '../../src/io/csv-stream-writer.js';
import type { PlanConfig } from '../../src/plan/run-plan.js';
import { parseCsv } from '../util/csv-records.js';
import { generatedStore, scoreConfig } from '../score/helpers.js';

/** Names from outside data that a spreadsheet would run as formulas, or a page as markup. */
export const HOSTILE_NAMES = ['=HYPERLINK("http://example.invalid","x")', '+7(495)000', '-2+3', '@SUM(A1:A9)', '<script>alert("x")</script> & Co'];

/**
 * Generates clean extracts (no planted bad rows), gives every participant
 * one of the hostile names in turn (or keeps its own), and ingests them into
 * a store file. Returns the folder, the store and a cleanup function.
 */
export async function plannedStore(options: { participants: number; months: number; seed: number }): Promise<{ dir: string; store: string; remove: () => Promise<void> }> {
  return generatedStore({ ...options, itemsPerMonth: 6, dirtyRate: 0, edit: giveHostileNames });
}

async function giveHostileNames(data: string): Promise<void> {
  const path = join(data, 'participants.csv');
  const [header, ...rows] = parseCsv(await readFile(path, 'utf8'));
  const nameAt = header?.fields.indexOf('name') ?? -1;
  const innAt = header?.fields.indexOf('inn') ?? -1;
  const inns = [...new Set(rows.map((r) => r.fields[innAt] as string))].sort();
  const hostile = new Map(inns.map((inn, i) => [inn, i % 2 === 0 ? HOSTILE_NAMES[(i / 2) % HOSTILE_NAMES.length] : undefined]));
  const lines = [header?.fields.map(quoteField).join(',') ?? ''];
  for (const r of rows) {
    const fields = [...r.fields];
    fields[nameAt] = hostile.get(fields[innAt] as string) ?? (fields[nameAt] as string);
    lines.push(fields.map(quoteField).join(','));
  }
  await writeFile(path, `${lines.join('\n')}\n`);
}

/** A plan configuration for a store and period, writing into `outDir`, with overrides. */
export function planConfig(store: string, period: string, outDir: string, overrides: Partial<PlanConfig> = {}): PlanConfig {
  return {
    score: scoreConfig(store, period, outDir, { modelPath: null }),
    explicit: { lang: false, model: false, riskProfile: false, leadMonths: false, returnGraceDays: false, paymentProcedures: false },
    rescore: false,
    capacity: { mode: 'total', total: 30 },
    quotaBy: null,
    quotasPath: null,
    reallocate: false,
    excludePath: null,
    explore: PLAN_DEFAULTS.explore,
    weighting: 'none',
    seed: PLAN_DEFAULTS.seed,
    recentMonths: PLAN_DEFAULTS.recentMonths,
    allowRecent: [],
    aeoMinScore: null,
    routing: { ...PLAN_DEFAULTS.routing },
    fieldMinRub: PLAN_DEFAULTS.fieldMinRub,
    ...overrides,
  };
}
