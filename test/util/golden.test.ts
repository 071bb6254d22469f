import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './fixtures.js';
import { changedPath, expectGolden, roundNumbers, splitCharts } from './golden.js';

describe('golden files', () => {
  it('write the new text beside a golden that differs, and remove it once they match', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'chart.svg'), '<svg>1</svg>\n');
    await expect(expectGolden('chart.svg', '<svg>2</svg>\n', dir)).rejects.toThrow('chart.svg differs from its golden file');
    expect(changedPath(join(dir, 'chart.svg'))).toBe(join(dir, 'chart-changed.svg'));
    expect(await readFile(join(dir, 'chart-changed.svg'), 'utf8')).toBe('<svg>2</svg>\n');
    // The golden itself is left as it was.
    expect(await readFile(join(dir, 'chart.svg'), 'utf8')).toBe('<svg>1</svg>\n');
    await expectGolden('chart.svg', '<svg>1</svg>\n', dir);
    expect(existsSync(join(dir, 'chart-changed.svg'))).toBe(false);
  });

  it('fail on a missing golden, writing what it would hold', async () => {
    const dir = await tempDir();
    await expect(expectGolden('new.txt', 'text', dir)).rejects.toThrow('new.txt differs');
    expect(await readFile(join(dir, 'new-changed.txt'), 'utf8')).toBe('text');
  });

  it('round numbers with a fraction and leave integers and names alone', () => {
    expect(roundNumbers('M10.04,20.96h-0.04 translate(0.5,0.5) x2 1e-7 font-size="11px"')).toBe('M10,21h0 translate(0.5,0.5) x2 1e-7 font-size="11px"');
    expect(roundNumbers('1.25e-3 2.5e2', 3)).toBe('0.001 250');
  });

  it('take each inline SVG out of a page, in page order, and refer to it by name', () => {
    const { page, charts } = splitCharts('<p>a</p><svg width="1.26">x</svg><figure><svg>y</svg></figure>', 'report.en');
    expect(page).toBe('<p>a</p><svg golden="report.en.chart-1.svg"/><figure><svg golden="report.en.chart-2.svg"/></figure>');
    expect(charts).toEqual([
      { name: 'report.en.chart-1.svg', svg: '<svg width="1.3">x</svg>\n' },
      { name: 'report.en.chart-2.svg', svg: '<svg>y</svg>\n' },
    ]);
  });
});
