/**
 * Inspections (labels): planned before the items are generated from a noisy
 * inspector risk signal plus a random slice with known propensity; filled
 * while items stream past; written at the end.
 */
import { isoFromDay } from './calendar.js';
import { round2, type ItemRecord } from './declarations.js';
import { Rng } from './random.js';
import type { Participant } from './participants.js';
import type { World } from './world.js';

/** Random-slice inclusion probability per participant-month by size stratum. */
const RANDOM_PROPENSITY = [0.0003, 0.0006, 0.0012] as const;
/** Chance that an inspection finds planted violations in its window. */
const DETECTION_PROBABILITY = 0.85;
/** Chance that an inspection without planted violations still reports one. */
const FALSE_POSITIVE_RATE = 0.04;

interface ExaminedItem {
  readonly declId: string;
  readonly itemNo: number;
  violation: 0 | 1;
  charges: number;
  /** What a false-positive finding on this item would charge. */
  readonly falseCharge: number;
}

/** One inspection and what it found. */
export interface Inspection {
  readonly id: string;
  readonly p: Participant;
  readonly checkType: 'desk' | 'field';
  readonly fromDay: number;
  readonly toDay: number;
  readonly startedDay: number;
  readonly completedDay: number | null;
  readonly selection: 'risk' | 'random';
  readonly propensity: number | null;
  readonly planId: string;
  readonly detects: boolean;
  readonly falsePositive: boolean;
  /** Probability that an honest item of the window is examined. */
  readonly sampleProb: number;
  plantedCharges: number;
  readonly examined: ExaminedItem[];
}

function sizeStratum(p: Participant, itemsPerMonth: number): 0 | 1 | 2 {
  return p.lambda < itemsPerMonth / 2 ? 0 : p.lambda < itemsPerMonth * 2 ? 1 : 2;
}

function schemeOverlaps(p: Participant, fromMonth: number, toMonth: number): boolean {
  const s = p.scheme;
  return s !== null && s.fromMonth <= toMonth && s.toMonth >= fromMonth;
}

/** Plans every inspection of the span, by participant. */
export function planInspections(world: World, participants: readonly Participant[], itemsPerMonth: number, seed: number): Map<number, Inspection[]> {
  const rng = new Rng(seed, 7);
  const byParticipant = new Map<number, Inspection[]>();
  const lastStarted = new Int32Array(participants.length).fill(-1000);
  let serial = 0;
  for (const month of world.months) {
    if (month.index < 3) continue;
    for (const p of participants) {
      if (p.registrationDay > month.firstDay - 90 || p.liquidationStartDay <= month.firstDay) continue;
      if (month.index - (lastStarted[p.idx] ?? -1000) < 12) continue;
      const field = rng.chance(p.lambda > itemsPerMonth * 2 ? 0.3 : 0.1);
      const windowMonths = field ? rng.intBetween(12, 36) : rng.intBetween(3, 12);
      const toMonth = month.index - 1;
      const fromMonth = Math.max(0, toMonth - windowMonths + 1);
      const stratum = sizeStratum(p, itemsPerMonth);
      const propensity = RANDOM_PROPENSITY[stratum];
      let selection: 'risk' | 'random' | null = null;
      if (rng.chance(propensity)) {
        selection = 'random';
      } else {
        const fraud = schemeOverlaps(p, fromMonth, toMonth) ? 1 : 0;
        const signal = -5.9 + 0.45 * Math.log(Math.max(p.lambda, 0.05) / itemsPerMonth) + 2.3 * fraud + (p.decoy !== null ? 0.8 : 0) + (p.massAddress ? 0.7 : 0) + 1.0 * rng.normal();
        if (rng.chance(1 / (1 + Math.exp(-signal)))) selection = 'risk';
      }
      if (selection === null) continue;
      lastStarted[p.idx] = month.index;
      const startedDay = month.firstDay + rng.int(month.days);
      const completedDay = startedDay + (field ? rng.intBetween(60, 180) : rng.intBetween(30, 90));
      serial++;
      const windowItems = Math.max(1, p.lambda * (toMonth - fromMonth + 1));
      const inspection: Inspection = {
        id: `PKP-${month.year}-${String(serial).padStart(6, '0')}`,
        p,
        checkType: field ? 'field' : 'desk',
        fromDay: world.months[fromMonth]?.firstDay ?? month.firstDay,
        toDay: world.months[toMonth]?.lastDay ?? month.firstDay - 1,
        startedDay,
        completedDay: completedDay <= world.endDay ? completedDay : null,
        selection,
        propensity: selection === 'random' ? propensity : null,
        planId: selection === 'random' ? `RND-${month.year}` : rng.chance(0.6) ? `PLAN-${month.quarterKey}` : '',
        detects: rng.chance(DETECTION_PROBABILITY),
        falsePositive: rng.chance(FALSE_POSITIVE_RATE),
        sampleProb: Math.min(0.6, (field ? 60 : 25) / windowItems),
        plantedCharges: 0,
        examined: [],
      };
      const list = byParticipant.get(p.idx);
      if (list === undefined) byParticipant.set(p.idx, [inspection]);
      else list.push(inspection);
    }
  }
  return byParticipant;
}

/** Lets completed inspections whose window holds the item examine it. */
export function examineItem(inspections: readonly Inspection[] | undefined, item: ItemRecord, rng: Rng): void {
  if (inspections === undefined) return;
  for (const inspection of inspections) {
    if (inspection.completedDay === null || item.releaseDay < inspection.fromDay || item.releaseDay > inspection.toDay) continue;
    if (item.planted !== null) inspection.plantedCharges += item.charge;
    const found = item.planted !== null && inspection.detects;
    if (!found && !rng.chance(inspection.sampleProb)) continue;
    inspection.examined.push({
      declId: item.declId,
      itemNo: item.itemNo,
      violation: found ? 1 : 0,
      charges: found ? item.charge : 0,
      falseCharge: round2((item.duty + item.vat) * 0.15),
    });
  }
}

/** Adds a tax-side planted charge (dated `day`) to the windows that contain it. */
export function notePlantedTaxCharge(inspections: readonly Inspection[] | undefined, day: number, amount: number): void {
  if (inspections === undefined) return;
  for (const inspection of inspections) {
    if (inspection.completedDay !== null && day >= inspection.fromDay && day <= inspection.toDay) inspection.plantedCharges += amount;
  }
}

/** The outcomes line and item_outcomes lines of a finished plan, findings decided. */
export function inspectionLines(inspection: Inspection, rng: Rng): { outcome: string; items: string[] } {
  const done = inspection.completedDay !== null;
  let violation = '';
  let charges = '';
  if (done) {
    const found = inspection.plantedCharges > 0 && inspection.detects;
    if (found) {
      violation = '1';
      charges = round2(inspection.plantedCharges * rng.between(0.9, 1.05)).toFixed(2);
    } else if (inspection.falsePositive) {
      violation = '1';
      let total = 0;
      for (const item of inspection.examined.slice(0, 2)) {
        item.violation = 1;
        item.charges = item.falseCharge;
        total += item.falseCharge;
      }
      charges = round2(total > 0 ? total : 20_000 * rng.logNormal(0, 1)).toFixed(2);
    } else {
      violation = '0';
      charges = '0.00';
    }
  }
  const outcome = [
    inspection.id,
    inspection.p.inn,
    inspection.checkType,
    isoFromDay(inspection.fromDay),
    isoFromDay(inspection.toDay),
    isoFromDay(inspection.startedDay),
    inspection.completedDay === null ? '' : isoFromDay(inspection.completedDay),
    violation,
    charges,
    inspection.selection,
    inspection.propensity === null ? '' : String(inspection.propensity),
    inspection.planId,
  ].join(',');
  const items = done
    ? inspection.examined.map((e) => [inspection.id, e.declId, String(e.itemNo), String(e.violation), e.charges.toFixed(2)].join(','))
    : [];
  return { outcome, items };
}
