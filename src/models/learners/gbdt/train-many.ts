/**
 * Several independent GBDT fits at once, on worker threads when more than
 * one core is free: the cross-fitting folds and the refit of a risk model
 * are independent, so they share the cores. Each fit is the same
 * deterministic `trainGbdt` in whatever thread runs it, so the models do not
 * depend on the thread count (a test compares the bytes).
 */
import { availableParallelism } from 'node:os';
import { trainGbdt, type GbdtDataset, type TrainGbdtOptions } from './booster.js';
import { GbdtModel } from './GbdtModel.js';
import type { FeatureMatrix } from './matrix.js';
import { runWorker } from './worker.js';

/** One fit: its rows and its options. */
export interface GbdtJob {
  readonly train: GbdtDataset;
  readonly options: TrainGbdtOptions;
}

/** What a worker is sent: the matrix, labels and weights as plain typed arrays. */
export interface WorkerJob {
  x: { values: Float64Array; nRows: number; nCols: number; layout: FeatureMatrix['layout'] };
  y: Float64Array;
  weights: Float64Array | null;
  offset: Float64Array | null;
  options: TrainGbdtOptions;
}

function workerJob(job: GbdtJob): WorkerJob {
  const { x, y, weights, offset } = job.train;
  return {
    x: { values: Float64Array.from(x.values), nRows: x.nRows, nCols: x.nCols, layout: x.layout },
    y: Float64Array.from(y),
    weights: weights === undefined ? null : Float64Array.from(weights),
    offset: offset === undefined ? null : Float64Array.from(offset),
    options: job.options,
  };
}

async function runInWorker(job: GbdtJob): Promise<GbdtModel> {
  const message = workerJob(job);
  const transfer = [message.x.values.buffer, message.y.buffer, ...[message.weights, message.offset].flatMap((a) => (a === null ? [] : [a.buffer]))] as ArrayBuffer[];
  return GbdtModel.fromJSON(await runWorker<unknown>('train-worker', message, transfer));
}

/**
 * Fits every job and returns the models in the jobs' order. `threads` (at
 * least 1; default the machine's cores) bounds the fits running at once; with
 * 1, or a single job, everything runs in this thread.
 */
export async function trainGbdtMany(jobs: readonly GbdtJob[], threads: number = availableParallelism()): Promise<GbdtModel[]> {
  const lanes = Math.max(1, Math.min(Math.floor(threads), jobs.length));
  // Each fit grows its trees on the threads its lane leaves (unless its options say otherwise).
  const perFit = Math.max(1, Math.floor(threads / lanes));
  const fits = jobs.map((job) => ({ ...job, options: { threads: perFit, ...job.options } }));
  if (lanes === 1) return fits.map((job) => trainGbdt(job.train, job.options));
  const models: GbdtModel[] = new Array(jobs.length);
  // The largest fits first (rows × trees), so that the lanes end together; the models keep the jobs' order.
  const cost = (job: GbdtJob): number => job.train.x.nRows * (job.options.params?.nTrees ?? 1);
  const queue = fits.map((_, i) => i).sort((a, b) => cost(fits[b] as GbdtJob) - cost(fits[a] as GbdtJob) || a - b);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < queue.length) {
      const at = queue[next++] as number;
      models[at] = await runInWorker(fits[at] as GbdtJob);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return models;
}
