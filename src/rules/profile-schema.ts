/**
 * JSON Schema (draft-07) of a risk profile file (docs/risk-profile.md).
 *
 * It checks structure only: keys, types and allowed values. The checks that
 * relate keys (condition shapes, values per op, duplicate ids, reason
 * templates) are in src/rules/load-profile.ts; feature names are checked
 * against the feature catalogue by `checkProfileFeatures`.
 * docs/risk-profile.schema.json is this object written out by
 * `npx tsx scripts/write-profile-schema.ts`; a test keeps them equal.
 */
import { OPS } from './profile.js';

const ID_PATTERN = '^[a-z][a-z0-9_]*$';

const LOCAL_TEXT = {
  type: 'object',
  required: ['en', 'ru'],
  additionalProperties: false,
  properties: {
    en: { description: 'English text.', type: 'string', minLength: 1 },
    ru: { description: 'Russian text.', type: 'string', minLength: 1 },
  },
} as const;

const CONDITION = {
  description:
    'Either a group { all: [...] } / { any: [...] } of conditions, or a comparison { feature, op, value }. A NULL feature makes a comparison false, except is_null.',
  type: 'object',
  additionalProperties: false,
  properties: {
    all: {
      description: 'Holds when every condition in the list holds.',
      type: 'array',
      minItems: 1,
      items: { $ref: '#/definitions/condition' },
    },
    any: {
      description: 'Holds when at least one condition in the list holds.',
      type: 'array',
      minItems: 1,
      items: { $ref: '#/definitions/condition' },
    },
    feature: {
      description: 'Feature id (docs/features.md) the comparison reads.',
      type: 'string',
      minLength: 1,
    },
    op: {
      description: 'Comparison: > >= < <= == != take a number, between takes [low, high] (inclusive), is_true / is_false / is_null / not_null take no value.',
      enum: [...OPS],
    },
    value: {
      description: 'Threshold: a number, or [low, high] for between.',
      type: ['number', 'array'],
      items: { type: 'number' },
      minItems: 2,
      maxItems: 2,
    },
  },
} as const;

const INDICATOR = {
  description: 'One rule indicator.',
  type: 'object',
  required: ['id', 'title', 'condition', 'weight', 'recovering_authority', 'reason'],
  additionalProperties: false,
  properties: {
    id: {
      description: 'lower-case letters, digits and _, starting with a letter, unique in the profile.',
      type: 'string',
      pattern: ID_PATTERN,
    },
    title: { ...LOCAL_TEXT, description: 'Short name in en and ru, shown in reports.' },
    description: { description: 'Free text for profile readers; never rendered.', type: 'string' },
    condition: { $ref: '#/definitions/condition' },
    weight: {
      description: 'Points the indicator adds when it fires, before the amount factor; 0 or more.',
      type: 'number',
      minimum: 0,
    },
    amount_at_stake: {
      description: 'Feature (unit RUB) giving the money at stake; scales the contribution and the totals.',
      type: 'string',
      minLength: 1,
    },
    amount_group: {
      description:
        'Indicators that value the same shortfall in different ways share a group: the totals at stake count the largest amount of the fired ones once. Default: the amount_at_stake feature.',
      type: 'string',
      pattern: '^[a-z][a-z0-9_]*$',
    },
    recovering_authority: {
      description: 'Who recovers the money at stake: customs or tax.',
      enum: ['customs', 'tax'],
    },
    reason: {
      ...LOCAL_TEXT,
      description: 'Why it fired, in en and ru, with {feature} or {feature:format} placeholders (money, times, percent, int, num, years, months, yesno).',
    },
  },
} as const;

/** The schema of a risk profile file, as a plain JSON-compatible object. */
export const profileSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'ccrg risk profile',
  description: 'Rule indicators that flag participants for post-clearance audit, with weights and plain-language reasons. See docs/risk-profile.md.',
  type: 'object',
  required: ['name', 'version', 'indicators'],
  additionalProperties: false,
  properties: {
    name: {
      description: 'lower-case letters, digits and _, starting with a letter.',
      type: 'string',
      pattern: ID_PATTERN,
    },
    version: {
      description: 'Version of the profile, recorded in every scoring manifest, e.g. "1.0.0".',
      type: 'string',
      minLength: 1,
    },
    description: { description: 'Free text for profile readers; never rendered.', type: 'string' },
    indicators: {
      description: 'The indicators, in the order `ccrg explain` lists unfired ones.',
      type: 'array',
      minItems: 1,
      items: { $ref: '#/definitions/indicator' },
    },
  },
  definitions: {
    indicator: INDICATOR,
    condition: CONDITION,
  },
} as const;
