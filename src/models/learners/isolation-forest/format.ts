/**
 * The saved form of an isolation forest: plain JSON whose numbers
 * round-trip exactly, with a format name and version, the ordered feature
 * names, the params (with seed) and the trees as arrays.
 */

import { checkFormatHeader, firstFeatureDifference } from '../format-check.js';
import type { IsolationForestParams } from './params.js';
import type { IsolationTree } from './tree.js';

/** Value of the `format` field of a saved forest. */
export const ISOLATION_FOREST_FORMAT = 'ccrg-isolation-forest';

/** Version this build writes and reads; bump on any change of meaning. */
export const ISOLATION_FOREST_FORMAT_VERSION = 1;

/** A saved forest is unusable here (other format, version, features, or corrupt). */
export class IsolationForestFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IsolationForestFormatError';
  }
}

/** What training saw. */
export interface IsolationForestTrainingInfo {
  /** Training rows. */
  readonly nRows: number;
  /** Rows per tree actually used: min(sampleSize, nRows); ψ of the score's c(ψ). */
  readonly subsampleSize: number;
}

/** One tree as JSON arrays indexed by node id (see {@link IsolationTree}). */
export interface IsolationTreeJson {
  feature: number[];
  threshold: number[];
  missingLeft: number[];
  left: number[];
  right: number[];
  size: number[];
}

/** The whole saved forest. */
export interface IsolationForestJson {
  format: typeof ISOLATION_FOREST_FORMAT;
  formatVersion: number;
  featureNames: string[];
  params: IsolationForestParams;
  training: IsolationForestTrainingInfo;
  trees: IsolationTreeJson[];
}

/** A tree as JSON arrays. */
export function jsonFromIsolationTree(tree: IsolationTree): IsolationTreeJson {
  return {
    feature: Array.from(tree.feature),
    threshold: Array.from(tree.threshold),
    missingLeft: Array.from(tree.missingLeft),
    left: Array.from(tree.left),
    right: Array.from(tree.right),
    size: Array.from(tree.size),
  };
}

/**
 * A tree from JSON, checking array lengths, node links, feature indices,
 * that node sizes add up and that the root holds `subsampleSize` rows.
 */
export function isolationTreeFromJson(json: IsolationTreeJson, index: number, nFeatures: number, subsampleSize: number): IsolationTree {
  const fail = (what: string): never => {
    throw new IsolationForestFormatError(`Isolation forest tree ${index} is corrupt: ${what}`);
  };
  const keys = ['feature', 'threshold', 'missingLeft', 'left', 'right', 'size'] as const;
  const n = Array.isArray(json?.feature) ? json.feature.length : 0;
  if (n === 0) fail('no nodes');
  for (const k of keys) {
    const a = json[k];
    if (!Array.isArray(a) || a.length !== n) fail(`${k} has ${Array.isArray(a) ? a.length : 'no'} entries, expected ${n}`);
    for (let i = 0; i < n; i++) if (typeof a[i] !== 'number' || !Number.isFinite(a[i])) fail(`${k}[${i}] is ${JSON.stringify(a[i])}`);
  }
  if (json.size[0] !== subsampleSize) fail(`the root holds ${json.size[0]} rows, expected ${subsampleSize}`);
  for (let i = 0; i < n; i++) {
    const f = json.feature[i]!;
    if (f === -1) continue;
    if (!Number.isInteger(f) || f < 0 || f >= nFeatures) fail(`feature[${i}] = ${f} is outside 0..${nFeatures - 1}`);
    const l = json.left[i]!;
    const r = json.right[i]!;
    // Children come after their parent, so links cannot form a cycle.
    for (const child of [l, r]) {
      if (!Number.isInteger(child) || child <= i || child >= n) fail(`node ${i} links to node ${child}`);
    }
    if (json.size[l]! + json.size[r]! !== json.size[i]) {
      fail(`node ${i} holds ${json.size[i]} rows but its children hold ${json.size[l]} + ${json.size[r]}`);
    }
  }
  return {
    feature: Int32Array.from(json.feature),
    threshold: Float64Array.from(json.threshold),
    missingLeft: Uint8Array.from(json.missingLeft),
    left: Int32Array.from(json.left),
    right: Int32Array.from(json.right),
    size: Int32Array.from(json.size),
  };
}

/**
 * Checks the envelope of a parsed forest: format, version, field types, and
 * (when given) that the feature names equal `expected` in order.
 */
export function checkIsolationForestJson(json: unknown, expected?: readonly string[]): IsolationForestJson {
  const m = checkFormatHeader(
    json,
    {
      format: ISOLATION_FOREST_FORMAT,
      version: ISOLATION_FOREST_FORMAT_VERSION,
      names: { indefinite: 'An isolation forest', sentence: 'Isolation forest' },
    },
    (message) => new IsolationForestFormatError(message),
  ) as Partial<IsolationForestJson>;
  if (!Array.isArray(m.featureNames) || m.featureNames.some((n) => typeof n !== 'string')) {
    throw new IsolationForestFormatError('Isolation forest featureNames must be an array of strings');
  }
  if (!Array.isArray(m.trees)) throw new IsolationForestFormatError('Isolation forest trees must be an array');
  if (typeof m.params !== 'object' || m.params === null) throw new IsolationForestFormatError('Isolation forest params must be an object');
  const t = m.training;
  if (typeof t !== 'object' || t === null || !Number.isInteger(t.nRows) || !Number.isInteger(t.subsampleSize) || t.subsampleSize < 2) {
    throw new IsolationForestFormatError(
      `Isolation forest training must hold integer nRows and subsampleSize >= 2, got ${JSON.stringify(t)}`,
    );
  }
  if (expected !== undefined) checkIsolationForestFeatureNames(m.featureNames, expected);
  return m as IsolationForestJson;
}

/** Throws a message naming the first position where the forest's feature names and the expected ones differ. */
function checkIsolationForestFeatureNames(actual: readonly string[], expected: readonly string[]): void {
  const d = firstFeatureDifference(actual, expected);
  if (d !== null) {
    throw new IsolationForestFormatError(
      `Isolation forest features differ from the expected ones at position ${d.position}: model has ${d.model}, expected ${d.expected} (model has ${actual.length} features, expected ${expected.length})`,
    );
  }
}
