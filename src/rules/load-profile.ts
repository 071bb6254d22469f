/**
 * Reads a risk profile file (YAML, docs/risk-profile.md) into a checked
 * `RiskProfile`: structure by the JSON Schema in profile-schema.ts, then the
 * checks that relate keys. Feature names are checked later, against the
 * feature catalogue, by `checkProfileFeatures`.
 */
import { sha256Hex } from '../util/hash.js';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { describeValue, formatPath, offsetOf, parseYamlWithPositions, pathFromPointer, readConfigFile, typeName, type DocPath } from '../config/yaml-doc.js';
import { ConfigError } from '../util/errors.js';
import { parseReason } from './format-value.js';
import {
  LANGS,
  NUMBER_OPS,
  UNARY_OPS,
  type Condition,
  type FeatureRef,
  type Indicator,
  type Lang,
  type LocalText,
  type ReasonPart,
  type RecoveringAuthority,
  type RiskProfile,
} from './profile.js';
import { profileSchema } from './profile-schema.js';

/** The profile shipped with ccrg, used when no `--profile` is given. */
export const DEFAULT_PROFILE_PATH = fileURLToPath(new URL('../../profiles/default.yaml', import.meta.url));

interface RawCondition {
  all?: RawCondition[];
  any?: RawCondition[];
  feature?: string;
  op?: string;
  value?: number | number[];
}

interface RawIndicator {
  id: string;
  title: LocalText;
  description?: string;
  condition: RawCondition;
  weight: number;
  amount_at_stake?: string;
  amount_group?: string;
  recovering_authority: RecoveringAuthority;
  reason: LocalText;
}

interface RawProfile {
  name: string;
  version: string;
  description?: string;
  indicators: RawIndicator[];
}

interface Issue {
  path: DocPath;
  /** Point at the key of the last path element rather than its value (unknown keys). */
  atKey?: boolean;
  /** Point here instead of at `path` (for a missing key: the mapping that lacks it). */
  at?: DocPath;
  message: string;
}

const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true });
const validateStructure = ajv.compile<RawProfile>(profileSchema);

const LANGUAGE_NAMES: Record<Lang, string> = { en: 'English', ru: 'Russian' };

/**
 * Reads and checks the risk profile at `path`; null reads the shipped
 * default (`profiles/default.yaml`). `sha256` is the hex digest of the file's
 * bytes; `source` is the path. Throws `ConfigError` naming the file, the
 * position, the indicator and the fix for every problem found (one per line).
 */
export async function loadRiskProfile(path: string | null): Promise<RiskProfile> {
  const file = path ?? DEFAULT_PROFILE_PATH;
  const { text, sha256 } = await readConfigFile(file, 'risk profile');
  return { ...riskProfileFromText(text, file), sha256 };
}

/**
 * Parses and checks risk profile text; `source` names the file in messages
 * and in `RiskProfile.source`; `sha256` is the digest of the text as UTF-8.
 */
export function riskProfileFromText(text: string, source: string): RiskProfile {
  const { doc, data, at } = parseYamlWithPositions(text, source);
  const where = (path: DocPath, atKey = false): string => {
    const offset = offsetOf(doc.contents, path, atKey);
    return offset === null ? source : at(offset);
  };
  const fail = (issues: readonly Issue[]): never => {
    const lines = issues.map((issue) => `${where(issue.at ?? issue.path, issue.atKey === true)}: ${label(data, issue.path)}: ${issue.message}`);
    throw new ConfigError([...new Set(lines)].join('\n'));
  };

  if (data === null || data === undefined) {
    fail([{ path: [], message: 'the file is empty; expected name, version and indicators (see profiles/default.yaml)' }]);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    fail([{ path: [], message: `got ${describeValue(data)}; expected key: value pairs with name, version and indicators` }]);
  }
  if (!validateStructure(data)) {
    fail((validateStructure.errors ?? []).map((error) => issueFromAjv(error, data)));
  }
  const raw = data as RawProfile;
  const issues = checkSemantics(raw);
  if (issues.length > 0) fail(issues);

  const indicators = raw.indicators.map((indicator, index): Indicator => {
    const refs: FeatureRef[] = [];
    const here: DocPath = ['indicators', index];
    const condition = conditionFromRaw(indicator.condition, [...here, 'condition'], (feature, path) =>
      refs.push({ feature, role: 'condition', path: formatPath(path.slice(2)), at: where(path) }),
    );
    if (indicator.amount_at_stake !== undefined) {
      const path = [...here, 'amount_at_stake'];
      refs.push({ feature: indicator.amount_at_stake, role: 'amount_at_stake', path: 'amount_at_stake', at: where(path) });
    }
    const reasonParts = {} as Record<Lang, ReasonPart[]>;
    for (const lang of LANGS) {
      const path = [...here, 'reason', lang];
      reasonParts[lang] = parseReason(indicator.reason[lang]);
      for (const part of reasonParts[lang]) {
        if ('feature' in part) refs.push({ feature: part.feature, role: 'reason', path: `reason.${lang}`, at: where(path) });
      }
    }
    return {
      id: indicator.id,
      title: { en: indicator.title.en, ru: indicator.title.ru },
      description: indicator.description ?? null,
      condition,
      weight: indicator.weight,
      amountAtStake: indicator.amount_at_stake ?? null,
      amountGroup: indicator.amount_at_stake === undefined ? null : (indicator.amount_group ?? indicator.amount_at_stake),
      recoveringAuthority: indicator.recovering_authority,
      reason: { en: indicator.reason.en, ru: indicator.reason.ru },
      reasonParts,
      refs,
    };
  });

  return {
    name: raw.name,
    version: raw.version,
    sha256: sha256Hex(text),
    source,
    indicators,
  };
}

/** `indicator vat_x: condition.all[0].op` for paths inside an indicator with an id, else the plain path. */
function label(data: unknown, path: DocPath): string {
  if (path.length === 0) return '(top level)';
  if (path[0] !== 'indicators' || typeof path[1] !== 'number') return formatPath(path);
  const indicators = (data as { indicators?: unknown }).indicators;
  const id: unknown = Array.isArray(indicators) ? (indicators[path[1]] as { id?: unknown } | null)?.id : undefined;
  const name = typeof id === 'string' && id !== '' ? `indicator ${id}` : formatPath(path.slice(0, 2));
  return path.length === 2 ? name : `${name}: ${formatPath(path.slice(2))}`;
}

function conditionFromRaw(raw: RawCondition, path: DocPath, onFeature: (feature: string, path: DocPath) => void): Condition {
  if (raw.all !== undefined) return { all: raw.all.map((child, i) => conditionFromRaw(child, [...path, 'all', i], onFeature)) };
  if (raw.any !== undefined) return { any: raw.any.map((child, i) => conditionFromRaw(child, [...path, 'any', i], onFeature)) };
  const feature = raw.feature as string;
  onFeature(feature, [...path, 'feature']);
  const op = raw.op as string;
  if (op === 'between') {
    const [low, high] = raw.value as [number, number];
    return { feature, op, value: [low, high] };
  }
  if ((NUMBER_OPS as readonly string[]).includes(op)) return { feature, op: op as (typeof NUMBER_OPS)[number], value: raw.value as number };
  return { feature, op: op as (typeof UNARY_OPS)[number] };
}

/** The checks the schema cannot express: condition shapes, values per op, unique ids, templates. */
function checkSemantics(raw: RawProfile): Issue[] {
  const issues: Issue[] = [];
  const firstIndex = new Map<string, number>();
  raw.indicators.forEach((indicator, index) => {
    const here: DocPath = ['indicators', index];
    const earlier = firstIndex.get(indicator.id);
    if (earlier !== undefined) {
      issues.push({ path: [...here, 'id'], message: `"${indicator.id}" is already the id of indicators[${earlier}]; expected unique ids; rename one of the two` });
    } else {
      firstIndex.set(indicator.id, index);
    }
    checkCondition(indicator.condition, [...here, 'condition'], issues);
    if (indicator.amount_group !== undefined && indicator.amount_at_stake === undefined) {
      issues.push({ path: [...here, 'amount_group'], atKey: true, message: 'an amount group without amount_at_stake groups nothing; add amount_at_stake or remove amount_group' });
    }
    for (const lang of LANGS) {
      try {
        parseReason(indicator.reason[lang]);
      } catch (error) {
        issues.push({
          path: [...here, 'reason', lang],
          message: `${JSON.stringify(indicator.reason[lang])} is not a valid reason template: ${(error as Error).message}; placeholders are {feature} or {feature:format}`,
        });
      }
    }
  });
  return issues;
}

function checkCondition(raw: RawCondition, path: DocPath, issues: Issue[]): void {
  const groups = (['all', 'any'] as const).filter((key) => raw[key] !== undefined);
  const comparisonKeys = (['feature', 'op', 'value'] as const).filter((key) => raw[key] !== undefined);
  if (groups.length === 2) {
    issues.push({ path: [...path, 'any'], atKey: true, message: 'a condition has both all and any; expected one group per condition; nest one inside the other, e.g. all: [..., { any: [...] }]' });
    return;
  }
  const group = groups[0];
  if (group !== undefined) {
    if (comparisonKeys.length > 0) {
      issues.push({
        path: [...path, comparisonKeys[0] as string],
        atKey: true,
        message: `a condition mixes a group (${group}) with a comparison (${comparisonKeys.join(', ')}); expected one or the other; move the comparison into the ${group} list`,
      });
    }
    (raw[group] ?? []).forEach((child, i) => checkCondition(child, [...path, group, i], issues));
    return;
  }
  if (comparisonKeys.length === 0) {
    issues.push({ path, message: 'empty condition; expected all: [...], any: [...] or { feature: ..., op: ..., value: ... }' });
    return;
  }
  if (raw.feature === undefined) {
    issues.push({ path: [...path, 'feature'], at: path, message: 'missing; a comparison needs the feature it reads, e.g. { feature: vat_import_deduction_ratio, op: ">", value: 1.05 }' });
  }
  if (raw.op === undefined) {
    issues.push({ path: [...path, 'op'], at: path, message: 'missing; a comparison needs an op, e.g. op: ">"' });
    return;
  }
  const op = raw.op;
  if (op === 'between') {
    if (raw.value === undefined) {
      issues.push({ path: [...path, 'value'], at: path, message: 'missing; between needs value: [low, high], e.g. value: [0.5, 2]' });
    } else if (!Array.isArray(raw.value)) {
      issues.push({ path: [...path, 'value'], message: `${describeValue(raw.value)} is not a range; between needs value: [low, high], e.g. value: [0.5, ${raw.value}]` });
    } else if ((raw.value[0] as number) > (raw.value[1] as number)) {
      issues.push({ path: [...path, 'value'], message: `[${raw.value.join(', ')}] has low above high; expected [low, high] with low <= high; swap the two numbers` });
    }
  } else if ((NUMBER_OPS as readonly string[]).includes(op)) {
    if (raw.value === undefined) {
      issues.push({ path: [...path, 'value'], at: path, message: `missing; op "${op}" needs a number, e.g. value: 1.05` });
    } else if (Array.isArray(raw.value)) {
      issues.push({ path: [...path, 'value'], message: `a list is a range; op "${op}" needs one number; use op: between for a range` });
    }
  } else if (raw.value !== undefined) {
    issues.push({ path: [...path, 'value'], atKey: true, message: `op ${op} takes no value; remove value` });
  }
}

function issueFromAjv(error: ErrorObject, root: unknown): Issue {
  const path = pathFromPointer(error.instancePath, root);
  const last = path[path.length - 1];
  const value = describeValue(error.data);
  const description = typeof error.parentSchema?.description === 'string' ? error.parentSchema.description.replace(/\.$/, '') : null;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const allowed = Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
      return { path: [...path, key], atKey: true, message: `unknown key "${key}"; expected one of: ${allowed.join(', ')}; check the spelling or remove it` };
    }
    case 'type': {
      if (last === 'value') {
        const hint = typeof error.data === 'string' ? '; write the number without quotes' : '';
        return { path, message: `${value} is not a number; expected a number (or [low, high] for between)${hint}` };
      }
      const expected = String(error.params.type).split(',').map(typeName).join(' or ');
      const hint = typeof error.data === 'number' && expected.includes('string') ? `; quote it ("${error.data}") so it is read as text` : '';
      const numberHint = typeof error.data === 'string' && expected === 'a number' ? '; write the number without quotes' : '';
      return { path, message: `${value} has the wrong type; expected ${expected}${hint}${numberHint}` };
    }
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      if (last === 'op') return { path, message: `${value} is not a known op; expected one of: ${allowed}` };
      return { path, message: `${value} is not allowed; expected one of: ${allowed}` };
    }
    case 'pattern':
      return { path, message: `${value} is not allowed; expected ${description ?? `a match of ${String(error.params.pattern)}`}` };
    case 'minLength':
      return { path, message: 'empty text is not allowed; expected a non-empty value' };
    case 'minimum':
      return { path, message: `${value} is negative; expected a weight of 0 or more` };
    case 'minItems':
    case 'maxItems':
      if (last === 'all' || last === 'any') return { path, message: `empty group; expected at least one condition in ${last}: [...]; add one or remove the group` };
      if (last === 'value') return { path, message: `a list of ${(error.data as unknown[]).length} numbers; expected [low, high] for between` };
      return { path, message: 'no indicators; expected at least one' };
    case 'required': {
      const key = String(error.params.missingProperty);
      if (key === 'en' || key === 'ru') {
        return { path: [...path, key], at: path, message: `missing the ${LANGUAGE_NAMES[key]} text; expected both en and ru; add ${key}: "..."` };
      }
      return { path: [...path, key], at: path, message: 'missing; add it' };
    }
    default:
      return { path, message: `${value}: ${error.message ?? 'is not allowed'}` };
  }
}
