/**
 * The item world: a labelled, item-level test world in the layout of public
 * customs-fraud data sets (the columns of scripts/make-generic-fixture.ts,
 * read with docs/examples/mapping-generic.yaml), for measuring the item
 * model on something harder than the 4,000-row fixture (docs/quality.md,
 * "Quality of the item model on the item world"; scripts/item-quality.ts
 * runs the CLI path on it).
 *
 * Nothing here is a copy of a data set: ids, codes, prices and rates are
 * drawn from the seed. Hidden structure, all of it invisible in the output
 * except through the columns an administration would have:
 *
 * - Entities with stable latent risk: importers (a mixture: most honest, a
 *   risky and a very risky group; new firms are riskier, large ones less),
 *   declarants (brokers), sellers, couriers, offices (offices differ in how
 *   much their inspections find, so labels carry an office effect).
 * - HS x origin risk: a tenth of the (HS6, origin) pairs in use are risky,
 *   beside mild chapter, subheading and origin effects; a further 3% turn
 *   risky from 60% of the months on (an emerging route).
 * - Collusion: 7% of brokers are complicit with about half of their regular
 *   clients; such an importer files half its declarations through that
 *   broker, and only those carry the pair's extra risk (+2.3 logits), so the
 *   pair is much riskier than the importer or the broker alone.
 * - Declarations: 1 to 12 items; a declaration-level random effect
 *   (sd 1.0 logits) and a shared scheme make fraud cluster in a declaration.
 * - Fraud schemes, each leaving its own trace:
 *   undervaluation (about half: declared at 40-85% of the going price of the
 *   code and month), misclassification (declared under a lower-duty code of
 *   the same heading, at the true good's price), false origin by
 *   transshipment (a preferential origin claimed, shipped from another
 *   country: Country of Departure differs from Country of Origin, on
 *   goods with a duty worth avoiding), and schemes with no trace in the row.
 * - Honest noise: the going price of each code drifts month by month (trend
 *   and random walk), origins price differently, importers buy at their own
 *   level (6% are discount buyers at about 65% of the going price, honestly)
 *   and items scatter (sd 0.35 in logs), so a low price alone does not decide;
 *   12% of honest declarations leave from a transit hub, not the origin.
 * - New importers with no history (a third of importers arrive during the
 *   period; a few shells import for one to three months and vanish).
 * - Concept drift: 30% of the risky importers reform at a random month
 *   (their risk drops by 1.8 logits), 4% of the honest ones turn risky
 *   (+2.0), the emerging routes above, and 30% of collusions start late.
 * - Label noise: an inspection finds 90% of frauds; 1% of honest items are
 *   labelled fraud.
 *
 * Fraud is Bernoulli(logistic(b0 + sum of effects)); b0 is solved so the true
 * fraud rate is --rate (default 12%). `Critical Fraud` marks the labelled
 * frauds with the largest revenue at stake (the top 40%).
 *
 * Seeded; the same arguments give the same bytes.
 *   npx tsx scripts/make-item-world.ts [--items 54000] [--months 18] [--start 2024-01]
 *     [--seed 7] [--rate 0.12] [--out out/item-world/declarations.csv] [--truth FILE]
 * --truth writes, per item, the planted scheme and the latent logit
 * (evaluation only: never an input).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { Sfc32 } from '../src/util/random.js';

/** Options of one world. */
export interface ItemWorldOptions {
  /** Items written (rows). */
  items: number;
  /** Months covered, from `start`. */
  months: number;
  /** First month, YYYY-MM. */
  start: string;
  seed: number;
  /** Target share of items that are truly fraudulent (before label noise). */
  rate: number;
}

export const ITEM_WORLD_DEFAULTS: ItemWorldOptions = { items: 54_000, months: 18, start: '2024-01', seed: 7, rate: 0.12 };

/** The planted scheme of an item: `none` for an honest item. */
export type Scheme = 'none' | 'undervaluation' | 'misclassification' | 'transshipment' | 'hidden';

/** One item of the world as written, with what was planted behind it. */
export interface WorldItem {
  declId: string;
  /** 1-based position in its declaration (the order of the file). */
  itemNo: number;
  date: string;
  month: number;
  cells: string[];
  /** Truly fraudulent (before label noise). */
  fraud: boolean;
  /** The `Fraud` label written. */
  label: boolean;
  scheme: Scheme;
  logit: number;
  newImporter: boolean;
}

export const ITEM_WORLD_HEADER = [
  'Declaration ID', 'Date', 'Office ID', 'Process Type', 'Import Type', 'Import Use', 'Payment Type', 'Mode of Transport',
  'Declarant ID', 'Importer ID', 'Seller ID', 'Courier ID', 'HS10 Code', 'Country of Departure', 'Country of Origin',
  'Tax Rate', 'Tax Type', 'Country of Origin Indicator', 'Net Mass', 'Item Price', 'Fraud', 'Critical Fraud',
] as const;

/** Origins with their share of trade; `fta` marks partners of a preferential agreement. */
const ORIGINS: readonly { code: string; weight: number; fta: boolean }[] = [
  { code: 'CN', weight: 30, fta: false }, { code: 'US', weight: 9, fta: true }, { code: 'VN', weight: 7, fta: true },
  { code: 'JP', weight: 7, fta: false }, { code: 'DE', weight: 5, fta: true }, { code: 'IT', weight: 3, fta: true },
  { code: 'IN', weight: 3, fta: true }, { code: 'TH', weight: 3, fta: true }, { code: 'MY', weight: 2.5, fta: true },
  { code: 'ID', weight: 2.5, fta: true }, { code: 'FR', weight: 2.5, fta: true }, { code: 'GB', weight: 2, fta: true },
  { code: 'TW', weight: 3, fta: false }, { code: 'AU', weight: 2, fta: true }, { code: 'CL', weight: 1.5, fta: true },
  { code: 'BR', weight: 1.5, fta: false }, { code: 'MX', weight: 1.2, fta: false }, { code: 'ES', weight: 1.5, fta: true },
  { code: 'NL', weight: 1.2, fta: true }, { code: 'PH', weight: 1.2, fta: true }, { code: 'BD', weight: 1, fta: false },
  { code: 'PK', weight: 0.8, fta: false }, { code: 'TR', weight: 1, fta: true }, { code: 'RU', weight: 1, fta: false },
  { code: 'CA', weight: 1.2, fta: true }, { code: 'CH', weight: 1, fta: true }, { code: 'PL', weight: 0.8, fta: true },
  { code: 'KH', weight: 0.8, fta: true }, { code: 'NZ', weight: 0.6, fta: true }, { code: 'ZA', weight: 0.5, fta: false },
];
/** Transit hubs goods honestly leave from when not shipped from their origin. */
const HUBS = ['SG', 'HK', 'NL', 'AE', 'BE', 'PA'] as const;

const CODE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const TAX_BANDS = [0, 3, 5, 8, 8, 8, 13, 13, 20, 30] as const;

/** A seeded source with the draws the world needs. */
class Draw {
  private readonly rng: Sfc32;
  constructor(seed: number) {
    this.rng = new Sfc32(seed);
  }
  u(): number {
    return this.rng.next();
  }
  int(n: number): number {
    return this.rng.int(n);
  }
  chance(p: number): boolean {
    return this.rng.next() < p;
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.rng.next())) * Math.cos(2 * Math.PI * this.rng.next());
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.rng.int(xs.length)] as T;
  }
  code(n: number, chars = CODE_CHARS): string {
    let s = '';
    for (let i = 0; i < n; i++) s += chars[this.rng.int(chars.length)];
    return s;
  }
}

/** Index into cumulative weights `cum` (ascending, last = total). */
function pickCumulative(cum: Float64Array | readonly number[], u: number): number {
  const target = u * (cum[cum.length - 1] as number);
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cum[mid] as number) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cumulative(weights: readonly number[]): number[] {
  let s = 0;
  return weights.map((w) => (s += w));
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

interface Code {
  hs10: string;
  hs4: string;
  hs6: string;
  chapter: string;
  /** ln going price per kg at month 0, KRW. */
  logPrice0: number;
  /** ln going price per kg by month. */
  logPrice: number[];
  /** ln median net mass per item, kg. */
  logMass: number;
  tax: number;
  risk: number;
  /** The preferential origin its transshipped goods are declared from. */
  launder: number;
  /** Origins this code comes from, cumulative weights. */
  origins: number[];
  originCum: number[];
  popularity: number;
}

interface Importer {
  id: string;
  arrival: number;
  exit: number;
  activity: number;
  risk: number;
  /** Month from which `drift` applies (never when > months). */
  driftFrom: number;
  drift: number;
  priceLevel: number;
  broker: number;
  secondBroker: number;
  /** The complicit broker it colludes with, its share of declarations and the month the collusion starts; -1 without. */
  colludesWith: number;
  collusionFrom: number;
  sellers: number[];
  offices: number[];
  codes: number[];
  newcomer: boolean;
}

/** Builds the world: one entry per item, in file order. */
export function makeItemWorld(options: ItemWorldOptions): WorldItem[] {
  const { items: target, months, seed } = options;
  const [startYear, startMonth] = options.start.split('-').map(Number) as [number, number];
  const d = new Draw(seed);

  // Goods: chapters > headings (HS4) > subheadings (HS6) > national codes (HS10).
  const chapters = new Set<string>();
  while (chapters.size < 45) {
    const c = 1 + d.int(97);
    if (c !== 77) chapters.add(String(c).padStart(2, '0'));
  }
  const codes: Code[] = [];
  const originWeights = ORIGINS.map((o) => o.weight);
  const originCum = cumulative(originWeights);
  const ftaIndexes = ORIGINS.flatMap((o, i) => (o.fta ? [i] : []));
  const ftaCum = cumulative(ftaIndexes.map((i) => originWeights[i] as number));
  const nCodes = Math.max(60, Math.round(target / 45));
  const sortedChapters = [...chapters].sort();
  const chapterPrice = new Map(sortedChapters.map((c) => [c, Math.log(3_000) + d.u() * Math.log(300)]));
  const chapterTax = new Map(sortedChapters.map((c) => [c, d.pick(TAX_BANDS)]));
  const chapterRisk = new Map(sortedChapters.map((c) => [c, 0.3 * d.normal()]));
  const chapterHeadings = new Map(
    sortedChapters.map((c) => [c, [...new Set(Array.from({ length: 6 + d.int(5) }, () => c + String(1 + d.int(89)).padStart(2, '0')))]]),
  );
  const hs6Risk = new Map<string, number>();
  const levelPrice = new Map<string, number>();
  const seenCodes = new Set<string>();
  while (codes.length < nCodes) {
    const chapter = d.pick(sortedChapters);
    const hs4 = d.pick(chapterHeadings.get(chapter) as string[]);
    const heading = codes.filter((c) => c.hs4 === hs4);
    const hs6 = heading.length > 0 && d.chance(0.5) ? d.pick(heading).hs6 : hs4 + String(10 + d.int(90));
    const hs10 = hs6 + String(d.int(10_000)).padStart(4, '0');
    if (seenCodes.has(hs10)) continue;
    seenCodes.add(hs10);
    if (!hs6Risk.has(hs6)) hs6Risk.set(hs6, 0.25 * d.normal());
    const nOrigins = 2 + d.int(6);
    const origins: number[] = [];
    while (origins.length < nOrigins) {
      const o = pickCumulative(originCum, d.u());
      if (!origins.includes(o)) origins.push(o);
    }
    // The preferential origin transshipped goods of this code are passed off as: one it honestly comes from too.
    const partners = origins.filter((o) => (ORIGINS[o] as { fta: boolean }).fta);
    const launder = partners.length > 0 ? d.pick(partners) : (ftaIndexes[pickCumulative(ftaCum, d.u())] as number);
    if (!origins.includes(launder)) origins.push(launder);
    // Prices nest: codes of one subheading are alike, of one heading less so.
    if (!levelPrice.has(hs4)) levelPrice.set(hs4, (chapterPrice.get(chapter) as number) + 0.5 * d.normal());
    if (!levelPrice.has(hs6)) levelPrice.set(hs6, (levelPrice.get(hs4) as number) + 0.35 * d.normal());
    const logPrice0 = (levelPrice.get(hs6) as number) + 0.3 * d.normal();
    const trend = 0.004 + 0.012 * d.normal();
    const logPrice = [logPrice0];
    for (let m = 1; m < months; m++) logPrice.push((logPrice[m - 1] as number) + trend + 0.025 * d.normal());
    const baseTax = chapterTax.get(chapter) as number;
    codes.push({
      hs10, hs4, hs6, chapter, logPrice0, logPrice,
      logMass: Math.log(5) + 1.5 * d.u() + 0.8 * d.normal(),
      tax: d.chance(0.7) ? baseTax : d.pick(TAX_BANDS),
      risk: (chapterRisk.get(chapter) as number) + (hs6Risk.get(hs6) as number),
      origins,
      launder,
      originCum: cumulative(origins.map((o) => (originWeights[o] as number) * Math.exp(0.8 * d.normal()))),
      popularity: Math.exp(1.2 * d.normal()),
    });
  }
  const codeCum = cumulative(codes.map((c) => c.popularity));
  const codesByHs4 = new Map<string, number[]>();
  codes.forEach((c, i) => codesByHs4.set(c.hs4, [...(codesByHs4.get(c.hs4) ?? []), i]));
  const originRisk = ORIGINS.map(() => 0.15 * d.normal());
  /** Risky (HS6, origin) pairs, and the month each becomes risky (0: from the start). */
  const routeRisk = new Map<string, { from: number; effect: number }>();
  for (const c of codes) {
    for (const o of c.origins) {
      const key = `${c.hs6}|${o}`;
      if (routeRisk.has(key)) continue;
      if (d.chance(0.1)) routeRisk.set(key, { from: 0, effect: 1.3 + 0.3 * d.normal() });
      else if (d.chance(0.03)) routeRisk.set(key, { from: Math.floor(months * 0.6), effect: 1.5 });
    }
  }
  const originPrice = new Map<string, number>();
  const originPriceOf = (code: number, origin: number): number => {
    const key = `${code}|${origin}`;
    let v = originPrice.get(key);
    if (v === undefined) {
      v = 0.15 * d.normal();
      originPrice.set(key, v);
    }
    return v;
  };

  // Parties.
  const unique = (make: () => string): (() => string) => {
    const seen = new Set<string>();
    return () => {
      for (;;) {
        const s = make();
        if (!seen.has(s)) {
          seen.add(s);
          return s;
        }
      }
    };
  };
  const offices = Array.from({ length: 36 }, (_, i) => ({ id: String(10 + i * 2 + d.int(2)), effect: 0.35 * d.normal(), weight: Math.exp(0.9 * d.normal()) }));
  const officeCum = cumulative(offices.map((o) => o.weight));
  const nBrokers = Math.max(20, Math.round(target / 60));
  const brokerId = unique(() => d.code(6));
  const brokers = Array.from({ length: nBrokers }, () => ({ id: brokerId(), effect: 0.4 * d.normal(), complicit: d.chance(0.07), weight: Math.exp(1.1 * d.normal()) }));
  const brokerCum = cumulative(brokers.map((b) => b.weight));
  const nSellers = Math.max(50, Math.round(target / 5));
  const sellerId = unique(() => d.code(8));
  const sellers = Array.from({ length: nSellers }, () => ({ id: sellerId(), effect: d.chance(0.05) ? 1.2 + 0.3 * d.normal() : 0.1 * d.normal() }));
  const couriers = Array.from({ length: 40 }, (_, i) => ({ id: `C${String(100 + i * 7 + d.int(7))}`, effect: 0.15 * d.normal() }));

  const importerId = unique(() => d.code(7));
  const nImporters = Math.max(50, Math.round(target / 9));
  const importers: Importer[] = [];
  for (let i = 0; i < nImporters; i++) {
    const newcomer = d.chance(0.33);
    const arrival = newcomer ? 1 + d.int(Math.max(1, months - 1)) : 0;
    const shell = newcomer && d.chance(0.12);
    const activity = shell ? Math.exp(1 + 0.5 * d.normal()) : Math.exp(1.3 * d.normal());
    const exit = shell ? arrival + 1 + d.int(3) : d.chance(0.1) ? arrival + 1 + d.int(months) : months;
    const u = d.u();
    const [pRisky, pVery] = newcomer ? [0.22, 0.08] : [0.15, 0.05];
    let risk = u < pVery ? 2.4 + 0.4 * d.normal() : u < pVery + pRisky ? 1.3 + 0.4 * d.normal() : 0.35 * d.normal();
    if (shell) risk = 2.6 + 0.4 * d.normal();
    if (activity > Math.exp(2)) risk -= 0.5;
    let driftFrom = months + 1;
    let drift = 0;
    if (risk > 1 && d.chance(0.3)) {
      driftFrom = 3 + d.int(Math.max(1, months - 4));
      drift = -1.8;
    } else if (risk <= 1 && d.chance(0.04)) {
      driftFrom = 3 + d.int(Math.max(1, months - 4));
      drift = 2.0;
    }
    const broker = pickCumulative(brokerCum, d.u());
    const colludes = (brokers[broker] as { complicit: boolean }).complicit && d.chance(0.5);
    const homeCode = pickCumulative(codeCum, d.u());
    const heading = codesByHs4.get((codes[homeCode] as Code).hs4) as number[];
    const nCodesOwn = 1 + d.int(4);
    const ownCodes = Array.from({ length: nCodesOwn }, (_, k) => (k === 0 ? homeCode : d.chance(0.5) ? d.pick(heading) : pickCumulative(codeCum, d.u())));
    importers.push({
      id: importerId(),
      arrival,
      exit,
      activity,
      risk,
      driftFrom,
      drift,
      priceLevel: d.chance(0.06) ? Math.log(0.65) + 0.08 * d.normal() : 0.15 * d.normal(),
      broker,
      secondBroker: pickCumulative(brokerCum, d.u()),
      colludesWith: colludes ? broker : -1,
      collusionFrom: colludes && d.chance(0.3) ? 2 + d.int(Math.max(1, months - 3)) : 0,
      sellers: Array.from({ length: 1 + d.int(4) }, () => d.int(nSellers)),
      offices: [pickCumulative(officeCum, d.u()), pickCumulative(officeCum, d.u())],
      codes: ownCodes,
      newcomer,
    });
  }

  // Declarations, month by month, until each month's quota of items.
  const monthWeights = Array.from({ length: months }, (_, m) => 1 + 0.12 * Math.sin((2 * Math.PI * (m + startMonth - 1)) / 12) + 0.01 * m);
  const weightSum = monthWeights.reduce((a, b) => a + b, 0);
  const quotas = monthWeights.map((w) => Math.floor((target * w) / weightSum));
  quotas[months - 1] = (quotas[months - 1] as number) + target - quotas.reduce((a, b) => a + b, 0);
  const declId = unique(() => String(10_000_000 + d.int(90_000_000)));

  interface Draft {
    item: WorldItem;
    z: number;
    code: number;
    origin: number;
    importer: Importer;
    seller: number;
    logValue: number;
    logMass: number;
    fta: boolean;
    departure: string;
    declaration: number;
  }
  const drafts: Draft[] = [];
  const declEffects: number[] = [];
  for (let m = 0; m < months; m++) {
    const year = startYear + Math.floor((startMonth - 1 + m) / 12);
    const month = ((startMonth - 1 + m) % 12) + 1;
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const active = importers.filter((im) => im.arrival <= m && m < im.exit);
    const activeCum = cumulative(active.map((im) => im.activity));
    let left = quotas[m] as number;
    while (left > 0) {
      const im = active[pickCumulative(activeCum, d.u())] as Importer;
      const colluding = im.colludesWith >= 0 && m >= im.collusionFrom;
      const collusive = colluding && d.chance(0.5);
      // A colluding importer sends the rest of its declarations elsewhere, so the pair stands out from the importer.
      const regular = colluding ? im.secondBroker : im.broker;
      const broker = collusive ? im.colludesWith : d.chance(0.75) ? regular : d.chance(0.6) ? im.secondBroker : pickCumulative(brokerCum, d.u());
      const office = d.chance(0.9) ? d.pick(im.offices) : pickCumulative(officeCum, d.u());
      const seller = d.chance(0.8) ? d.pick(im.sellers) : d.int(nSellers);
      const n = Math.min(left, d.chance(0.55) ? 1 : d.chance(0.45) ? 2 : d.chance(0.4) ? 3 : 4 + d.int(9));
      const date = `${year}-${String(month).padStart(2, '0')}-${String(1 + d.int(days)).padStart(2, '0')}`;
      const id = declId();
      const declaration = declEffects.length;
      declEffects.push(1.0 * d.normal());
      const transport = d.chance(0.55) ? '10' : d.chance(0.78) ? '40' : d.chance(0.5) ? '20' : '50';
      const courier = transport === '40' || transport === '50' ? d.int(couriers.length) : -1;
      const payment = d.pick(['11', '11', '11', '11', '11', '11', '11', '13', '13', '43', '43', '33']);
      const process = d.pick(['A', 'A', 'A', 'A', 'B', 'B', 'C']);
      const importType = d.pick(['11', '11', '11', '11', '11', '11', '11', '11', '21', '29']);
      const hub = d.chance(0.12) ? d.pick(HUBS) : '';
      const imRisk = im.risk + (m >= im.driftFrom ? im.drift : 0);
      const b = brokers[broker] as (typeof brokers)[number];
      for (let k = 0; k < n; k++) {
        const code = d.chance(0.85) ? d.pick(im.codes) : pickCumulative(codeCum, d.u());
        const c = codes[code] as Code;
        const origin = c.origins[pickCumulative(c.originCum, d.u())] as number;
        const route = routeRisk.get(`${c.hs6}|${origin}`);
        const fta = (ORIGINS[origin] as { fta: boolean }).fta && c.tax > 0 && d.chance(0.6);
        const z =
          imRisk +
          b.effect +
          (collusive ? 2.3 : 0) +
          (sellers[seller] as { effect: number }).effect +
          c.risk +
          (originRisk[origin] as number) +
          (route !== undefined && m >= route.from ? route.effect : 0) +
          (offices[office] as { effect: number }).effect +
          (courier >= 0 ? (couriers[courier] as { effect: number }).effect : 0) +
          0.04 * (c.tax - 8) +
          (payment === '43' ? 0.2 : 0) +
          (declEffects[declaration] as number);
        const logMass = c.logMass + 1.1 * d.normal();
        const logValue = (c.logPrice[m] as number) + originPriceOf(code, origin) + im.priceLevel + 0.35 * d.normal() + logMass;
        const cells = [
          id, date, (offices[office] as { id: string }).id, process, importType, d.pick(['21', '21', '21', '22', '22', '23', '24', '29']),
          payment, transport, b.id, im.id, (sellers[seller] as { id: string }).id, courier >= 0 ? (couriers[courier] as { id: string }).id : '',
        ];
        drafts.push({
          item: { declId: id, itemNo: k + 1, date, month: m, cells, fraud: false, label: false, scheme: 'none', logit: z, newImporter: im.newcomer },
          z, code, origin, importer: im, seller, logValue, logMass, fta,
          departure: hub === '' ? (ORIGINS[origin] as { code: string }).code : hub,
          declaration,
        });
      }
      left -= n;
    }
  }

  // The intercept that gives the target fraud rate.
  let lo = -15;
  let hi = 5;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    const rate = drafts.reduce((s, x) => s + sigmoid(mid + x.z), 0) / drafts.length;
    if (rate > options.rate) hi = mid;
    else lo = mid;
  }
  const b0 = (lo + hi) / 2;

  // Fraud, its scheme and the fields it changes; then the labels.
  const declScheme = new Map<number, Scheme>();
  const schemeOf = (): Scheme => {
    const u = d.u();
    return u < 0.5 ? 'undervaluation' : u < 0.65 ? 'misclassification' : u < 0.8 ? 'transshipment' : 'hidden';
  };
  const losses: number[] = [];
  for (const x of drafts) {
    x.item.logit = b0 + x.z;
    const fraud = d.chance(sigmoid(x.item.logit));
    let code = x.code;
    let origin = x.origin;
    let fta = x.fta;
    let departure = x.departure;
    let logValue = x.logValue;
    let scheme: Scheme = 'none';
    let loss = 0;
    const trueTax = (codes[x.code] as Code).tax;
    if (fraud) {
      const shared = declScheme.get(x.declaration);
      scheme = shared !== undefined && d.chance(0.7) ? shared : schemeOf();
      if (!declScheme.has(x.declaration)) declScheme.set(x.declaration, scheme);
      if (scheme === 'misclassification') {
        const cheaper = (codesByHs4.get((codes[x.code] as Code).hs4) as number[]).filter((i) => (codes[i] as Code).tax < trueTax);
        if (cheaper.length > 0) code = d.pick(cheaper);
        else scheme = 'undervaluation';
      }
      if (scheme === 'transshipment') {
        if (trueTax >= 5 && !(ORIGINS[x.origin] as { fta: boolean }).fta) {
          departure = d.chance(0.7) ? (ORIGINS[x.origin] as { code: string }).code : d.pick(HUBS);
          origin = (codes[x.code] as Code).launder;
          fta = true;
        } else scheme = 'undervaluation';
      }
      if (scheme === 'undervaluation') logValue += Math.log(0.4 + 0.45 * d.u());
      const value = Math.exp(x.logValue);
      const declaredTax = fta ? Math.round((codes[code] as Code).tax * 0.3) : (codes[code] as Code).tax;
      loss =
        scheme === 'undervaluation'
          ? (value - Math.exp(logValue)) * (trueTax + 10) / 100
          : scheme === 'hidden'
            ? value * 0.05 * (1 + d.u())
            : value * Math.max(0.01, (trueTax - declaredTax) / 100);
    }
    const label = fraud ? d.chance(0.9) : d.chance(0.01);
    const c = codes[code] as Code;
    const tax = fta ? Math.round(c.tax * 0.3) : c.tax;
    const taxType = fta ? 'B' : d.chance(0.08) ? 'C' : 'A';
    const indicator = fta ? 'Y' : d.chance(0.1) ? 'Y' : 'N';
    const mass = Math.max(0.1, Math.exp(x.logMass));
    x.item.cells.push(
      c.hs10, departure, (ORIGINS[origin] as { code: string }).code, String(tax), taxType, indicator,
      mass.toFixed(1), String(Math.max(1, Math.round(Math.exp(logValue)))),
    );
    x.item.fraud = fraud;
    x.item.label = label;
    x.item.scheme = scheme;
    losses.push(label && fraud ? loss : -1);
  }
  const ranked = losses.filter((l) => l >= 0).sort((a, b) => b - a);
  const criticalFrom = ranked.length === 0 ? Infinity : (ranked[Math.max(0, Math.ceil(ranked.length * 0.4) - 1)] as number);
  drafts.forEach((x, i) => {
    const loss = losses[i] as number;
    x.item.cells.push(x.item.label ? '1' : '0', loss >= 0 && loss >= criticalFrom ? '1' : '0');
  });
  return drafts.map((x) => x.item);
}

/** The CSV text of a world: header, then one line per item (no field needs quoting). */
export function itemWorldCsv(world: readonly WorldItem[]): string {
  return `${[ITEM_WORLD_HEADER.map((h) => `"${h}"`).join(','), ...world.map((w) => w.cells.join(','))].join('\n')}\n`;
}

/** The truth file: per item, what was planted (evaluation only). */
export function itemWorldTruthCsv(world: readonly WorldItem[]): string {
  const lines = world.map((w) => [w.declId, w.itemNo, w.date, w.fraud ? 1 : 0, w.label ? 1 : 0, w.scheme, w.newImporter ? 1 : 0, w.logit.toFixed(4)].join(','));
  return `${['decl_id,item_no,date,fraud,label,scheme,new_importer,logit', ...lines].join('\n')}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      items: { type: 'string' },
      months: { type: 'string' },
      start: { type: 'string' },
      seed: { type: 'string' },
      rate: { type: 'string' },
      out: { type: 'string', default: 'out/item-world/declarations.csv' },
      truth: { type: 'string' },
    },
  });
  const options: ItemWorldOptions = {
    items: Number(values.items ?? ITEM_WORLD_DEFAULTS.items),
    months: Number(values.months ?? ITEM_WORLD_DEFAULTS.months),
    start: values.start ?? ITEM_WORLD_DEFAULTS.start,
    seed: Number(values.seed ?? ITEM_WORLD_DEFAULTS.seed),
    rate: Number(values.rate ?? ITEM_WORLD_DEFAULTS.rate),
  };
  if (!Number.isInteger(options.items) || options.items < 100) throw new Error(`--items must be a whole number ≥ 100; got ${values.items}`);
  if (!Number.isInteger(options.months) || options.months < 2 || options.months > 120) throw new Error(`--months must be a whole number from 2 to 120; got ${values.months}`);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(options.start)) throw new Error(`--start must be a month YYYY-MM; got ${values.start}`);
  if (!(options.rate > 0 && options.rate < 0.5)) throw new Error(`--rate must be above 0 and below 0.5; got ${values.rate}`);
  const world = makeItemWorld(options);
  await mkdir(dirname(values.out), { recursive: true });
  await writeFile(values.out, itemWorldCsv(world));
  if (values.truth !== undefined) {
    await mkdir(dirname(values.truth), { recursive: true });
    await writeFile(values.truth, itemWorldTruthCsv(world));
  }
  const labelled = world.filter((w) => w.label).length;
  const fraud = world.filter((w) => w.fraud).length;
  console.log(
    `wrote ${world.length} items of ${new Set(world.map((w) => w.declId)).size} declarations, ${options.months} months from ${options.start}, seed ${options.seed}, to ${values.out}: ` +
      `${fraud} truly fraudulent (${((100 * fraud) / world.length).toFixed(1)}%), ${labelled} labelled Fraud (${((100 * labelled) / world.length).toFixed(1)}%)`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 2;
  });
}
