import { OBJECTIVES, predictMarginMany, stridesOf, type FeatureMatrix } from '../learners/gbdt/index.js';
import type { ArtifactModels, ProfileMargin } from './artifact.js';

/** A risk model's predictions for a matrix of feature rows. */
export interface RiskPredictions {
  /** The classifier's raw margin (log-odds): what item lists are ranked by. */
  margin: Float64Array;
  /** Calibrated P(violation) (the classifier's probability when the model has no calibrator). */
  probability: Float64Array;
  /** P(violation) × E[charges | violation]; null without an amount model. */
  expectedChargesRub: Float64Array | null;
}

/** Predicts with the models of a loaded `risk` artifact (or ones just trained). */
export function predictRisk(models: ArtifactModels, x: FeatureMatrix): RiskPredictions {
  if (models.kind !== 'risk') throw new Error(`a risk model is needed, this one is of kind "${models.kind}"`);
  const offset = profileOffsets(models.profileMargin ?? null, models.classifier.featureNames, x);
  return predictionsOf(models, models.classifier.predictMargin(x, offset), models.amount === null ? null : models.amount.predict(x));
}

/**
 * The starting log-odds from the risk profile's points (the sum of the
 * margin's columns, read from the matrix whose columns are `names`) of the
 * listed rows, every row by default; undefined without a profile margin.
 */
export function profileOffsets(margin: ProfileMargin | null, names: readonly string[], x: FeatureMatrix, rows?: readonly number[]): Float64Array | undefined {
  if (margin === null) return undefined;
  const { rowStride, colStride } = stridesOf(x);
  const columns = margin.columns.map((name) => {
    const j = names.indexOf(name);
    if (j < 0) throw new Error(`the profile margin reads ${name}, which is not a model input`);
    return j;
  });
  const offsetOf = (r: number): number => {
    let points = 0;
    for (const j of columns) points += x.values[r * rowStride + j * colStride]!;
    return margin.intercept + margin.slope * points;
  };
  return rows === undefined ? Float64Array.from({ length: x.nRows }, (_, r) => offsetOf(r)) : Float64Array.from(rows, offsetOf);
}

/**
 * `predictRisk` with the trees walked on up to `threads` threads
 * (`predictMarginMany`): the same numbers, for the millions of items of a
 * month.
 */
export async function predictRiskMany(models: ArtifactModels, x: FeatureMatrix, threads?: number): Promise<RiskPredictions> {
  if (models.kind !== 'risk') throw new Error(`a risk model is needed, this one is of kind "${models.kind}"`);
  const offset = profileOffsets(models.profileMargin ?? null, models.classifier.featureNames, x);
  const margin = await predictMarginMany(models.classifier, x, threads, undefined, offset);
  const amount = models.amount;
  if (amount === null) return predictionsOf(models, margin, null);
  const amounts = await predictMarginMany(amount, x, threads);
  const transform = OBJECTIVES[amount.objective].transform;
  for (let i = 0; i < amounts.length; i++) amounts[i] = transform(amounts[i] as number);
  return predictionsOf(models, margin, amounts);
}

function predictionsOf(models: Extract<ArtifactModels, { kind: 'risk' }>, margin: Float64Array, amounts: Float64Array | null): RiskPredictions {
  const toProbability = OBJECTIVES.logistic.transform;
  const raw = Float64Array.from(margin, (m) => toProbability(m));
  const calibrator = models.calibrator;
  const probability = calibrator === null ? raw : Float64Array.from(raw, (p) => calibrator.apply(p));
  return {
    margin,
    probability,
    expectedChargesRub: amounts === null ? null : Float64Array.from(probability, (p, i) => p * (amounts[i] as number)),
  };
}

/** The number a risk model ranks by: expected charges, or the probability without an amount model. */
export function rankingScores(predictions: RiskPredictions): Float64Array {
  return predictions.expectedChargesRub ?? predictions.probability;
}
