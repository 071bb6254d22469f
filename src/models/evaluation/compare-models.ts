import { aucMetric, pairedBootstrap, precisionAtKMetric, revenueAtKMetric, type ExampleMetric, type PairedBootstrapResult } from '../stats/bootstrap.js';
import type { Db } from '../../io/db.js';
import type { LoadedArtifact } from '../risk/artifact.js';
import { scoreExamples, type EvaluateConfig } from './evaluate-model.js';
import { predictRisk, rankingScores } from '../risk/predict.js';
import { modelMatrix } from '../risk/inputs.js';

/** One metric of two rankings on the same resamples. */
export interface ComparedMetric {
  metric: string;
  /** Which two rankings: `A-B`, `A-profile`, `B-profile`, `A-random`, `B-random`. */
  pair: string;
  result: PairedBootstrapResult;
}

/** comparison.json: two models, the risk profile and random with paired bootstrap 95% intervals. */
export interface ComparisonReport {
  window: { from: string; to: string };
  examples: number;
  positives: number;
  riskProfile: { name: string; version: string; sha256: string };
  iterations: number;
  seed: number;
  metrics: ComparedMetric[];
}

const METRICS: [string, ExampleMetric][] = [
  ['AUC', aucMetric],
  ['precision@5%', precisionAtKMetric({ share: 0.05 })],
  ['revenue@5%', revenueAtKMetric({ share: 0.05 })],
  ['revenue@10%', revenueAtKMetric({ share: 0.1 })],
];

/**
 * Compares two risk models on the same labelled examples, beside the risk
 * profile and a random ranking: for each metric and pair, the paired
 * bootstrap (same resamples for both rankings) of the difference.
 */
export async function compareRiskModels(
  db: Db,
  a: LoadedArtifact,
  b: LoadedArtifact,
  config: Pick<EvaluateConfig, 'from' | 'to' | 'features' | 'profile' | 'seed'> & { iterations: number },
): Promise<ComparisonReport> {
  const scored = await scoreExamples(db, config);
  const rankings: Record<string, Float64Array> = {
    A: rankingScores(predictRisk(a.models, modelMatrix(a, scored.x.values, scored.x.nRows))),
    B: rankingScores(predictRisk(b.models, modelMatrix(b, scored.x.values, scored.x.nRows))),
    profile: scored.profile,
    random: scored.random,
  };
  const examples = {
    ids: scored.examples.map((e) => e.exampleId),
    labels: Float64Array.from(scored.examples, (e) => e.label),
    charges: Float64Array.from(scored.examples, (e) => e.chargesRub),
  };
  const pairs: [string, string][] = [
    ['A', 'B'],
    ['A', 'profile'],
    ['B', 'profile'],
    ['A', 'random'],
    ['B', 'random'],
  ];
  const metrics: ComparedMetric[] = [];
  for (const [name, metric] of METRICS) {
    for (const [x, y] of pairs) {
      const result = pairedBootstrap(metric, examples, rankings[x] as Float64Array, rankings[y] as Float64Array, { iterations: config.iterations, seed: config.seed });
      metrics.push({ metric: name, pair: `${x}-${y}`, result });
    }
  }
  return {
    window: { from: config.from, to: config.to },
    examples: scored.examples.length,
    positives: examples.labels.reduce((s, v) => s + v, 0),
    riskProfile: { name: config.profile.name, version: config.profile.version, sha256: config.profile.sha256 },
    iterations: config.iterations,
    seed: config.seed,
    metrics,
  };
}

/** The printed table: each metric and pair with both estimates and the difference's 95% interval. */
export function formatComparison(report: ComparisonReport): string {
  const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '—');
  const lines = [
    `${report.examples} labelled examples (${report.positives} with a violation), as-of months ${report.window.from}..${report.window.to}; risk profile ${report.riskProfile.name} ${report.riskProfile.version} (${report.riskProfile.sha256.slice(0, 12)}); ${report.iterations} paired resamples`,
    '',
    'metric         pair          first   second   difference [95% interval]',
  ];
  for (const m of report.metrics) {
    const r = m.result;
    lines.push(`${m.metric.padEnd(14)} ${m.pair.padEnd(12)} ${f(r.a.estimate).padStart(6)}   ${f(r.b.estimate).padStart(6)}   ${f(r.difference.estimate).padStart(6)} [${f(r.difference.lower)}, ${f(r.difference.upper)}]`);
  }
  return lines.join('\n');
}
