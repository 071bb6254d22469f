import { describe, expect, it } from 'vitest';
import { dossierFileName } from '../../src/plan/dossier.js';

describe('dossierFileName', () => {
  it('keeps a real INN as it is', () => {
    expect(dossierFileName('7707083893')).toBe('7707083893.html');
    expect(dossierFileName('741592652745')).toBe('741592652745.html');
  });

  it('gives distinct ids distinct, safe and short names', () => {
    const ids = ['A/1', 'A_1', 'A 1', 'A1', 'a1', '../etc/passwd', '.hidden', '', 'x'.repeat(300), `${'x'.repeat(300)}y`, 'ИНН1', 'A-1'];
    const names = ids.map(dossierFileName);
    expect(new Set(names).size).toBe(ids.length);
    for (const name of names) {
      expect(name).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]*\.html$/);
      expect(name.length).toBeLessThanOrEqual(64 + '.html'.length);
    }
  });
});
