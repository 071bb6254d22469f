import { describe, expect, it } from 'vitest';
import { SCORE_DEFAULTS } from '../../src/config/defaults.js';
import { defaultTraceableGoods, loadTraceableGoods, traceableGoodsFromText } from '../../src/config/traceable-goods.js';
import { ConfigError } from '../../src/util/errors.js';
import { runCli } from '../util/cli.js';
import { fixtureFile } from '../util/fixtures.js';

function problem(text: string): string {
  try {
    traceableGoodsFromText(text, 'goods.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('the list of traceable goods', () => {
  it('ships a default the feature defaults read', async () => {
    const shipped = await loadTraceableGoods(null);
    expect(shipped.prefixes).toContain('8418');
    expect(shipped.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(defaultTraceableGoods().prefixes).toEqual(shipped.prefixes);
    expect(SCORE_DEFAULTS.traceableCodes).toEqual(shipped.prefixes);
  });

  it('reads prefixes in file order', () => {
    const goods = traceableGoodsFromText('name: mine\nversion: "2"\ncodes:\n  - { prefix: "8450" }\n  - { prefix: "870120" }\n', 'goods.yaml');
    expect(goods).toMatchObject({ name: 'mine', version: '2', prefixes: ['8450', '870120'] });
  });

  it('names the line, the column and the value of a bad or repeated prefix, and an unknown key', () => {
    const text = 'name: mine\nversion: "2"\ncolour: red\ncodes:\n  - { prefix: "84a" }\n  - { prefix: "8450" }\n  - { prefix: "8450" }\n  - { prefix: 8418 }\n';
    const message = problem(text);
    expect(message).toContain('goods.yaml:3:');
    expect(message).toContain('colour: unknown key');
    expect(message).toMatch(/goods\.yaml:5:\d+: codes\[0\]\.prefix: got "84a"; expected a code prefix of 2 to 10 digits/);
    expect(message).toMatch(/goods\.yaml:7:\d+: codes\[2\]\.prefix: "8450" is listed twice/);
    expect(message).toMatch(/codes\[3\]\.prefix: got 8418; expected a code prefix of 2 to 10 digits, quoted/);
  });

  it('refuses an empty list', () => {
    expect(problem('name: mine\nversion: "2"\ncodes: []\n')).toContain('codes: got an empty list; expected a list of at least one');
  });

  it('stops ccrg score with the file and the problem, before any work', async () => {
    const bad = await fixtureFile('goods.yaml', 'name: x\nversion: "1"\ncodes:\n  - { prefix: "8" }\n');
    const result = await runCli(['score', '--store', ':memory:', '--period', '2026-06', '--traceable-goods', bad, '--quiet']);
    expect(result.code).not.toBe(0);
    expect(result.err).toContain(`${bad}:4:`);
    expect(result.err).toContain('expected a code prefix of 2 to 10 digits');
  });
});
