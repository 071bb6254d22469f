/**
 * Writes test/fixtures/generic/declarations.csv: labelled import
 * declarations of an imaginary administration in the layout of public
 * customs-fraud data sets (read with docs/examples/mapping-generic.yaml):
 * opaque ids, 6- to 10-digit HS codes, prices in KRW, no duty or VAT
 * columns, extra categorical and numeric columns, a `Fraud` label per item.
 *
 * The labels carry real signal, none of it a copy of a column: an item is
 * fraudulent with probability logistic(base + importer + seller + HS × origin
 * + tax type effects), and most fraudulent items are undervalued (declared
 * at 35-65% of the going price), so the history rates and the unit-value
 * deviation from peers both find it. Seeded; the same run gives the same
 * bytes. Usage: npx tsx scripts/make-generic-fixture.ts [ROWS] [OUT]
 *   [--start YYYY-MM] [--months N] [--importers N] [--row-seed N]
 * The options serve the benchmarks (scripts/bench-items.sh): the months the
 * rows are spread over (default 2023-01 and 24), the number of importers
 * (default 120, with sellers and brokers in proportion), and a separate
 * random stream for the rows, so that two files of the same world (history,
 * then one large month) share their importers but not their declarations.
 * Without them the output is the test fixture's, byte for byte.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/util/random.js';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: { start: { type: 'string' }, months: { type: 'string' }, importers: { type: 'string' }, 'row-seed': { type: 'string' } },
});
const target = Number(positionals[0] ?? 4000);
const out = positionals[1] ?? 'test/fixtures/generic/declarations.csv';
const [startYear, startMonth] = (options.start ?? '2023-01').split('-').map(Number) as [number, number];
const monthCount = Number(options.months ?? 24);
const importerCount = Number(options.importers ?? 120);
const rand = mulberry32(20240601);
/** The stream every draw reads: `rand`, then, with --row-seed, the rows' own stream. */
let draw = rand;

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(draw() * xs.length)] as T;
const normal = (): number => Math.sqrt(-2 * Math.log(1 - draw())) * Math.cos(2 * Math.PI * draw());
const id = (prefix: string, n: number): string => `${prefix}${Array.from({ length: n }, () => pick([...'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'])).join('')}`;
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Goods: code (6, 8 or 10 digits, distinct HS4), going price in KRW per kg, tax rate in %. */
const PRODUCTS = [
  { hs: '8471300000', price: 420_000, tax: 0 },
  { hs: '8517130000', price: 900_000, tax: 0 },
  { hs: '6110200000', price: 38_000, tax: 13 },
  { hs: '6403990000', price: 55_000, tax: 13 },
  { hs: '3304990000', price: 60_000, tax: 8 },
  { hs: '9503000000', price: 21_000, tax: 8 },
  { hs: '851660', price: 35_000, tax: 8 },
  { hs: '420222', price: 120_000, tax: 8 },
  { hs: '21069099', price: 18_000, tax: 8 },
  { hs: '94036000', price: 9_000, tax: 8 },
];
const ORIGINS = ['CN', 'US', 'VN', 'DE', 'JP'];
/** HS × origin pairs with a higher fraud rate. */
const RISKY_PAIRS = new Set(['6110200000|CN', '6403990000|VN', '3304990000|CN', '420222|CN']);

const importers = Array.from({ length: importerCount }, () => ({ id: id('IMP', 7), risk: rand() < 0.2 ? 2.0 : 0 }));
const brokers = Array.from({ length: Math.max(15, Math.round(importerCount / 8)) }, () => ({ id: id('DEC', 6), risk: normal() * 0.3 }));
const sellers = Array.from({ length: Math.round((importerCount * 5) / 3) }, () => ({ id: id('SEL', 8), risk: rand() < 0.1 ? 1.2 : 0 }));
const offices = ['OF11', 'OF12', 'OF20', 'OF31', 'OF45', 'OF52'];
const couriers = Array.from({ length: 8 }, () => id('CR', 4));
const importerBroker = importers.map(() => Math.floor(rand() * brokers.length));

const header = [
  'Declaration ID', 'Date', 'Office ID', 'Process Type', 'Import Type', 'Import Use', 'Payment Type', 'Mode of Transport',
  'Declarant ID', 'Importer ID', 'Seller ID', 'Courier ID', 'HS10 Code', 'Country of Departure', 'Country of Origin',
  'Tax Rate', 'Tax Type', 'Country of Origin Indicator', 'Net Mass', 'Item Price', 'Fraud', 'Critical Fraud',
];
const lines = [header.map((h) => `"${h}"`).join(',')];
if (options['row-seed'] !== undefined) draw = mulberry32(Number(options['row-seed']));
let rows = 0;
let frauds = 0;
while (rows < target) {
  const i = Math.floor(Math.pow(draw(), 1.3) * importers.length);
  const importer = importers[i]!;
  const broker = brokers[draw() < 0.85 ? importerBroker[i]! : Math.floor(draw() * brokers.length)]!;
  const month = startYear * 12 + startMonth - 1 + Math.floor(draw() * monthCount);
  const date = `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-${String(1 + Math.floor(draw() * 28)).padStart(2, '0')}`;
  const office = pick(offices);
  const transport = pick(['10', '10', '40', '40', '40', '20']);
  const payment = pick(['11', '11', '13', '43']);
  const courier = pick(couriers);
  const declId = id('D', 10);
  const items = 1 + Math.floor(draw() * 3);
  for (let k = 0; k < items && rows < target; k++) {
    const product = pick(PRODUCTS);
    const origin = pick(ORIGINS);
    const seller = sellers[Math.floor(Math.pow(draw(), 1.5) * sellers.length)]!;
    const taxType = pick(['A', 'A', 'A', 'B', 'C']);
    const logit = -2.9 + importer.risk + broker.risk + seller.risk + (RISKY_PAIRS.has(`${product.hs}|${origin}`) ? 1.5 : 0) + (taxType === 'C' ? 0.6 : 0);
    const fraud = draw() < sigmoid(logit);
    const undervalued = fraud && draw() < 0.7;
    const factor = undervalued ? 0.35 + 0.3 * draw() : Math.exp(0.25 * normal());
    const mass = Math.max(0.1, Math.exp(Math.log(40) + 1.2 * normal()));
    const price = Math.max(1, Math.round(product.price * factor * mass));
    if (fraud) frauds++;
    const cells = [
      declId, date, office, pick(['B', 'B', 'A']), pick(['11', '11', '21']), pick(['21', '21', '22', '23']), payment, transport,
      broker.id, importer.id, seller.id, courier, product.hs, draw() < 0.8 ? origin : pick(ORIGINS), origin,
      String(product.tax), taxType, pick(['Y', 'N']), mass.toFixed(2), String(price), fraud ? '1' : '0', undervalued && factor < 0.45 ? '1' : '0',
    ];
    lines.push(cells.join(','));
    rows++;
  }
}
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${lines.join('\n')}\n`);
console.log(`wrote ${rows} items (${frauds} fraudulent, ${((100 * frauds) / rows).toFixed(1)}%) to ${out}`);
