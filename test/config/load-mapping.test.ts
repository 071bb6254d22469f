import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadMapping, mappingFromText, sourceColumnFor, templateParts } from '../../src/config/load-mapping.js';
import { defaultExtractMapping, type ExtractMapping } from '../../src/config/mapping.js';
import { mappingSchema } from '../../src/config/mapping-schema.js';
import { ConfigError } from '../../src/util/errors.js';

const repo = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** The message of the ConfigError thrown by parsing `text` as mapping.yaml. */
function errorOf(text: string): string {
  try {
    mappingFromText(text, 'mapping.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;

describe('mappingFromText: resolution', () => {
  it('gives every extract the built-in defaults when the file has only a version', () => {
    const mapping = mappingFromText('version: 1\n', 'mapping.yaml');
    expect(mapping.source).toBe('mapping.yaml');
    expect(mapping.sha256).toBeNull();
    expect(Object.keys(mapping.extracts).sort()).toEqual(['declarations', 'eaeu_imports', 'item_outcomes', 'outcomes', 'participants', 'tax_answers', 'tax_returns', 'tax_signals', 'traceability']);
    for (const extract of Object.values(mapping.extracts)) expect(extract).toEqual(defaultExtractMapping());
  });

  it('applies file defaults to extracts absent from the file', () => {
    const mapping = mappingFromText(
      lines('version: 1', 'defaults:', '  decimal_separator: ","', '  date_format: "%d.%m.%Y"', '  currency: KZT', '  jurisdiction: generic'),
      'mapping.yaml',
    );
    expect(mapping.extracts.outcomes).toEqual<ExtractMapping>({
      ...defaultExtractMapping(),
      decimalSeparator: ',',
      dateFormat: '%d.%m.%Y',
      currency: 'KZT',
      jurisdiction: 'generic',
    });
  });

  it('lets an extract override the file defaults and keeps the rest', () => {
    const mapping = mappingFromText(
      lines('version: 1', 'defaults: { encoding: windows-1251, delimiter: ";" }', 'extracts:', '  declarations:', '    encoding: utf-8', '    date_format: null'),
      'mapping.yaml',
    );
    expect(mapping.extracts.declarations.encoding).toBe('utf-8');
    expect(mapping.extracts.declarations.delimiter).toBe(';');
    expect(mapping.extracts.declarations.dateFormat).toBeNull();
    expect(mapping.extracts.participants.encoding).toBe('windows-1251');
  });

  it('takes the top-level jurisdiction as the default jurisdiction', () => {
    const mapping = mappingFromText(lines('version: 1', 'jurisdiction: generic', 'extracts:', '  tax_returns: { jurisdiction: ru }'), 'mapping.yaml');
    expect(mapping.extracts.declarations.jurisdiction).toBe('generic');
    expect(mapping.extracts.tax_returns.jurisdiction).toBe('ru');
  });

  it('normalises encoding aliases to utf-8 and windows-1251', () => {
    const encodingOf = (spelling: string): string =>
      mappingFromText(lines('version: 1', `defaults: { encoding: ${spelling} }`), 'm.yaml').extracts.declarations.encoding;
    expect(['cp1251', 'win1251', 'CP1251', 'Windows-1251'].map(encodingOf)).toEqual(Array(4).fill('windows-1251'));
    expect(['utf8', 'UTF-8'].map(encodingOf)).toEqual(['utf-8', 'utf-8']);
  });

  it('normalises delimiter words to the character', () => {
    const delimiterOf = (spelling: string): string =>
      mappingFromText(lines('version: 1', `defaults: { delimiter: ${spelling} }`), 'm.yaml').extracts.declarations.delimiter;
    expect(['comma', 'semicolon', 'tab', 'pipe', '"\\t"', "'\\t'", 'auto'].map(delimiterOf)).toEqual([',', ';', '\t', '|', '\t', '\t', 'auto']);
  });

  it('resolves columns, values, derive, extras and labels into camelCase fields', () => {
    const mapping = mappingFromText(
      lines(
        'version: 1',
        'extracts:',
        '  declarations:',
        '    columns: { ND: decl_id, G32: item_no }',
        '    values: { PERIOD: { "21": Q1 } }',
        '    derive: { release_date: "{GOD}-{MM}-{DD}" }',
        '    extra_categorical: [transport_mode]',
        '    extra_numeric: [tax_rate]',
        '    labels: { violation: fraud_flag }',
      ),
      'mapping.yaml',
    );
    const declarations = mapping.extracts.declarations;
    expect(declarations.columns).toEqual({ ND: 'decl_id', G32: 'item_no' });
    expect(declarations.values).toEqual({ PERIOD: { '21': 'Q1' } });
    expect(declarations.derive).toEqual({ release_date: '{GOD}-{MM}-{DD}' });
    expect(declarations.extraCategorical).toEqual(['transport_mode']);
    expect(declarations.extraNumeric).toEqual(['tax_rate']);
    expect(declarations.labels).toEqual({ violation: 'fraud_flag', additionalCharges: null, lagDays: 0 });
  });
});

describe('mappingFromText: structure errors', () => {
  it('rejects a missing version', () => {
    expect(errorOf('defaults: {}\n')).toBe('mapping.yaml: version: missing; expected 1; add "version: 1" as the first line');
  });

  it('rejects a version other than 1 with its position', () => {
    expect(errorOf('version: 2\n')).toBe('mapping.yaml:1:10: version: 2 is not supported; expected 1, the only mapping format version this ccrg reads');
  });

  it('rejects an empty file', () => {
    expect(errorOf('')).toBe('mapping.yaml: version: missing: the file is empty; expected at least "version: 1"');
  });

  it('reports a YAML syntax error with line and column', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  declarations:', '    columns:', '      ND: decl_id', '     G32: item_no'))).toBe(
      'mapping.yaml:6:1: YAML syntax error: All mapping items must start at the same column; check the indentation and quoting there (quote text containing ": " or " #")',
    );
  });

  it('reports a duplicate key as a YAML error at the second key', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  declarations:', '    columns:', '      ND: decl_id', '      ND: item_no'))).toBe(
      'mapping.yaml:6:7: YAML syntax error: Map keys must be unique; check the indentation and quoting there (quote text containing ": " or " #")',
    );
  });

  it('reports a bare comma as a YAML error without repeating the position', () => {
    expect(errorOf(lines('version: 1', 'defaults:', '  decimal_separator: ,'))).toBe(
      'mapping.yaml:3:22: YAML syntax error: Plain value cannot start with flow indicator character ,; check the indentation and quoting there (quote text containing ": " or " #")',
    );
  });

  it('rejects an unknown key naming it and the allowed keys', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  declarations:', '    column: {}'))).toBe(
      'mapping.yaml:4:5: extracts.declarations.column: unknown key "column"; expected one of: encoding, delimiter, decimal_separator, date_format, currency, jurisdiction, columns, values, derive, extra_categorical, extra_numeric, labels, entity_pairs; check the spelling or remove it',
    );
  });

  it('rejects an unknown extract', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  declaration: {}'))).toBe(
      'mapping.yaml:3:3: extracts.declaration: unknown extract "declaration"; expected one of: declarations, tax_returns, participants, outcomes, item_outcomes, tax_signals, tax_answers, traceability, eaeu_imports; check the spelling or remove it',
    );
  });

  it('rejects an encoding outside the allowed spellings', () => {
    expect(errorOf(lines('version: 1', 'defaults:', '  encoding: latin1'))).toBe(
      'mapping.yaml:3:13: defaults.encoding: "latin1" is not allowed; expected one of: "utf-8", "windows-1251", "utf8", "UTF-8", "UTF8", "cp1251", "CP1251", "win1251", "Windows-1251", "WINDOWS-1251"',
    );
  });

  it('rejects a currency that is not 3 capital letters', () => {
    expect(errorOf(lines('version: 1', 'defaults: { currency: rub }'))).toBe(
      'mapping.yaml:2:23: defaults.currency: "rub" is not allowed; expected 3 capital letters (ISO 4217 currency of the money columns), e.g. RUB',
    );
  });

  it('asks to quote a value map replacement YAML reads as a number', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  participants:', '    values: { AEO: { "yes": 1 } }'))).toBe(
      'mapping.yaml:4:29: extracts.participants.values.AEO.yes: 1 has the wrong type; expected a string; quote it ("1") so it is read as text',
    );
  });

  it('rejects a negative lag_days', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  declarations:', '    labels: { violation: F, lag_days: -1 }'))).toBe(
      'mapping.yaml:4:39: extracts.declarations.labels.lag_days: -1 is too small; expected at least 0',
    );
  });

  it('rejects an extra column listed twice', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  declarations:', '    extra_numeric: [a, b, a]'))).toBe(
      'mapping.yaml:4:27: extracts.declarations.extra_numeric[2]: "a" is listed twice (also at index 0); expected each column once; remove the duplicate',
    );
  });

  it('quotes keys with spaces in the path', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  declarations:', '    columns: { "Declaration ID": 7 }'))).toContain(
      'extracts.declarations.columns."Declaration ID": 7 has the wrong type; expected a string',
    );
  });

  it('reports every problem, one per line', () => {
    const message = errorOf(lines('version: 1', 'defaults: { currency: rub, delimiter: x }'));
    expect(message.split('\n')).toHaveLength(2);
  });
});

describe('mappingFromText: contract errors', () => {
  it('rejects a contract column that is not in the extract', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  item_outcomes:', '    columns:', '      ITEM: item_number'))).toBe(
      'mapping.yaml:5:13: extracts.item_outcomes.columns.ITEM: "item_number" is not a column of item_outcomes; expected one of: inspection_id, decl_id, item_no, violation, additional_charges_rub; to keep a non-contract column, list "ITEM" under extra_categorical or extra_numeric instead',
    );
  });

  it('rejects two source columns mapped to the same contract column', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  declarations:', '    columns:', '      ND: decl_id', '      NUM: decl_id'))).toBe(
      'mapping.yaml:6:12: extracts.declarations.columns.NUM: "decl_id" is already supplied by source column "ND"; expected each contract column at most once; remove one of the two entries',
    );
  });

  it('rejects a contract column that is both mapped and derived', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  tax_returns:', '    columns: { PER: tax_period }', '    derive: { tax_period: "{Y}-{Q}" }'))).toBe(
      'mapping.yaml:5:15: extracts.tax_returns.derive.tax_period: "tax_period" is both derived and mapped from source column "PER" (columns); expected one source per contract column; remove the columns entry or the derive entry',
    );
  });

  it('rejects deriving a column the extract does not have', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  outcomes:', '    derive: { period: "{Y}" }'))).toContain(
      'mapping.yaml:4:15: extracts.outcomes.derive.period: "period" is not a column of outcomes; expected one of: inspection_id, inn, ',
    );
  });

  it('rejects a derive template without a source column', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  tax_returns:', '    derive: { tax_period: "2024-Q1" }'))).toBe(
      'mapping.yaml:4:27: extracts.tax_returns.derive.tax_period: "2024-Q1" references no source column; expected at least one {SOURCE COLUMN}, e.g. "{YEAR}-{PERIOD}"; for a constant, use a value map or the column\'s default',
    );
  });

  it('rejects a derive template with unbalanced braces', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  tax_returns:', '    derive: { tax_period: "{Y}-{Q" }'))).toBe(
      'mapping.yaml:4:27: extracts.tax_returns.derive.tax_period: "{Y}-{Q" is not a valid template: "{" at character 5 is not closed; expected text with {SOURCE COLUMN} references, e.g. "{YEAR}-{PERIOD}"',
    );
    expect(errorOf(lines('version: 1', 'extracts:', '  tax_returns:', '    derive: { tax_period: "{Y}}" }'))).toContain(
      'extracts.tax_returns.derive.tax_period: "{Y}}" is not a valid template: "}" at character 4 has no matching "{"',
    );
  });

  it('rejects labels outside declarations', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  tax_returns:', '    labels: { violation: F }'))).toBe(
      'mapping.yaml:4:5: extracts.tax_returns.labels: labels are read only for declarations, not tax_returns; remove the key (move it under extracts.declarations)',
    );
  });

  it('rejects labels that name no column', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  declarations:', '    labels: { lag_days: 30 }'))).toBe(
      'mapping.yaml:4:5: extracts.declarations.labels: names no label column; expected violation or additional_charges (or both); add one or remove labels',
    );
  });

  it('rejects an extra column that is also mapped to a contract column', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  declarations:', '    columns: { MODE: procedure }', '    extra_categorical: [MODE]'))).toBe(
      'mapping.yaml:5:25: extracts.declarations.extra_categorical[0]: "MODE" is mapped to contract column "procedure" (columns); expected extra columns to be outside the contract; remove it from extra_categorical or from columns',
    );
  });

  it('rejects an extra column named like a contract column', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  declarations:', '    extra_numeric: [duty_rub]'))).toBe(
      'mapping.yaml:4:21: extracts.declarations.extra_numeric[0]: "duty_rub" is a contract column of declarations; expected extra columns to be outside the contract (they are stored under their source name); remove it from extra_numeric',
    );
  });

  it('rejects a column listed as both categorical and numeric', () => {
    expect(errorOf(lines('version: 1', 'extracts:', '  declarations:', '    extra_categorical: [rate]', '    extra_numeric: [rate]'))).toBe(
      'mapping.yaml:5:21: extracts.declarations.extra_numeric[0]: "rate" is also listed under extra_categorical; expected a column to be either categorical or numeric; remove one',
    );
  });

  it('rejects a date format with an unknown directive', () => {
    expect(errorOf(lines('version: 1', 'defaults: { date_format: "%d.%q.%Y" }'))).toBe(
      'mapping.yaml:2:26: defaults.date_format: "%d.%q.%Y" has an unknown directive "%q"; expected a strptime format such as "%d.%m.%Y", or null for ISO YYYY-MM-DD',
    );
  });

  it('rejects a top-level jurisdiction that contradicts defaults.jurisdiction', () => {
    expect(errorOf(lines('version: 1', 'jurisdiction: ru', 'defaults: { jurisdiction: generic }'))).toBe(
      'mapping.yaml:3:27: defaults.jurisdiction: "generic" contradicts the top-level jurisdiction "ru"; expected one jurisdiction; keep only one of the two keys',
    );
  });
});

describe('mappingFromText: entity_pairs', () => {
  const declarations = (...rows: string[]): string => lines('version: 1', 'extracts:', '  declarations:', ...rows.map((r) => `    ${r}`));

  it('changes no pair without the key', () => {
    expect(mappingFromText(declarations('extra_categorical: [Seller]'), 'm.yaml').extracts.declarations.entityPairs).toEqual({ add: [], remove: [] });
  });

  it('resolves added pairs into contract columns, HS prefixes and extra columns, and keeps removed ids', () => {
    const mapping = mappingFromText(
      declarations(
        'extra_categorical: ["Seller ID", mode]',
        'entity_pairs:',
        '  add: [[customs_office, importer_inn], [importer_inn, hs4], [mode, origin_country], [origin_country, hs6]]',
        '  remove: [hs6_origin, "extra_Seller ID_importer"]',
      ),
      'm.yaml',
    );
    expect(mapping.extracts.declarations.entityPairs).toEqual({
      add: [
        [{ kind: 'column', column: 'customs_office' }, { kind: 'column', column: 'importer_inn' }],
        [{ kind: 'column', column: 'importer_inn' }, { kind: 'hs', digits: 4 }],
        [{ kind: 'extra', name: 'mode' }, { kind: 'column', column: 'origin_country' }],
        // The built-in hs6_origin is removed, so the same ids with the origin first may be added.
        [{ kind: 'column', column: 'origin_country' }, { kind: 'hs', digits: 6 }],
      ],
      remove: ['hs6_origin', 'extra_Seller ID_importer'],
    });
    expect(mapping.extracts.outcomes.entityPairs).toEqual({ add: [], remove: [] });
  });

  it('rejects a part that cannot key an entity, saying what to write instead', () => {
    const message = errorOf(
      declarations(
        'columns: { ИНН: importer_inn }',
        'extra_categorical: [mode]',
        'extra_numeric: [rate]',
        'entity_pairs:',
        '  add:',
        '    - [ИНН, hs4]',
        '    - [hs_code, mode]',
        '    - [rate, decl_id]',
        '    - [seller, hs6]',
      ),
    );
    const expected =
      'expected a contract column (importer_inn, customs_representative_inn, origin_country, dispatch_country, customs_office), an HS prefix (hs2, hs4, hs6, hs10) or a column listed under extra_categorical ("mode")';
    expect(message.split('\n')).toEqual([
      `mapping.yaml:9:12: extracts.declarations.entity_pairs.add[0][0]: "ИНН" is the source column of contract column "importer_inn" (columns); ${expected}; name the contract column instead: importer_inn`,
      `mapping.yaml:10:12: extracts.declarations.entity_pairs.add[1][0]: "hs_code" is the whole HS code; ${expected}; name a prefix instead: hs10 for all 10 digits`,
      `mapping.yaml:11:12: extracts.declarations.entity_pairs.add[2][0]: "rate" is listed under extra_numeric: numbers cannot key an entity; ${expected}; list it under extra_categorical instead if its values are codes`,
      `mapping.yaml:11:18: extracts.declarations.entity_pairs.add[2][1]: "decl_id" is a contract column that cannot key an entity; ${expected}`,
      `mapping.yaml:12:12: extracts.declarations.entity_pairs.add[3][0]: "seller" is not a part a pair can be made of; ${expected}`,
    ]);
  });

  it('rejects a pair of one part twice, of two HS prefixes, a built-in pair and a pair listed twice', () => {
    const message = errorOf(
      declarations(
        'extra_categorical: [Seller]',
        'entity_pairs:',
        '  add:',
        '    - [importer_inn, importer_inn]',
        '    - [hs4, hs6]',
        '    - [origin_country, hs6]',
        '    - [importer_inn, Seller]',
        '    - [customs_office, importer_inn]',
        '    - [importer_inn, customs_office]',
      ),
    );
    expect(message.split('\n')).toEqual([
      'mapping.yaml:7:11: extracts.declarations.entity_pairs.add[0]: [importer_inn, importer_inn] pairs a part with itself; expected two different parts',
      'mapping.yaml:8:11: extracts.declarations.entity_pairs.add[1]: [hs4, hs6] pairs two prefixes of the same HS code; expected two different ids: the longer prefix alone (hs6) is already an entity',
      'mapping.yaml:9:11: extracts.declarations.entity_pairs.add[2]: [origin_country, hs6] is the built-in pair "hs6_origin", there by default; expected a pair not there yet; remove this entry',
      'mapping.yaml:10:11: extracts.declarations.entity_pairs.add[3]: [importer_inn, Seller] is the built-in pair "extra_Seller_importer", there by default; expected a pair not there yet; remove this entry',
      'mapping.yaml:12:11: extracts.declarations.entity_pairs.add[5]: [importer_inn, customs_office] is the same pair as entry 4 ([customs_office, importer_inn]); expected each pair once; remove one',
    ]);
  });

  it('rejects a removed id that is not a built-in pair, listing those that are', () => {
    expect(errorOf(declarations('extra_categorical: [mode]', 'entity_pairs: { remove: [hs6_origin, extra_mode_importer] }'))).toBe(
      'mapping.yaml:5:42: extracts.declarations.entity_pairs.remove[1]: "extra_mode_importer" is not a built-in pair; expected one of: hs6_origin, hs10_origin, origin_dispatch, importer_hs6, representative_importer (extra_<column>_importer exists only for an extra_categorical column naming the seller)',
    );
    expect(errorOf(declarations('entity_pairs: { remove: [importer_hs6, importer_hs6] }'))).toBe(
      'mapping.yaml:4:44: extracts.declarations.entity_pairs.remove[1]: "importer_hs6" is listed twice (also at index 0); expected each id once; remove the duplicate',
    );
  });

  it('rejects a pair of one or three parts, an unknown key and the key outside declarations', () => {
    expect(errorOf(declarations('entity_pairs: { add: [[importer_inn]] }')).split('\n')).toEqual([
      'mapping.yaml:4:27: extracts.declarations.entity_pairs.add[0]: ["importer_inn"] has 1 item; expected a pair of two parts, e.g. [importer_inn, hs4]',
    ]);
    expect(errorOf(declarations('entity_pairs: { add: [[importer_inn, hs4, hs6]] }'))).toBe(
      'mapping.yaml:4:27: extracts.declarations.entity_pairs.add[0]: ["importer_inn","hs4","hs6"] has 3 items; expected a pair of two parts, e.g. [importer_inn, hs4]',
    );
    expect(errorOf(declarations('entity_pairs: { drop: [hs6_origin] }'))).toBe(
      'mapping.yaml:4:21: extracts.declarations.entity_pairs.drop: unknown key "drop"; expected one of: add, remove; check the spelling or remove it',
    );
    expect(errorOf(lines('version: 1', 'extracts:', '  outcomes:', '    entity_pairs: { remove: [hs6_origin] }'))).toBe(
      'mapping.yaml:4:5: extracts.outcomes.entity_pairs: entity pairs are read only for declarations, not outcomes; remove the key (move it under extracts.declarations)',
    );
  });
});

describe('sourceColumnFor', () => {
  const mapping: ExtractMapping = {
    ...defaultExtractMapping(),
    columns: { ND: 'decl_id', item_no: 'version' },
    derive: { release_date: '{D}' },
  };

  it('returns the source column mapped to the contract column', () => {
    expect(sourceColumnFor(mapping, 'decl_id')).toBe('ND');
    expect(sourceColumnFor(mapping, 'version')).toBe('item_no');
  });

  it('returns the same name for an unmapped contract column', () => {
    expect(sourceColumnFor(mapping, 'hs_code')).toBe('hs_code');
  });

  it('returns null for a derived column and for a name mapped elsewhere', () => {
    expect(sourceColumnFor(mapping, 'release_date')).toBeNull();
    expect(sourceColumnFor(mapping, 'item_no')).toBeNull();
  });
});

describe('templateParts', () => {
  it('splits a template into text and column references', () => {
    expect(templateParts('{ОТЧ_ГОД}-{ПЕРИОД}')).toEqual([{ column: 'ОТЧ_ГОД' }, { text: '-' }, { column: 'ПЕРИОД' }]);
    expect(templateParts('Q{Q} of {Year Col}')).toEqual([{ text: 'Q' }, { column: 'Q' }, { text: ' of ' }, { column: 'Year Col' }]);
  });
});

describe('loadMapping', () => {
  it('records the path and the sha256 of the file bytes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ccrg-mapping-'));
    const path = join(dir, 'mapping.yaml');
    const text = '\uFEFFversion: 1\njurisdiction: generic\n';
    await writeFile(path, text);
    const mapping = await loadMapping(path);
    expect(mapping.source).toBe(path);
    expect(mapping.sha256).toBe(createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex'));
    expect(mapping.extracts.declarations.jurisdiction).toBe('generic');
  });

  it('reports a missing file as a ConfigError naming it', async () => {
    await expect(loadMapping('/nonexistent/mapping.yaml')).rejects.toThrow(/^\/nonexistent\/mapping\.yaml: cannot read the mapping file: ENOENT/);
  });

  it('loads the generic example', async () => {
    const mapping = await loadMapping(repo('docs/examples/mapping-generic.yaml'));
    const declarations = mapping.extracts.declarations;
    expect(declarations.jurisdiction).toBe('generic');
    expect(declarations.currency).toBe('KRW');
    expect(sourceColumnFor(declarations, 'customs_value_rub')).toBe('Item Price');
    expect(declarations.extraNumeric).toEqual(['Tax Rate']);
    expect(declarations.labels).toEqual({ violation: 'Fraud', additionalCharges: null, lagDays: 90 });
    expect(mapping.extracts.tax_returns.jurisdiction).toBe('generic');
  });

  it('loads the Russian Windows-1251 example', async () => {
    const mapping = await loadMapping(repo('docs/examples/mapping-ru-1251.yaml'));
    const returns = mapping.extracts.tax_returns;
    expect(returns).toMatchObject({ encoding: 'windows-1251', delimiter: ';', decimalSeparator: ',', dateFormat: '%d.%m.%Y', jurisdiction: 'ru' });
    expect(returns.derive).toEqual({ tax_period: '{ОТЧ_ГОД}-{ПЕРИОД}' });
    expect(returns.values['ПЕРИОД']?.['22']).toBe('Q2');
    expect(sourceColumnFor(mapping.extracts.participants, 'status')).toBe('СТАТУС');
  });
});

describe('mapping schema', () => {
  it('docs/mapping.schema.json equals the schema in src (regenerate: npx tsx scripts/write-mapping-schema.ts)', async () => {
    const written: unknown = JSON.parse(await readFile(repo('docs/mapping.schema.json'), 'utf8'));
    expect(written).toEqual(JSON.parse(JSON.stringify(mappingSchema)));
  });
});
