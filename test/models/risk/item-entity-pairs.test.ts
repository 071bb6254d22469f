import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SCORE_DEFAULTS } from '../../../src/config/defaults.js';
import { mappingFromText } from '../../../src/config/load-mapping.js';
import type { Mapping } from '../../../src/config/mapping.js';
import type { Db } from '../../../src/io/db.js';
import { itemExampleFeatures, itemExamples, itemFeatureSet } from '../../../src/models/risk/item-examples.js';
import { fixtureFile, ingestInto, memoryStore } from '../../util/fixtures.js';

const MAPPING = new URL('../../../docs/examples/mapping-generic.yaml', import.meta.url).pathname;
const HEADER =
  '"Declaration ID","Date","Office ID","Process Type","Import Type","Import Use","Payment Type","Mode of Transport","Declarant ID","Importer ID","Seller ID","Courier ID","HS10 Code","Country of Departure","Country of Origin","Tax Rate","Tax Type","Country of Origin Indicator","Net Mass","Item Price","Fraud","Critical Fraud"';
const row = (decl: string, date: string, office: string, importer: string, fraud: 0 | 1): string =>
  `${decl},${date},${office},B,11,21,11,40,DECT9,${importer},SEL1,CR1,9503000000,US,US,8,C,Y,22.3,207370,${fraud},0`;

/** The generic example mapping, with its commented entity_pairs example switched on or not. */
async function genericMapping(withPairs: boolean): Promise<Mapping> {
  const text = await readFile(MAPPING, 'utf8');
  const example = /^ {4}# entity_pairs:\n {4}# {3}add: .*\n {4}# {3}remove: .*\n/m;
  expect(text).toMatch(example);
  return mappingFromText(withPairs ? text.replace(example, (lines) => lines.replaceAll('    # ', '    ')) : text, MAPPING);
}

/**
 * Items released 2024-01-10 (labels known 90 days later): office OF1 with
 * importer IMPA twice (both violations) and IMPB once (clean), OF2 with
 * IMPA (clean); then items released 2024-06-10: OF1 × IMPA, OF1 × IMPC
 * (an importer never seen at the office), OF2 × IMPB.
 */
async function store(mapping: Mapping): Promise<Db> {
  const db = await memoryStore();
  const rows = [
    row('D1', '2024-01-10', 'OF1', 'IMPA', 1),
    row('D2', '2024-01-10', 'OF1', 'IMPA', 1),
    row('D3', '2024-01-10', 'OF1', 'IMPB', 0),
    row('D4', '2024-01-10', 'OF2', 'IMPA', 0),
    row('D5', '2024-06-10', 'OF1', 'IMPA', 0),
    row('D6', '2024-06-10', 'OF1', 'IMPC', 1),
    row('D7', '2024-06-10', 'OF2', 'IMPB', 0),
  ];
  const file = await fixtureFile('declarations.csv', `${[HEADER, ...rows].join('\n')}\n`);
  const result = await ingestInto(db, [{ extract: 'declarations', file }], { mapping });
  expect(result.rejects).toEqual([]);
  return db;
}

describe('item features with a mapping\'s entity pairs', () => {
  it('add the pairs the mapping adds after today\'s features and leave out those it removes', async () => {
    const today = (await itemFeatureSet(await store(await genericMapping(false)))).features;
    const db = await store(await genericMapping(true));
    const set = await itemFeatureSet(db);
    const added = ['hist_pair_customs_office_importer_inn_rate', 'hist_pair_customs_office_importer_inn_n', 'hist_pair_Mode of Transport_hs4_rate', 'hist_pair_Mode of Transport_hs4_n'];
    expect(today).toContain('hist_hs10_origin_rate');
    expect(today.some((f) => f.startsWith('hist_pair_'))).toBe(false);
    expect(set.features).toEqual([...today.filter((f) => !f.startsWith('hist_hs10_origin_')), ...added]);
    expect(set.rates.entities.find((e) => e.id === 'pair_customs_office_importer_inn')?.parent).toBe('customs_office');
    expect(set.rates.entities.find((e) => e.id === 'pair_Mode of Transport_hs4')?.parent).toBe('extra_Mode of Transport');

    const examples = await itemExamples(db, { from: '2024-06', to: '2024-06' });
    expect(examples.map((e) => e.declId)).toEqual(['D5', 'D6', 'D7']);
    const { values } = await itemExampleFeatures(db, examples, set, SCORE_DEFAULTS);
    const n = set.features.length;
    const at = (i: number, feature: string): number => values[i * n + set.features.indexOf(feature)] as number;
    // Known before 2024-06-10: the four January labels, prior 2/4; m = 20.
    // OF1: n 3, v 2 -> (2 + 20 · 0.5) / 23 = 12/23. OF1 × IMPA: n 2, v 2 -> (2 + 20 · 12/23) / 22 = 13/23.
    expect(at(0, 'hist_pair_customs_office_importer_inn_n')).toBe(2);
    expect(at(0, 'hist_pair_customs_office_importer_inn_rate')).toBeCloseTo(13 / 23, 6);
    // An importer new at the office falls back to the office's rate, not to a made-up value.
    expect(at(1, 'hist_pair_customs_office_importer_inn_n')).toBe(0);
    expect(at(1, 'hist_pair_customs_office_importer_inn_rate')).toBeCloseTo(12 / 23, 6);
    expect(at(1, 'hist_customs_office_rate')).toBeCloseTo(12 / 23, 6);
    // OF2 × IMPB, never seen: OF2's rate, n 1, clean: (0 + 10) / 21.
    expect(at(2, 'hist_pair_customs_office_importer_inn_rate')).toBeCloseTo(10 / 21, 6);
    // Every January item shares the transport mode and the heading.
    expect(at(0, 'hist_pair_Mode of Transport_hs4_n')).toBe(4);
  });
});
