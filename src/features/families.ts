import { customsVsTax } from './customs-vs-tax.js';
import { dutyRate } from './duty-rate.js';
import { eaeu } from './eaeu.js';
import { exportsFamily } from './exports.js';
import { inspectionHistory } from './inspection-history.js';
import { profile } from './profile.js';
import { taxSignals } from './tax-signals.js';
import { traceability } from './traceability.js';
import type { FeatureFamily } from './types.js';
import { unitValue } from './unit-value.js';
import { vatDeductions } from './vat-deductions.js';

/** Identifier of a feature family (docs/features.md). */
export type FamilyId = 'customs_vs_tax' | 'vat_deductions' | 'unit_value' | 'duty_rate' | 'profile' | 'inspection_history' | 'tax_signals' | 'traceability' | 'eaeu' | 'exports';

/** Every feature family, by id; the record type makes the compiler insist on each one. */
export const FAMILIES: Record<FamilyId, FeatureFamily> = {
  customs_vs_tax: customsVsTax,
  vat_deductions: vatDeductions,
  unit_value: unitValue,
  duty_rate: dutyRate,
  profile,
  inspection_history: inspectionHistory,
  tax_signals: taxSignals,
  traceability,
  eaeu,
  exports: exportsFamily,
};

/** Families in the fixed order of the features table. */
export const FAMILY_IDS: readonly FamilyId[] = ['customs_vs_tax', 'vat_deductions', 'unit_value', 'duty_rate', 'profile', 'inspection_history', 'tax_signals', 'traceability', 'eaeu', 'exports'];
