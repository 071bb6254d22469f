import { describe, expect, it } from 'vitest';
import { contributionsMany, predictMarginMany, sharedFloat64Array, trainGbdt, trainGbdtMany, type GbdtJob } from '../../../../src/models/learners/gbdt/index.js';
import { mulberry32 } from '../../../../src/util/random.js';

/** A small labelled matrix: two informative columns, one of noise, some missing values. */
function job(seed: number, rows: number): GbdtJob {
  const rnd = mulberry32(seed);
  const values = new Float64Array(rows * 3);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = rnd();
    const b = rnd();
    values.set([a, rnd() < 0.1 ? Number.NaN : b, rnd()], r * 3);
    y[r] = rnd() < 1 / (1 + Math.exp(-(4 * a - 3 * b))) ? 1 : 0;
  }
  return {
    train: { x: { values, nRows: rows, nCols: 3, layout: 'row-major' }, y },
    options: { featureNames: ['a', 'b', 'noise'], params: { objective: 'logistic', nTrees: 30, maxDepth: 3, rowSubsample: 0.8, colSubsample: 0.8, seed } },
  };
}

describe('trainGbdtMany', () => {
  it('gives the same models, byte for byte and in the jobs’ order, on worker threads as in this thread', async () => {
    const jobs = [job(1, 800), job(2, 600), job(3, 700)];
    const inThread = jobs.map((j) => JSON.stringify(trainGbdt(j.train, j.options).toJSON()));
    const one = (await trainGbdtMany(jobs, 1)).map((m) => JSON.stringify(m.toJSON()));
    const two = (await trainGbdtMany(jobs, 2)).map((m) => JSON.stringify(m.toJSON()));
    expect(one).toEqual(inThread);
    expect(two).toEqual(inThread);
    // The jobs' data is left as it was (workers get copies).
    expect(jobs[0]?.train.x.values.length).toBe(800 * 3);
  });

  it('reports a fit that fails in a worker', async () => {
    const bad = job(4, 100);
    const broken: GbdtJob = { ...bad, options: { ...bad.options, featureNames: ['only one'] } };
    await expect(trainGbdtMany([bad, broken], 2)).rejects.toThrow('columns but 1 feature names were given');
  });
});

describe('predictMarginMany', () => {
  it('gives the margins of predictMargin, to the last bit, on worker threads, from shared or plain memory', async () => {
    const fit = job(5, 2_000);
    const model = trainGbdt(fit.train, fit.options);
    // Rows of another draw, some values missing; an odd row count, so that the blocks differ in size.
    const rows = job(6, 3_001).train.x;
    const expected = model.predictMargin(rows);
    const plain = await predictMarginMany(model, rows, 3, 1);
    const shared = sharedFloat64Array(rows.values.length);
    shared.set(rows.values);
    const fromShared = await predictMarginMany(model, { ...rows, values: shared }, 2, 1);
    expect([...plain]).toEqual([...expected]);
    expect([...fromShared]).toEqual([...expected]);
    // Below the size that pays for a worker, this thread does it all.
    expect([...(await predictMarginMany(model, rows, 2))]).toEqual([...expected]);
  });
});

describe('contributionsMany', () => {
  it('gives the TreeSHAP contributions of contributions(), to the last bit, on worker threads', async () => {
    const fit = job(7, 1_500);
    const model = trainGbdt(fit.train, fit.options);
    const rows = job(8, 901).train.x;
    const expected = model.contributions(rows);
    expect([...(await contributionsMany(model, rows, 3, 1))]).toEqual([...expected]);
    expect([...(await contributionsMany(model, rows, 2))]).toEqual([...expected]);
  });
});
