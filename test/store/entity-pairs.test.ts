import { describe, expect, it } from 'vitest';
import { mappingFromText } from '../../src/config/load-mapping.js';
import { defaultMapping, type Mapping } from '../../src/config/mapping.js';
import type { ExtractId } from '../../src/contract/extracts.js';
import type { Db } from '../../src/io/db.js';
import { readEntityPairs } from '../../src/store/entity-pairs.js';
import { ingestFiles } from '../../src/store/ingest.js';
import { fixedClock } from '../../src/util/clock.js';
import { memoryLogger } from '../../src/util/logger.js';
import { TODAY, extractCsv, fixtureFile, memoryStore } from '../util/fixtures.js';

/** A mapping whose declarations have the given `entity_pairs` YAML (flow style), or none. */
const mappingWith = (pairs: string | null): Mapping =>
  pairs === null ? defaultMapping() : mappingFromText(`version: 1\nextracts:\n  declarations:\n    entity_pairs: ${pairs}\n`, 'mapping.yaml');

/** Ingests one file of `extract` (a valid row) with `mapping`; returns the log lines. */
async function ingest(db: Db, extract: ExtractId, mapping: Mapping, options: { dryRun?: boolean; row?: Record<string, string> } = {}): Promise<string[]> {
  const logger = memoryLogger();
  const file = await fixtureFile(`${extract}.csv`, extractCsv(extract, [options.row ?? {}]));
  await ingestFiles(db, { inputs: [{ extract, file }], mapping, dryRun: options.dryRun ?? false, maxRejectShare: null }, fixedClock(TODAY), logger);
  return logger.lines.filter((line) => line.includes('entity pairs'));
}

const OFFICE_IMPORTER = [{ kind: 'column', column: 'customs_office' }, { kind: 'column', column: 'importer_inn' }];

describe('the store\'s entity pairs', () => {
  it('are the built-in pairs in a store whose declarations mapping has none: no meta key', async () => {
    const db = await memoryStore();
    expect(await ingest(db, 'declarations', defaultMapping())).toEqual([]);
    expect(await readEntityPairs(db)).toEqual({ add: [], remove: [] });
    expect(await db.all(`SELECT * FROM meta WHERE key = 'entity_pairs'`)).toEqual([]);
  });

  it('keep the pairs of the latest declarations ingest, warning when a store with declarations changes', async () => {
    const db = await memoryStore();
    const first = mappingWith('{ add: [[customs_office, importer_inn]], remove: [hs10_origin] }');
    // A fresh store: said, not warned.
    expect(await ingest(db, 'declarations', first)).toEqual([
      "the item model's entity pairs are now add [customs_office, importer_inn]; remove hs10_origin (this declarations ingest's mapping, entity_pairs), before the built-in pairs",
    ]);
    expect(await readEntityPairs(db)).toEqual({ add: [OFFICE_IMPORTER], remove: ['hs10_origin'] });
    expect(JSON.parse(String((await db.all(`SELECT value FROM meta WHERE key = 'entity_pairs'`))[0]?.['value']))).toEqual({ add: [OFFICE_IMPORTER], remove: ['hs10_origin'] });

    // The same setting again, and another extract's ingest without the key: nothing changes.
    expect(await ingest(db, 'declarations', first, { row: { decl_id: '10702030/150324/3000002' } })).toEqual([]);
    expect(await ingest(db, 'participants', defaultMapping())).toEqual([]);
    expect(await readEntityPairs(db)).toEqual({ add: [OFFICE_IMPORTER], remove: ['hs10_origin'] });

    // A dry run stores nothing.
    await ingest(db, 'declarations', mappingWith('{ remove: [importer_hs6] }'), { dryRun: true, row: { decl_id: '10702030/150324/3000003' } });
    expect(await readEntityPairs(db)).toEqual({ add: [OFFICE_IMPORTER], remove: ['hs10_origin'] });

    // Another mapping replaces it, even when the file was ingested before and is skipped.
    expect(await ingest(db, 'declarations', mappingWith('{ remove: [importer_hs6] }'))).toEqual([
      "warning: the item model's entity pairs are now remove importer_hs6 (this declarations ingest's mapping, entity_pairs), before add [customs_office, importer_inn]; remove hs10_origin; an item model trained before is refused where its features differ: train it again",
    ]);
    expect(await readEntityPairs(db)).toEqual({ add: [], remove: ['importer_hs6'] });

    // A declarations mapping without the key goes back to the built-in pairs.
    expect(await ingest(db, 'declarations', defaultMapping())).toEqual([
      "warning: the item model's entity pairs are now the built-in pairs (this declarations ingest's mapping, entity_pairs), before remove importer_hs6; an item model trained before is refused where its features differ: train it again",
    ]);
    expect(await db.all(`SELECT * FROM meta WHERE key = 'entity_pairs'`)).toEqual([]);
  });

  it('refuse a stored setting ingest did not write, naming it', async () => {
    const db = await memoryStore();
    await ingest(db, 'participants', defaultMapping());
    await db.run(`INSERT INTO meta VALUES ('entity_pairs', '{"add": [[{"kind": "column", "column": "decl_id"}, {"kind": "hs", "digits": 4}]], "remove": []}')`);
    await expect(readEntityPairs(db)).rejects.toThrow(
      'The store\'s meta key "entity_pairs" holds "{\\"add\\": [[{\\"kind\\": \\"column\\", \\"column\\": \\"decl_id\\"}, {\\"kind\\": \\"hs\\", \\"digits\\": 4}]], \\"remove\\": []}", whose part {"kind":"column","column":"decl_id"} is not a column, an HS prefix or an extra column; expected the JSON ingest writes; ingest the declarations again with the mapping',
    );
  });
});
