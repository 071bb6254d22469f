import { SCORE_DEFAULTS, TRAIN_DEFAULTS } from '../../src/config/defaults.js';
import type { TrainConfig } from '../../src/models/risk/train.js';
import type { RiskProfile } from '../../src/rules/index.js';

/** What `ccrg train --level participant` would train with on a window, for tests that train in code. */
export function defaultTrainConfig(window: Pick<TrainConfig, 'from' | 'to'> & { knownBy?: string }, profile: RiskProfile): TrainConfig {
  return {
    ...window,
    seed: TRAIN_DEFAULTS.seed,
    classifier: TRAIN_DEFAULTS.classifier,
    amount: TRAIN_DEFAULTS.amount,
    validationShare: TRAIN_DEFAULTS.validationShare,
    stoppingShare: TRAIN_DEFAULTS.stoppingShare,
    refit: { mode: TRAIN_DEFAULTS.refit, folds: TRAIN_DEFAULTS.crossFitFolds },
    features: SCORE_DEFAULTS,
    profile,
    codeVersion: 'test',
  };
}
