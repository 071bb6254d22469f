/**
 * Benchmark of the GBDT learner (src/models/learners/gbdt) on synthetic item-level-like
 * data: train time and held-out AUC with pinned hyperparameters.
 *
 *   npx tsx scripts/bench-gbdt.ts [--case small|large|all] [--threads N] [--export DIR] [--model-out FILE]
 *
 * `small` = 30,000 rows × 30 features × 200 trees, `large` = 200,000 × 40 × 300;
 * both are scored on 50,000 held-out rows from the same generator. `--export`
 * writes each case's train and test sets as raw float64 files plus a JSON
 * description, for scripts/bench-gbdt-xgboost.py. `--threads` sets the
 * learner's threads (default: the cores); `--model-out` writes the last
 * case's model JSON, to compare the bytes of runs with different threads.
 */

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { areaUnderRoc, trainGbdt, type FeatureMatrix } from '../src/models/learners/gbdt/index.js';
import { mulberry32 } from '../src/util/random.js';

interface BenchCase {
  readonly name: string;
  readonly nTrain: number;
  readonly nFeatures: number;
  readonly nTrees: number;
}

const CASES: Record<'small' | 'large', BenchCase> = {
  small: { name: 'small', nTrain: 30_000, nFeatures: 30, nTrees: 200 },
  large: { name: 'large', nTrain: 200_000, nFeatures: 40, nTrees: 300 },
};
const N_TEST = 50_000;
const PARAMS = {
  objective: 'logistic',
  learningRate: 0.1,
  maxDepth: 6,
  maxBins: 255,
  minChildWeight: 1,
  lambda: 1,
  minSplitGain: 0,
  rowSubsample: 1,
  colSubsample: 1,
  earlyStoppingRounds: 0,
  seed: 1,
} as const;

interface Synthetic {
  readonly x: FeatureMatrix;
  readonly y: Float64Array;
}

/**
 * Item-level-like rows, column-major. Columns (first nFeatures of 40):
 * 0–3 informative continuous, 4–5 an XOR-like interaction, 6–7 skewed
 * "value" columns with a threshold effect, 8–9 code columns (0..29) where a
 * few codes carry risk, 10 missing 30% with the missingness itself risky,
 * 11 informative but missing 25% at random, 12 interacts with 8, 13 a
 * smooth non-monotone effect, 14–39 noise (some with missing values).
 */
function generate(nRows: number, nFeatures: number, seed: number): Synthetic {
  const rand = mulberry32(seed);
  const normal = (): number => {
    const u = 1 - rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
  const values = new Float64Array(nRows * nFeatures);
  const y = new Float64Array(nRows);
  const row = new Float64Array(40);
  const riskyCodes = new Set([3, 7, 11, 19]);
  for (let r = 0; r < nRows; r++) {
    for (let c = 0; c < 40; c++) {
      if (c === 8 || c === 9) row[c] = Math.floor(rand() * 30);
      else if (c === 6 || c === 7) row[c] = Math.round(Math.exp(1 + 1.5 * normal()) * 100) / 100;
      else row[c] = normal();
    }
    const missing10 = rand() < 0.3;
    const missing11 = rand() < 0.25;
    let logit =
      -2.6 +
      0.5 * row[0]! -
      0.4 * row[1]! +
      0.3 * row[2]! +
      0.2 * Math.max(0, row[3]!) +
      0.9 * (row[4]! > 0 !== row[5]! > 0 ? 1 : -1) +
      0.8 * (row[6]! > 12 ? 1 : 0) +
      0.3 * Math.log1p(row[7]!) +
      (riskyCodes.has(row[8]!) ? 0.9 : 0) +
      (row[9]! < 5 ? 0.4 : 0) +
      (missing10 ? 0.7 : 0.1 * row[10]!) +
      (missing11 ? 0 : 0.5 * row[11]!) +
      (riskyCodes.has(row[8]!) && row[12]! > 0.5 ? 0.8 : 0) +
      0.6 * Math.sin(2 * row[13]!);
    if (missing10) row[10] = NaN;
    if (missing11) row[11] = NaN;
    for (let c = 30; c < 40; c++) if (rand() < 0.2) row[c] = NaN;
    y[r] = rand() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    for (let c = 0; c < nFeatures; c++) values[c * nRows + r] = row[c]!;
  }
  return { x: { values, nRows, nCols: nFeatures, layout: 'column-major' }, y };
}

function exportSet(dir: string, name: string, d: Synthetic): void {
  // Row-major float64 for numpy.fromfile(...).reshape(nRows, nCols).
  const { nRows, nCols, values } = d.x;
  const rowMajor = new Float64Array(nRows * nCols);
  for (let c = 0; c < nCols; c++) for (let r = 0; r < nRows; r++) rowMajor[r * nCols + c] = values[c * nRows + r]!;
  writeFileSync(join(dir, `${name}-x.f64`), rowMajor);
  writeFileSync(join(dir, `${name}-y.f64`), d.y);
}

interface Args {
  readonly cases: BenchCase[];
  readonly exportDir: string | null;
  readonly threads: number | undefined;
  readonly modelOut: string | null;
}

function parseArgs(argv: string[]): Args {
  let which = 'all';
  let exportDir: string | null = null;
  let threads: number | undefined;
  let modelOut: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--case') which = argv[++i] ?? '';
    else if (argv[i] === '--export') exportDir = argv[++i] ?? null;
    else if (argv[i] === '--model-out') modelOut = argv[++i] ?? null;
    else if (argv[i] === '--threads') {
      threads = Number(argv[++i]);
      if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads must be an integer >= 1, got ${argv[i]}`);
    } else {
      throw new Error(`Unknown argument ${argv[i]}: expected --case small|large|all, --threads N, --export DIR or --model-out FILE`);
    }
  }
  if (which !== 'all' && which !== 'small' && which !== 'large') {
    throw new Error(`--case must be small, large or all, got ${which}`);
  }
  const cases = which === 'all' ? [CASES.small, CASES.large] : [CASES[which]];
  return { cases, exportDir, threads, modelOut };
}

const { cases, exportDir, threads, modelOut } = parseArgs(process.argv.slice(2));
for (const c of cases) {
  const train = generate(c.nTrain, c.nFeatures, 20240601);
  const test = generate(N_TEST, c.nFeatures, 20240602);
  const featureNames = Array.from({ length: c.nFeatures }, (_, i) => `f${i}`);
  if (exportDir !== null) {
    mkdirSync(exportDir, { recursive: true });
    exportSet(exportDir, `${c.name}-train`, train);
    exportSet(exportDir, `${c.name}-test`, test);
    writeFileSync(
      join(exportDir, `${c.name}.json`),
      JSON.stringify({ ...c, nTest: N_TEST, params: PARAMS }, null, 2),
    );
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const model = trainGbdt({ x: train.x, y: train.y }, {
    featureNames,
    params: { ...PARAMS, nTrees: c.nTrees },
    ...(threads === undefined ? {} : { threads }),
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // CPU time next to wall time shows when another process slowed the run down.
  const trainCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const t1 = performance.now();
  const p = model.predictMargin(test.x);
  const predictSeconds = (performance.now() - t1) / 1000;
  const auc = areaUnderRoc(p, test.y);
  const modelJson = JSON.stringify(model.toJSON());
  if (modelOut !== null) writeFileSync(modelOut, modelJson);
  const result = {
    case: c.name,
    rows: c.nTrain,
    features: c.nFeatures,
    trees: c.nTrees,
    trainSeconds: Number(trainSeconds.toFixed(2)),
    trainCpuSeconds: Number(trainCpuSeconds.toFixed(2)),
    predictSeconds50k: Number(predictSeconds.toFixed(2)),
    heldOutAuc: Number(auc.toFixed(4)),
    threads: threads ?? 'cores',
    modelSha256: createHash('sha256').update(modelJson).digest('hex').slice(0, 16),
    positiveRate: Number((train.y.reduce((a, b) => a + b, 0) / c.nTrain).toFixed(4)),
  };
  console.log(JSON.stringify(result));
}
