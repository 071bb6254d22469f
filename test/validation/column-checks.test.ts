import { describe, expect, it } from 'vitest';
import { EXTRACTS, type ColumnDef } from '../../src/contract/extracts.js';
import { defaultMapping } from '../../src/config/mapping.js';
import { quoteLiteral } from '../../src/io/sql.js';
import { decimalsMacroSql, rejectCodeExpr, typedExpr, type CheckContext } from '../../src/validation/column-checks.js';
import { formatIngestSummary } from '../../src/report/ingest-summary.js';
import { extractCsv, fixtureFile, ingestInto, memoryStore, rejectsOf } from '../util/fixtures.js';

describe('column checks (jurisdiction ru)', () => {
  it('accepts the valid row of every extract', async () => {
    for (const extract of ['declarations', 'tax_returns', 'participants', 'outcomes', 'item_outcomes'] as const) {
      expect(await rejectsOf(extract, [{}])).toEqual([]);
    }
  });

  it('rejects an empty required value as REQUIRED_MISSING', async () => {
    expect(await rejectsOf('declarations', [{ hs_code: '' }])).toEqual(['2 REQUIRED_MISSING hs_code']);
    expect(await rejectsOf('declarations', [{ hs_code: '   ' }])).toEqual(['2 REQUIRED_MISSING hs_code']);
  });

  it('accepts an empty optional value', async () => {
    expect(await rejectsOf('declarations', [{ excise_rub: '', valuation_method: '', dispatch_country: '' }])).toEqual([]);
  });

  it('rejects a bad INN and a wrong check digit', async () => {
    expect(await rejectsOf('declarations', [{ importer_inn: '123' }, { importer_inn: '7707083894' }, { customs_representative_inn: '0000000000' }])).toEqual([
      '2 BAD_INN importer_inn',
      '3 INN_CHECKSUM importer_inn',
      '4 BAD_INN customs_representative_inn',
    ]);
  });

  it('rejects HS codes that are not 10 digits, keeping leading zeros', async () => {
    expect(await rejectsOf('declarations', [{ hs_code: '84713000' }, { hs_code: '0102291000' }, { hs_code: '84713000AB' }])).toEqual([
      '2 BAD_HS_CODE hs_code',
      '4 BAD_HS_CODE hs_code',
    ]);
  });

  it('rejects countries outside ISO alpha-2, EU and 00', async () => {
    expect(await rejectsOf('declarations', [{ origin_country: 'RUS' }, { origin_country: 'EU', item_no: '2' }, { origin_country: '00', item_no: '3' }, { dispatch_country: 'ZZ' }])).toEqual([
      '2 BAD_COUNTRY origin_country',
      '5 BAD_COUNTRY dispatch_country',
    ]);
  });

  it('rejects numbers that are not numbers, negative amounts and non-positive weights', async () => {
    expect(
      await rejectsOf('declarations', [{ customs_value_rub: '12O5.00' }, { duty_rub: '-5.00' }, { net_weight_kg: '0' }, { supplementary_qty: '-1' }, { net_weight_kg: 'inf' }]),
    ).toEqual(['2 NOT_A_NUMBER customs_value_rub', '3 NEGATIVE_AMOUNT duty_rub', '4 NONPOSITIVE_WEIGHT net_weight_kg', '5 NEGATIVE_AMOUNT supplementary_qty', '6 NOT_A_NUMBER net_weight_kg']);
  });

  it('rejects integers that are not whole or out of range', async () => {
    expect(await rejectsOf('declarations', [{ item_no: '1.5' }, { item_no: '0' }, { valuation_method: '7' }, { version: 'x' }])).toEqual([
      '2 NOT_AN_INTEGER item_no',
      '3 OUT_OF_RANGE item_no',
      '4 OUT_OF_RANGE valuation_method',
      '5 NOT_AN_INTEGER version',
    ]);
  });

  it('rejects unreal dates and dates after today', async () => {
    expect(await rejectsOf('declarations', [{ release_date: '2025-02-30' }, { release_date: '15.03.2025' }, { release_date: '2026-11-27' }, { release_date: '2026-11-26' }])).toEqual([
      '2 BAD_DATE release_date',
      '3 BAD_DATE release_date',
      '4 FUTURE_DATE release_date',
    ]);
  });

  it('rejects dates before 1900, the year 0000 included', async () => {
    expect(await rejectsOf('declarations', [{ release_date: '0000-03-15' }, { release_date: '1899-12-31', item_no: '2' }, { release_date: '1900-01-01', item_no: '3' }])).toEqual([
      '2 BAD_DATE release_date',
      '3 BAD_DATE release_date',
    ]);
    const dotted = defaultMapping();
    dotted.extracts.declarations.dateFormat = '%d.%m.%Y';
    expect(await rejectsOf('declarations', [{ release_date: '15.03.0000' }, { release_date: '15.03.2024' }], dotted)).toEqual(['2 BAD_DATE release_date']);
  });

  it('reads an ISO date as the earlier expression did, which compared the parsed date with 1900-01-01', async () => {
    const db = await memoryStore();
    const ctx: CheckContext = { jurisdiction: 'ru', decimalSeparator: '.', dateFormat: null, today: '2026-11-26' };
    const column = EXTRACTS.declarations.columns.find((c) => c.name === 'release_date') as ColumnDef;
    const earlier = (x: string): string => {
      const date = `CASE WHEN regexp_full_match(${x}, '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN TRY_CAST(${x} AS DATE) END`;
      return `CASE WHEN ${date} >= DATE '1900-01-01' THEN ${date} END`;
    };
    const texts = ['0000-03-15', '1899-12-31', '1900-01-01', '1900-02-29', '2000-02-29', '2025-02-30', '9999-12-31', '19000-01-01', '1900-1-01', ' 2020-01-01', '2020-01-01 ', 'abcd-01-01', ''];
    for (let year = 1890; year <= 1910; year++) for (const day of ['01-01', '12-31', '02-29', '13-01']) texts.push(`${year}-${day}`);
    const rows = await db.all(`SELECT x, (${typedExpr('x', column, ctx)}) IS NOT DISTINCT FROM (${earlier('x')}) AS same
      FROM (SELECT unnest([${texts.map((t) => quoteLiteral(t)).join(', ')}, NULL]) AS x)`);
    expect(rows.filter((r) => r['same'] !== true)).toEqual([]);
    expect(rows).toHaveLength(texts.length + 1);
  });

  it('gives the same codes with the shared sub-expressions computed beneath the CASE as written inline', async () => {
    const db = await memoryStore();
    await db.run(decimalsMacroSql());
    const texts = ['1', '0', '-0.00', '-5', '12.5', '12.345', '241.58000000000004', '1e-999', '1e400', '1.5e3', 'inf', 'NaN', '12O5', '1,5', '.5', '5.',
      '99999999999999999', '2147483648', '99999', '100000', '2024-02-29', '2023-02-29', '1899-12-31', '2026-11-27', '0.5', '1.0000001', ''];
    const kinds: ColumnDef[] = [
      { name: 'm', kind: 'money', required: false, description: '' },
      { name: 'q', kind: 'quantity', required: false, description: '' },
      { name: 'w', kind: 'weight', required: false, description: '' },
      { name: 'p', kind: 'probability', required: false, description: '' },
      { name: 'd', kind: 'date', required: false, description: '' },
      { name: 'i', kind: 'integer', required: false, min: 1, max: 99999, description: '' },
    ];
    for (const decimalSeparator of ['.', ','] as const) {
      const ctx: CheckContext = { jurisdiction: 'ru', decimalSeparator, dateFormat: null, today: '2026-11-26' };
      for (const column of kinds) {
        const shared = new Map<string, string>();
        const share = (expression: string): string => {
          if (!shared.has(expression)) shared.set(expression, `s${shared.size}`);
          return `"${shared.get(expression) as string}"`;
        };
        const withShared = rejectCodeExpr('x', column, ctx, true, share);
        const values = `(SELECT nullif(unnest([${texts.map((t) => quoteLiteral(t)).join(', ')}]), '') AS x)`;
        const beneath = shared.size === 0 ? values : `(SELECT *, ${[...shared].map(([e, n]) => `${e} AS "${n}"`).join(', ')} FROM ${values})`;
        const rows = await db.all(`SELECT x, ${rejectCodeExpr('x', column, ctx, true)} AS inline, ${withShared} AS shared FROM ${beneath}`);
        expect(shared.size, column.kind).toBeGreaterThan(0);
        expect(rows.filter((r) => r['inline'] !== r['shared']), `${column.kind} ${decimalSeparator}`).toEqual([]);
        expect(new Set(rows.map((r) => r['inline'])).size, column.kind).toBeGreaterThan(1);
      }
    }
  });

  it('rejects codes of the wrong form', async () => {
    expect(await rejectsOf('declarations', [{ procedure: '4' }, { customs_office: '1070203' }])).toEqual(['2 BAD_CODE procedure', '3 BAD_CODE customs_office']);
  });

  it('rejects enum values outside the list, accepting case and spaces', async () => {
    expect(await rejectsOf('participants', [{ status: 'alive' }, { status: 'In Liquidation' }, { tax_regime: 'simplified' }, { aeo: 'maybe' }])).toEqual([
      '2 BAD_VALUE status',
      '4 BAD_VALUE tax_regime',
      '5 BAD_VALUE aeo',
    ]);
  });

  it('rejects malformed tax periods', async () => {
    expect(await rejectsOf('tax_returns', [{ tax_period: '2025-Q5' }, { tax_period: '2025Q1' }, { tax_period: '2025-Q4' }])).toEqual([
      '2 BAD_TAX_PERIOD tax_period',
      '3 BAD_TAX_PERIOD tax_period',
    ]);
  });

  it('rejects propensities outside (0, 1]', async () => {
    expect(await rejectsOf('outcomes', [{ propensity: '0' }, { propensity: '1.5', inspection_id: 'I-2' }, { propensity: '1', inspection_id: 'I-3' }])).toEqual([
      '2 OUT_OF_RANGE propensity',
      '3 OUT_OF_RANGE propensity',
    ]);
  });

  it('reports every offending column of a row, and DATE_ORDER only on rows whose columns passed', async () => {
    expect(await rejectsOf('outcomes', [{ completed_date: '2024-01-01' }, { completed_date: '2024-01-01', check_type: 'audit', inspection_id: 'I-2' }])).toEqual([
      '2 DATE_ORDER completed_date',
      '3 BAD_VALUE check_type',
    ]);
  });

  it('rejects a key seen before with other content, and keeps an exact repeat', async () => {
    expect(await rejectsOf('tax_returns', [{}, { revenue_rub: '1.00' }, {}])).toEqual(['3 DUPLICATE_KEY']);
  });
});

describe('numbers are stored exactly or rejected', () => {
  // One item number per row, so that accepted rows do not share a key.
  const items = (rows: Record<string, string>[]): Record<string, string>[] => rows.map((row, i) => ({ item_no: String(i + 1), ...row }));

  it('rejects money with more decimals than the contract allows as TOO_MANY_DECIMALS', async () => {
    expect(await rejectsOf('declarations', items([{ customs_value_rub: '1.005' }, { duty_rub: '0.001' }, { import_vat_rub: '12345.6789' }, { customs_value_rub: '1.50' }, { duty_rub: '1.500000' }]))).toEqual([
      '2 TOO_MANY_DECIMALS customs_value_rub',
      '3 TOO_MANY_DECIMALS duty_rub',
      '4 TOO_MANY_DECIMALS import_vat_rub',
    ]);
  });

  it('stores binary floating-point noise as the value it stands for, and counts it', async () => {
    const db = await memoryStore();
    const file = await fixtureFile(
      'declarations.csv',
      extractCsv('declarations', [
        { customs_value_rub: '241.58000000000004' },
        { item_no: '2', customs_value_rub: '0.30000000000000004', duty_rub: '99.99999999999999' },
        { item_no: '3', customs_value_rub: '241.585' },
      ]),
    );
    const result = await ingestInto(db, [{ extract: 'declarations', file }]);
    expect(result.rejects.map((r) => [r.line, r.code, r.column, r.value])).toEqual([[4, 'TOO_MANY_DECIMALS', 'customs_value_rub', '241.585']]);
    expect(result.files[0]).toMatchObject({ accepted: 2, rejected: 1, floatNoiseValues: 3 });
    expect(formatIngestSummary(result, { dryRun: false, rejectsPath: null })).toContain(`${file}: 3 money values with floating-point noise stored rounded to 2 decimals.`);
    const rows = await db.all('SELECT customs_value_rub, duty_rub FROM declarations ORDER BY source_line');
    expect(rows).toEqual([
      { customs_value_rub: '241.58', duty_rub: '0.00' },
      { customs_value_rub: '0.30', duty_rub: '100.00' },
    ]);
  });

  it('rejects digit separators and other number forms as NOT_A_NUMBER', async () => {
    expect(
      await rejectsOf('declarations', items([
        { customs_value_rub: '1_000' },
        { net_weight_kg: '1_000' },
        { supplementary_qty: '1,000' },
        { duty_rub: '1 000.00' },
        { customs_value_rub: '0x10' },
        { net_weight_kg: 'NaN' },
        { customs_value_rub: '1e3' },
      ])),
    ).toEqual([
      '2 NOT_A_NUMBER customs_value_rub',
      '3 NOT_A_NUMBER net_weight_kg',
      '4 NOT_A_NUMBER supplementary_qty',
      '5 NOT_A_NUMBER duty_rub',
      '6 NOT_A_NUMBER customs_value_rub',
      '7 NOT_A_NUMBER net_weight_kg',
    ]);
  });

  it('reads spaces as digit grouping only where the mapping declares a decimal comma, and no point as a decimal point there', async () => {
    const comma = defaultMapping();
    comma.extracts.declarations.decimalSeparator = ',';
    const numbers = { net_weight_kg: '12,5', duty_rub: '0', import_vat_rub: '20 000,00' };
    const rows = [{ customs_value_rub: '100 000,00' }, { customs_value_rub: '1_000,00' }, { customs_value_rub: '1.000,00' }, { customs_value_rub: '1,005' }, { customs_value_rub: '1.000' }];
    expect(await rejectsOf('declarations', items(rows.map((row) => ({ ...numbers, ...row }))), comma)).toEqual([
      '3 NOT_A_NUMBER customs_value_rub',
      '4 NOT_A_NUMBER customs_value_rub',
      '5 TOO_MANY_DECIMALS customs_value_rub',
      '6 NOT_A_NUMBER customs_value_rub',
    ]);
  });

  it('rejects money too large for the store as OUT_OF_RANGE', async () => {
    expect(await rejectsOf('declarations', items([{ customs_value_rub: '9999999999999999.99' }, { customs_value_rub: '10000000000000000' }]))).toEqual([
      '3 OUT_OF_RANGE customs_value_rub',
    ]);
  });
});

describe('column checks (jurisdiction generic)', () => {
  const generic = defaultMapping();
  generic.extracts.declarations.jurisdiction = 'generic';

  it('takes opaque ids and 6 to 10 digit codes', async () => {
    expect(await rejectsOf('declarations', [{ importer_inn: 'IMP-0042', hs_code: '847130', customs_office: 'SEOUL' }, { hs_code: '84713' }], generic)).toEqual([
      '3 BAD_HS_CODE hs_code',
    ]);
  });

  it('requires only declaration id, date, importer, HS code and value', async () => {
    const row = { procedure: '', customs_office: '', origin_country: '', net_weight_kg: '', duty_rub: '', import_vat_rub: '' };
    expect(await rejectsOf('declarations', [row], generic)).toEqual([]);
    expect(await rejectsOf('declarations', [{ ...row, customs_value_rub: '' }], generic)).toEqual(['2 REQUIRED_MISSING customs_value_rub']);
  });
});
