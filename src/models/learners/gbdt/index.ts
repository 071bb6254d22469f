/**
 * Histogram gradient-boosted decision trees: quantile binning (≤ 255 bins),
 * learned missing-value directions, logistic, squared-error and gamma objectives,
 * exact TreeSHAP contributions and versioned JSON save/load.
 */

export { trainGbdt, type GbdtDataset, type TrainGbdtOptions } from './booster.js';
export { GbdtModel, type FeatureImportance, type GbdtModelParts } from './GbdtModel.js';
export {
  GBDT_FORMAT,
  GBDT_FORMAT_VERSION,
  GbdtModelFormatError,
  type GbdtModelJson,
  type GbdtTrainingInfo,
  type TreeJson,
} from './format.js';
export { matrixFromRows, stridesOf, type FeatureMatrix, type MatrixLayout } from './matrix.js';
export { OBJECTIVES, objectiveFromId, type Objective, type ObjectiveId } from './objective.js';
export { GBDT_DEFAULTS, resolveParams, type GbdtParams } from './params.js';
export { MAX_BINS, binMatrix, type BinnedMatrix } from './binning.js';
export { areaUnderRoc } from './metrics.js';
export type { Tree } from './tree.js';
export { trainGbdtMany, type GbdtJob } from './train-many.js';
export { contributionsMany, predictMarginMany } from './predict-many.js';
export { sharedFloat64Array } from './shared-memory.js';
