/**
 * A fitted isolation forest: anomaly scores, mean path lengths, per-feature
 * isolation credit for explanations, and JSON save/load.
 */

import { stridesOf, type FeatureMatrix } from '../gbdt/matrix.js';
import {
  ISOLATION_FOREST_FORMAT,
  ISOLATION_FOREST_FORMAT_VERSION,
  IsolationForestFormatError,
  checkIsolationForestJson,
  isolationTreeFromJson,
  jsonFromIsolationTree,
  type IsolationForestJson,
  type IsolationForestTrainingInfo,
} from './format.js';
import { resolveIsolationForestParams, type IsolationForestParams } from './params.js';
import { averagePathLength, nodeCompletions, pathLength, type IsolationTree } from './tree.js';

/** Everything an {@link IsolationForestModel} is made of. */
export interface IsolationForestParts {
  readonly featureNames: readonly string[];
  readonly params: IsolationForestParams;
  readonly training: IsolationForestTrainingInfo;
  readonly trees: readonly IsolationTree[];
}

/** A fitted forest; immutable. */
export class IsolationForestModel {
  readonly featureNames: readonly string[];
  readonly params: IsolationForestParams;
  readonly training: IsolationForestTrainingInfo;
  readonly trees: readonly IsolationTree[];

  constructor(parts: IsolationForestParts) {
    this.featureNames = parts.featureNames;
    this.params = parts.params;
    this.training = parts.training;
    this.trees = parts.trees;
  }

  /**
   * E[h(x)], the path length averaged over the trees, one per row: the depth
   * of the row's leaf plus c(n) for the n training rows left in it.
   */
  meanPathLength(x: FeatureMatrix): Float64Array {
    const { rowStride, colStride } = this.stridesFor(x);
    const out = new Float64Array(x.nRows);
    const values = x.values;
    // Row by row, every tree in turn (the same sum in the same order as tree by tree): the row's values stay
    // in cache while the trees walk them, instead of the whole matrix streamed once per tree; with c(n) once per
    // node instead of once per row, 1.65 s -> 1.1 s for 100 trees on 95,000 rows.
    const completions = this.trees.map(nodeCompletions);
    for (let r = 0; r < x.nRows; r++) {
      let sum = 0;
      for (let t = 0; t < this.trees.length; t++) sum += pathLength(this.trees[t]!, values, r * rowStride, colStride, completions[t]!);
      out[r] = sum / this.trees.length;
    }
    return out;
  }

  /**
   * Anomaly scores s = 2^(−E[h(x)] / c(ψ)), ψ the rows per tree, one per
   * row, in (0, 1]: near 1 for rows isolated early, about 0.5 or less for
   * typical rows. Higher = more anomalous.
   */
  score(x: FeatureMatrix): Float64Array {
    const h = this.meanPathLength(x);
    const c = averagePathLength(this.training.subsampleSize);
    for (let r = 0; r < h.length; r++) h[r] = 2 ** (-h[r]! / c);
    return h;
  }

  /**
   * Per-feature isolation credit for explanations, row-major
   * nRows × nFeatures. Along the row's path in each tree, a split on feature
   * f that takes the row from a node of n training rows to a child of m gets
   * log2(n / m) bits; a feature's entry is its bits averaged over the trees.
   * A row cut off alone from ψ rows at the root gives its feature log2 ψ
   * bits; features that split late or send the row with the majority get
   * little. A row's entries sum to the mean of log2(ψ / rows in its leaf).
   * This explains which features isolate the row, it is not an additive
   * decomposition of the score.
   */
  isolationContributions(x: FeatureMatrix): Float64Array {
    const { rowStride, colStride } = this.stridesFor(x);
    const width = this.featureNames.length;
    const out = new Float64Array(x.nRows * width);
    const values = x.values;
    const nTrees = this.trees.length;
    for (const tree of this.trees) {
      const { feature, threshold, missingLeft, left, right, size } = tree;
      for (let r = 0; r < x.nRows; r++) {
        const base = r * rowStride;
        let node = 0;
        for (let f = feature[0]!; f >= 0; f = feature[node]!) {
          const v = values[base + f * colStride]!;
          const goesLeft = v !== v ? missingLeft[node] === 1 : v <= threshold[node]!;
          const child = goesLeft ? left[node]! : right[node]!;
          const k = r * width + f;
          out[k] = out[k]! + Math.log2(size[node]! / size[child]!) / nTrees;
          node = child;
        }
      }
    }
    return out;
  }

  /** The saved form; `JSON.stringify` of it reads back to identical scores. */
  toJSON(): IsolationForestJson {
    return {
      format: ISOLATION_FOREST_FORMAT,
      formatVersion: ISOLATION_FOREST_FORMAT_VERSION,
      featureNames: [...this.featureNames],
      params: { ...this.params },
      training: { ...this.training },
      trees: this.trees.map(jsonFromIsolationTree),
    };
  }

  /**
   * A forest from its parsed JSON. Refuses another format or format version,
   * corrupt trees or params, and, when `featureNames` is given, any
   * difference from the forest's feature list (the message names the first
   * differing position).
   */
  static fromJSON(json: unknown, options: { featureNames?: readonly string[] } = {}): IsolationForestModel {
    const m = checkIsolationForestJson(json, options.featureNames);
    let params: IsolationForestParams;
    try {
      params = resolveIsolationForestParams(m.params);
    } catch (error) {
      throw new IsolationForestFormatError(`Isolation forest params are wrong: ${(error as Error).message}`);
    }
    if (m.trees.length !== params.nTrees) {
      throw new IsolationForestFormatError(`Isolation forest has ${m.trees.length} trees but params.nTrees is ${params.nTrees}`);
    }
    const trees = m.trees.map((t, i) => isolationTreeFromJson(t, i, m.featureNames.length, m.training.subsampleSize));
    return new IsolationForestModel({
      featureNames: m.featureNames,
      params,
      training: { nRows: m.training.nRows, subsampleSize: m.training.subsampleSize },
      trees,
    });
  }

  private stridesFor(x: FeatureMatrix): { rowStride: number; colStride: number } {
    const strides = stridesOf(x);
    if (x.nCols !== this.featureNames.length) {
      throw new IsolationForestFormatError(
        `The matrix has ${x.nCols} columns but the isolation forest has ${this.featureNames.length} features`,
      );
    }
    return strides;
  }
}
