import { Worker } from 'node:worker_threads';

/**
 * A worker running a script beside this module (`train-worker`,
 * `predict-worker`): the `.js` file when built; from source (tests, tsx) a
 * small bootstrap registers tsx's loader in the worker first, since workers
 * do not take `--import`.
 */
export function startWorker(name: 'train-worker' | 'predict-worker'): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, import.meta.url));
  const script = new URL(`./${name}.ts`, import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(script)}); })`;
  return new Worker(bootstrap, { eval: true });
}
