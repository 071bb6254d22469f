import { BATCH_DEFAULTS, PLAN_DEFAULTS, SCORE_DEFAULTS } from '../../src/config/defaults.js';
import { asOfFromPeriod } from '../../src/util/period.js';
import type { ScoreConfig } from '../../src/app/score.js';

/** A score configuration for a store and period, writing into `outDir`. */
export function scoreConfig(store: string, period: string, outDir: string, overrides: Partial<ScoreConfig> = {}): ScoreConfig {
  return {
    period,
    source: { store },
    riskProfilePath: null,
    lang: 'en',
    capacity: PLAN_DEFAULTS.capacity,
    top: BATCH_DEFAULTS.top,
    evidenceItems: BATCH_DEFAULTS.evidenceItems,
    outDir,
    features: { ...SCORE_DEFAULTS, asOf: asOfFromPeriod(period) },
    duckdb: {},
    ...overrides,
  };
}
