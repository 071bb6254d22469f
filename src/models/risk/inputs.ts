/**
 * What a participant risk model reads: the feature catalogue, then the
 * verdict of the risk profile it was trained with (its points, split by the
 * authority that would recover the money). The rules carry what analysts
 * know (thresholds tested against chance, amounts at stake); the model
 * learns from past inspections how far to trust each side of them and what
 * the features add. The profile travels inside the artifact, so a model
 * scores the same whatever `--risk-profile` a run ranks by.
 */
import { FEATURES } from '../../features/compute.js';
import type { FeatureDef } from '../../features/types.js';
import { evaluateIndicators, type Evaluation, type FeatureRef, type Indicator, type RiskProfile } from '../../rules/index.js';

/** The risk-profile inputs, after the catalogue features. */
export const PROFILE_INPUTS: readonly FeatureDef[] = [
  {
    id: 'profile_customs_points',
    family: 'risk_profile_customs',
    unit: 'points',
    decimals: 4,
    title: 'Risk-profile points of the customs indicators',
    formula: "Sum of the contributions of the fired indicators of the model's risk profile whose recovering_authority is customs (0 when none fired).",
    rationale: 'The rules\' evidence of what customs would recover, for the model to weigh against past inspection results.',
    catches: [],
  },
  {
    id: 'profile_tax_points',
    family: 'risk_profile_tax',
    unit: 'points',
    decimals: 4,
    title: 'Risk-profile points of the tax indicators',
    formula: "Sum of the contributions of the fired indicators of the model's risk profile whose recovering_authority is tax (0 when none fired).",
    rationale: 'The rules\' evidence of what the tax authority would recover.',
    catches: [],
  },
];

/** Every input of a participant risk model, in matrix column order. */
export const MODEL_INPUTS: readonly FeatureDef[] = [...FEATURES, ...PROFILE_INPUTS];

const FEATURE_MAP = new Map(FEATURES.map((f) => [f.id, f]));

/** The risk profile's evaluation of each row of catalogue features (row-major, NaN = missing). */
export function evaluateRows(features: Float64Array, rows: number, profile: RiskProfile): Evaluation[] {
  const n = FEATURES.length;
  return Array.from({ length: rows }, (_, r) => {
    // One object per row: an evaluation words its unfired indicators from it when read.
    const row: Record<string, number | null> = {};
    FEATURES.forEach((f, j) => {
      const v = features[r * n + j] as number;
      row[f.id] = Number.isNaN(v) ? null : v;
    });
    return evaluateIndicators(profile, row, { lang: 'en', disabled: new Set(), features: FEATURE_MAP });
  });
}

/**
 * The model input matrix of rows of catalogue features (row-major, NaN =
 * missing): the features followed by the profile's points per authority,
 * from `evaluations` when the rows were already evaluated.
 */
export function modelInputValues(
  features: Float64Array,
  rows: number,
  profile: RiskProfile,
  evaluations: readonly Evaluation[] = evaluateRows(features, rows, profile),
): Float64Array {
  const n = FEATURES.length;
  const m = MODEL_INPUTS.length;
  const out = new Float64Array(rows * m);
  evaluations.forEach((evaluation, r) => {
    out.set(features.subarray(r * n, (r + 1) * n), r * m);
    let customs = 0;
    let tax = 0;
    for (const fired of evaluation.fired) {
      if (fired.recoveringAuthority === 'tax') tax += fired.contribution;
      else customs += fired.contribution;
    }
    out[r * m + n] = Number(customs.toFixed(4));
    out[r * m + n + 1] = Number(tax.toFixed(4));
  });
  return out;
}

/** The parts of a risk profile an artifact keeps to compute its inputs again. */
export interface ProfileSnapshot {
  name: string;
  version: string;
  sha256: string;
  indicators: StoredIndicator[];
}

/** An indicator as an artifact stores it: its feature references without file positions. */
export type StoredIndicator = Omit<Indicator, 'refs'> & { refs: Omit<FeatureRef, 'at'>[] };

/**
 * The snapshot an artifact stores. Feature references lose their file
 * positions (`at`): those name the folder the profile was read from, and an
 * artifact's bytes must not depend on where the project is checked out.
 */
export function profileSnapshot(profile: RiskProfile): ProfileSnapshot {
  const indicators = profile.indicators.map((indicator) => ({ ...indicator, refs: indicator.refs.map(({ at: _position, ...ref }) => ref) }));
  return { name: profile.name, version: profile.version, sha256: profile.sha256, indicators };
}

/** The profile of a stored snapshot; its references point at `source` (the artifact), having no file positions. */
export function profileFromSnapshot(snapshot: ProfileSnapshot, source: string): RiskProfile {
  const indicators = snapshot.indicators.map((indicator) => ({ ...indicator, refs: indicator.refs.map((ref) => ({ ...ref, at: source })) }));
  return { name: snapshot.name, version: snapshot.version, sha256: snapshot.sha256, source, indicators };
}

/** The ids a participant risk model's artifact must list, in order. */
export const MODEL_INPUT_IDS: readonly string[] = MODEL_INPUTS.map((f) => f.id);

/**
 * A loaded participant model's input matrix from rows of catalogue
 * features: the features and the points of the model's own risk profile.
 */
export function modelMatrix(loaded: { profile: RiskProfile | null }, features: Float64Array, rows: number): { values: Float64Array; nRows: number; nCols: number; layout: 'row-major' } {
  if (loaded.profile === null) throw new Error('a participant risk model carries the risk profile of its inputs');
  return { values: modelInputValues(features, rows, loaded.profile), nRows: rows, nCols: MODEL_INPUTS.length, layout: 'row-major' };
}
