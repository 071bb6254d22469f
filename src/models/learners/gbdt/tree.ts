/**
 * One regression tree: flat typed arrays indexed by node id, root at 0.
 * Growth is best-first by gain under maxDepth and maxLeaves; without a leaf
 * limit that grows the same tree as level-wise growth.
 */

import { MISSING_BIN, type BinnedMatrix } from './binning.js';
import { HIST_STRIDE, type Split } from './histogram.js';
import {
  BUILD, HIST_BLOCK_ROWS, MAX_BATCH_NODES, MERGE_SPLIT, PARTITION, SPLIT_FLOATS, TASK_FLOATS, TASK_INTS, setTask, splitOfRecord,
  type GrowRunner, type GrowShared,
} from './grow-tasks.js';

/**
 * A fitted tree. For an internal node n, a row goes left when
 * `x[feature[n]] <= threshold[n]`, and to the default side when missing.
 * Leaves have `feature[n] = -1` and `left[n] = right[n] = -1`.
 */
export interface Tree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly defaultLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Leaf output, learning rate applied (0 for internal nodes). */
  readonly value: Float64Array;
  /** Hessian sum of the training rows that reached the node. */
  readonly cover: Float64Array;
  /** Loss reduction of the node's split (0 for leaves). */
  readonly gain: Float64Array;
}

/** Limits and regularisation for growing one tree. */
export interface GrowOptions {
  readonly maxDepth: number;
  /** 0 = no limit. */
  readonly maxLeaves: number;
  readonly minChildWeight: number;
  readonly lambda: number;
  readonly minSplitGain: number;
  readonly learningRate: number;
}

/** What growing a tree needs: the shared memory of the training and the runner of its tasks. */
export interface GrowContext {
  readonly cuts: readonly Float64Array[];
  /** Gradients, rows (the sample in `rows[0..nSampled)`, reordered by growth) and the tree's features. */
  readonly shared: GrowShared;
  readonly runner: GrowRunner;
  readonly nSampled: number;
}

interface OpenNode {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  /** Histogram buffer id. */
  readonly hist: number;
  readonly split: Split;
}

/** A node whose smaller child's histogram is being built. */
interface Expansion {
  readonly left: number;
  readonly right: number;
  readonly mid: number;
  readonly node: OpenNode;
  readonly small: number;
  readonly smallIsLeft: boolean;
  readonly splitL: boolean;
  readonly splitR: boolean;
  readonly parts: readonly number[];
}

/** A grown tree plus what training needs to update its margins. */
export interface GrownTree {
  readonly tree: Tree;
  /** Bin of each split (−1 for leaves), to route rows by their bin codes. */
  readonly splitBin: Int32Array;
  /** Each node's sampled rows are `ctx.rows[nodeStart[n]..nodeEnd[n])` (until the next growth). */
  readonly nodeStart: Int32Array;
  readonly nodeEnd: Int32Array;
}

/**
 * Grows one tree on the context's sampled rows with the current gradients.
 * Without a leaf limit the open nodes are expanded a level at a time (in
 * chunks of MAX_BATCH_NODES), each step's partitions, histograms and split
 * searches run as tasks over the threads; with a leaf limit the best open
 * node is expanded first, one at a time.
 */
export function growTree(ctx: GrowContext, options: GrowOptions): GrownTree {
  const { cuts, shared, runner } = ctx;
  const { grad, hess, rows, tasks, taskFloats, lists, splits } = shared;
  const { maxDepth, maxLeaves, minChildWeight, lambda, minSplitGain, learningRate } = options;

  const feature: number[] = [];
  const threshold: number[] = [];
  const defaultLeft: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const gSum: number[] = [];
  const hSum: number[] = [];
  const gain: number[] = [];
  const splitBin: number[] = [];
  const nodeStart: number[] = [];
  const nodeEnd: number[] = [];
  const addNode = (g: number, h: number, start: number, end: number): number => {
    nodeStart.push(start);
    nodeEnd.push(end);
    feature.push(-1);
    threshold.push(0);
    defaultLeft.push(0);
    left.push(-1);
    right.push(-1);
    gSum.push(g);
    hSum.push(h);
    gain.push(0);
    splitBin.push(-1);
    return feature.length - 1;
  };

  const open: OpenNode[] = [];
  const canSplit = (depth: number, h: number, n: number): boolean =>
    depth < maxDepth && n >= 2 && h >= 2 * minChildWeight;
  // The split of split record `record` (−1: none) of the last merge round: open the node when it gains enough.
  const consider = (id: number, start: number, end: number, depth: number, hist: number, record: number): void => {
    const split = record < 0 ? null : splitOfRecord(splits, record);
    if (split !== null && split.gain > minSplitGain) {
      open.push({ id, start, end, depth, hist, split });
    } else {
      runner.give(hist);
    }
  };
  // Histogram builds of rows[start..end) into `target`, block by block; returns the block buffers.
  let builds: [number, number, number][] = [];
  const planBuild = (start: number, end: number, target: number): number[] => {
    if (end - start <= HIST_BLOCK_ROWS) {
      builds.push([start, end, target]);
      return [target];
    }
    const parts: number[] = [];
    for (let b = start; b < end; b += HIST_BLOCK_ROWS) {
      const part = runner.take();
      parts.push(part);
      builds.push([b, Math.min(end, b + HIST_BLOCK_ROWS), part]);
    }
    return parts;
  };
  // The largest blocks first, so that the threads finish together.
  const runBuilds = (): void => {
    builds.sort((a, b) => b[1] - b[0] - (a[1] - a[0]) || a[0] - b[0]);
    let rowsBuilt = 0;
    builds.forEach(([start, end, slot], i) => {
      setTask(tasks, i, BUILD, start, end, slot);
      rowsBuilt += end - start;
    });
    runner.run(builds.length, rowsBuilt * shared.nUsed);
    builds = [];
  };
  // Merge-and-search tasks of a built histogram, `chunks` ranges of features each; returns the first task.
  // Blocks go into `target`, `parent` (or −1) loses it, then the children's split searches.
  let nTasks = 0;
  let nListed = 0;
  let mergeWork = 0;
  const planMerge = (
    target: number, parts: readonly number[], parent: number,
    searchTarget: boolean, searchParent: boolean, sums: readonly [number, number, number, number], chunks: number,
  ): number => {
    const listStart = nListed;
    if (parts.length > 1) for (const part of parts) lists[nListed++] = part;
    const nUsed = shared.nUsed;
    const first = nTasks;
    // Additions of the merge and subtraction, and about three per bin for each search.
    mergeWork += nUsed * HIST_STRIDE * (parts.length + 1) + (Number(searchTarget) + Number(searchParent)) * nUsed * 768;
    for (let c = 0; c < chunks; c++) {
      const k0 = Math.floor((c * nUsed) / chunks);
      const k1 = Math.floor(((c + 1) * nUsed) / chunks);
      const i = nTasks++;
      setTask(tasks, i, MERGE_SPLIT, target, listStart, parts.length, parent, searchTarget ? 1 : 0, searchParent ? 1 : 0, k0 | (k1 << 16));
      taskFloats.set(sums, i * TASK_FLOATS);
    }
    return first;
  };
  // The best of the chunks' split records of one side (0: target, 1: parent), in feature order: −1 when none gains.
  const bestRecord = (first: number, chunks: number, side: number): number => {
    let best = -1;
    let bestGain = 0;
    for (let c = 0; c < chunks; c++) {
      const record = (first + c) * 2 + side;
      const g = splits[record * SPLIT_FLOATS]!;
      if (g > bestGain) {
        bestGain = g;
        best = record;
      }
    }
    return best;
  };
  // Few nodes leave threads idle: their merges and searches are cut by features.
  const chunksFor = (nNodes: number): number =>
    runner.threads === 1 || nNodes >= 2 * runner.threads ? 1 : Math.min(4, shared.nUsed);
  const releaseParts = (parts: readonly number[]): void => {
    if (parts.length > 1) for (const part of parts) runner.give(part);
  };

  const n = ctx.nSampled;
  let g0 = 0;
  let h0 = 0;
  for (let i = 0; i < n; i++) {
    g0 += grad[rows[i]!]!;
    h0 += hess[rows[i]!]!;
  }
  const root = addNode(g0, h0, 0, n);
  if (canSplit(0, h0, n)) {
    const hist = runner.take();
    const parts = planBuild(0, n, hist);
    runBuilds();
    const chunks = chunksFor(1);
    const first = planMerge(hist, parts, -1, true, false, [g0, h0, 0, 0], chunks);
    runner.run(nTasks, mergeWork);
    mergeWork = 0;
    nTasks = 0;
    nListed = 0;
    releaseParts(parts);
    consider(root, 0, n, 0, hist, bestRecord(first, chunks, 0));
  }

  let leaves = 1;
  while (open.length > 0 && (maxLeaves <= 0 || leaves < maxLeaves)) {
    let batch: OpenNode[];
    if (maxLeaves > 0) {
      let pick = 0;
      for (let i = 1; i < open.length; i++) if (open[i]!.split.gain > open[pick]!.split.gain) pick = i;
      batch = open.splice(pick, 1);
    } else {
      batch = open.splice(0, MAX_BATCH_NODES);
    }

    // The partitions (a row costs about three histogram additions).
    let partitioned = 0;
    for (let k = 0; k < batch.length; k++) {
      const node = batch[k]!;
      const { feature: f, bin, defaultLeft: dl } = node.split;
      setTask(tasks, k, PARTITION, node.start, node.end, f, bin, dl ? 1 : 0);
      partitioned += node.end - node.start;
    }
    runner.run(batch.length, 3 * partitioned);
    const mids = Array.from(batch, (_, k) => tasks[k * TASK_INTS + 6]!);

    // The children, and the histograms of the smaller ones.
    const expansions: Expansion[] = [];
    for (let k = 0; k < batch.length; k++) {
      const node = batch[k]!;
      const { id, start, end, depth, hist, split } = node;
      const mid = mids[k]!;
      if (mid === start || mid === end) {
        // Rounding in subtracted histograms can promise a child that has no rows.
        runner.give(hist);
        continue;
      }
      const f = split.feature;
      const sb = split.bin;
      const fCuts = cuts[f]!;
      const l = addNode(split.gradLeft, split.hessLeft, start, mid);
      const r = addNode(gSum[id]! - split.gradLeft, hSum[id]! - split.hessLeft, mid, end);
      feature[id] = f;
      threshold[id] = sb < fCuts.length ? fCuts[sb]! : Number.MAX_VALUE;
      defaultLeft[id] = split.defaultLeft ? 1 : 0;
      left[id] = l;
      right[id] = r;
      gain[id] = split.gain;
      splitBin[id] = sb;
      leaves++;

      const nL = mid - start;
      const nR = end - mid;
      const splitL = canSplit(depth + 1, hSum[l]!, nL);
      const splitR = canSplit(depth + 1, hSum[r]!, nR);
      if (!splitL && !splitR) {
        runner.give(hist);
        continue;
      }
      // Subtraction trick: build the smaller child, derive the larger from the parent.
      const small = runner.take();
      const smallIsLeft = nL <= nR;
      const parts = smallIsLeft ? planBuild(start, mid, small) : planBuild(mid, end, small);
      expansions.push({ left: l, right: r, mid, node, small, smallIsLeft, splitL, splitR, parts });
    }
    runBuilds();

    // Merges and split searches.
    nTasks = 0;
    nListed = 0;
    const chunks = chunksFor(expansions.length);
    const firsts = expansions.map((e) => {
      const { left: l, right: r, smallIsLeft, splitL, splitR } = e;
      const sums: [number, number, number, number] = smallIsLeft
        ? [gSum[l]!, hSum[l]!, gSum[r]!, hSum[r]!]
        : [gSum[r]!, hSum[r]!, gSum[l]!, hSum[l]!];
      return planMerge(e.small, e.parts, e.node.hist, smallIsLeft ? splitL : splitR, smallIsLeft ? splitR : splitL, sums, chunks);
    });
    runner.run(nTasks, mergeWork);
    mergeWork = 0;
    for (let k = 0; k < expansions.length; k++) {
      const e = expansions[k]!;
      releaseParts(e.parts);
      const { start, end, depth, hist } = e.node;
      const histL = e.smallIsLeft ? e.small : hist;
      const histR = e.smallIsLeft ? hist : e.small;
      const recordL = bestRecord(firsts[k]!, chunks, e.smallIsLeft ? 0 : 1);
      const recordR = bestRecord(firsts[k]!, chunks, e.smallIsLeft ? 1 : 0);
      if (e.splitL) consider(e.left, start, e.mid, depth + 1, histL, recordL);
      else runner.give(histL);
      if (e.splitR) consider(e.right, e.mid, end, depth + 1, histR, recordR);
      else runner.give(histR);
    }
  }
  for (const node of open) runner.give(node.hist);

  const nNodes = feature.length;
  const value = new Float64Array(nNodes);
  for (let i = 0; i < nNodes; i++) {
    if (feature[i] === -1) value[i] = (-learningRate * gSum[i]!) / (hSum[i]! + lambda);
  }
  return {
    tree: {
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      defaultLeft: Uint8Array.from(defaultLeft),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value,
      cover: Float64Array.from(hSum),
      gain: Float64Array.from(gain),
    },
    splitBin: Int32Array.from(splitBin),
    nodeStart: Int32Array.from(nodeStart),
    nodeEnd: Int32Array.from(nodeEnd),
  };
}

/** Adds each leaf's output to the margins of the sampled rows that reached it. */
export function addTreeToSampledMargins(grown: GrownTree, rows: Int32Array, margin: Float64Array): void {
  const { feature, value } = grown.tree;
  for (let n = 0; n < feature.length; n++) {
    if (feature[n]! >= 0) continue;
    const v = value[n]!;
    for (let i = grown.nodeStart[n]!, end = grown.nodeEnd[n]!; i < end; i++) {
      const r = rows[i]!;
      margin[r] = margin[r]! + v;
    }
  }
}

/** Adds the tree's output to `margin[r]` for every row r listed in `rows`, routed by its bins. */
export function addTreeToRowMargins(grown: GrownTree, binned: BinnedMatrix, rows: Int32Array, margin: Float64Array): void {
  const { feature, defaultLeft, left, right, value } = grown.tree;
  const { splitBin } = grown;
  const { bins, nFeatures } = binned;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const base = r * nFeatures;
    let n = 0;
    let f = feature[0]!;
    while (f >= 0) {
      const b = bins[base + f]!;
      n = (b === MISSING_BIN ? defaultLeft[n] === 1 : b <= splitBin[n]!) ? left[n]! : right[n]!;
      f = feature[n]!;
    }
    margin[r] = margin[r]! + value[n]!;
  }
}

/** The leaf a row reaches; `values[base + f * colStride]` is feature f of the row. */
export function leafOf(tree: Tree, values: ArrayLike<number>, base: number, colStride: number): number {
  const { feature, threshold, defaultLeft, left, right } = tree;
  let n = 0;
  let f = feature[0]!;
  while (f >= 0) {
    const v = values[base + f * colStride]!;
    n = (v !== v ? defaultLeft[n] === 1 : v <= threshold[n]!) ? left[n]! : right[n]!;
    f = feature[n]!;
  }
  return n;
}

/** Depth of the deepest leaf (0 for a single leaf). */
export function treeDepth(tree: Tree, node = 0): number {
  if (tree.feature[node]! < 0) return 0;
  return 1 + Math.max(treeDepth(tree, tree.left[node]!), treeDepth(tree, tree.right[node]!));
}
