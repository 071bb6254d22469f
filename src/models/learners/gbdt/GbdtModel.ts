/**
 * A fitted gradient-boosted tree ensemble: prediction on the margin and
 * response scales, TreeSHAP contributions, gain importance and JSON
 * save/load.
 */

import {
  GBDT_FORMAT,
  GBDT_FORMAT_VERSION,
  GbdtModelFormatError,
  checkModelJson,
  jsonFromTree,
  treeFromJson,
  type GbdtModelJson,
  type GbdtTrainingInfo,
} from './format.js';
import { stridesOf, type FeatureMatrix } from './matrix.js';
import { OBJECTIVES, type ObjectiveId } from './objective.js';
import { resolveParams, type GbdtParams } from './params.js';
import { ShapPath, addTreeShap, treeExpectedValue } from './tree-shap.js';
import { flattenTrees, marginsOfRows, type FlatTrees } from './flat-trees.js';
import { treeDepth, type Tree } from './tree.js';

export type { GbdtTrainingInfo } from './format.js';

/** Everything a {@link GbdtModel} is made of. */
export interface GbdtModelParts {
  readonly objective: ObjectiveId;
  readonly featureNames: readonly string[];
  readonly params: GbdtParams;
  /** Margin before the first tree. */
  readonly baseMargin: number;
  readonly trees: readonly Tree[];
  readonly training: GbdtTrainingInfo;
}

/** Total split gain of one feature over all trees. */
export interface FeatureImportance {
  readonly feature: string;
  /** Sum of the loss reductions of the feature's splits. */
  readonly gain: number;
  /** Number of splits on the feature. */
  readonly splits: number;
}

/** A fitted ensemble; immutable. */
export class GbdtModel {
  readonly objective: ObjectiveId;
  readonly featureNames: readonly string[];
  readonly params: GbdtParams;
  readonly baseMargin: number;
  readonly trees: readonly Tree[];
  readonly training: GbdtTrainingInfo;

  constructor(parts: GbdtModelParts) {
    this.objective = parts.objective;
    this.featureNames = parts.featureNames;
    this.params = parts.params;
    this.baseMargin = parts.baseMargin;
    this.trees = parts.trees;
    this.training = parts.training;
  }

  /**
   * The same model with its first `count` trees only (0: the starting margin
   * alone): what a tree count chosen after growing more trees ships.
   */
  firstTrees(count: number): GbdtModel {
    if (!Number.isInteger(count) || count < 0 || count > this.trees.length) throw new Error(`firstTrees: count must be an integer in 0..${this.trees.length}, got ${count}`);
    return new GbdtModel({ objective: this.objective, featureNames: this.featureNames, params: this.params, baseMargin: this.baseMargin, trees: this.trees.slice(0, count), training: this.training });
  }

  /** Every tree's nodes in flat arrays (node ids offset per tree), built on the first prediction. */
  private flat: FlatTrees | null = null;

  /** The trees in one set of flat arrays (what prediction walks; {@link predictMarginMany} sends them to worker threads). */
  flatTrees(): FlatTrees {
    this.flat ??= flattenTrees(this.trees);
    return this.flat;
  }

  /**
   * Raw margins (log-odds for logistic, log of the mean for gamma), one per
   * row. A model grown from per-row offsets (`training.offset`) needs them
   * again here, one per row; any other model may take them too.
   */
  predictMargin(x: FeatureMatrix, offset?: ArrayLike<number>): Float64Array {
    const { rowStride, colStride } = this.stridesFor(x);
    const start = this.offsetFor(x.nRows, offset);
    const out = new Float64Array(x.nRows);
    marginsOfRows(this.flatTrees(), this.baseMargin, { values: x.values as Float64Array, rowStride, colStride }, 0, x.nRows, out, start);
    return out;
  }

  /** `offset` checked against the rows and the model: required by a model grown from offsets. */
  offsetFor(nRows: number, offset: ArrayLike<number> | undefined): ArrayLike<number> | null {
    if (offset === undefined) {
      if (this.training.offset === true) throw new Error('This model was grown from a starting margin per row: pass the offsets to predict');
      return null;
    }
    if (offset.length !== nRows) throw new Error(`${offset.length} offsets were given for ${nRows} rows`);
    return offset;
  }

  /** Row and column strides of a matrix this model can read (its column count checked). */
  strides(x: FeatureMatrix): { rowStride: number; colStride: number } {
    return this.stridesFor(x);
  }

  /**
   * Predictions on the response scale: probabilities for logistic, values
   * for squared error, mean amounts exp(margin) for gamma.
   */
  predict(x: FeatureMatrix, offset?: ArrayLike<number>): Float64Array {
    const m = this.predictMargin(x, offset);
    const transform = OBJECTIVES[this.objective].transform;
    for (let i = 0; i < m.length; i++) m[i] = transform(m[i]!);
    return m;
  }

  /** Probabilities of label 1; only for the logistic objective. */
  predictProbability(x: FeatureMatrix, offset?: ArrayLike<number>): Float64Array {
    if (this.objective !== 'logistic') {
      throw new Error(`predictProbability needs the logistic objective, this model has ${this.objective}`);
    }
    return this.predict(x, offset);
  }

  /**
   * Exact TreeSHAP contributions on the margin scale, row-major
   * nRows × (nFeatures + 1): feature contributions, then the bias (the
   * expected margin over the training cover) in the last column. Each row
   * sums to its margin up to rounding; for a model grown from offsets, to
   * its margin minus its offset (what the trees add to the starting margin).
   */
  contributions(x: FeatureMatrix): Float64Array {
    const { rowStride, colStride } = this.stridesFor(x);
    const width = this.featureNames.length + 1;
    const out = new Float64Array(x.nRows * width);
    let bias = this.baseMargin;
    let depth = 0;
    for (const tree of this.trees) {
      bias += treeExpectedValue(tree);
      depth = Math.max(depth, treeDepth(tree));
    }
    const path = new ShapPath(depth);
    for (let r = 0; r < x.nRows; r++) {
      const phiBase = r * width;
      for (const tree of this.trees) addTreeShap(tree, x.values, r * rowStride, colStride, out, phiBase, path);
      out[phiBase + width - 1] = bias;
    }
    return out;
  }

  /** Total gain and split count per feature, in feature order. */
  featureImportance(): FeatureImportance[] {
    const gain = new Float64Array(this.featureNames.length);
    const splits = new Int32Array(this.featureNames.length);
    for (const tree of this.trees) {
      for (let n = 0; n < tree.feature.length; n++) {
        const f = tree.feature[n]!;
        if (f < 0) continue;
        gain[f] = gain[f]! + tree.gain[n]!;
        splits[f]!++;
      }
    }
    return this.featureNames.map((feature, i) => ({ feature, gain: gain[i]!, splits: splits[i]! }));
  }

  /** The saved form; `JSON.stringify` of it reads back to identical predictions. */
  toJSON(): GbdtModelJson {
    return {
      format: GBDT_FORMAT,
      formatVersion: GBDT_FORMAT_VERSION,
      objective: this.objective,
      featureNames: [...this.featureNames],
      params: { ...this.params },
      baseMargin: this.baseMargin,
      training: { ...this.training, validationLoss: [...this.training.validationLoss] },
      trees: this.trees.map(jsonFromTree),
    };
  }

  /**
   * A model from its parsed JSON. Refuses another format or format version,
   * corrupt trees, and, when `featureNames` is given, any difference from
   * the model's feature list (the message names the first differing position).
   */
  static fromJSON(json: unknown, options: { featureNames?: readonly string[] } = {}): GbdtModel {
    const m = checkModelJson(json, options.featureNames);
    const trees = m.trees.map((t, i) => treeFromJson(t, i, m.featureNames.length));
    let params: GbdtParams;
    try {
      params = resolveParams(m.params);
    } catch (error) {
      throw new GbdtModelFormatError(`GBDT model params are wrong: ${(error as Error).message}`);
    }
    return new GbdtModel({
      objective: m.objective,
      featureNames: m.featureNames,
      params,
      baseMargin: m.baseMargin,
      trees,
      training: m.training,
    });
  }

  private stridesFor(x: FeatureMatrix): { rowStride: number; colStride: number } {
    const strides = stridesOf(x);
    if (x.nCols !== this.featureNames.length) {
      throw new GbdtModelFormatError(
        `The matrix has ${x.nCols} columns but the model has ${this.featureNames.length} features`,
      );
    }
    return strides;
  }
}
