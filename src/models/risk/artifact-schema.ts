/**
 * JSON Schema (draft-07) of a model artifact's envelope (docs/models.md,
 * "Model artifacts"): keys, types, patterns and ranges, checked by ajv as
 * the mapping and the risk profile are. Every node that can fail carries an
 * `expect` annotation, the words the error message uses ("must be <expect>,
 * got <value>"). What relates fields (the window's order, positives within
 * examples, one distribution per feature, shares that add up, a table's row
 * length) is checked in artifact.ts after the schema; the body is checked
 * by the learners' own loaders.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { describeJsonValue } from '../../io/json-read.js';

const count = { type: 'integer', minimum: 0, expect: 'an integer >= 0' } as const;
const share = { type: 'number', minimum: 0, maximum: 1, expect: 'a number in [0, 1]' } as const;
const month = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$', expect: 'a month YYYY-MM' } as const;

const distribution = {
  type: 'object',
  expect: 'an object { count, edges, proportions, missing }',
  required: ['count', 'edges', 'proportions', 'missing'],
  properties: {
    count,
    edges: { type: 'array', maxItems: 9, expect: 'an array of at most 9 finite numbers (deciles)', items: { type: 'number', expect: 'a finite number' } },
    proportions: { type: 'array', expect: 'an array of shares', items: share },
    missing: share,
  },
} as const;

const scalar = { type: ['number', 'string', 'boolean', 'null'], expect: 'a number, text, true/false or null' } as const;
const cell = { type: ['number', 'string', 'null'], expect: 'a number, text or null' } as const;

const ARTIFACT_ENVELOPE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  expect: 'a JSON object',
  required: ['hyperparameters', 'seed', 'window', 'dataFingerprint', 'labelCount', 'metrics', 'featureDistributions', 'scoreDistribution', 'createdWith', 'body'],
  properties: {
    contentSha256: { type: 'string', pattern: '^[0-9a-f]{64}$', expect: 'a sha256 in 64 lower-case hex digits' },
    hyperparameters: {
      type: 'object',
      expect: 'an object of components',
      additionalProperties: { type: 'object', expect: 'an object', additionalProperties: scalar },
    },
    seed: { type: 'integer', expect: 'an integer' },
    window: {
      type: 'object',
      expect: 'an object { from, to }',
      required: ['from', 'to'],
      properties: { from: month, to: month },
    },
    dataFingerprint: { type: 'string', pattern: '^[0-9a-f]{64}$', expect: 'a sha256 in 64 lower-case hex digits' },
    labelCount: {
      type: 'object',
      expect: 'an object { examples, positives }',
      required: ['examples', 'positives'],
      properties: { examples: count, positives: { type: ['integer', 'null'], minimum: 0, expect: 'null or an integer >= 0' } },
    },
    metrics: {
      type: 'object',
      expect: 'an object',
      additionalProperties: {
        type: ['number', 'string', 'null', 'object'],
        expect: 'a number, null, a text or a table',
        required: ['columns', 'rows'],
        properties: {
          columns: { type: 'array', expect: 'an array of texts', items: { type: 'string', expect: 'a text' } },
          rows: { type: 'array', expect: 'an array', items: { type: 'array', expect: 'an array of cells', items: cell } },
        },
      },
    },
    featureDistributions: { type: 'object', expect: 'an object by feature', additionalProperties: distribution },
    scoreDistribution: distribution,
    referenceDistributions: {
      type: 'object',
      expect: 'an object { asOf, rows, features, score }',
      required: ['asOf', 'rows', 'features', 'score'],
      properties: {
        asOf: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', expect: 'a date YYYY-MM-DD' },
        rows: count,
        features: { type: 'object', expect: 'an object by feature', additionalProperties: distribution },
        score: distribution,
      },
    },
    rankingEvidence: {
      type: 'object',
      expect: 'an object { from, model, profile, label, chargesRub, propensity }',
      required: ['from', 'model', 'profile', 'label', 'chargesRub', 'propensity'],
      additionalProperties: false,
      properties: {
        from: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', expect: 'a date YYYY-MM-DD' },
        model: { type: 'array', expect: 'an array of probabilities', items: share },
        profile: { type: 'array', expect: 'an array of finite numbers', items: { type: 'number', expect: 'a finite number' } },
        label: { type: 'array', expect: 'an array of 0 and 1', items: { enum: [0, 1], expect: '0 or 1' } },
        chargesRub: { type: 'array', expect: 'an array of amounts >= 0', items: { type: 'number', minimum: 0, expect: 'a number >= 0' } },
        propensity: {
          type: 'array',
          expect: 'an array of inclusion probabilities or null',
          items: { type: ['number', 'null'], exclusiveMinimum: 0, maximum: 1, expect: 'a number in (0, 1] or null' },
        },
      },
    },
    createdWith: {
      type: 'object',
      expect: 'an object { codeVersion }',
      required: ['codeVersion'],
      properties: { codeVersion: { type: 'string', expect: 'a text' } },
    },
    body: { type: 'object', expect: 'an object' },
  },
} as const;

const ajv = new Ajv({ allErrors: false, verbose: true, allowUnionTypes: true, strict: true });
ajv.addKeyword({ keyword: 'expect', schemaType: 'string' });
const validateEnvelope = ajv.compile(ARTIFACT_ENVELOPE_SCHEMA);

/** The dotted path of an ajv instance pointer: `/metrics/topK/rows/0` -> `metrics.topK.rows[0]`; odd keys quoted. */
function pathOf(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (/^\d+$/.test(key)) out += `[${key}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

function messageOf(error: ErrorObject): string {
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    const property = (error.parentSchema as { properties?: Record<string, { expect?: string }> } | undefined)?.properties?.[missing];
    return `${pathOf(`${error.instancePath}/${missing}`)} must be ${property?.expect ?? 'given'}, got missing`;
  }
  const expect = (error.parentSchema as { expect?: string } | undefined)?.expect ?? error.message ?? 'valid';
  return `${pathOf(error.instancePath)} must be ${expect}, got ${describeJsonValue(error.data)}`;
}

/** The first thing wrong with an artifact's envelope, in words, or null when its structure is right. */
export function envelopeProblem(json: unknown): string | null {
  if (validateEnvelope(json)) return null;
  const error = validateEnvelope.errors?.[0];
  return error === undefined ? 'the envelope is not valid' : messageOf(error);
}
