import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE_PATH, loadRiskProfile, riskProfileFromText } from '../../src/rules/load-profile.js';
import { profileSchema } from '../../src/rules/profile-schema.js';
import { ConfigError } from '../../src/util/errors.js';
import { tempDir } from '../util/fixtures.js';

const repo = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;

/** The message of the ConfigError thrown by parsing `text` as profile.yaml. */
function errorOf(text: string): string {
  try {
    riskProfileFromText(text, 'profile.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const HEAD = ['name: test', 'version: "1"', 'indicators:'];

/** A profile with one indicator whose condition (line 5 onwards) and extra keys are given. */
function oneIndicator(condition: string[], extra: string[] = []): string {
  return lines(
    ...HEAD,
    '  - id: big',
    '    condition:',
    ...condition.map((row) => `      ${row}`),
    '    weight: 10',
    '    recovering_authority: customs',
    '    title: { en: "Big", ru: "Большой" }',
    '    reason: { en: "x is {x}", ru: "x = {x}" }',
    ...extra,
  );
}

describe('riskProfileFromText: reading', () => {
  it('reads names, texts, weights, authority and the parsed condition', () => {
    const profile = riskProfileFromText(
      oneIndicator(['all:', '  - { feature: x, op: ">", value: 1.5 }', '  - any:', '    - { feature: f, op: is_true }', '    - { feature: y, op: between, value: [1, 2] }'], [
        '    amount_at_stake: x_rub',
      ]),
      'profile.yaml',
    );
    expect(profile.name).toBe('test');
    expect(profile.version).toBe('1');
    expect(profile.source).toBe('profile.yaml');
    const [indicator] = profile.indicators;
    expect(indicator).toMatchObject({
      id: 'big',
      title: { en: 'Big', ru: 'Большой' },
      description: null,
      weight: 10,
      amountAtStake: 'x_rub',
      recoveringAuthority: 'customs',
      condition: { all: [{ feature: 'x', op: '>', value: 1.5 }, { any: [{ feature: 'f', op: 'is_true' }, { feature: 'y', op: 'between', value: [1, 2] }] }] },
      reasonParts: { en: [{ text: 'x is ' }, { feature: 'x', format: 'num' }], ru: [{ text: 'x = ' }, { feature: 'x', format: 'num' }] },
    });
  });

  it('records every feature reference with its role and position', () => {
    const profile = riskProfileFromText(oneIndicator(['{ feature: x, op: ">", value: 1 }'], ['    amount_at_stake: x_rub']), 'profile.yaml');
    expect(profile.indicators[0]?.refs).toEqual([
      { feature: 'x', role: 'condition', path: 'condition.feature', at: 'profile.yaml:6:18' },
      { feature: 'x_rub', role: 'amount_at_stake', path: 'amount_at_stake', at: 'profile.yaml:11:22' },
      { feature: 'x', role: 'reason', path: 'reason.en', at: 'profile.yaml:10:19' },
      { feature: 'x', role: 'reason', path: 'reason.ru', at: 'profile.yaml:10:35' },
    ]);
  });

  it('digests the text as UTF-8', () => {
    const text = oneIndicator(['{ feature: x, op: is_null }']);
    expect(riskProfileFromText(text, 'p.yaml').sha256).toBe(createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex'));
  });
});

describe('riskProfileFromText: errors', () => {
  it('rejects an unknown key, naming the indicator and the allowed keys', () => {
    expect(errorOf(oneIndicator(['{ feature: x, op: ">", value: 1 }'], ['    wieght: 5']))).toBe(
      'profile.yaml:11:5: indicator big: wieght: unknown key "wieght"; expected one of: id, title, description, condition, weight, amount_at_stake, amount_group, recovering_authority, reason; check the spelling or remove it',
    );
  });

  it('rejects an unknown key inside a condition', () => {
    expect(errorOf(oneIndicator(['all:', '  - { feature: x, op: ">", valu: 1 }']))).toBe(
      'profile.yaml:7:34: indicator big: condition.all[0].valu: unknown key "valu"; expected one of: all, any, feature, op, value; check the spelling or remove it',
    );
  });

  it('rejects a quoted threshold', () => {
    expect(errorOf(oneIndicator(['{ feature: x, op: ">", value: "1.05" }']))).toBe(
      'profile.yaml:6:37: indicator big: condition.value: "1.05" is not a number; expected a number (or [low, high] for between); write the number without quotes',
    );
  });

  it('rejects a range for a one-number op and a number for between', () => {
    expect(errorOf(oneIndicator(['{ feature: x, op: ">", value: [1, 2] }']))).toBe(
      'profile.yaml:6:37: indicator big: condition.value: a list is a range; op ">" needs one number; use op: between for a range',
    );
    expect(errorOf(oneIndicator(['{ feature: x, op: between, value: 2 }']))).toBe(
      'profile.yaml:6:41: indicator big: condition.value: 2 is not a range; between needs value: [low, high], e.g. value: [0.5, 2]',
    );
    expect(errorOf(oneIndicator(['{ feature: x, op: between, value: [3, 2] }']))).toBe(
      'profile.yaml:6:41: indicator big: condition.value: [3, 2] has low above high; expected [low, high] with low <= high; swap the two numbers',
    );
    expect(errorOf(oneIndicator(['{ feature: x, op: between, value: [1, 2, 3] }']))).toBe(
      'profile.yaml:6:41: indicator big: condition.value: a list of 3 numbers; expected [low, high] for between',
    );
  });

  it('rejects a missing threshold and a threshold on a test that takes none', () => {
    expect(errorOf(oneIndicator(['{ feature: x, op: ">=" }']))).toBe(
      'profile.yaml:6:7: indicator big: condition.value: missing; op ">=" needs a number, e.g. value: 1.05',
    );
    expect(errorOf(oneIndicator(['{ feature: x, op: is_true, value: 1 }']))).toBe(
      'profile.yaml:6:34: indicator big: condition.value: op is_true takes no value; remove value',
    );
  });

  it('rejects a duplicate id, pointing at the second', () => {
    const indicator = (id: string): string[] => [
      `  - id: ${id}`,
      '    condition: { feature: x, op: not_null }',
      '    weight: 1',
      '    recovering_authority: tax',
      '    title: { en: "A", ru: "А" }',
      '    reason: { en: "a", ru: "а" }',
    ];
    expect(errorOf(lines(...HEAD, ...indicator('dup'), ...indicator('other'), ...indicator('dup')))).toBe(
      'profile.yaml:16:9: indicator dup: id: "dup" is already the id of indicators[0]; expected unique ids; rename one of the two',
    );
  });

  it('rejects an unknown op, listing the known ones', () => {
    expect(errorOf(oneIndicator(['{ feature: x, op: "=>", value: 1 }']))).toBe(
      'profile.yaml:6:25: indicator big: condition.op: "=>" is not a known op; expected one of: ">", ">=", "<", "<=", "==", "!=", "between", "is_true", "is_false", "is_null", "not_null"',
    );
  });

  it('rejects an empty group', () => {
    expect(errorOf(oneIndicator(['all:', '  - { feature: x, op: is_null }', '  - any: []']))).toBe(
      'profile.yaml:8:16: indicator big: condition.all[1].any: empty group; expected at least one condition in any: [...]; add one or remove the group',
    );
  });

  it('rejects a condition that is both a group and a comparison, or neither', () => {
    expect(errorOf(oneIndicator(['all: [{ feature: x, op: is_null }]', 'feature: y']))).toBe(
      'profile.yaml:7:7: indicator big: condition.feature: a condition mixes a group (all) with a comparison (feature); expected one or the other; move the comparison into the all list',
    );
    expect(errorOf(oneIndicator(['all: [{ feature: x, op: is_null }]', 'any: [{ feature: x, op: is_null }]']))).toBe(
      'profile.yaml:7:7: indicator big: condition.any: a condition has both all and any; expected one group per condition; nest one inside the other, e.g. all: [..., { any: [...] }]',
    );
    expect(errorOf(oneIndicator(['all: [{}]']))).toBe(
      'profile.yaml:6:13: indicator big: condition.all[0]: empty condition; expected all: [...], any: [...] or { feature: ..., op: ..., value: ... }',
    );
  });

  it('rejects a comparison without a feature', () => {
    expect(errorOf(oneIndicator(['{ op: ">", value: 1 }']))).toBe(
      'profile.yaml:6:7: indicator big: condition.feature: missing; a comparison needs the feature it reads, e.g. { feature: vat_import_deduction_ratio, op: ">", value: 1.05 }',
    );
  });

  it('requires both languages in titles and reasons', () => {
    const text = lines(
      ...HEAD,
      '  - id: big',
      '    condition: { feature: x, op: not_null }',
      '    weight: 1',
      '    recovering_authority: tax',
      '    title: { en: "Big" }',
      '    reason:',
      '      ru: "x = {x}"',
    );
    expect(errorOf(text).split('\n')).toEqual([
      'profile.yaml:8:12: indicator big: title.ru: missing the Russian text; expected both en and ru; add ru: "..."',
      'profile.yaml:10:7: indicator big: reason.en: missing the English text; expected both en and ru; add en: "..."',
    ]);
  });

  it('rejects a negative weight', () => {
    const text = oneIndicator(['{ feature: x, op: not_null }']).replace('weight: 10', 'weight: -5');
    expect(errorOf(text)).toBe('profile.yaml:7:13: indicator big: weight: -5 is negative; expected a weight of 0 or more');
  });

  it('rejects a bad reason template', () => {
    const text = oneIndicator(['{ feature: x, op: not_null }']).replace('"x = {x}"', '"x = {x:money}} руб"');
    expect(errorOf(text)).toBe(
      'profile.yaml:10:35: indicator big: reason.ru: "x = {x:money}} руб" is not a valid reason template: "}" at character 14 has no matching "{"; placeholders are {feature} or {feature:format}',
    );
    const unknownFormat = oneIndicator(['{ feature: x, op: not_null }']).replace('"x is {x}"', '"x is {x:mony}"');
    expect(errorOf(unknownFormat)).toBe(
      'profile.yaml:10:19: indicator big: reason.en: "x is {x:mony}" is not a valid reason template: "{x:mony}" at character 6 has an unknown format "mony"; expected one of: money, times, percent, logpercent, int, num, years, months, yesno; placeholders are {feature} or {feature:format}',
    );
  });

  it('rejects an unknown recovering authority and a bad id', () => {
    const text = oneIndicator(['{ feature: x, op: not_null }']).replace('recovering_authority: customs', 'recovering_authority: police').replace('id: big', 'id: Big-One');
    expect(errorOf(text).split('\n')).toEqual([
      'profile.yaml:4:9: indicator Big-One: id: "Big-One" is not allowed; expected lower-case letters, digits and _, starting with a letter, unique in the profile',
      'profile.yaml:8:27: indicator Big-One: recovering_authority: "police" is not allowed; expected one of: "customs", "tax"',
    ]);
  });

  it('asks to quote a version YAML reads as a number', () => {
    expect(errorOf(lines('name: test', 'version: 1.0', 'indicators: []')).split('\n')).toEqual([
      'profile.yaml:2:10: version: 1 has the wrong type; expected a string; quote it ("1") so it is read as text',
      'profile.yaml:3:13: indicators: no indicators; expected at least one',
    ]);
  });

  it('names missing top-level keys and an empty file', () => {
    expect(errorOf(lines('name: test'))).toBe(
      ['profile.yaml:1:1: version: missing; add it', 'profile.yaml:1:1: indicators: missing; add it'].join('\n'),
    );
    expect(errorOf('')).toBe('profile.yaml: (top level): the file is empty; expected name, version and indicators (see profiles/default.yaml)');
  });

  it('reports YAML syntax errors with their position', () => {
    expect(errorOf(lines('name: test', 'version: "1', 'indicators: []'))).toBe(
      'profile.yaml:4:1: YAML syntax error: Missing closing "quote; check the indentation and quoting there (quote text containing ": " or " #")',
    );
  });
});

describe('loadRiskProfile', () => {
  it('loads the shipped default when no path is given', async () => {
    const profile = await loadRiskProfile(null);
    expect(profile.source).toBe(DEFAULT_PROFILE_PATH);
    expect(profile.source).toBe(repo('profiles/default.yaml'));
    expect(profile.name).toBe('default');
    expect(profile.sha256).toBe(createHash('sha256').update(await readFile(repo('profiles/default.yaml'))).digest('hex'));
  });

  it('records the path and the sha256 of the file bytes', async () => {
    const path = join(await tempDir(), 'mine.yaml');
    const text = `\uFEFF${oneIndicator(['{ feature: x, op: not_null }'])}`;
    await writeFile(path, text);
    const profile = await loadRiskProfile(path);
    expect(profile.source).toBe(path);
    expect(profile.sha256).toBe(createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex'));
  });

  it('reports a missing file as a ConfigError naming it', async () => {
    await expect(loadRiskProfile('/nonexistent/profile.yaml')).rejects.toThrow(/^\/nonexistent\/profile\.yaml: cannot read the risk profile: ENOENT/);
  });
});

describe('risk profile schema', () => {
  it('docs/risk-profile.schema.json equals the schema in src (regenerate: npx tsx scripts/write-profile-schema.ts)', async () => {
    const written: unknown = JSON.parse(await readFile(repo('docs/risk-profile.schema.json'), 'utf8'));
    expect(written).toEqual(JSON.parse(JSON.stringify(profileSchema)));
  });
});
