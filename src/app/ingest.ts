/** `ccrg ingest` and `ccrg validate`: validate extracts and load their good rows into the store. */
import { INGEST_DEFAULTS, STORE_DEFAULT } from '../config/defaults.js';
import { loadMapping } from '../config/load-mapping.js';
import { defaultMapping } from '../config/mapping.js';
import { checkWritableFile, writeFileAtomic } from '../io/csv-write.js';
import { openDuckDb } from '../io/db.js';
import { formatIngestSummary } from '../report/ingest-summary.js';
import { rejectsCsv } from '../run-folder/rejects.js';
import { ingestFiles, type IngestInput, type IngestResult } from '../store/ingest.js';
import { makeTempDir } from '../io/temp.js';
import { prepareFilledTemplate, readPlanForOutcomes, type FilledTemplate } from './ingest-outcomes.js';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../util/clock.js';
import { RejectShareError, UsageError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { engineOf, inputsOf, type EngineOptions, type FileOptions } from './store.js';

/** The options of `ingest` and `validate`, as the user gives them. */
export interface IngestOptions extends FileOptions, EngineOptions {
  store?: string;
  /** The plan folder the --outcomes files are filled templates of (src/app/ingest-outcomes.ts). */
  plan?: string;
  rejects?: string;
  'max-reject-share'?: number;
}

/** What an ingest did, its summary table for the terminal, and the failure to report after it (exit 3). */
export interface IngestRun {
  result: IngestResult;
  text: string;
  /** Set when a file rejected more than `--max-reject-share`: nothing was stored. */
  failure: RejectShareError | null;
}

/**
 * Validates the given extracts and stores their good rows (`dryRun`: stores
 * nothing, the `validate` command); writes the rejects file where asked.
 * A file rejecting more than `--max-reject-share` fails the whole ingest
 * with exit 3, storing nothing.
 */
export async function ingest(options: IngestOptions, dryRun: boolean, clock: Clock, logger: Logger): Promise<IngestRun> {
  if (options.plan === undefined) return ingestInputs(options, await inputsOf(options), null, dryRun, clock, logger);
  const filled = options.outcomes ?? [];
  if (filled.length === 0) throw new UsageError('--plan reads filled outcomes templates: give them with --outcomes FILLED.csv|FILLED.xlsx');
  const plan = await readPlanForOutcomes(options.plan);
  const scratch = await makeTempDir('outcomes');
  try {
    const templates: { input: IngestInput; template: FilledTemplate }[] = [];
    for (const [i, file] of filled.entries()) {
      const template = await prepareFilledTemplate(file, plan, join(scratch, `filled-${i}.csv`));
      templates.push({ input: { extract: 'outcomes', file: template.copy, shownAs: file, refused: template.refused }, template });
    }
    const others = await inputsOf({ ...options, outcomes: [] });
    return await ingestInputs(options, [...others, ...templates.map((t) => t.input)], { planId: plan.planId, templates }, dryRun, clock, logger);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** What the filled templates of an ingest with --plan left open. */
interface TemplateRun {
  planId: string;
  templates: { input: IngestInput; template: FilledTemplate }[];
}

/** How many open rows are listed by id; the rest are counted. */
const OPEN_LISTED = 20;

/** The open rows of the filled templates, for the terminal. */
function openText(run: TemplateRun): string {
  const lines: string[] = [];
  for (const { input, template } of run.templates) {
    const { open } = template;
    if (open.length === 0) {
      lines.push(`${input.shownAs ?? input.file}: every planned row of plan ${run.planId} in it has a result`);
      continue;
    }
    lines.push(`${input.shownAs ?? input.file}: ${open.length} planned ${open.length === 1 ? 'row has' : 'rows have'} no result yet (open, not rejected):`);
    for (const row of open.slice(0, OPEN_LISTED)) lines.push(`  line ${row.line}: ${row.inspectionId} (${row.kind || 'inspection'}, INN ${row.inn})`);
    if (open.length > OPEN_LISTED) lines.push(`  ... and ${open.length - OPEN_LISTED} more`);
  }
  return lines.join('\n');
}

async function ingestInputs(options: IngestOptions, inputs: IngestInput[], templates: TemplateRun | null, dryRun: boolean, clock: Clock, logger: Logger): Promise<IngestRun> {
  if (inputs.length === 0) throw new UsageError('Name at least one input file (e.g. --declarations FILE) or a folder with --dir');
  const share = options['max-reject-share'] ?? null;
  if (share !== null && (!Number.isFinite(share) || share < 0 || share > 1)) throw new UsageError(`--max-reject-share must be a share between 0 and 1, got ${String(share)}`);
  const engine = engineOf(options, {});
  const store = options.store ?? (dryRun ? INGEST_DEFAULTS.validateStore : STORE_DEFAULT);
  // validate stores nothing and writes only where asked.
  const rejectsPath = options.rejects ?? (dryRun ? null : INGEST_DEFAULTS.rejectsPath);
  const mapping = options.mapping === undefined ? defaultMapping() : await loadMapping(options.mapping);
  // The rejects are written after the rows are committed: a path that cannot take them is refused first.
  if (rejectsPath !== null) await checkWritableFile(rejectsPath, '--rejects');
  const db = await openDuckDb(store, engine);
  let result: IngestResult;
  try {
    result = await ingestFiles(db, { inputs, mapping, dryRun, maxRejectShare: share }, clock, logger);
    if (rejectsPath !== null) await writeFileAtomic(rejectsPath, rejectsCsv(result.rejects));
  } finally {
    db.close();
  }
  const over = result.rejectShareExceeded;
  const failure =
    over === null ? null : new RejectShareError(`${over.file}: ${over.rejected} of ${over.recordsRead} records rejected, above --max-reject-share ${String(share)}`);
  if (templates !== null) {
    // The open rows of a filled template are blank lines of its copy: they are reported as open, not as blank lines.
    for (const { input, template } of templates.templates) {
      const report = result.files.find((f) => f.file === input.shownAs && f.extract === 'outcomes');
      if (report !== undefined) report.blankLines = Math.max(0, report.blankLines - template.open.length);
    }
  }
  const summary = formatIngestSummary(result, { dryRun, rejectsPath });
  return { result, text: templates === null ? summary : `${summary}\n\n${openText(templates)}`, failure };
}
