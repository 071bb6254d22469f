import { PLAN_DEFAULTS } from '../../src/config/defaults.js';
import type { PlanConfig } from '../../src/app/plan.js';
import { scoreConfig } from '../score/helpers.js';

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
    rankBy: 'scores',
    ...overrides,
  };
}
