/**
 * The work of growing a tree, cut into tasks that any thread can run: the
 * partition of a node's rows, the histogram of a fixed block of rows, and
 * the merge of a node's block histograms followed by the split search of
 * its children; before and between trees, the binning of a feature and the
 * gradients of a block of rows. Every task reads and writes shared memory
 * only at places fixed by the task itself, and a node's histogram is always
 * the sum of the same blocks added in block order, so a tree does not
 * depend on how many threads ran the tasks or which thread ran which (a
 * test compares the bytes of models trained with 1 and 2 threads).
 */

import { availableParallelism } from 'node:os';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { MISSING_BIN, binColumn, transposeBins, type BinnedMatrix } from './binning.js';
import { HIST_STRIDE, buildHistogram, findBestSplit, subtractHistogram, type Split, type SplitLimits } from './histogram.js';
import { stridesOf, type FeatureMatrix } from './matrix.js';
import { OBJECTIVES, type ObjectiveId } from './objective.js';
import { inSharedMemory, sharedFloat64Array } from './shared-memory.js';
import { startWorker } from './worker.js';

/**
 * Rows per histogram block. A node's histogram is the sum, in block order,
 * of the histograms of its rows cut into blocks of this many: a fixed
 * constant, never the thread count, so that the sums do not depend on it.
 */
export const HIST_BLOCK_ROWS = 8192;

/** Most nodes expanded in one round of tasks (level-wise growth takes the open nodes in chunks of this size). */
export const MAX_BATCH_NODES = 256;

/** Int32 slots per task. */
export const TASK_INTS = 8;
/** Float64 slots per task (node sums in, nothing out). */
export const TASK_FLOATS = 4;
/** Float64 slots per split record: gain, feature, bin, defaultLeft, gradLeft, hessLeft. */
export const SPLIT_FLOATS = 6;

/** Writes task `i` of the table: its kind, then its ints. */
export function setTask(tasks: Int32Array, i: number, ...ints: number[]): void {
  tasks.set(ints, i * TASK_INTS);
}

/** The split written in split record `record` by a merge task, or null when it found none. */
export function splitOfRecord(splits: Float64Array, record: number): Split | null {
  const at = record * SPLIT_FLOATS;
  const gain = splits[at]!;
  if (gain === 0) return null;
  return {
    gain, feature: splits[at + 1]!, bin: splits[at + 2]!, defaultLeft: splits[at + 3]! === 1,
    gradLeft: splits[at + 4]!, hessLeft: splits[at + 5]!,
  };
}

/** Task kinds (first int of a task). */
export const PARTITION = 1;
export const BUILD = 2;
export const MERGE_SPLIT = 3;
const BIN = 4;
const TRANSPOSE = 5;
const GRADIENTS = 6;

// Control words (Int32Array over shared memory).
const GEN = 0; // generation, bumped by the main thread to wake the workers
const NEXT = 1; // (generation & 0x7ff) << 20 | index of the next task to take
const DONE = 2; // tasks finished in this generation
const N_TASKS = 3; // tasks in this generation
const N_USED = 4; // features in the current tree's list
const N_SLOTS = 5; // histogram buffers created so far
const STOP = 6; // 1: workers leave
const FAILED = 7; // 1: a worker's task threw
const CONTROL_WORDS = 8;

/** The shared memory of one training, as sent to a worker. */
export interface GrowSharedInit {
  readonly control: SharedArrayBuffer;
  /** The training matrix's values, column-major: feature f of row r at `x[f * nRows + r]`. */
  readonly x: SharedArrayBuffer;
  readonly maxBins: number;
  readonly y: SharedArrayBuffer;
  readonly weights: SharedArrayBuffer | null;
  readonly margin: SharedArrayBuffer;
  readonly objective: ObjectiveId;
  /** Cut points of feature f in `cuts[f * maxBins ..]`, `nCuts[f]` of them. */
  readonly cuts: SharedArrayBuffer;
  readonly nCuts: SharedArrayBuffer;
  readonly bins: SharedArrayBuffer;
  readonly binsByColumn: SharedArrayBuffer;
  readonly nRows: number;
  readonly nFeatures: number;
  readonly grad: SharedArrayBuffer;
  readonly hess: SharedArrayBuffer;
  readonly rows: SharedArrayBuffer;
  readonly scratch: SharedArrayBuffer;
  readonly features: SharedArrayBuffer;
  readonly nBins: SharedArrayBuffer;
  readonly tasks: SharedArrayBuffer;
  readonly taskFloats: SharedArrayBuffer;
  readonly lists: SharedArrayBuffer;
  readonly splits: SharedArrayBuffer;
  readonly limits: SplitLimits;
}

/** Typed views over a training's shared memory, the same in every thread. */
export class GrowShared {
  readonly control: Int32Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly weights: Float64Array | null;
  /** Every training row's margin, updated after each tree. */
  readonly margin: Float64Array;
  readonly cutValues: Float64Array;
  readonly nCuts: Int32Array;
  readonly bins: Uint8Array;
  readonly binsByColumn: Uint8Array;
  readonly nRows: number;
  readonly nFeatures: number;
  readonly grad: Float64Array;
  readonly hess: Float64Array;
  /** Row ids of the sampled rows, reordered by partitions; each node owns a range. */
  readonly rows: Int32Array;
  /** As long as `rows`; a partition of `rows[a..b)` uses `scratch[a..b)`. */
  readonly scratch: Int32Array;
  /** Features of the current tree, ascending, in `features[0..nUsed)`. */
  readonly features: Int32Array;
  readonly nBins: Int32Array;
  readonly tasks: Int32Array;
  readonly taskFloats: Float64Array;
  /** Histogram buffers listed by merge tasks (block partials). */
  readonly lists: Int32Array;
  /** Two split records per task. */
  readonly splits: Float64Array;
  readonly limits: SplitLimits;
  /** Histogram buffers by id; workers learn of new ones through their port. */
  readonly slots: Float64Array[] = [];

  constructor(readonly init: GrowSharedInit) {
    this.control = new Int32Array(init.control);
    this.x = new Float64Array(init.x);
    this.y = new Float64Array(init.y);
    this.weights = init.weights === null ? null : new Float64Array(init.weights);
    this.margin = new Float64Array(init.margin);
    this.cutValues = new Float64Array(init.cuts);
    this.nCuts = new Int32Array(init.nCuts);
    this.bins = new Uint8Array(init.bins);
    this.binsByColumn = new Uint8Array(init.binsByColumn);
    this.nRows = init.nRows;
    this.nFeatures = init.nFeatures;
    this.grad = new Float64Array(init.grad);
    this.hess = new Float64Array(init.hess);
    this.rows = new Int32Array(init.rows);
    this.scratch = new Int32Array(init.scratch);
    this.features = new Int32Array(init.features);
    this.nBins = new Int32Array(init.nBins);
    this.tasks = new Int32Array(init.tasks);
    this.taskFloats = new Float64Array(init.taskFloats);
    this.lists = new Int32Array(init.lists);
    this.splits = new Float64Array(init.splits);
    this.limits = init.limits;
  }

  /**
   * Shared memory for a training on `x` (copied in column-major unless it
   * is so in shared memory already), labels `y` and optional weights; the
   * bins are filled by {@link binShared}.
   */
  static create(
    x: FeatureMatrix,
    y: ArrayLike<number>,
    weights: ArrayLike<number> | null,
    objective: ObjectiveId,
    maxBins: number,
    limits: SplitLimits,
  ): GrowShared {
    const { nRows, nCols: nFeatures } = x;
    const taskCapacity = 4 * MAX_BATCH_NODES + nFeatures + Math.ceil(nRows / HIST_BLOCK_ROWS) + 1;
    const shared = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(Math.max(8, bytes));
    const copy = (values: ArrayLike<number>): SharedArrayBuffer => {
      const out = sharedFloat64Array(values.length);
      out.set(values);
      return out.buffer as SharedArrayBuffer;
    };
    const init: GrowSharedInit = {
      control: shared(CONTROL_WORDS * 4),
      x: columnMajorShared(x).buffer as SharedArrayBuffer,
      maxBins,
      y: copy(y),
      weights: weights === null ? null : copy(weights),
      margin: shared(nRows * 8),
      objective,
      cuts: shared(nFeatures * maxBins * 8),
      nCuts: shared(nFeatures * 4),
      bins: shared(nRows * nFeatures),
      binsByColumn: shared(nRows * nFeatures),
      nRows,
      nFeatures,
      grad: shared(nRows * 8),
      hess: shared(nRows * 8),
      rows: shared(nRows * 4),
      scratch: shared(nRows * 4),
      features: shared(nFeatures * 4),
      nBins: shared(nFeatures * 4),
      tasks: shared(taskCapacity * TASK_INTS * 4),
      taskFloats: shared(taskCapacity * TASK_FLOATS * 8),
      lists: shared(taskCapacity * 4),
      splits: shared(taskCapacity * 2 * SPLIT_FLOATS * 8),
      limits: { lambda: limits.lambda, minChildWeight: limits.minChildWeight },
    };
    return new GrowShared(init);
  }

  get nUsed(): number {
    return Atomics.load(this.control, N_USED);
  }

  /** Sets the features of the next tree. */
  setFeatures(features: Int32Array): void {
    this.features.set(features);
    Atomics.store(this.control, N_USED, features.length);
  }

  /** Runs task `i` of the current generation. */
  runTask(i: number): void {
    const t = this.tasks;
    const at = i * TASK_INTS;
    const kind = t[at]!;
    if (kind === PARTITION) t[at + 6] = this.partition(t[at + 1]!, t[at + 2]!, t[at + 3]!, t[at + 4]!, t[at + 5]! === 1);
    else if (kind === BUILD) this.build(t[at + 1]!, t[at + 2]!, t[at + 3]!);
    else if (kind === MERGE_SPLIT) this.mergeAndSearch(i);
    else if (kind === BIN) this.binFeature(t[at + 1]!);
    else if (kind === TRANSPOSE) transposeBins(this.binsByColumn, this.bins, this.nRows, this.nFeatures, t[at + 1]!, t[at + 2]!);
    else if (kind === GRADIENTS) this.gradients(t[at + 1]!, t[at + 2]!);
    else throw new Error(`unknown GBDT task kind ${kind} at ${i}`);
  }

  private binFeature(f: number): void {
    const { nRows, init } = this;
    const column = { values: this.x, nRows, rowStride: 1, colStride: nRows, f };
    const out = this.binsByColumn.subarray(f * nRows, (f + 1) * nRows);
    const cuts = binColumn(column, init.maxBins, new Float64Array(nRows), out);
    this.cutValues.set(cuts, f * init.maxBins);
    this.nCuts[f] = cuts.length;
    this.nBins[f] = cuts.length + 1;
  }

  private gradients(from: number, to: number): void {
    const w = this.weights === null ? null : this.weights.subarray(from, to);
    OBJECTIVES[this.init.objective].gradients(
      this.margin.subarray(from, to), this.y.subarray(from, to), w, this.grad.subarray(from, to), this.hess.subarray(from, to),
    );
  }

  /**
   * Stable partition of `rows[start..end)` by the split (feature f, bin sb,
   * missing left when dl): left rows first. Returns the first right row's place.
   */
  private partition(start: number, end: number, f: number, sb: number, dl: boolean): number {
    const { rows, scratch } = this;
    // Rows are ascending within a node, so one column is read front to back.
    const column = this.binsByColumn.subarray(f * this.nRows, (f + 1) * this.nRows);
    let w = start;
    let s = start;
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      const b = column[r]!;
      if (b === MISSING_BIN ? dl : b <= sb) rows[w++] = r;
      else scratch[s++] = r;
    }
    rows.set(scratch.subarray(start, s), w);
    return w;
  }

  private build(start: number, end: number, slot: number): void {
    const features = this.features.subarray(0, this.nUsed);
    buildHistogram(this.slots[slot]!, this.bins, this.nFeatures, features, this.rows, start, end, this.grad, this.hess);
  }

  /**
   * Task ints: target slot, first list entry, number of block histograms
   * (1: the block was built into the target itself), parent slot (−1: none),
   * search the target (1/0), search the parent (1/0), and the features'
   * positions `k0 | k1 << 16` the task covers. Floats: gradient and hessian
   * sums of the target's node and of the parent's remainder. Over those
   * features, the target becomes the sum of the blocks in order, the parent
   * loses the target, and the best splits go to the task's two split
   * records. Split into feature ranges, the work gives the same sums and,
   * the ranges' best splits taken in order, the same split.
   */
  private mergeAndSearch(i: number): void {
    const t = this.tasks;
    const at = i * TASK_INTS;
    const listStart = t[at + 2]!;
    const nParts = t[at + 3]!;
    const parentSlot = t[at + 4]!;
    const k0 = t[at + 7]! & 0xffff;
    const k1 = t[at + 7]! >>> 16;
    const from = k0 * HIST_STRIDE;
    const to = k1 * HIST_STRIDE;
    const target = this.slots[t[at + 1]!]!.subarray(from, to);
    if (nParts > 1) {
      target.set(this.slots[this.lists[listStart]!]!.subarray(from, to));
      for (let p = 1; p < nParts; p++) {
        const part = this.slots[this.lists[listStart + p]!]!.subarray(from, to);
        for (let k = 0; k < target.length; k++) target[k] = target[k]! + part[k]!;
      }
    }
    const parent = parentSlot >= 0 ? this.slots[parentSlot]!.subarray(from, to) : null;
    if (parent !== null) subtractHistogram(parent, target, k1 - k0);
    const f = i * TASK_FLOATS;
    const tf = this.taskFloats;
    const features = this.features.subarray(k0, k1);
    this.search(target, features, t[at + 5]! === 1, tf[f]!, tf[f + 1]!, i * 2);
    this.search(parent, features, parent !== null && t[at + 6]! === 1, tf[f + 2]!, tf[f + 3]!, i * 2 + 1);
  }

  private search(hist: Float64Array | null, features: Int32Array, wanted: boolean, g: number, h: number, record: number): void {
    const out = this.splits;
    const at = record * SPLIT_FLOATS;
    out[at] = 0;
    if (!wanted || hist === null) return;
    const split = findBestSplit(hist, features, this.nBins, g, h, this.limits);
    if (split === null) return;
    out[at] = split.gain;
    out[at + 1] = split.feature;
    out[at + 2] = split.bin;
    out[at + 3] = split.defaultLeft ? 1 : 0;
    out[at + 4] = split.gradLeft;
    out[at + 5] = split.hessLeft;
  }
}

/** Runs the tasks of one generation, in this thread alone or with workers. */
export class GrowRunner {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly free: number[] = [];
  private gen = 0;

  /** `threads` − 1 workers join this thread (none for 1). */
  constructor(
    readonly shared: GrowShared,
    threads: number,
  ) {
    for (let k = 1; k < threads; k++) {
      const { port1, port2 } = new MessageChannel();
      const worker = startWorker('grow-worker', { workerData: { init: shared.init, port: port2 }, transferList: [port2] });
      // A worker that fails to start only leaves its share to the others: this thread takes
      // every task no worker took, and the results do not depend on who ran them.
      worker.on('error', () => {});
      worker.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  /** The id of a histogram buffer with stale contents (builders clear what they use). */
  take(): number {
    const free = this.free.pop();
    if (free !== undefined) return free;
    const { shared } = this;
    const buffer = new SharedArrayBuffer(shared.nFeatures * HIST_STRIDE * 8);
    const id = shared.slots.length;
    shared.slots.push(new Float64Array(buffer));
    for (const port of this.ports) port.postMessage(buffer);
    Atomics.store(shared.control, N_SLOTS, shared.slots.length);
    return id;
  }

  /** Threads taking tasks, this one included. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** Returns a histogram buffer for reuse. */
  give(slot: number): void {
    this.free.push(slot);
  }

  /**
   * Runs tasks `0..n)` as written in the shared task table; returns when all
   * are done. `work` (in histogram additions, about a nanosecond each) below
   * MIN_SHARED_WORK keeps them in this thread, where waking a worker would
   * cost more than it saves.
   */
  run(n: number, work: number = Infinity): void {
    if (n === 0) return;
    const { shared } = this;
    const c = shared.control;
    if (this.workers.length === 0 || n === 1 || work < MIN_SHARED_WORK) {
      for (let i = 0; i < n; i++) shared.runTask(i);
      return;
    }
    this.gen = (this.gen + 1) & 0x7ff;
    Atomics.store(c, N_TASKS, n);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, NEXT, this.gen << 20);
    Atomics.store(c, GEN, this.gen);
    Atomics.notify(c, GEN);
    takeTasks(shared, this.gen, n, false);
    for (let done = Atomics.load(c, DONE); done < n; done = Atomics.load(c, DONE)) {
      if (!spinWhile(c, DONE, done)) Atomics.wait(c, DONE, done);
    }
    if (Atomics.load(c, FAILED) === 1) throw new Error('a GBDT training thread failed');
  }

  /** Lets the workers go. */
  close(): void {
    if (this.workers.length === 0) return;
    const c = this.shared.control;
    Atomics.store(c, STOP, 1);
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
    for (const port of this.ports) port.close();
  }
}

/** Rows per tile when a row-major matrix is turned column-major: a tile's rows stay in the cache. */
const TILE_ROWS = 64;

/**
 * The values of `x` column-major in shared memory: `x.values` itself when
 * it is so already, else a copy (row-major input tile by tile). Binning then
 * reads each feature front to back instead of one cache line per value.
 */
function columnMajorShared(x: FeatureMatrix): Float64Array {
  const { values, nRows, nCols } = x;
  if (x.layout === 'column-major') return inSharedMemory(values);
  const { rowStride, colStride } = stridesOf(x);
  const out = sharedFloat64Array(nRows * nCols);
  for (let r0 = 0; r0 < nRows; r0 += TILE_ROWS) {
    const r1 = Math.min(nRows, r0 + TILE_ROWS);
    for (let f = 0; f < nCols; f++) {
      for (let r = r0; r < r1; r++) out[f * nRows + r] = values[r * rowStride + f * colStride]!;
    }
  }
  return out;
}

/** Histogram additions (about a nanosecond each) below which a round of tasks stays in one thread. */
export const MIN_SHARED_WORK = 100_000;

/** Loads of a control word before sleeping on it (tens of microseconds): a round often follows within that. */
const SPINS = 20_000;

/** True once `control[at]` differs from `value` within SPINS loads. */
function spinWhile(control: Int32Array, at: number, value: number): boolean {
  for (let s = 0; s < SPINS; s++) if (Atomics.load(control, at) !== value) return true;
  return false;
}

/** Row blocks of the gradient and transpose tasks. */
const ROW_BLOCK = 16_384;

/** Bins the shared matrix over the runner's threads (a feature per task, then row blocks); returns the matrix. */
export function binShared(runner: GrowRunner): BinnedMatrix {
  const { shared } = runner;
  const { nRows, nFeatures, tasks } = shared;
  for (let f = 0; f < nFeatures; f++) setTask(tasks, f, BIN, f);
  runner.run(nFeatures);
  runner.run(setRowBlocks(tasks, TRANSPOSE, nRows));
  const { maxBins } = shared.init;
  const cuts = Array.from({ length: nFeatures }, (_, f) => shared.cutValues.slice(f * maxBins, f * maxBins + shared.nCuts[f]!));
  return { nRows, nFeatures, bins: shared.bins, binsByColumn: shared.binsByColumn, cuts };
}

/** Gradients and hessians of every row from the current margins, over the runner's threads. */
export function gradientsShared(runner: GrowRunner): void {
  runner.run(setRowBlocks(runner.shared.tasks, GRADIENTS, runner.shared.nRows));
}

function setRowBlocks(tasks: Int32Array, kind: number, nRows: number): number {
  let n = 0;
  for (let from = 0; from < nRows; from += ROW_BLOCK) setTask(tasks, n++, kind, from, Math.min(nRows, from + ROW_BLOCK));
  return n;
}

/**
 * Takes and runs tasks of generation `gen` until none is left. In a worker
 * (`inWorker`), a task that throws is marked failed and still counted done,
 * so that the main thread never waits for it; the main thread's own throw
 * goes to its caller.
 */
function takeTasks(shared: GrowShared, gen: number, n: number, inWorker: boolean): void {
  const c = shared.control;
  for (;;) {
    const next = Atomics.load(c, NEXT);
    if (next >>> 20 !== gen) return;
    const i = next & 0xfffff;
    if (i >= n) return;
    if (Atomics.compareExchange(c, NEXT, next, next + 1) !== next) continue;
    try {
      shared.runTask(i);
    } catch (error) {
      if (!inWorker) throw error;
      Atomics.store(c, FAILED, 1);
    }
    Atomics.add(c, DONE, 1);
    Atomics.notify(c, DONE);
  }
}

/** The loop of a worker thread: wait for a generation, take its tasks, until told to stop. */
export function serveGrowTasks(init: GrowSharedInit, port: MessagePort): void {
  const shared = new GrowShared(init);
  const c = shared.control;
  let seen = 0;
  for (;;) {
    if (!spinWhile(c, GEN, seen)) Atomics.wait(c, GEN, seen);
    if (Atomics.load(c, STOP) === 1) return;
    seen = Atomics.load(c, GEN);
    while (shared.slots.length < Atomics.load(c, N_SLOTS)) {
      const message = receiveMessageOnPort(port);
      if (message === undefined) break;
      shared.slots.push(new Float64Array(message.message as SharedArrayBuffer));
    }
    takeTasks(shared, seen, Atomics.load(c, N_TASKS), true);
  }
}

/** Threads for a training of `nRows` rows: one unless there are at least two blocks of histogram rows to share. */
export function growThreads(nRows: number, threads: number = availableParallelism()): number {
  return nRows < 2 * HIST_BLOCK_ROWS ? 1 : Math.max(1, Math.floor(threads));
}
