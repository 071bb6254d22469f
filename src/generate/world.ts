/**
 * The fixed world the participants trade in: the commodity catalogue with
 * price levels and tariffs, countries with preferences and anti-dumping
 * duties, customs offices, brokers, the RUB/USD rate and seasonality.
 */
import { monthsEnding, type MonthRef } from './calendar.js';
import { Rng } from './random.js';
import { innFromBody } from '../validation/inn.js';

/** One 10-digit commodity code of the catalogue. */
export interface HsCode {
  readonly code: string;
  readonly chapter: string;
  /** Median honest price, USD per kg. */
  readonly priceUsdPerKg: number;
  /** Ad valorem duty rate, 0..0.2. */
  readonly dutyRate: number;
  /** 0.2, or 0.1 for some food and medical goods. */
  readonly vatRate: number;
  /** Specific excise, RUB per kg; 0 for most codes. */
  readonly excisePerKgRub: number;
  /** Supplementary unit code (796 pieces, 715 pairs, 112 litres) or null. */
  readonly unit: string | null;
  /** Supplementary units per kg when `unit` is set. */
  readonly unitsPerKg: number;
  /** Median net weight of one item, kg. */
  readonly typicalWeightKg: number;
}

/** A country of origin. */
export interface Country {
  readonly code: string;
  /** Share of honest origins. */
  readonly weight: number;
  /** Tariff preference code claimed for goods of this origin, or null. */
  readonly preference: string | null;
  /** Duty multiplier under the preference (0 free trade / LDC, 0.75 GSP). */
  readonly preferenceFactor: number;
}

/** Everything fixed for one run. */
export interface World {
  readonly months: readonly MonthRef[];
  /** RUB per USD by month index. */
  readonly fx: readonly number[];
  /** Import activity multiplier by month index (seasonality x exchange rate). */
  readonly activity: readonly number[];
  readonly hs: readonly HsCode[];
  /** Catalogue indices by chapter. */
  readonly hsByChapter: ReadonlyMap<string, readonly number[]>;
  /** For each code, lower-duty codes a misclassifier can declare instead. */
  readonly lowerDutyAlternatives: readonly (readonly number[])[];
  readonly countries: readonly Country[];
  readonly countryIndex: ReadonlyMap<string, number>;
  /** Anti-dumping add-on rate by `hsIndex * 1000 + countryIndex`. */
  readonly antiDumping: ReadonlyMap<number, number>;
  /** Countries goods are honestly dispatched through. */
  readonly transit: readonly string[];
  readonly offices: readonly string[];
  readonly brokers: readonly string[];
  readonly startDay: number;
  readonly endDay: number;
}

interface ChapterSpec {
  chapter: string;
  priceUsd: number;
  duty: number;
  vat10?: boolean;
  excise?: number;
  unit?: string;
  unitsPerKg?: number;
  weightKg: number;
  headings: number[];
  share: number;
}

const CHAPTERS: ChapterSpec[] = [
  { chapter: '02', priceUsd: 4, duty: 0.15, vat10: true, weightKg: 8000, headings: [1, 2, 3, 6, 7], share: 1 },
  { chapter: '03', priceUsd: 5, duty: 0.08, vat10: true, weightKg: 6000, headings: [2, 3, 4, 6], share: 1 },
  { chapter: '04', priceUsd: 5, duty: 0.15, vat10: true, weightKg: 5000, headings: [2, 5, 6], share: 0.8 },
  { chapter: '07', priceUsd: 1.1, duty: 0.1, vat10: true, weightKg: 12000, headings: [2, 3, 4, 7, 9, 10], share: 1.5 },
  { chapter: '08', priceUsd: 1.4, duty: 0.05, vat10: true, weightKg: 14000, headings: [3, 4, 5, 6, 8, 10], share: 2 },
  { chapter: '09', priceUsd: 6, duty: 0.05, weightKg: 3000, headings: [1, 2, 4, 9], share: 0.8 },
  { chapter: '15', priceUsd: 1.8, duty: 0.05, weightKg: 15000, headings: [7, 11, 12, 17], share: 0.6 },
  { chapter: '18', priceUsd: 5, duty: 0.1, weightKg: 4000, headings: [3, 4, 5, 6], share: 0.6 },
  { chapter: '19', priceUsd: 3, duty: 0.1, weightKg: 5000, headings: [2, 4, 5], share: 0.7 },
  { chapter: '20', priceUsd: 2.5, duty: 0.12, weightKg: 8000, headings: [2, 5, 7, 8, 9], share: 0.8 },
  { chapter: '21', priceUsd: 4, duty: 0.1, weightKg: 3000, headings: [3, 4, 6], share: 0.7 },
  { chapter: '22', priceUsd: 3, duty: 0.12, excise: 150, unit: '112', unitsPerKg: 1, weightKg: 9000, headings: [2, 3, 4, 8], share: 1 },
  { chapter: '24', priceUsd: 15, duty: 0.15, excise: 2500, weightKg: 2000, headings: [1, 2, 3], share: 0.3 },
  { chapter: '28', priceUsd: 1.5, duty: 0.05, weightKg: 18000, headings: [11, 15, 17, 33, 36], share: 0.6 },
  { chapter: '29', priceUsd: 4, duty: 0.05, weightKg: 6000, headings: [5, 15, 16, 22, 33], share: 0.8 },
  { chapter: '30', priceUsd: 60, duty: 0, vat10: true, unit: '796', unitsPerKg: 20, weightKg: 400, headings: [2, 3, 4, 6], share: 1 },
  { chapter: '32', priceUsd: 4, duty: 0.065, weightKg: 5000, headings: [4, 8, 9, 12, 15], share: 0.8 },
  { chapter: '33', priceUsd: 12, duty: 0.065, weightKg: 1500, headings: [3, 4, 5, 7], share: 1.2 },
  { chapter: '34', priceUsd: 3, duty: 0.065, weightKg: 5000, headings: [1, 2, 3, 5], share: 0.8 },
  { chapter: '38', priceUsd: 3, duty: 0.05, weightKg: 6000, headings: [8, 11, 19, 24], share: 0.8 },
  { chapter: '39', priceUsd: 2.5, duty: 0.065, weightKg: 8000, headings: [1, 2, 4, 17, 20, 23, 24, 26], share: 3 },
  { chapter: '40', priceUsd: 4, duty: 0.1, unit: '796', unitsPerKg: 0.12, weightKg: 8000, headings: [11, 9, 16], share: 1.2 },
  { chapter: '42', priceUsd: 25, duty: 0.12, unit: '796', unitsPerKg: 1.5, weightKg: 600, headings: [2, 3], share: 0.8 },
  { chapter: '44', priceUsd: 1, duty: 0.1, weightKg: 15000, headings: [7, 10, 11, 12, 18], share: 0.6 },
  { chapter: '48', priceUsd: 1.5, duty: 0.05, weightKg: 10000, headings: [2, 10, 18, 19, 21], share: 1 },
  { chapter: '52', priceUsd: 4, duty: 0.05, weightKg: 5000, headings: [5, 8, 9, 10], share: 0.6 },
  { chapter: '54', priceUsd: 4, duty: 0.05, weightKg: 5000, headings: [2, 7], share: 0.6 },
  { chapter: '61', priceUsd: 20, duty: 0.1, unit: '796', unitsPerKg: 4, weightKg: 1500, headings: [4, 5, 9, 10, 11], share: 2.5 },
  { chapter: '62', priceUsd: 22, duty: 0.1, unit: '796', unitsPerKg: 2.5, weightKg: 1500, headings: [1, 3, 4, 5, 11], share: 2.5 },
  { chapter: '63', priceUsd: 8, duty: 0.1, weightKg: 2500, headings: [2, 4, 5, 7], share: 0.9 },
  { chapter: '64', priceUsd: 18, duty: 0.1, unit: '715', unitsPerKg: 1.2, weightKg: 2000, headings: [2, 3, 4, 5], share: 2 },
  { chapter: '69', priceUsd: 1.5, duty: 0.1, weightKg: 12000, headings: [7, 10, 11, 12], share: 0.8 },
  { chapter: '70', priceUsd: 2, duty: 0.08, weightKg: 8000, headings: [5, 7, 13, 19], share: 0.6 },
  { chapter: '72', priceUsd: 0.9, duty: 0.05, weightKg: 20000, headings: [8, 9, 10, 13, 19, 28], share: 1 },
  { chapter: '73', priceUsd: 3, duty: 0.08, weightKg: 8000, headings: [4, 6, 7, 8, 18, 26], share: 2 },
  { chapter: '76', priceUsd: 4, duty: 0.08, weightKg: 8000, headings: [4, 6, 7, 10], share: 0.8 },
  { chapter: '82', priceUsd: 12, duty: 0.05, weightKg: 2000, headings: [1, 3, 4, 5, 7, 11], share: 1 },
  { chapter: '84', priceUsd: 25, duty: 0.02, unit: '796', unitsPerKg: 0.05, weightKg: 3000, headings: [13, 14, 15, 18, 21, 50, 71, 81, 82], share: 5 },
  { chapter: '85', priceUsd: 30, duty: 0.03, unit: '796', unitsPerKg: 0.5, weightKg: 2000, headings: [4, 6, 7, 16, 17, 28, 36, 44], share: 5 },
  { chapter: '87', priceUsd: 15, duty: 0.12, unit: '796', unitsPerKg: 0.02, weightKg: 5000, headings: [3, 4, 8, 11, 16], share: 2.5 },
  { chapter: '90', priceUsd: 80, duty: 0.02, unit: '796', unitsPerKg: 0.3, weightKg: 500, headings: [1, 4, 18, 22, 26, 31], share: 1.5 },
  { chapter: '94', priceUsd: 6, duty: 0.1, weightKg: 5000, headings: [1, 3, 4, 5, 6], share: 2 },
  { chapter: '95', priceUsd: 8, duty: 0.05, weightKg: 3000, headings: [3, 4, 6], share: 1.5 },
  { chapter: '96', priceUsd: 6, duty: 0.1, weightKg: 2000, headings: [3, 8, 9, 17, 19], share: 0.7 },
];

/** Origins with their share of honest items and preference treatment. */
const COUNTRY_SPECS: readonly [string, number, string | null, number][] = [
  ['CN', 40, null, 1],
  ['TR', 7, null, 1],
  ['DE', 5, null, 1],
  ['IT', 4, null, 1],
  ['IN', 4, 'GSP', 0.75],
  ['VN', 3, 'FTA', 0],
  ['KR', 3, null, 1],
  ['JP', 2, null, 1],
  ['US', 2, null, 1],
  ['UZ', 3, 'CIS', 0],
  ['BD', 1.5, 'LDC', 0],
  ['TH', 1.5, null, 1],
  ['MY', 1.5, null, 1],
  ['ID', 1.5, 'GSP', 0.75],
  ['EG', 1, 'GSP', 0.75],
  ['BR', 1.5, 'GSP', 0.75],
  ['AR', 1, 'GSP', 0.75],
  ['PL', 1, null, 1],
  ['FR', 1.5, null, 1],
  ['ES', 1.5, null, 1],
  ['NL', 1, null, 1],
  ['CH', 1, null, 1],
  ['GB', 0.7, null, 1],
  ['IL', 0.5, null, 1],
  ['AE', 0.8, null, 1],
  ['RS', 1, 'FTA', 0],
  ['KH', 0.5, 'LDC', 0],
  ['MA', 0.6, 'GSP', 0.75],
  ['EC', 0.8, 'GSP', 0.75],
  ['CL', 0.5, null, 1],
];

const TRANSIT = ['KZ', 'AE', 'TR', 'AM', 'GE', 'KG', 'HK'];

const OFFICE_PREFIXES = ['10702', '10216', '10714', '10005', '10013', '10129', '10130', '10317', '10404', '10502', '10609', '10418', '10210', '10012'];

/** Builds the world of a run from the seed and the months covered. */
export function buildWorld(seed: number, end: { year: number; month: number }, monthCount: number): World {
  const rng = new Rng(seed, 1);
  const months = monthsEnding(end, monthCount);

  const hs: HsCode[] = [];
  const hsByChapter = new Map<string, number[]>();
  const seen = new Set<string>();
  for (const spec of CHAPTERS) {
    const count = Math.max(3, Math.round(spec.share * 5 + 2));
    const list: number[] = [];
    for (let k = 0; k < count; k++) {
      let code = '';
      do {
        const heading = spec.chapter + String(rng.pick(spec.headings)).padStart(2, '0');
        const sub = String(rng.intBetween(1, 9)) + String(rng.int(10));
        const shape = rng.int(3);
        const tail = shape === 0 ? '0000' : shape === 1 ? `${rng.intBetween(1, 9)}000` : `${rng.int(10)}${rng.int(10)}${rng.intBetween(1, 9)}0`;
        code = heading + sub + tail;
      } while (seen.has(code));
      seen.add(code);
      const dutyMultiplier = rng.pick([0, 0.5, 1, 1, 1, 1.5]);
      const dutyRate = Math.min(0.2, Math.round(spec.duty * dutyMultiplier * 200) / 200);
      const vat10 = spec.vat10 === true && rng.chance(0.6);
      const excise = spec.excise !== undefined && rng.chance(0.7) ? spec.excise * rng.logNormal(0, 0.3) : 0;
      list.push(hs.length);
      hs.push({
        code,
        chapter: spec.chapter,
        priceUsdPerKg: spec.priceUsd * rng.logNormal(0, 0.6),
        dutyRate,
        vatRate: vat10 ? 0.1 : 0.2,
        excisePerKgRub: Math.round(excise),
        unit: spec.unit !== undefined && rng.chance(0.85) ? spec.unit : null,
        unitsPerKg: (spec.unitsPerKg ?? 1) * rng.logNormal(0, 0.3),
        typicalWeightKg: spec.weightKg * rng.logNormal(0, 0.5),
      });
    }
    hsByChapter.set(spec.chapter, list);
  }

  const lowerDutyAlternatives = hs.map((code, i) => {
    const alternatives: number[] = [];
    hs.forEach((other, j) => {
      if (j === i) return;
      const close = other.chapter === code.chapter || Math.abs(Number(other.chapter) - Number(code.chapter)) <= 3;
      if (close && other.dutyRate < code.dutyRate - 0.01 && other.vatRate <= code.vatRate && other.excisePerKgRub <= code.excisePerKgRub) {
        alternatives.push(j);
      }
    });
    return alternatives;
  });

  const countries: Country[] = COUNTRY_SPECS.map(([code, weight, preference, preferenceFactor]) => ({ code, weight, preference, preferenceFactor }));
  const countryIndex = new Map(countries.map((c, i) => [c.code, i]));

  const antiDumping = new Map<number, number>();
  const cn = countryIndex.get('CN') ?? 0;
  const adChapters = new Set(['72', '73', '76', '69', '40', '70']);
  hs.forEach((code, i) => {
    if (adChapters.has(code.chapter) && rng.chance(0.35)) antiDumping.set(i * 1000 + cn, Math.round(rng.between(0.12, 0.35) * 100) / 100);
  });

  const offices = new Set<string>();
  while (offices.size < 40) offices.add(rng.pick(OFFICE_PREFIXES) + String(rng.intBetween(10, 99)) + '0');

  const brokers: string[] = [];
  while (brokers.length < 30) brokers.push(innFromBody(rng.pick(['77', '78', '50', '23', '25']) + String(rng.intBetween(1000000, 9999999))));

  const fx: number[] = [];
  let walk = 0;
  const phase = rng.between(0, 2 * Math.PI);
  for (const m of months) {
    walk += 0.025 * rng.normal();
    fx.push(88 * Math.exp(0.14 * Math.sin((2 * Math.PI * m.index) / 20 + phase) + walk));
  }
  const season = [0.78, 0.86, 1.0, 1.0, 1.02, 0.97, 0.95, 1.0, 1.05, 1.1, 1.12, 1.15];
  const fx0 = fx[0] ?? 88;
  const activity = months.map((m, i) => (season[m.month - 1] ?? 1) * Math.pow(fx0 / (fx[i] ?? fx0), 0.6));

  const first = months[0];
  const last = months[months.length - 1];
  if (first === undefined || last === undefined) throw new Error('at least one month is needed');
  return {
    months,
    fx,
    activity,
    hs,
    hsByChapter,
    lowerDutyAlternatives,
    countries,
    countryIndex,
    antiDumping,
    transit: TRANSIT,
    offices: [...offices],
    brokers,
    startDay: first.firstDay,
    endDay: last.lastDay,
  };
}

/** Chapters of the catalogue with their shares (participants pick their trade from these). */
export function chapterWeights(): { chapters: string[]; weights: number[] } {
  return { chapters: CHAPTERS.map((c) => c.chapter), weights: CHAPTERS.map((c) => c.share) };
}

/** Effective duty rate of a code from an origin, with or without the origin's preference. */
export function dutyRateOf(world: World, hsIndex: number, countryIdx: number, withPreference: boolean): number {
  const code = world.hs[hsIndex];
  const country = world.countries[countryIdx];
  if (code === undefined || country === undefined) return 0;
  const base = withPreference && country.preference !== null ? code.dutyRate * country.preferenceFactor : code.dutyRate;
  return base + (world.antiDumping.get(hsIndex * 1000 + countryIdx) ?? 0);
}
