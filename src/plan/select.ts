/**
 * Selection of the plan (docs/plan.md): capacity cells per quota and check
 * type, risk picks in score order, reallocation of unused quota to the
 * national pool, and exploration draws with exact inclusion probabilities.
 * Pure: the same candidates, cells and seed give the same plan.
 */
import type { CheckType, ControlForm } from './routing.js';
import { exploreTotal, largestRemainder, streamRandom, systematicPpsSample, uniformSample, type Sample } from './sampling.js';

/** The quota that takes participants of groups without a quota of their own, and reallocated capacity. */
export const NATIONAL = 'national';

/** Why a participant is not eligible (docs/plan.md#eligibility). */
export type ExclusionCode = 'no_inspectable_items' | 'liquidated' | 'recent_inspection' | 'exclusion_list' | 'aeo_below_threshold';

/** One reason a participant is not eligible, with its details in words. */
export interface Exclusion {
  code: ExclusionCode;
  detail: string;
}

/** One scored participant as the selection sees it. */
export interface Candidate {
  inn: string;
  /** Rank in ranked.csv (1 = highest risk): the order risk picks are made in. */
  rank: number;
  /** The participant's quota group (office or region code); '' when unknown. */
  group: string;
  /** Has risk to act on: an indicator fired, or a model scored it above 0. */
  risk: boolean;
  form: ControlForm;
  checkType: CheckType;
  /** Empty when eligible. */
  exclusions: Exclusion[];
  /** Exploration weight under uncertainty weighting (> 0); ignored by uniform sampling. */
  weight: number;
}

/** One capacity cell: a quota and a check type (`any` when one total capacity covers both). */
export interface Cell {
  quota: string;
  checkType: CheckType | 'any';
  capacity: number;
}

/** Options of the selection. */
export interface SelectOptions {
  /** Share of each cell's capacity for exploration, in [0, 1]. */
  explore: number;
  weighting: 'none' | 'uncertainty';
  seed: number;
  /** Unused risk slots of named quotas go to the national pool, filled in score order. */
  reallocate: boolean;
}

/** A selected participant. */
export interface Pick {
  inn: string;
  rank: number;
  /** The quota whose capacity it takes. */
  quota: string;
  /** The cell's check type (`any`: the recommended one applies). */
  cellCheckType: CheckType | 'any';
  kind: 'risk' | 'random';
  /** Inclusion probability: 1 for risk picks, π for random picks. */
  propensity: number;
}

/** Per cell: what was planned and what was taken. */
export interface CellResult extends Cell {
  /** Exploration slots (largest remainder of explore × capacity over all cells). */
  exploreSlots: number;
  /** Risk slots: capacity − exploration slots (+ reallocated for the national pool). */
  riskSlots: number;
  /** Capacity received from other quotas' unused risk slots (national pool only). */
  reallocatedIn: number;
  /** Unused risk slots passed on to the national pool. */
  reallocatedOut: number;
  risk: number;
  random: number;
  /** Slots left empty: too few eligible risk candidates or too small a frame. */
  unused: number;
}

/** The exploration frame of one quota: the eligible rest it draws from. */
export interface Frame {
  quota: string;
  size: number;
  sample: number;
}

/** An ineligible participant that would have been selected, and by which quota. */
export interface ExcludedPick {
  inn: string;
  rank: number;
  quota: string;
  exclusions: Exclusion[];
}

/** Per eligible participant: how it could have been picked. */
export interface Inclusion {
  /** The exploration frame it belongs to; null when risk-picked or outside every frame (referred to tax). */
  frame: string | null;
  /** 1 for risk picks, π in its frame, 0 when in no frame (or in a frame with no exploration slots). */
  probability: number;
}

/** The outcome of the selection. */
export interface Selection {
  picks: Pick[];
  cells: CellResult[];
  frames: Frame[];
  excluded: ExcludedPick[];
  /** Every eligible candidate's inclusion, by INN. */
  inclusion: Map<string, Inclusion>;
}

/** Whether a candidate may take a slot of a cell's check type. */
function fitsCell(c: Candidate, cell: Cell): boolean {
  return cell.checkType === 'any' || c.checkType === cell.checkType;
}

/** Whether a candidate is one the customs plan would pick for its risk. */
function riskCandidate(c: Candidate): boolean {
  return c.risk && c.form !== 'refer_to_tax';
}

/**
 * Selects the plan from candidates in rank order:
 *
 * 1. Exploration slots: explore × total capacity (rounded half up) split
 *    over the cells by largest remainder; the rest of each cell is risk slots.
 * 2. Risk picks of each named quota's cells, in rank order among its group's
 *    risk candidates routed to customs (customs inspection or coordinated
 *    measure) whose check type fits the cell. An ineligible candidate reached
 *    while the cell has room is reported (would have been selected) and
 *    takes no slot.
 * 3. The national cells, with their own risk slots plus, with `reallocate`,
 *    the named quotas' unused risk slots of the same check type: risk picks
 *    in rank order among all remaining candidates.
 * 4. Exploration per quota from its frame: eligible participants of its
 *    group (national: of groups without a quota of their own) not risk-picked
 *    and not routed to the tax authority; uniform without replacement or
 *    systematic PPS; split over the quota's cells in draw order.
 */
export function selectPlan(candidates: readonly Candidate[], cells: readonly Cell[], options: SelectOptions): Selection {
  const ordered = [...candidates].sort((a, b) => a.rank - b.rank || (a.inn < b.inn ? -1 : a.inn > b.inn ? 1 : 0));
  const total = cells.reduce((s, c) => s + c.capacity, 0);
  const explore = largestRemainder(
    cells.map((c) => options.explore * c.capacity),
    exploreTotal(options.explore, total),
  );
  const results: CellResult[] = cells.map((cell, i) => ({
    ...cell,
    exploreSlots: explore[i] as number,
    riskSlots: cell.capacity - (explore[i] as number),
    reallocatedIn: 0,
    reallocatedOut: 0,
    risk: 0,
    random: 0,
    unused: 0,
  }));
  const named = new Set(cells.filter((c) => c.quota !== NATIONAL).map((c) => c.quota));
  const picks: Pick[] = [];
  const picked = new Set<string>();
  const excluded = new Map<string, ExcludedPick>();

  const fill = (cell: CellResult, slots: number, pool: readonly Candidate[]): number => {
    let taken = 0;
    for (const c of pool) {
      if (taken >= slots) break;
      if (picked.has(c.inn) || !riskCandidate(c) || !fitsCell(c, cell)) continue;
      if (c.exclusions.length > 0) {
        if (!excluded.has(c.inn)) excluded.set(c.inn, { inn: c.inn, rank: c.rank, quota: cell.quota, exclusions: c.exclusions });
        continue;
      }
      picked.add(c.inn);
      picks.push({ inn: c.inn, rank: c.rank, quota: cell.quota, cellCheckType: cell.checkType, kind: 'risk', propensity: 1 });
      taken++;
    }
    return taken;
  };

  // 2. Named quotas.
  for (const cell of results) {
    if (cell.quota === NATIONAL) continue;
    cell.risk = fill(cell, cell.riskSlots, ordered.filter((c) => c.group === cell.quota));
    const left = cell.riskSlots - cell.risk;
    if (options.reallocate) cell.reallocatedOut = left;
    else cell.unused += left;
  }
  // 3. The national pool.
  for (const cell of results) {
    if (cell.quota !== NATIONAL) continue;
    cell.reallocatedIn = results
      .filter((c) => c.quota !== NATIONAL && (c.checkType === cell.checkType || cell.checkType === 'any'))
      .reduce((s, c) => s + c.reallocatedOut, 0);
    const slots = cell.riskSlots + cell.reallocatedIn;
    cell.risk = fill(cell, slots, ordered);
    cell.unused += slots - cell.risk;
  }
  // Reallocated slots that no national cell of their check type takes are unused where they arose.
  for (const cell of results) {
    if (cell.quota === NATIONAL || cell.reallocatedOut === 0) continue;
    if (!results.some((n) => n.quota === NATIONAL && (n.checkType === cell.checkType || n.checkType === 'any'))) {
      cell.unused += cell.reallocatedOut;
      cell.reallocatedOut = 0;
    }
  }

  // 4. Exploration.
  const inclusion = new Map<string, Inclusion>();
  for (const c of ordered) if (c.exclusions.length === 0) inclusion.set(c.inn, { frame: null, probability: picked.has(c.inn) ? 1 : 0 });
  const frames: Frame[] = [];
  const quotas = [...new Set(results.map((c) => c.quota))];
  for (const quota of quotas) {
    const quotaCells = results.filter((c) => c.quota === quota);
    const m = quotaCells.reduce((s, c) => s + c.exploreSlots, 0);
    const frame = ordered.filter(
      (c) => c.exclusions.length === 0 && !picked.has(c.inn) && c.form !== 'refer_to_tax' && (quota === NATIONAL ? !named.has(c.group) : c.group === quota),
    );
    const rng = streamRandom(options.seed, quota);
    let sample: Sample;
    if (m === 0) sample = { drawn: [], inclusion: frame.map(() => 0) };
    else if (options.weighting === 'uncertainty') sample = systematicPpsSample(frame.map((c) => c.weight), m, rng);
    else sample = uniformSample(frame.length, m, rng);
    frame.forEach((c, i) => inclusion.set(c.inn, { frame: quota, probability: sample.inclusion[i] as number }));
    frames.push({ quota, size: frame.length, sample: sample.drawn.length });
    // The draw order is random: the first exploration slots of the quota's first cell take the first draws.
    const draws = sample.drawn;
    let at = 0;
    for (const cell of quotaCells) {
      const take = Math.min(cell.exploreSlots, draws.length - at);
      for (let k = 0; k < take; k++) {
        const c = frame[draws[at + k] as number] as Candidate;
        picks.push({ inn: c.inn, rank: c.rank, quota, cellCheckType: cell.checkType, kind: 'random', propensity: sample.inclusion[draws[at + k] as number] as number });
      }
      at += take;
      cell.random = take;
      cell.unused += cell.exploreSlots - take;
    }
  }
  picks.sort((a, b) => (a.kind === b.kind ? a.rank - b.rank : a.kind === 'risk' ? -1 : 1));
  return { picks, cells: results, frames, excluded: [...excluded.values()].sort((a, b) => a.rank - b.rank), inclusion };
}
