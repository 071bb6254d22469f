import { GENERATE_DEFAULTS } from '../../src/config/defaults.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateExtracts } from '../../src/generate/generate.js';
import { findExtractFiles } from '../../src/store/extract-files.js';
import { memoryLogger } from '../../src/util/logger.js';
import { ingestInto, memoryStore, tempDir } from '../util/fixtures.js';

async function dirtyRows(dir: string): Promise<string[]> {
  const text = await readFile(join(dir, 'dirty.csv'), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').join(' '))
    .sort();
}

describe('generate, then ingest', () => {
  for (const monthly of [false, true]) {
    it(`rejects exactly the planted bad rows of dirty.csv (${monthly ? 'monthly files' : 'gzip files'})`, async () => {
      const dir = await tempDir();
      await generateExtracts(
        { participants: 150, months: 6, end: '2026-06', seed: 7, outDir: dir, gzip: !monthly, monthly, itemsPerMonth: 4, dirtyRate: 0.08, traceablePrefixes: GENERATE_DEFAULTS.traceablePrefixes },
        memoryLogger(),
      );
      const db = await memoryStore();
      const result = await ingestInto(db, await findExtractFiles(dir));
      const rejected = [...new Set(result.rejects.map((r) => `${r.file} ${r.line} ${r.code}`))].sort();
      expect(rejected).toEqual(await dirtyRows(dir));
      for (const file of result.files) expect(file.recordsRead).toBe(file.accepted + file.rejected);
      const codes = new Set(result.rejects.map((r) => r.code));
      expect(codes.size).toBeGreaterThanOrEqual(15);
    });
  }
});
