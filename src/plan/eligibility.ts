/**
 * Eligibility of a participant for the customs plan (docs/plan.md#eligibility):
 * every rule that excludes it, with its reason in words.
 */
import type { Exclusion } from './select.js';
import type { InspectionRow, ItemCover, RegisterEntry } from './inputs.js';

/** What the rules need of one participant. */
export interface EligibilityFacts {
  inn: string;
  /** Its ranking score (ranked.csv `score`). */
  score: number;
  items: ItemCover | undefined;
  register: RegisterEntry | undefined;
  inspections: readonly InspectionRow[];
  /** The planner's reason when it is on the exclusion list. */
  listed: string | undefined;
}

/** The rules' parameters. */
export interface EligibilityRules {
  asOf: string;
  /** Completions after this date are recent (as-of date − recentMonths); ignored when recentMonths is 0. */
  recentCutoff: string;
  recentMonths: number;
  /** INNs the planner allows despite a recent inspection. */
  allowRecent: ReadonlySet<string>;
  /** Minimum ranking score of an authorised economic operator. */
  aeoMinScore: number;
}

/**
 * The reasons a participant is not eligible, empty when it is:
 * - `no_inspectable_items`: no declaration item whose `inspectable_until`
 *   (release + 3 years − lead time) is on or after the as-of date;
 * - `liquidated`: register status `liquidated`, or a liquidation date on or
 *   before the as-of date (a participant missing from the register is not
 *   taken for liquidated);
 * - `recent_inspection`: an inspection open at the as-of date, or completed
 *   after the cutoff, unless the planner allows it;
 * - `exclusion_list`: on the planner's list, with its reason;
 * - `aeo_below_threshold`: an authorised economic operator whose score is
 *   below the AEO threshold.
 */
export function exclusionsOf(f: EligibilityFacts, rules: EligibilityRules): Exclusion[] {
  const out: Exclusion[] = [];
  if (f.items === undefined || f.items.inspectable === 0) {
    out.push({ code: 'no_inspectable_items', detail: `no declaration item still inspectable after the lead time on ${rules.asOf}` });
  }
  const reg = f.register;
  if (reg !== undefined && (reg.status === 'liquidated' || (reg.liquidationDate !== null && reg.liquidationDate <= rules.asOf))) {
    out.push({ code: 'liquidated', detail: reg.liquidationDate === null ? 'register status liquidated' : `liquidated on ${reg.liquidationDate}` });
  }
  if (rules.recentMonths > 0 && !rules.allowRecent.has(f.inn)) {
    const open = f.inspections.find((i) => i.completedDate === null);
    const recent = f.inspections.find((i) => i.completedDate !== null && i.completedDate > rules.recentCutoff);
    if (open !== undefined) out.push({ code: 'recent_inspection', detail: `inspection ${open.inspectionId} open since ${open.startedDate}` });
    else if (recent !== undefined) out.push({ code: 'recent_inspection', detail: `inspection ${recent.inspectionId} completed on ${recent.completedDate as string}, within ${rules.recentMonths} months` });
  }
  if (f.listed !== undefined) out.push({ code: 'exclusion_list', detail: `planner's exclusion list: ${f.listed}` });
  if (reg?.aeo === true && f.score < rules.aeoMinScore) {
    out.push({ code: 'aeo_below_threshold', detail: `authorised economic operator with score ${f.score} below ${rules.aeoMinScore}` });
  }
  return out;
}
