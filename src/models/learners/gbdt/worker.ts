import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker running a script beside this module (`train-worker`,
 * `predict-worker`): the `.js` file when built; from source (tests, tsx) a
 * small bootstrap registers tsx's loader in the worker first, since workers
 * do not take `--import`.
 */
export function startWorker(name: 'train-worker' | 'predict-worker' | 'grow-worker', options: WorkerOptions = {}): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, import.meta.url), options);
  const script = new URL(`./${name}.ts`, import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(script)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * Runs one message on a new worker of script `name` and resolves with the
 * first message it posts back (the worker is then stopped); rejects on the
 * worker's error or a non-zero exit. `transfer` lists buffers handed over.
 */
export function runWorker<T>(name: 'train-worker' | 'predict-worker', message: unknown, transfer: ArrayBuffer[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(name);
    worker.once('message', (result: T) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the GBDT ${name} stopped with code ${code}`));
    });
    worker.postMessage(message, transfer);
  });
}
