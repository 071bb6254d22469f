import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BATCH_DEFAULTS, SCORE_DEFAULTS } from '../../src/config/defaults.js';
import { generateExtracts } from '../../src/generate/generate.js';
import { openDuckDb } from '../../src/io/db.js';
import { findExtractFiles } from '../../src/pipeline.js';
import { asOfFromPeriod } from '../../src/score/score.js';
import type { ScoreConfig } from '../../src/score/run-score.js';
import { memoryLogger } from '../../src/util/logger.js';
import { ingestInto } from '../util/fixtures.js';

/**
 * Generates extracts and ingests them into a store file; returns the folder,
 * the store path and a function that removes them (for beforeAll/afterAll use).
 */
export async function generatedStore(options: {
  participants: number;
  months: number;
  seed: number;
  itemsPerMonth?: number;
  /** Share of planted bad rows (default 0.02). */
  dirtyRate?: number;
  /** Changes the generated files (in the folder given) before they are ingested. */
  edit?: (data: string) => Promise<void>;
}): Promise<{ dir: string; store: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ccrg-score-'));
  const data = join(dir, 'data');
  await generateExtracts(
    { participants: options.participants, months: options.months, end: '2026-06', seed: options.seed, outDir: data, gzip: false, monthly: false, itemsPerMonth: options.itemsPerMonth ?? 6, dirtyRate: options.dirtyRate ?? 0.02 },
    memoryLogger(),
  );
  await options.edit?.(data);
  const store = join(dir, 'store.duckdb');
  const db = await openDuckDb(store);
  try {
    await ingestInto(db, await findExtractFiles(data));
  } finally {
    db.close();
  }
  return { dir, store, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A score configuration for a store and period, writing into `outDir`. */
export function scoreConfig(store: string, period: string, outDir: string, overrides: Partial<ScoreConfig> = {}): ScoreConfig {
  return {
    period,
    source: { store },
    riskProfilePath: null,
    lang: 'en',
    top: BATCH_DEFAULTS.top,
    evidenceItems: BATCH_DEFAULTS.evidenceItems,
    outDir,
    features: { ...SCORE_DEFAULTS, asOf: asOfFromPeriod(period) },
    duckdb: {},
    ...overrides,
  };
}
