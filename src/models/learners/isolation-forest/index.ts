/**
 * Isolation forest (Liu, Ting and Zhou 2008) for cold-start anomaly scores
 * without outcomes: seeded, each tree on its own subsample, missing values
 * sent to the majority side, per-feature isolation credit and versioned
 * JSON save/load. Takes the GBDT's {@link FeatureMatrix}.
 */

export { trainIsolationForest, type IsolationForestDataset, type TrainIsolationForestOptions } from './train.js';
export { IsolationForestModel, type IsolationForestParts } from './IsolationForestModel.js';
export {
  ISOLATION_FOREST_FORMAT,
  ISOLATION_FOREST_FORMAT_VERSION,
  IsolationForestFormatError,
  type IsolationForestJson,
  type IsolationForestTrainingInfo,
  type IsolationTreeJson,
} from './format.js';
export {
  ISOLATION_FOREST_DEFAULTS,
  defaultMaxDepth,
  resolveIsolationForestParams,
  type IsolationForestParams,
} from './params.js';
export {
  averagePathLength,
  growIsolationTree,
  nodeCompletions,
  pathLength,
  sampleRowsWithoutReplacement,
  type IsolationTree,
} from './tree.js';
export { IsolationForestRandom } from './random.js';
export type { FeatureMatrix } from '../gbdt/matrix.js';
