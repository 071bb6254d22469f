/** The feature parameters both ways between `FeatureParams` and a score manifest's `result.parameters`. */
import { SCORE_DEFAULTS } from '../config/defaults.js';
import type { FeatureParams } from '../features/types.js';
import type { ScoreParameters } from '../run-folder/manifest.js';

/** The feature parameters as the manifest records them (`result.parameters`, in this order). */
export function manifestFeatureParameters(f: FeatureParams): Pick<ScoreParameters, 'as_of' | 'payment_procedures' | 'return_grace_days' | 'vat_quarters' | 'window_months' | 'peer_window_months' | 'peer_min_items' | 'peer_min_importers' | 'control_years' | 'lead_months' | 'traceable_codes'> {
  return {
    as_of: f.asOf,
    payment_procedures: [...f.paymentProcedures],
    return_grace_days: f.returnGraceDays,
    vat_quarters: f.vatQuarters,
    window_months: f.windowMonths,
    peer_window_months: f.peerWindowMonths,
    peer_min_items: f.peerMinItems,
    peer_min_importers: f.peerMinImporters,
    control_years: f.controlYears,
    lead_months: f.leadMonths,
    traceable_codes: [...f.traceableCodes],
  };
}

/** A run's feature parameters read back from its manifest, as of another date (to score another month as the run was scored). */
export function featureParamsOf(p: ScoreParameters, asOf: string): FeatureParams {
  return {
    asOf,
    paymentProcedures: p.payment_procedures,
    returnGraceDays: p.return_grace_days,
    vatQuarters: p.vat_quarters,
    windowMonths: p.window_months,
    peerWindowMonths: p.peer_window_months,
    peerMinItems: p.peer_min_items,
    peerMinImporters: p.peer_min_importers,
    controlYears: p.control_years,
    leadMonths: p.lead_months,
    // Absent in the manifests of runs made before the traceability features: the shipped list.
    traceableCodes: p.traceable_codes ?? SCORE_DEFAULTS.traceableCodes,
  };
}
