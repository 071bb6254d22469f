/**
 * Routing: which authority should act on a participant's risk (docs/plan.md#routing).
 *
 * Customs and the tax authority interact in three forms: information
 * exchange, a coordinated control measure run by both, and control by one
 * authority on the other's information. The plan recommends one form per
 * participant from the money at stake on each side.
 */

/** The recommended form of control. */
export type ControlForm = 'customs_inspection' | 'coordinated_measure' | 'refer_to_tax';

/** Recommended check type of a customs inspection. */
export type CheckType = 'desk' | 'field';

/** Thresholds of the routing rule. */
export interface RoutingParams {
  /** RUB at stake from which one authority's side is material. */
  materialRub: number;
  /** Share of the total RUB at stake from which one side dominates, in (0.5, 1]. */
  dominanceShare: number;
}

/** What routing reads of one participant (all in RUB, ≥ 0; null read as 0). */
export interface RoutingInputs {
  /** Fired customs indicators' amounts at stake (`customs_at_stake_rub` of ranked.csv). */
  customsAtStakeRub: number | null;
  /** Fired tax indicators' amounts at stake (`tax_at_stake_rub`). */
  taxAtStakeRub: number | null;
  /** The model's expected charges; null without a model. */
  expectedChargesRub: number | null;
  /**
   * The share of the model's positive TreeSHAP contributions made by
   * features whose money customs would recover (ranked.csv
   * `model_customs_share`); the rest points at the tax authority. Null or
   * absent: the expected charges all count on the customs side.
   */
  modelCustomsShare?: number | null;
  /**
   * Signals of the tax authority about the participant (ranked.csv
   * `tax_signal_count`); null or absent: none known.
   */
  taxSignals?: number | null;
}

/** The routing decision with the figures it used (written beside it in the outputs). */
export interface Routing {
  form: ControlForm;
  /** Customs side: max(customs at stake, the model's expected charges × its customs share). */
  customsRub: number;
  /** Tax side: max(tax at stake, the model's expected charges × its tax share). */
  taxRub: number;
  /** customsRub / (customsRub + taxRub); null when both are 0. */
  customsShare: number | null;
  /** Whether either side reaches `materialRub`. */
  material: boolean;
}

const nonNegative = (x: number | null): number => (x === null || !Number.isFinite(x) || x < 0 ? 0 : x);

/**
 * The routing rule:
 *
 * 1. The model's expected charges are split between the authorities by
 *    the recovering authority of the features that raised its score
 *    (`modelCustomsShare`; all customs without it). customs side =
 *    max(customs at stake, model's customs part), tax side = max(tax at
 *    stake, model's tax part): the larger of two estimates of the same
 *    money, never their sum.
 * 2. Neither side material (below `materialRub`): `customs_inspection`
 *    (customs acts on its own indicators; there is nothing to refer).
 * 3. A side whose share of the total reaches `dominanceShare` dominates:
 *    customs → `customs_inspection`, tax → `refer_to_tax`.
 * 4. Both sides material, neither dominating: `coordinated_measure`.
 * 5. Otherwise only one side is material and it decides.
 *
 * Before 3, a participant the tax authority signalled (it holds the case
 * already, so it is never referred back): with a material customs side,
 * flagged by both authorities, `coordinated_measure` (each holds evidence
 * the other needs); otherwise `customs_inspection`, control by customs on
 * the tax authority's information.
 */
export function route(inputs: RoutingInputs, params: RoutingParams): Routing {
  const expected = nonNegative(inputs.expectedChargesRub);
  const share = inputs.modelCustomsShare ?? 1;
  const customsShareOfModel = Number.isFinite(share) ? Math.min(1, Math.max(0, share)) : 1;
  const customsRub = Math.max(nonNegative(inputs.customsAtStakeRub), expected * customsShareOfModel);
  const taxRub = Math.max(nonNegative(inputs.taxAtStakeRub), expected * (1 - customsShareOfModel));
  const total = customsRub + taxRub;
  const customsShare = total > 0 ? customsRub / total : null;
  const customsMaterial = customsRub >= params.materialRub;
  const taxMaterial = taxRub >= params.materialRub;
  const base = { customsRub, taxRub, customsShare, material: customsMaterial || taxMaterial };
  if (!customsMaterial && !taxMaterial) return { ...base, form: 'customs_inspection' };
  if ((inputs.taxSignals ?? 0) >= 1) return { ...base, form: customsMaterial ? 'coordinated_measure' : 'customs_inspection' };
  const sideShare = customsShare as number;
  if (sideShare >= params.dominanceShare) return { ...base, form: 'customs_inspection' };
  if (1 - sideShare >= params.dominanceShare) return { ...base, form: 'refer_to_tax' };
  if (customsMaterial && taxMaterial) return { ...base, form: 'coordinated_measure' };
  return { ...base, form: customsMaterial ? 'customs_inspection' : 'refer_to_tax' };
}

/** Recommended check type: `field` when the customs side reaches `fieldMinRub`, else `desk`. */
export function recommendedCheckType(customsRub: number, fieldMinRub: number): CheckType {
  return customsRub >= fieldMinRub ? 'field' : 'desk';
}
