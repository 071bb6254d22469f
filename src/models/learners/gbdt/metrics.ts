/**
 * Ranking metrics for evaluating fitted models. The implementation lives in
 * src/models/stats/metrics.ts, so training and `ccrg evaluate` share one AUC.
 */
import { auc } from '../../stats/metrics.js';

/**
 * Area under the ROC curve of `scores` against 0/1 `labels` (ties count
 * one half), in O(n log n). NaN when one class is absent.
 */
export function areaUnderRoc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  return auc(scores, labels);
}
