import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** Golden files live here (docs/testing.md). */
export const GOLDEN_DIR = fileURLToPath(new URL('../fixtures/golden/', import.meta.url));

/** `report.en.html` -> `report.en-changed.html`: where a mismatching text is written beside its golden. */
export function changedPath(golden: string): string {
  const ext = extname(golden);
  return join(dirname(golden), `${basename(golden, ext)}-changed${ext}`);
}

/**
 * Compares `actual` with the golden file `name` under test/fixtures/golden.
 * With UPDATE_GOLDEN=1 the golden is rewritten first. On a mismatch the
 * text is written beside the golden as `<name>-changed.<ext>` (ignored by
 * git), so a reviewer can open or diff both; a match removes a stale one.
 */
export async function expectGolden(name: string, actual: string, dir = GOLDEN_DIR): Promise<void> {
  const golden = join(dir, name);
  const changed = changedPath(golden);
  if (process.env['UPDATE_GOLDEN'] === '1') await writeFile(golden, actual);
  const expected = existsSync(golden) ? await readFile(golden, 'utf8') : null;
  if (expected === actual) {
    await rm(changed, { force: true });
    return;
  }
  await writeFile(changed, actual);
  expect(actual, `${name} differs from its golden file; the new text is in ${changed} (UPDATE_GOLDEN=1 accepts it)`).toBe(expected);
}

/** Numbers with a fraction rounded to `digits` decimals (trailing zeros dropped), so goldens do not move with float noise. */
export function roundNumbers(text: string, digits = 1): string {
  return text.replace(/-?\d+\.\d+(?:e[-+]?\d+)?/gi, (n) => {
    const rounded = Number(Number(n).toFixed(digits));
    return String(Object.is(rounded, -0) ? 0 : rounded);
  });
}

/** report.html with its one line that changes on every run (the time it was written) fixed. */
export function normaliseReport(html: string): string {
  return html.replace(/(<p class="generated-at">[^<]*?)\d{4}-\d\d-\d\dT[\d:.]+Z</, '$1<generated-at><');
}

const SVG = /<svg\b[\s\S]*?<\/svg>/g;

/**
 * Splits a page into its text with each inline SVG chart replaced by a
 * reference `<svg golden="NAME"/>`, and the charts (numbers rounded), named
 * `<stem>.chart-<n>.svg` in page order.
 */
export function splitCharts(html: string, stem: string): { page: string; charts: { name: string; svg: string }[] } {
  const charts: { name: string; svg: string }[] = [];
  const page = html.replace(SVG, (svg) => {
    const name = `${stem}.chart-${charts.length + 1}.svg`;
    charts.push({ name, svg: `${roundNumbers(svg)}\n` });
    return `<svg golden="${name}"/>`;
  });
  return { page, charts };
}
