/** The worker thread of `trainGbdtMany`: fits one job and posts the model's JSON back. */
import { parentPort } from 'node:worker_threads';
import { trainGbdt } from './booster.js';
import type { WorkerJob } from './train-many.js';

parentPort?.once('message', (job: WorkerJob) => {
  const model = trainGbdt(
    { x: job.x, y: job.y, ...(job.weights === null ? {} : { weights: job.weights }), ...(job.offset === null ? {} : { offset: job.offset }) },
    job.options,
  );
  parentPort?.postMessage(model.toJSON());
});
