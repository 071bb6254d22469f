/**
 * The saved form of a GBDT model: plain JSON whose numbers round-trip
 * exactly (JavaScript prints the shortest decimal that reads back as the
 * same double), with a format version and the ordered feature names.
 */

import { checkFormatHeader, firstFeatureDifference } from '../format-check.js';
import { OBJECTIVES, type ObjectiveId } from './objective.js';
import type { GbdtParams } from './params.js';
import type { Tree } from './tree.js';

/** Value of the `format` field of a saved model. */
export const GBDT_FORMAT = 'ccrg-gbdt';

/** Version this build writes and reads; bump on any change of meaning. */
export const GBDT_FORMAT_VERSION = 1;

/** A saved model is unusable here (other format, version, features, or corrupt). */
export class GbdtModelFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GbdtModelFormatError';
  }
}

/** One tree as JSON arrays indexed by node id (see {@link Tree}). */
export interface TreeJson {
  feature: number[];
  threshold: number[];
  defaultLeft: number[];
  left: number[];
  right: number[];
  value: number[];
  cover: number[];
  gain: number[];
}

/** What training saw, kept for reports. */
export interface GbdtTrainingInfo {
  /** Training rows. */
  readonly nRows: number;
  /** Rounds grown before stopping (trees kept may be fewer after early stopping). */
  readonly roundsTrained: number;
  /** Validation metric name, or null without a validation set. */
  readonly metric: string | null;
  /** Validation metric after each round. */
  readonly validationLoss: readonly number[];
  /** 0-based round with the lowest validation metric (-1: no round improved on the starting margin), or null without a validation set. */
  readonly bestIteration: number | null;
  /**
   * Present (true) when the trees were grown from a starting margin per row
   * (`GbdtDataset.offset`): the model's margin is then that offset plus the
   * trees, and prediction needs the offsets. Absent otherwise.
   */
  readonly offset?: true;
}

/** The whole saved model. */
export interface GbdtModelJson {
  format: typeof GBDT_FORMAT;
  formatVersion: number;
  objective: ObjectiveId;
  featureNames: string[];
  params: GbdtParams;
  baseMargin: number;
  training: GbdtTrainingInfo;
  trees: TreeJson[];
}

/** A tree as JSON arrays. */
export function jsonFromTree(tree: Tree): TreeJson {
  return {
    feature: Array.from(tree.feature),
    threshold: Array.from(tree.threshold),
    defaultLeft: Array.from(tree.defaultLeft),
    left: Array.from(tree.left),
    right: Array.from(tree.right),
    value: Array.from(tree.value),
    cover: Array.from(tree.cover),
    gain: Array.from(tree.gain),
  };
}

/** A tree from JSON, checking array lengths, node links and feature indices. */
export function treeFromJson(json: TreeJson, index: number, nFeatures: number): Tree {
  const fail = (what: string): never => {
    throw new GbdtModelFormatError(`GBDT model tree ${index} is corrupt: ${what}`);
  };
  const keys = ['feature', 'threshold', 'defaultLeft', 'left', 'right', 'value', 'cover', 'gain'] as const;
  const n = Array.isArray(json?.feature) ? json.feature.length : 0;
  if (n === 0) fail('no nodes');
  for (const k of keys) {
    const a = json[k];
    if (!Array.isArray(a) || a.length !== n) fail(`${k} has ${Array.isArray(a) ? a.length : 'no'} entries, expected ${n}`);
    for (let i = 0; i < n; i++) if (typeof a[i] !== 'number' || !Number.isFinite(a[i])) fail(`${k}[${i}] is ${JSON.stringify(a[i])}`);
  }
  for (let i = 0; i < n; i++) {
    const f = json.feature[i]!;
    if (f === -1) continue;
    if (!Number.isInteger(f) || f < 0 || f >= nFeatures) fail(`feature[${i}] = ${f} is outside 0..${nFeatures - 1}`);
    // Children come after their parent, so links cannot form a cycle.
    for (const child of [json.left[i]!, json.right[i]!]) {
      if (!Number.isInteger(child) || child <= i || child >= n) fail(`node ${i} links to node ${child}`);
    }
  }
  return {
    feature: Int32Array.from(json.feature),
    threshold: Float64Array.from(json.threshold),
    defaultLeft: Uint8Array.from(json.defaultLeft),
    left: Int32Array.from(json.left),
    right: Int32Array.from(json.right),
    value: Float64Array.from(json.value),
    cover: Float64Array.from(json.cover),
    gain: Float64Array.from(json.gain),
  };
}

/**
 * Checks the envelope of a parsed model: format, version, objective, and
 * (when given) that the feature names equal `expected` in order.
 */
export function checkModelJson(json: unknown, expected?: readonly string[]): GbdtModelJson {
  const m = checkFormatHeader(
    json,
    { format: GBDT_FORMAT, version: GBDT_FORMAT_VERSION, names: { indefinite: 'A GBDT model', sentence: 'GBDT model' } },
    (message) => new GbdtModelFormatError(message),
  ) as Partial<GbdtModelJson>;
  if (typeof m.objective !== 'string' || !(m.objective in OBJECTIVES)) {
    throw new GbdtModelFormatError(
      `GBDT model objective ${JSON.stringify(m.objective)} is unknown: expected one of ${Object.keys(OBJECTIVES).join(', ')}`,
    );
  }
  if (!Array.isArray(m.featureNames) || m.featureNames.some((n) => typeof n !== 'string')) {
    throw new GbdtModelFormatError('GBDT model featureNames must be an array of strings');
  }
  if (typeof m.baseMargin !== 'number' || !Number.isFinite(m.baseMargin)) {
    throw new GbdtModelFormatError(`GBDT model baseMargin must be a finite number, got ${JSON.stringify(m.baseMargin)}`);
  }
  if (!Array.isArray(m.trees)) throw new GbdtModelFormatError('GBDT model trees must be an array');
  if (typeof m.params !== 'object' || m.params === null) throw new GbdtModelFormatError('GBDT model params must be an object');
  if (typeof m.training !== 'object' || m.training === null) throw new GbdtModelFormatError('GBDT model training must be an object');
  if (m.training.offset !== undefined && m.training.offset !== true) {
    throw new GbdtModelFormatError(`GBDT model training.offset must be true when present, got ${JSON.stringify(m.training.offset)}`);
  }
  if (expected !== undefined) checkFeatureNames(m.featureNames, expected);
  return m as GbdtModelJson;
}

/** Throws a message naming the first position where the model's feature names and the expected ones differ. */
function checkFeatureNames(actual: readonly string[], expected: readonly string[]): void {
  const d = firstFeatureDifference(actual, expected);
  if (d !== null) {
    throw new GbdtModelFormatError(
      `GBDT model features differ from the expected ones at position ${d.position}: model has ${d.model}, expected ${d.expected} (model has ${actual.length} features, expected ${expected.length})`,
    );
  }
}
