/** plan-summary.json (docs/outputs.md#plan-summaryjson): the plan's summary, its writer and its reader. */
import { isJsonObject, readJsonFile } from '../io/json-read.js';
import { ConfigError } from '../util/errors.js';

/** File name in the run folder. */
export const PLAN_SUMMARY_FILE = 'plan-summary.json';

/** One quota's line of plan-summary.json and of the printed table. */
export interface QuotaSummary {
  quota: string;
  capacity: number;
  /** Its cells: one (`any`) with a total capacity, or `desk` and `field`. */
  cells: { check_type: 'desk' | 'field' | 'any'; capacity: number; explore_slots: number; risk: number; random: number; reallocated_in: number; reallocated_out: number; unused: number }[];
  explore_slots: number;
  selected: number;
  risk: number;
  random: number;
  reallocated_in: number;
  reallocated_out: number;
  unused: number;
  /** Eligible participants its exploration drew from. */
  frame_size: number;
  /** Sum of the selected participants' calibrated expected charges; null without a model. */
  expected_charges_rub: number | null;
  /** Sum of the selected participants' customs-side RUB at stake (indicators). */
  customs_at_stake_rub: number;
  /** Referrals to the tax authority of its participants (they take no capacity). */
  referrals: number;
  /** Ineligible participants that its capacity would have taken. */
  excluded: number;
}

/** The item set a plan read: its period, model and the hashes of its CSV files. */
export interface PlanItemSet {
  period: string;
  model: { path: string; sha256: string };
  items_sha256: string;
  items_by_participant_sha256: string;
  /** Items each dossier lists at most. */
  dossier_items: number;
  /** With `--rank-by items`: how the score run's participants met the item roll-up; null when the plan is ranked by the scores. */
  ranking: {
    /** Participants ranked by their items, first. */
    with_item_scores: number;
    /** Participants of ranked.csv without item scores, after them (no risk picks). */
    without_item_scores: number;
    /** Importers of items-by-participant.csv that ranked.csv lacks: not planned. */
    not_in_score_run: string[];
  } | null;
}

/** plan-summary.json (docs/outputs.md#plan-summaryjson). */
export interface PlanSummary {
  plan_id: string;
  period: string;
  as_of: string;
  seed: number;
  /** What ranked the plan: the risk profile, the participant model, or the item scores (`--rank-by items`). */
  score_source: 'rules' | 'model' | 'items';
  lang: string;
  capacity: { mode: 'total' | 'desk_field'; total: number; desk: number | null; field: number | null; quota_by: 'office' | 'region' | null; reallocate: boolean };
  quotas: QuotaSummary[];
  totals: QuotaSummary & {
    participants: number;
    eligible: number;
    by_form: Record<string, number>;
    by_check_type: Record<string, number>;
    excluded_by_reason: Record<string, number>;
  };
  parameters: Record<string, unknown>;
  score_run: { risk_profile: unknown; model: unknown; ranked_sha256: string };
  /** The item set of the folder (`score --level item`) the dossiers list items from; absent without one. */
  item_set?: PlanItemSet;
  outputs: Record<string, string | number>;
}

/** The text of plan-summary.json. */
export function planSummaryJson(summary: PlanSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}


/** plan-summary.json, checked for the fields the report shows. */
export async function readPlanSummary(path: string): Promise<PlanSummary> {
  const json = await readJsonFile(path);
  const fail = (message: string): never => {
    throw new ConfigError(`${path}: ${message}`);
  };
  if (!isJsonObject(json)) return fail('expected an object { period, as_of, seed, capacity, quotas, totals, parameters }');
  for (const key of ['period', 'as_of'] as const) if (typeof json[key] !== 'string') fail(`${key} must be a text, got ${JSON.stringify(json[key])}`);
  if (!Array.isArray(json['quotas'])) fail('quotas must be an array');
  (json['quotas'] as unknown[]).forEach((q, i) => {
    if (!isJsonObject(q) || typeof q['quota'] !== 'string') return fail(`quotas[${i}].quota must be a text`);
    for (const key of ['capacity', 'selected', 'risk', 'random', 'expected_charges_rub', 'referrals']) {
      if (key === 'expected_charges_rub' && q[key] === null) continue;
      if (typeof q[key] !== 'number' || !Number.isFinite(q[key])) fail(`quotas[${i}].${key} must be a number${key === 'expected_charges_rub' ? ' or null' : ''}, got ${JSON.stringify(q[key])}`);
    }
  });
  for (const key of ['capacity', 'totals', 'parameters'] as const) if (!isJsonObject(json[key])) fail(`${key} must be an object`);
  return json as unknown as PlanSummary;
}

