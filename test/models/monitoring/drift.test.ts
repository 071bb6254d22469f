import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDb, type Db } from '../../../src/io/db.js';
import type { ModelArtifact } from '../../../src/models/risk/artifact.js';
import { binProportions, distributionOf, populationStabilityIndex } from '../../../src/models/stats/distribution.js';
import { binCountsSql, columnShares, DRIFT_THRESHOLD, driftWarning, modelDrift, sharesFromCounts } from '../../../src/models/monitoring/drift.js';

let db: Db | null = null;
afterEach(() => {
  db?.close();
  db = null;
});

async function tableOf(columns: Record<string, (number | null)[]>): Promise<Db> {
  db = await openDuckDb(':memory:');
  const names = Object.keys(columns);
  const n = (columns[names[0] as string] as unknown[]).length;
  await db.run(`CREATE TABLE t (${names.map((c) => `"${c}" DOUBLE`).join(', ')})`);
  for (let i = 0; i < n; i++) {
    const cells = names.map((c) => {
      const v = (columns[c] as (number | null)[])[i];
      return v === null || v === undefined ? 'NULL' : Number.isNaN(v) ? `'NaN'::DOUBLE` : `${v}::DOUBLE`;
    });
    await db.run(`INSERT INTO t VALUES (${cells.join(', ')})`);
  }
  return db;
}

describe('PSI on hand-computed cases', () => {
  it('floors an empty bin at 1e-4 and counts missing as its own bin', () => {
    // Expected bins (x <= 1, 1 < x <= 2, x > 2, missing): 0.5 0.3 0.2 0.
    // Actual 0, 0, 3, 3, NaN: 0.4 0 0.4 0.2.
    // PSI = (0.4 - 0.5) ln(0.4/0.5) + (1e-4 - 0.3) ln(1e-4/0.3) + (0.4 - 0.2) ln(0.4/0.2) + (0.2 - 1e-4) ln(0.2/1e-4)
    //     = 0.022314 + 2.401516 + 0.138629 + 1.519014 = 4.081474
    const expected = { count: 10, edges: [1, 2], proportions: [0.5, 0.3, 0.2], missing: 0 };
    const actual = binProportions([0, 0, 3, 3, Number.NaN], expected.edges);
    expect(actual.proportions).toEqual([0.4, 0, 0.4]);
    expect(actual.missing).toBeCloseTo(0.2, 12);
    expect(populationStabilityIndex(expected, actual)).toBeCloseTo(4.081474, 6);
  });

  it('is 0 for the same shares and 8.283089 when every value falls in the lowest of ten equal bins', () => {
    const training = distributionOf(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(training.edges).toHaveLength(9);
    expect(populationStabilityIndex(training, binProportions(Array.from({ length: 100 }, (_, i) => i + 1), training.edges))).toBe(0);
    // (1 - 0.1) ln(1/0.1) + 9 (1e-4 - 0.1) ln(1e-4/0.1) = 2.072327 + 6.210763
    expect(populationStabilityIndex(training, binProportions([0, 1, 2], training.edges))).toBeCloseTo(8.283089, 6);
  });
});

describe('binCountsSql', () => {
  it('counts in DuckDB exactly as binProportions counts in JavaScript, edges and missing included', async () => {
    const values = [0.1, 0.2, 0.30000000000000004, 0.3, 1, 2, 2.5, 3, Number.NaN, null, -5, 1e9];
    const edges = [0.3, 1, 2.5];
    const d = await tableOf({ x: values });
    const rows = await d.all(binCountsSql('t', 'x', edges));
    const fromSql = sharesFromCounts(new Map(rows.map((r) => [Number(r['bin']), Number(r['n'])])), edges.length + 1);
    const fromJs = binProportions(values.map((v) => (v === null ? Number.NaN : v)), edges);
    expect(fromSql).toEqual(fromJs);
    expect(fromSql.proportions.map((p) => p * values.length)).toEqual([4, 2, 2, 2]);
  });

  it('puts every present value in one bin when the training values had a single value', async () => {
    const d = await tableOf({ x: [1, 2, null] });
    const shares = await columnShares(d, 't', 'x', { count: 4, edges: [], proportions: [1], missing: 0 }, 3);
    expect(shares.proportions).toEqual([2 / 3]);
    expect(shares.missing).toBeCloseTo(1 / 3, 12);
  });
});

describe('modelDrift', () => {
  const tenBins = distributionOf(Array.from({ length: 100 }, (_, i) => i + 1));
  const artifact = {
    features: ['stable', 'shifted', 'absent'],
    featureDistributions: { stable: tenBins, shifted: tenBins, absent: tenBins },
    scoreDistribution: distributionOf(Array.from({ length: 10 }, (_, i) => (i + 0.5) / 10)),
    window: { from: '2024-07', to: '2026-06' },
  } as unknown as ModelArtifact;

  it('flags the shifted feature and a feature the month lacks, in model order, with a warning to retrain', async () => {
    const n = 100;
    const d = await tableOf({
      stable: Array.from({ length: n }, (_, i) => i + 1),
      shifted: Array.from({ length: n }, (_, i) => (i < 50 ? 1 : 100)),
    });
    const scores = Float64Array.from({ length: n }, (_, i) => ((i % 10) + 0.5) / 10);
    const drift = await modelDrift(d, 't', artifact, scores);
    expect(drift.threshold).toBe(DRIFT_THRESHOLD);
    expect(drift.features.map((f) => f.name)).toEqual(['stable', 'shifted', 'absent']);
    expect(drift.features[0]).toEqual({ name: 'stable', psi: 0, flagged: false });
    // shifted: 0.5 in bin 0 and 0.5 in bin 9, 1e-4 in the 8 others:
    // 2 (0.5 - 0.1) ln(5) + 8 (1e-4 - 0.1) ln(1e-3) = 1.287550 + 5.520678 = 6.808228
    expect(drift.features[1]?.psi).toBeCloseTo(6.8082, 4);
    expect(drift.features[1]?.flagged).toBe(true);
    // absent: every value missing: (1 - 1e-4) ln(1e4) + 10 (1e-4 - 0.1) ln(1e-3) = 9.209420 + 6.900847 = 16.110267
    expect(drift.features[2]?.psi).toBeCloseTo(16.1103, 4);
    expect(drift.score).toEqual({ name: 'score', psi: 0, flagged: false });
    expect(drift.flagged).toEqual(['shifted', 'absent']);
    expect(drift.warning).toContain('2 inputs have shifted well away from the data the model was trained on (2024-07 to 2026-06): absent (PSI 16.11), shifted (PSI 6.81)');
    expect(drift.warning).toContain('retrain it on recent months (ccrg train)');
  });

  it('names the five largest in the warning and counts the rest', () => {
    const entries = [0.3, 0.5, 0.25, 0.9, 0.21, 0.4, 0.7].map((psi, i) => ({ name: `f${i}`, psi, flagged: true }));
    const training = { kind: 'training_examples' as const, window: { from: '2025-01', to: '2025-12' } };
    expect(driftWarning(entries, training)).toContain(
      '(2025-01 to 2025-12): f3 (PSI 0.90), f6 (PSI 0.70), f1 (PSI 0.50), f5 (PSI 0.40), f0 (PSI 0.30) and 2 more (manifest.json, drift).',
    );
    expect(driftWarning(entries.slice(0, 1), { kind: 'population', as_of: '2025-12-31', rows: 1869 })).toContain(
      'One input has shifted well away from the population the model was trained for (the 1869 participants scored as of 2025-12-31): f0 (PSI 0.30).',
    );
    expect(driftWarning([], training)).toBeNull();
  });

  it('compares with the population reference when the artifact has one, not with the training examples', async () => {
    // The training examples look like the 'shifted' column's month; the population at the latest training date does not.
    const even = (xs: number[]) => distributionOf(Float64Array.from(xs));
    const month = { stable: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], shifted: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], absent: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] };
    const withReference = {
      ...artifact,
      referenceDistributions: {
        asOf: '2026-06-30',
        rows: 10,
        features: { stable: even(month.stable), shifted: even(month.shifted), absent: even(month.absent) },
        score: even(Array.from({ length: 10 }, (_, i) => (i + 0.5) / 10)),
      },
    };
    const d = await tableOf(month);
    const drift = await modelDrift(d, 't', withReference, Float64Array.from({ length: 10 }, (_, i) => (i + 0.5) / 10));
    expect(drift.reference).toEqual({ kind: 'population', as_of: '2026-06-30', rows: 10 });
    expect(drift.features.map((f) => f.psi)).toEqual([0, 0, 0]);
    expect(drift.flagged).toEqual([]);
    // Without the reference the same month is compared with the training examples.
    expect((await modelDrift(d, 't', artifact, Float64Array.from({ length: 10 }, (_, i) => (i + 0.5) / 10))).reference).toEqual({ kind: 'training_examples', window: artifact.window });
  });

  it('has no warning when nothing drifted', async () => {
    const d = await tableOf({ stable: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], shifted: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], absent: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] });
    const drift = await modelDrift(d, 't', artifact, Float64Array.from({ length: 10 }, (_, i) => (i + 0.5) / 10));
    expect(drift.flagged).toEqual([]);
    expect(drift.warning).toBeNull();
  });
});
