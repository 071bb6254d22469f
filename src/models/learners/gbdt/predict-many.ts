/**
 * Margins and TreeSHAP contributions of many rows on worker threads: the
 * rows are cut into one block per thread, each block computed by the same
 * code as in this thread, so the results do not depend on the thread count
 * (a test compares them). For margins, the feature values are read in place
 * when they sit in shared memory (`sharedFloat64Array`), copied there once
 * otherwise.
 */
import { availableParallelism } from 'node:os';
import type { GbdtModel } from './GbdtModel.js';
import type { GbdtModelJson } from './format.js';
import { marginsOfRows, type FlatTrees, type StridedRows } from './flat-trees.js';
import type { FeatureMatrix } from './matrix.js';
import { inSharedMemory, sharedFloat64Array } from './shared-memory.js';
import { runWorker } from './worker.js';

/** Tree walks (rows x trees) below which a worker's start costs more than it saves. */
const MIN_WALKS_PER_WORKER = 20_000_000;

/** What a prediction worker is sent for margins. */
export interface PredictBlock {
  kind: 'margins';
  flat: FlatTrees;
  baseMargin: number;
  rows: StridedRows;
  from: number;
  to: number;
  /** The shared buffer of the margins of all rows. */
  out: SharedArrayBuffer;
  /** The rows' starting margins (float64, shared), or null. */
  offset: SharedArrayBuffer | null;
}

/** What a prediction worker is sent for TreeSHAP contributions: the model and a block of rows (row-major). */
export interface ContributionsBlock {
  kind: 'contributions';
  model: GbdtModelJson;
  values: Float64Array;
  nRows: number;
  nCols: number;
}

/** Rows x trees of TreeSHAP below which a worker's start (and the model's copy) costs more than it saves. */
const MIN_SHAP_WALKS_PER_WORKER = 200_000;

/** Threads for `nRows` rows: at most `threads`, and one per `minWalksPerWorker` tree walks (rows x trees). */
function lanesFor(model: GbdtModel, nRows: number, threads: number, minWalksPerWorker: number): number {
  const walks = nRows * model.trees.length;
  return Math.max(1, Math.min(Math.floor(threads), Math.floor(walks / minWalksPerWorker) + 1));
}

/** Row blocks, one per lane, of nearly equal size. */
function blocksOf(nRows: number, lanes: number): { from: number; to: number }[] {
  const size = Math.ceil(nRows / lanes);
  return Array.from({ length: lanes }, (_, k) => ({ from: Math.min(nRows, k * size), to: Math.min(nRows, (k + 1) * size) }));
}

/**
 * `model.predictMargin(x)` on up to `threads` threads (default the
 * machine's cores): this thread takes the first block of rows, a worker each
 * further one. Inputs of fewer than `minWalksPerWorker` tree walks (rows x
 * trees) per thread stay in this thread. `offset`: the rows' starting
 * margins, as for `predictMargin`.
 */
export async function predictMarginMany(
  model: GbdtModel,
  x: FeatureMatrix,
  threads: number = availableParallelism(),
  minWalksPerWorker: number = MIN_WALKS_PER_WORKER,
  offset?: ArrayLike<number>,
): Promise<Float64Array> {
  const lanes = lanesFor(model, x.nRows, threads, minWalksPerWorker);
  if (lanes === 1) return model.predictMargin(x, offset);
  const { rowStride, colStride } = model.strides(x);
  const start = model.offsetFor(x.nRows, offset);
  const shared = start === null ? null : inSharedMemory(start);
  const rows: StridedRows = { values: inSharedMemory(x.values), rowStride, colStride };
  const out = sharedFloat64Array(x.nRows);
  const flat = model.flatTrees();
  const blocks = blocksOf(x.nRows, lanes);
  const workers = blocks.slice(1).map(({ from, to }) => {
    const block: PredictBlock = {
      kind: 'margins', flat, baseMargin: model.baseMargin, rows, from, to,
      out: out.buffer as SharedArrayBuffer, offset: shared === null ? null : (shared.buffer as SharedArrayBuffer),
    };
    return runWorker<void>('predict-worker', block);
  });
  const first = blocks[0] as { from: number; to: number };
  marginsOfRows(flat, model.baseMargin, rows, first.from, first.to, out, shared);
  await Promise.all(workers);
  // A plain array for the callers: the shared buffer stays with the workers' memory.
  return Float64Array.from(out);
}

/**
 * `model.contributions(x)` (row-major rows, TreeSHAP) on up to `threads`
 * threads: this thread takes the first block of rows, a worker each further
 * one with its own copy of the model and of its rows. Each row's
 * contributions are computed by the same code wherever it runs, so they do
 * not depend on the thread count.
 */
export async function contributionsMany(
  model: GbdtModel,
  x: FeatureMatrix,
  threads: number = availableParallelism(),
  minWalksPerWorker: number = MIN_SHAP_WALKS_PER_WORKER,
): Promise<Float64Array> {
  if (x.layout !== 'row-major') return model.contributions(x);
  const lanes = lanesFor(model, x.nRows, threads, minWalksPerWorker);
  if (lanes === 1) return model.contributions(x);
  model.strides(x);
  const width = x.nCols + 1;
  const blocks = blocksOf(x.nRows, lanes);
  const json = model.toJSON();
  const values = x.values as Float64Array;
  const workers = blocks.slice(1).map(({ from, to }) => {
    const rows = values.slice(from * x.nCols, to * x.nCols);
    const block: ContributionsBlock = { kind: 'contributions', model: json, values: rows, nRows: to - from, nCols: x.nCols };
    return runWorker<Float64Array>('predict-worker', block, [rows.buffer as ArrayBuffer]);
  });
  const first = blocks[0] as { from: number; to: number };
  const out = new Float64Array(x.nRows * width);
  out.set(model.contributions({ values: values.subarray(first.from * x.nCols, first.to * x.nCols), nRows: first.to - first.from, nCols: x.nCols, layout: 'row-major' }), 0);
  const results = await Promise.all(workers);
  results.forEach((part, k) => out.set(part, (blocks[k + 1] as { from: number }).from * width));
  return out;
}
