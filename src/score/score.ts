import type { FeatureDef } from '../features/types.js';
import type { Evaluation, RiskProfile } from '../rules/index.js';
import { evaluateIndicators } from '../rules/index.js';
import type { ModelReason } from './model-reasons.js';

/** One participant with its features, as read from the features table. */
export interface ParticipantFeatures {
  inn: string;
  name: string | null;
  region: string | null;
  office: string | null;
  values: Record<string, number | null>;
}

/** One row of the ranked list. */
export interface RankedParticipant extends ParticipantFeatures {
  rank: number;
  evaluation: Evaluation;
  /** Set when a model was loaded: calibrated P(violation) and P × E[charges | violation]. */
  model?: ModelScore;
  /** Cold-start anomaly score in (0, 1] of the month's isolation forest (higher = more unusual). */
  anomaly?: number;
  /** What the list is ranked by; absent means the risk profile. */
  scoreSource?: 'rules' | 'model';
  /** With a model: the features that raised its score the most (TreeSHAP), largest first. */
  modelReasons?: ModelReason[];
  /** With a model: the customs share of its positive contributions (null when none was positive). */
  modelCustomsShare?: number | null;
}

/** A trained model's score of one participant. */
export interface ModelScore {
  /** The classifier's raw margin (log-odds): breaks ties of the calibrated scores. */
  margin: number;
  probability: number;
  /** null without an amount model. */
  expectedChargesRub: number | null;
}

/**
 * Ranks scored participants by the model: expected charges descending (the
 * probability when the model has no amount part), then the model's raw
 * margin, then the risk-profile score, then INN. Ranks are renumbered.
 * Isotonic calibration maps the margin to a few steps (10 on a
 * 20,000-participant world): without the margin, ties within a step fell
 * back to the profile's order, and a model without an amount part ranked
 * almost exactly as the profile.
 */
export function rankByModel(ranked: readonly RankedParticipant[], scores: ReadonlyMap<string, ModelScore>): RankedParticipant[] {
  const key = (p: RankedParticipant): number => {
    const m = scores.get(p.inn);
    return m === undefined ? Number.NEGATIVE_INFINITY : (m.expectedChargesRub ?? m.probability);
  };
  const margin = (p: RankedParticipant): number => scores.get(p.inn)?.margin ?? Number.NEGATIVE_INFINITY;
  return ranked
    .map((p) => {
      const model = scores.get(p.inn);
      return model === undefined ? { ...p, scoreSource: 'model' as const } : { ...p, model, scoreSource: 'model' as const };
    })
    .sort((a, b) => key(b) - key(a) || margin(b) - margin(a) || b.evaluation.score - a.evaluation.score || (a.inn < b.inn ? -1 : a.inn > b.inn ? 1 : 0))
    .map((p, i) => ({ ...p, rank: i + 1 }));
}

/** What ranking needs besides the rows. */
export interface RankOptions {
  profile: RiskProfile;
  lang: 'en' | 'ru';
  disabled: ReadonlySet<string>;
  features: ReadonlyMap<string, FeatureDef>;
}

/**
 * Scores every participant with the risk profile and ranks them: score
 * descending, then total amount at stake descending, then INN ascending
 * (a full order, so the same input always gives the same list).
 */
export function rankParticipants(rows: readonly ParticipantFeatures[], options: RankOptions): RankedParticipant[] {
  const scored = rows.map((row) => ({
    ...row,
    evaluation: evaluateIndicators(options.profile, row.values, { lang: options.lang, disabled: options.disabled, features: options.features }),
  }));
  scored.sort((a, b) => {
    const byScore = b.evaluation.score - a.evaluation.score;
    if (byScore !== 0) return byScore;
    const atStake = b.evaluation.customsAtStakeRub + b.evaluation.taxAtStakeRub - (a.evaluation.customsAtStakeRub + a.evaluation.taxAtStakeRub);
    if (atStake !== 0) return atStake;
    return a.inn < b.inn ? -1 : a.inn > b.inn ? 1 : 0;
  });
  return scored.map((row, i) => ({ ...row, rank: i + 1 }));
}

