import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BATCH_DEFAULTS, PLAN_DEFAULTS, SCORE_DEFAULTS } from '../../src/config/defaults.js';
import { generateExtracts } from '../../src/generate/generate.js';
import { quoteField } from '../../src/io/csv-stream-writer.js';
import { openDuckDb } from '../../src/io/db.js';
import { findExtractFiles } from '../../src/pipeline.js';
import type { PlanConfig } from '../../src/plan/run-plan.js';
import { asOfFromPeriod } from '../../src/score/score.js';
import { memoryLogger } from '../../src/util/logger.js';
import { parseCsv } from '../util/csv-records.js';
import { ingestInto } from '../util/fixtures.js';

/** Names from outside data that a spreadsheet would run as formulas, or a page as markup. */
export const HOSTILE_NAMES = ['=HYPERLINK("http://example.invalid","x")', '+7(495)000', '-2+3', '@SUM(A1:A9)', '<script>alert("x")</script> & Co'];

/**
 * Generates clean extracts (no planted bad rows), gives every participant
 * one of the hostile names in turn (or keeps its own), and ingests them into
 * a store file. Returns the folder, the store and a cleanup function.
 */
export async function plannedStore(options: { participants: number; months: number; seed: number }): Promise<{ dir: string; store: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ccrg-plan-'));
  const data = join(dir, 'data');
  await generateExtracts(
    { participants: options.participants, months: options.months, end: '2026-06', seed: options.seed, outDir: data, gzip: false, monthly: false, itemsPerMonth: 6, dirtyRate: 0 },
    memoryLogger(),
  );
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
  const store = join(dir, 'store.duckdb');
  const db = await openDuckDb(store);
  try {
    await ingestInto(db, await findExtractFiles(data));
  } finally {
    db.close();
  }
  return { dir, store, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A plan configuration for a store and period, writing into `outDir`, with overrides. */
export function planConfig(store: string, period: string, outDir: string, overrides: Partial<PlanConfig> = {}): PlanConfig {
  return {
    score: {
      period,
      source: { store },
      riskProfilePath: null,
      modelPath: null,
      lang: 'en',
      top: BATCH_DEFAULTS.top,
      evidenceItems: BATCH_DEFAULTS.evidenceItems,
      outDir,
      features: { ...SCORE_DEFAULTS, asOf: asOfFromPeriod(period) },
      duckdb: {},
    },
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
