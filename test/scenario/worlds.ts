/**
 * The worlds of the scenario and quality tiers: a folder of extracts
 * (`data/`, truth.csv included; generated, or a committed folder such as
 * data-samples/) and the store they were ingested into (`store.duckdb`),
 * built once and cached outside git.
 *
 * The cache key is the world's settings plus a hash of every source file the
 * generator and the ingest reach (their relative imports, followed), and of
 * this file; a change to any of them builds the world again. A cached world
 * is checked byte for byte before it is used, and after the run
 * ({@link checkWorldUnchanged}): tests read a world, they never change it;
 * a test that needs to change one copies it first ({@link copyWorld}).
 *
 * This module must not import vitest: the global setup runs it outside the
 * test workers.
 */

import { GENERATE_DEFAULTS } from '../../src/config/defaults.js';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultMapping } from '../../src/config/mapping.js';
import { generateExtracts } from '../../src/generate/generate.js';
import { quoteField } from '../../src/io/csv-stream-writer.js';
import { openDuckDb } from '../../src/io/db.js';
import { findExtractFiles } from '../../src/store/extract-files.js';
import { ingestFiles } from '../../src/store/ingest.js';
import { fixedClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
import { parseCsv } from '../util/csv-records.js';

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Names from outside data that a spreadsheet would run as formulas, or a page as markup. */
export const HOSTILE_NAMES = ['=HYPERLINK("http://example.invalid","x")', '+7(495)000', '-2+3', '@SUM(A1:A9)', '<script>alert("x")</script> & Co'];

export interface GeneratedWorld {
  kind: 'generated';
  participants: number;
  months: number;
  seed: number;
  /** Declaration items per participant and month (generator default 6). */
  itemsPerMonth: number;
  /** Share of planted bad rows. */
  dirtyRate: number;
  /** Share of the active importers inspected in a year (generator default 0.03). */
  inspectionRate: number;
  /** Every other participant (by INN) gets one of {@link HOSTILE_NAMES} before ingest. */
  hostileNames: boolean;
  /** Why the tests need this world, and which use it. */
  usedBy: string;
}

/** The committed extracts of a folder of the repository, ingested as they are (the folder is `data`). */
export interface CommittedWorld {
  kind: 'committed';
  folder: string;
  usedBy: string;
}

export type WorldSpec = GeneratedWorld | CommittedWorld;

const generated = (spec: Omit<GeneratedWorld, 'kind' | 'itemsPerMonth' | 'dirtyRate' | 'inspectionRate' | 'hostileNames'> & Partial<GeneratedWorld>): GeneratedWorld => ({
  kind: 'generated',
  itemsPerMonth: 6,
  dirtyRate: 0.02,
  inspectionRate: 0.03,
  hostileNames: false,
  ...spec,
});

/** Every world of the scenario and quality tiers; the last month of the generated ones is 2026-06. */
export const WORLDS = {
  samples: { kind: 'committed', folder: 'data-samples', usedBy: 'the quality tier: score --model, evaluate and models with models/default (which the output guard shows is what training on it gives), and the export of examples' },
  small: generated({ participants: 200, months: 15, seed: 12, usedBy: 'the as-of test of score (on a copy), score from declarations alone, the per-month aggregates against the items (quality tier)' }),
  score: generated({ participants: 300, months: 15, seed: 11, usedBy: 'score runs, the feature export and the browser view of the report' }),
  plan: generated({ participants: 300, months: 15, seed: 23, dirtyRate: 0, hostileNames: true, usedBy: 'the inspection plan, with hostile names' }),
  items: generated({
    participants: 400,
    months: 18,
    seed: 11,
    // 15% of the importers a year (the default is 3%): enough labels at 400 participants for models to learn from.
    inspectionRate: 0.15,
    usedBy: 'item-level models, model examples, training without truth.csv, and score with a participant model that has trees',
  }),
  unseen: generated({ participants: 2000, months: 24, seed: 9001, usedBy: 'quality of the shipped risk profile on a seed never used for tuning' }),
  unseen2: generated({ participants: 2000, months: 24, seed: 9002, usedBy: 'the participant model against risk profile 1.4.0 at the samples\' scale' }),
  unseen3: generated({ participants: 2000, months: 24, seed: 9003, usedBy: 'the participant model against risk profile 1.4.0 at the samples\' scale' }),
  large: generated({ participants: 20_000, months: 36, seed: 31337, itemsPerMonth: 3, usedBy: 'the 20,000-participant floors of the quality tier' }),
} as const satisfies Record<string, WorldSpec>;

export type WorldName = keyof typeof WORLDS;

/** A built world: its folder, the extracts and truth.csv in `data`, the store. */
export interface World {
  name: WorldName;
  dir: string;
  data: string;
  store: string;
}

/** Where worlds are cached: `$CCRG_TEST_CACHE`, or `node_modules/.cache/ccrg-test` (outside git, gone with `npm ci`). */
export function cacheRoot(): string {
  return process.env['CCRG_TEST_CACHE'] ?? join(REPO_ROOT, 'node_modules', '.cache', 'ccrg-test');
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/g;

/** The source files reachable from `entries` through relative imports, sorted. */
export async function sourceClosure(entries: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const target = resolve(dirname(file), (match[1] as string).replace(/\.js$/, '.ts'));
      if (existsSync(target)) queue.push(target);
    }
  }
  return [...seen].sort();
}

let keyOfCode: Promise<string> | null = null;

/** Hash of the code that makes a world: the generator's and the ingest's sources, and this file. */
function codeKey(): Promise<string> {
  keyOfCode ??= (async () => {
    const files = await sourceClosure([
      join(REPO_ROOT, 'src', 'generate', 'generate.ts'),
      join(REPO_ROOT, 'src', 'store', 'ingest.ts'),
      join(REPO_ROOT, 'src', 'store', 'extract-files.ts'),
      fileURLToPath(import.meta.url),
    ]);
    const hash = createHash('sha256');
    for (const file of files) hash.update(relative(REPO_ROOT, file)).update('\0').update(await readFile(file)).update('\0');
    return hash.digest('hex');
  })();
  return keyOfCode;
}

/** The folder a world is cached in (whether built or not). */
export async function worldDir(name: WorldName): Promise<string> {
  const { usedBy: _ignored, ...spec }: WorldSpec = WORLDS[name];
  const hash = createHash('sha256').update(JSON.stringify(spec)).update(await codeKey());
  // A committed world also changes with its files.
  if (spec.kind === 'committed') for (const [file, sum] of Object.entries(await sumsOf(join(REPO_ROOT, spec.folder)))) hash.update(`${file}\0${sum}\0`);
  const label = spec.kind === 'generated' ? `seed${spec.seed}` : spec.folder;
  return join(cacheRoot(), 'worlds', `${name}-${label}-${hash.digest('hex').slice(0, 16)}`);
}

function worldAt(name: WorldName, dir: string): World {
  const spec: WorldSpec = WORLDS[name];
  return { name, dir, data: spec.kind === 'committed' ? join(REPO_ROOT, spec.folder) : join(dir, 'data'), store: join(dir, 'store.duckdb') };
}

const SUMS = 'sha256sums.json';

async function filesUnder(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true });
  const files: string[] = [];
  for (const name of names.sort()) if (name !== SUMS && (await stat(join(dir, name))).isFile()) files.push(name);
  return files;
}

async function sumsOf(dir: string): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const name of await filesUnder(dir)) sums[name] = createHash('sha256').update(await readFile(join(dir, name))).digest('hex');
  return sums;
}

/** The files of a cached world that differ from when it was built (added, removed or changed). */
export async function changedWorldFiles(dir: string): Promise<string[]> {
  const recorded = JSON.parse(await readFile(join(dir, SUMS), 'utf8')) as Record<string, string>;
  const now = await sumsOf(dir);
  const names = [...new Set([...Object.keys(recorded), ...Object.keys(now)])].sort();
  return names.filter((n) => recorded[n] !== now[n]);
}

async function giveHostileNames(data: string): Promise<void> {
  const path = join(data, 'participants.csv');
  const [header, ...rows] = parseCsv(await readFile(path, 'utf8'));
  const nameAt = header?.fields.indexOf('name') ?? -1;
  const innAt = header?.fields.indexOf('inn') ?? -1;
  const inns = [...new Set(rows.map((r) => r.fields[innAt] as string))].sort();
  const hostile = new Map(inns.map((inn, i) => [inn, i % 2 === 0 ? HOSTILE_NAMES[(i / 2) % HOSTILE_NAMES.length] : undefined]));
  const lines = [header?.fields.map(quoteField).join(',') ?? ''];
  for (const r of rows) {
    const fields = [...r.fields];
    fields[nameAt] = hostile.get(fields[innAt] as string) ?? (fields[nameAt] as string);
    lines.push(fields.map(quoteField).join(','));
  }
  await writeFile(path, `${lines.join('\n')}\n`);
}

/** Generates a world's extracts into `dir/data` (or takes the committed folder) and ingests them into `dir/store.duckdb`. */
async function makeWorld(spec: WorldSpec, dir: string): Promise<void> {
  const data = spec.kind === 'committed' ? join(REPO_ROOT, spec.folder) : join(dir, 'data');
  if (spec.kind === 'generated') await makeExtracts(spec, data);
  const db = await openDuckDb(join(dir, 'store.duckdb'));
  try {
    await ingestFiles(db, { inputs: await findExtractFiles(data), mapping: defaultMapping(), dryRun: false, maxRejectShare: null }, fixedClock('2026-11-26'), memoryLogger());
  } finally {
    db.close();
  }
}

async function makeExtracts(spec: GeneratedWorld, data: string): Promise<void> {
  await generateExtracts(
    { participants: spec.participants, months: spec.months, end: '2026-06', seed: spec.seed, outDir: data, gzip: false, monthly: false, itemsPerMonth: spec.itemsPerMonth, dirtyRate: spec.dirtyRate, inspectionRate: spec.inspectionRate, traceablePrefixes: GENERATE_DEFAULTS.traceablePrefixes },
    memoryLogger(),
  );
  if (spec.hostileNames) await giveHostileNames(data);
}

/**
 * The world, built if it is not cached yet (in a fresh folder renamed into
 * place, so a killed build leaves nothing half made). A cached world whose
 * files changed since it was built is built again.
 */
export async function buildWorld(name: WorldName): Promise<World & { built: boolean; seconds: number }> {
  const dir = await worldDir(name);
  const started = Date.now();
  if (existsSync(join(dir, SUMS))) {
    if ((await changedWorldFiles(dir)).length === 0) return { ...worldAt(name, dir), built: false, seconds: (Date.now() - started) / 1000 };
    await rm(dir, { recursive: true, force: true });
  }
  const staging = `${dir}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(staging, { recursive: true });
  try {
    await makeWorld(WORLDS[name], staging);
    await writeFile(join(staging, SUMS), JSON.stringify(await sumsOf(staging), null, 1));
    try {
      await rename(staging, dir);
    } catch (error) {
      // Another process put the same world in place first: keep its copy.
      if (!existsSync(join(dir, SUMS))) throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { ...worldAt(name, dir), built: true, seconds: (Date.now() - started) / 1000 };
}

/** Throws when a test changed a cached world (tests must copy a world before changing it). */
export async function checkWorldUnchanged(name: WorldName): Promise<void> {
  const dir = await worldDir(name);
  if (!existsSync(join(dir, SUMS))) return;
  const changed = await changedWorldFiles(dir);
  if (changed.length > 0) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`a test changed the cached world "${name}" (${changed.join(', ')}); tests must copy a world (copyWorld) before changing it. The world was removed and will be built again.`);
  }
}

/** A private copy of a world in `into` (a temporary folder), for a test that changes files or the store. */
export async function copyWorld(world: World, into: string): Promise<World> {
  await cp(world.data, join(into, 'data'), { recursive: true });
  await cp(world.store, join(into, 'store.duckdb'));
  return { name: world.name, dir: into, data: join(into, 'data'), store: join(into, 'store.duckdb') };
}
