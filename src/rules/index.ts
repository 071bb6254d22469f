/** Risk profiles: rule indicators with plain-language reasons (docs/risk-profile.md). */
export { checkProfileFeatures, closestNames, disabledIndicators } from './check-features.js';
export { AMOUNT_SCALE_RUB, contributionOf, evaluateIndicators, type EvaluateOptions, type Evaluation, type FiredIndicator } from './evaluate.js';
export { formatMoney, formatValue } from './format-value.js';
export { DEFAULT_PROFILE_PATH, loadRiskProfile, riskProfileFromText } from './load-profile.js';
export type { Condition, FeatureRef, Indicator, Lang, LocalText, RecoveringAuthority, RiskProfile, ValueFormat } from './profile.js';
