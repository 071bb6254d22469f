/**
 * JSON Schema (draft-07) of a column mapping file (docs/mapping.md).
 *
 * It checks structure only: keys, types and allowed values. The checks that
 * need the data contract (contract column names, duplicates, templates) are in
 * src/config/load-mapping.ts. docs/mapping.schema.json is this object written
 * out by `npx tsx scripts/write-mapping-schema.ts`; a test keeps them equal.
 */

/** Spellings accepted for `encoding`; aliases are normalised to `utf-8` or `windows-1251`. */
const ENCODING_SPELLINGS = ['utf-8', 'windows-1251', 'utf8', 'UTF-8', 'UTF8', 'cp1251', 'CP1251', 'win1251', 'Windows-1251', 'WINDOWS-1251'] as const;

/** Spellings accepted for `delimiter`; words (and a literal backslash-t) are normalised to the character. */
const DELIMITER_SPELLINGS = ['auto', ',', ';', '\t', '|', 'comma', 'semicolon', 'tab', 'pipe', '\\t'] as const;

const FORMAT_PROPERTIES = {
  encoding: {
    description: 'Text encoding of the file: utf-8 or windows-1251 (aliases utf8, cp1251, win1251).',
    enum: [...ENCODING_SPELLINGS],
  },
  delimiter: {
    description: 'Field delimiter: auto (the one that splits the header line), ",", ";", "\\t", "|" or the words comma, semicolon, tab, pipe.',
    enum: [...DELIMITER_SPELLINGS],
  },
  decimal_separator: {
    description: 'Decimal separator of numbers in the file.',
    enum: ['.', ','],
  },
  date_format: {
    description: 'strptime format of dates, e.g. "%d.%m.%Y"; null means ISO YYYY-MM-DD.',
    type: ['string', 'null'],
    minLength: 1,
  },
  currency: {
    description: '3 capital letters (ISO 4217 currency of the money columns), e.g. RUB.',
    type: 'string',
    pattern: '^[A-Z]{3}$',
  },
  jurisdiction: {
    description: 'Validation rules for ids and codes: ru or generic.',
    enum: ['ru', 'generic'],
  },
} as const;

const STRING_MAP = {
  type: 'object',
  propertyNames: { minLength: 1 },
  additionalProperties: { type: 'string', minLength: 1 },
} as const;

const SOURCE_COLUMN_LIST = {
  type: 'array',
  items: { type: 'string', minLength: 1 },
  uniqueItems: true,
} as const;

const EXTRACT_MAPPING = {
  description: 'How one source file maps onto a contract extract; format keys override `defaults`.',
  type: 'object',
  additionalProperties: false,
  properties: {
    ...FORMAT_PROPERTIES,
    columns: {
      ...STRING_MAP,
      description: 'Source column name -> contract column name.',
    },
    values: {
      description: 'Source column -> { source value: replacement }, applied before anything else.',
      type: 'object',
      propertyNames: { minLength: 1 },
      additionalProperties: {
        type: 'object',
        additionalProperties: { type: 'string' },
      },
    },
    derive: {
      ...STRING_MAP,
      description: 'Contract column -> template over source columns, e.g. "{YEAR}-{PERIOD}", evaluated after value maps.',
    },
    extra_categorical: {
      ...SOURCE_COLUMN_LIST,
      description: 'Source columns kept as extra categorical features, under their source name.',
    },
    extra_numeric: {
      ...SOURCE_COLUMN_LIST,
      description: 'Source columns kept as extra numeric features, under their source name.',
    },
    labels: {
      description: 'Declarations only: label columns carried on the rows.',
      type: 'object',
      additionalProperties: false,
      properties: {
        violation: {
          description: 'Source column holding 0/1 violation per item.',
          type: ['string', 'null'],
          minLength: 1,
        },
        additional_charges: {
          description: 'Source column holding the additional charges per item.',
          type: ['string', 'null'],
          minLength: 1,
        },
        lag_days: {
          description: 'Days after release_date at which the label becomes known (default 0).',
          type: 'integer',
          minimum: 0,
        },
      },
    },
    entity_pairs: {
      description: 'Declarations only: pairs of ids whose past violation rates the item model reads, added to or removed from the built-in pairs.',
      type: 'object',
      additionalProperties: false,
      properties: {
        add: {
          description: 'Pairs to add, each two parts: a contract column (importer_inn, customs_representative_inn, origin_country, dispatch_country, customs_office), an HS prefix (hs2, hs4, hs6, hs10) or a column listed under extra_categorical.',
          type: 'array',
          items: {
            description: 'a pair of two parts, e.g. [importer_inn, hs4]',
            type: 'array',
            items: { type: 'string', minLength: 1 },
            minItems: 2,
            maxItems: 2,
          },
        },
        remove: {
          description: 'Ids of built-in pairs to leave out: hs6_origin, hs10_origin, origin_dispatch, importer_hs6, representative_importer, or extra_<seller column>_importer.',
          type: 'array',
          items: { type: 'string', minLength: 1 },
          uniqueItems: true,
        },
      },
    },
  },
} as const;

/** The schema of a mapping file, as a plain JSON-compatible object. */
export const mappingSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'ccrg column mapping',
  description: 'How extracts delivered by an administration map onto the ccrg data contract. See docs/mapping.md.',
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  properties: {
    version: {
      description: 'Format version of the mapping file; must be 1.',
      const: 1,
    },
    jurisdiction: {
      ...FORMAT_PROPERTIES.jurisdiction,
      description: 'Shorthand for defaults.jurisdiction.',
    },
    defaults: {
      description: 'Format options applied to every extract, overridden per extract.',
      type: 'object',
      additionalProperties: false,
      properties: { ...FORMAT_PROPERTIES },
    },
    extracts: {
      description: 'One entry per contract extract; absent extracts get the defaults.',
      type: 'object',
      additionalProperties: false,
      properties: {
        declarations: { $ref: '#/definitions/extract' },
        tax_returns: { $ref: '#/definitions/extract' },
        participants: { $ref: '#/definitions/extract' },
        outcomes: { $ref: '#/definitions/extract' },
        item_outcomes: { $ref: '#/definitions/extract' },
        tax_signals: { $ref: '#/definitions/extract' },
        tax_answers: { $ref: '#/definitions/extract' },
        traceability: { $ref: '#/definitions/extract' },
        eaeu_imports: { $ref: '#/definitions/extract' },
      },
    },
  },
  definitions: {
    extract: EXTRACT_MAPPING,
  },
} as const;
