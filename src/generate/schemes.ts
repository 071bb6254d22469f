/**
 * Plans the planted fraud schemes and the honest decoys: who, when, how
 * deep. Item-level effects are applied in declarations.ts, tax-side effects
 * in tax-returns.ts.
 */
import { cumulative, Rng } from './random.js';
import { companyName, DECOY_KINDS, type DecoyKind, type Participant, type SchemeKind } from './participants.js';
import { dutyRateOf, type World } from './world.js';

/** Share of participants starting a scheme per 12 months. */
const SCHEME_RATE_PER_YEAR = 0.07;

/** Share of all episodes by scheme. */
const SCHEME_WEIGHTS: Record<SchemeKind, number> = {
  undervaluation: 0.32,
  misclassification: 0.18,
  vat_deduction_inflation: 0.15,
  shell_importer: 0.1,
  origin_manipulation: 0.25,
};

/** Share of participants given each decoy behaviour. */
const DECOY_RATE = 0.006;

const DECLARED_ORIGINS = ['VN', 'UZ', 'RS', 'BD', 'KH', 'MY', 'TH'];

function isSteadyImporter(p: Participant, itemsPerMonth: number): boolean {
  return p.scheme === null && p.decoy === null && p.lambda >= Math.min(1, itemsPerMonth / 4) && p.importProb >= 0.3 && p.hsPool.length > 0;
}

function activeThrough(p: Participant, world: World, from: number, to: number): boolean {
  const first = world.months[from];
  const last = world.months[to];
  if (first === undefined || last === undefined) return false;
  return p.registrationDay <= first.firstDay && p.liquidationStartDay > last.lastDay;
}

function fitsScheme(world: World, p: Participant, kind: SchemeKind): boolean {
  switch (kind) {
    case 'undervaluation':
      return p.hsPool.some((h) => (world.hs[h]?.dutyRate ?? 0) > 0 || (world.hs[h]?.vatRate ?? 0) > 0);
    case 'misclassification':
      return p.hsPool.some((h) => (world.lowerDutyAlternatives[h]?.length ?? 0) > 0);
    case 'vat_deduction_inflation':
      return p.regime === 'general' && p.filesReturns;
    case 'origin_manipulation':
      return p.hsPool.some((h) => (world.hs[h]?.dutyRate ?? 0) > 0.02);
    case 'shell_importer':
      return true;
  }
}

/** Assigns scheme episodes (at most one per participant); shells are recast participants. */
export function planSchemes(world: World, participants: Participant[], itemsPerMonth: number, seed: number): void {
  const rng = new Rng(seed, 3);
  const monthCount = world.months.length;
  const episodes = Math.min(Math.floor(participants.length * 0.5), Math.round((SCHEME_RATE_PER_YEAR * participants.length * monthCount) / 12));
  const kinds = Object.keys(SCHEME_WEIGHTS) as SchemeKind[];
  const weights = kinds.map((k) => SCHEME_WEIGHTS[k]);
  const cn = world.countryIndex.get('CN') ?? 0;

  for (let e = 0; e < episodes; e++) {
    // Cycle through the kinds first so small runs still have every scheme.
    const kind = e < kinds.length ? (kinds[e] as SchemeKind) : (kinds[rng.weighted(weights)] as SchemeKind);
    const span = rng.intBetween(Math.min(3, monthCount), Math.min(12, monthCount));
    let from = rng.int(monthCount - span + 1);
    if (kind === 'vat_deduction_inflation' && monthCount > span + 3) from = rng.int(monthCount - span - 2);
    const to = from + span - 1;

    let chosen: Participant | undefined;
    for (let attempt = 0; attempt < 200 && chosen === undefined; attempt++) {
      const p = participants[rng.int(participants.length)];
      if (p === undefined) continue;
      if (kind === 'shell_importer') {
        if (p.scheme === null && p.decoy === null && !p.aeo) chosen = p;
      } else if (isSteadyImporter(p, itemsPerMonth) && activeThrough(p, world, from, to) && fitsScheme(world, p, kind)) {
        chosen = p;
      }
    }
    if (chosen === undefined) continue;
    const p = chosen;
    const deep = rng.chance(0.5);
    switch (kind) {
      case 'undervaluation':
        p.scheme = { kind, fromMonth: from, toMonth: to, share: rng.between(0.3, 0.9), depth: deep ? rng.between(0.35, 0.7) : rng.between(0.72, 0.93) };
        break;
      case 'misclassification':
        p.scheme = { kind, fromMonth: from, toMonth: to, share: rng.between(0.3, 0.8), depth: 1 };
        break;
      case 'vat_deduction_inflation':
        p.scheme = { kind, fromMonth: from, toMonth: to, share: 1, depth: deep ? rng.between(0.3, 1) : rng.between(0.08, 0.3) };
        break;
      case 'origin_manipulation': {
        p.scheme = { kind, fromMonth: from, toMonth: to, share: rng.between(0.4, 0.9), depth: 1 };
        p.originPool = [cn, ...p.originPool.slice(1)];
        p.originCum = cumulative([0.85, 0.1, 0.05]);
        const candidates = DECLARED_ORIGINS.map((c) => world.countryIndex.get(c) ?? -1).filter(
          (c) => c >= 0 && p.hsPool.some((h) => dutyRateOf(world, h, cn, true) > dutyRateOf(world, h, c, true)),
        );
        p.declaredOrigin = candidates.length > 0 ? rng.pick(candidates) : (world.countryIndex.get('VN') ?? 0);
        break;
      }
      case 'shell_importer':
        recastAsShell(world, p, from, to, itemsPerMonth, rng);
        break;
    }
  }
}

function recastAsShell(world: World, p: Participant, from: number, to: number, itemsPerMonth: number, rng: Rng): void {
  const first = world.months[from];
  const last = world.months[to];
  if (first === undefined || last === undefined) return;
  p.scheme = { kind: 'shell_importer', fromMonth: from, toMonth: to, share: 1, depth: rng.between(0.3, 0.75) };
  p.name = companyName(rng).replace(/^(АО|ПАО|ЗАО)/, 'ООО');
  p.registrationDay = first.firstDay - rng.intBetween(20, 120);
  p.regime = 'general';
  p.activity = '46.90';
  p.lambda = itemsPerMonth * rng.logNormal(0.7, 0.6);
  p.importProb = 1;
  p.headcount = rng.int(2);
  p.massAddress = true;
  p.unreliableFrom = rng.chance(0.7) ? Math.min(world.months.length - 1, from + rng.intBetween(1, 5)) : Number.POSITIVE_INFINITY;
  p.broker = rng.chance(0.7) ? rng.pick(world.brokers) : null;
  p.priceFactor = rng.logNormal(0, 0.1);
  p.methodShare = 0.02;
  p.filesReturns = rng.chance(0.6);
  p.reportShare = rng.between(0.02, 0.12);
  p.domesticQ = 0;
  p.eaeuVatQ = 0;
  p.exportShare = 0;
  p.lag = [1, 0, 0];
  p.liquidationStartDay = Number.POSITIVE_INFINITY;
  p.liquidationDay = Number.POSITIVE_INFINITY;
  if (rng.chance(0.5)) {
    const start = last.lastDay + rng.intBetween(30, 90);
    if (start <= world.endDay) {
      p.liquidationStartDay = start;
      const done = start + rng.intBetween(60, 180);
      if (done <= world.endDay) p.liquidationDay = done;
    }
  }
}

/** Assigns decoy behaviours to participants without schemes. */
export function planDecoys(world: World, participants: Participant[], itemsPerMonth: number, seed: number): void {
  const rng = new Rng(seed, 4);
  const monthCount = world.months.length;
  const perKind = Math.max(1, Math.round(participants.length * DECOY_RATE));
  for (const kind of DECOY_KINDS) {
    for (let k = 0; k < perKind; k++) {
      let chosen: Participant | undefined;
      for (let attempt = 0; attempt < 200 && chosen === undefined; attempt++) {
        const p = participants[rng.int(participants.length)];
        if (p !== undefined && isSteadyImporter(p, itemsPerMonth) && p.registrationDay < world.startDay && fitsDecoy(p, kind)) chosen = p;
      }
      if (chosen === undefined) continue;
      applyDecoy(world, chosen, kind, monthCount, rng);
    }
  }
}

function fitsDecoy(p: Participant, kind: DecoyKind): boolean {
  switch (kind) {
    case 'deduction_lag':
    case 'inventory_buildup':
      return p.regime === 'general' && p.liquidationStartDay === Number.POSITIVE_INFINITY;
    default:
      return true;
  }
}

function applyDecoy(world: World, p: Participant, kind: DecoyKind, monthCount: number, rng: Rng): void {
  p.decoy = kind;
  p.decoyMonth = 0;
  switch (kind) {
    case 'deduction_lag': {
      // Starts at a quarter boundary so whole quarters are lagged.
      const first = world.months[0];
      const offset = first === undefined ? 0 : (3 - ((first.month - 1) % 3)) % 3;
      const quarters = Math.max(1, Math.floor((monthCount - offset) / 3));
      p.decoyMonth = offset + 3 * rng.int(Math.max(1, quarters - 2));
      p.lag = rng.chance(0.5) ? [0.2, 0.5, 0.3] : [0.1, 0.7, 0.2];
      p.importProb = Math.max(p.importProb, 0.8);
      break;
    }
    case 'inventory_buildup': {
      const first = world.months[0];
      const offset = first === undefined ? 0 : (3 - ((first.month - 1) % 3)) % 3;
      const quarters = Math.max(1, Math.floor((monthCount - offset) / 3));
      p.decoyMonth = offset + 3 * rng.int(Math.max(1, quarters - 2));
      p.spikeFrom = p.decoyMonth;
      p.spikeTo = p.decoyMonth + 2;
      p.sellRate = rng.between(0.4, 0.55);
      p.importProb = Math.max(p.importProb, 0.8);
      break;
    }
    case 'special_regime':
      p.regime = /^\d{12}$/.test(p.inn) && rng.chance(0.5) ? 'patent' : 'usn';
      p.filesReturns = false;
      p.lambda *= 3;
      p.importProb = Math.max(p.importProb, 0.7);
      break;
    case 'non_transaction_valuation':
      p.methodShare = rng.between(0.6, 0.9);
      break;
    case 'price_dispersion':
      p.priceFactor = rng.between(0.45, 0.62);
      break;
  }
}
