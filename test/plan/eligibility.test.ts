import { describe, expect, it } from 'vitest';
import { SCORE_DEFAULTS } from '../../src/config/defaults.js';
import { exclusionsOf, type EligibilityRules } from '../../src/plan/eligibility.js';
import { readStoreFacts } from '../../src/plan/inputs.js';
import { innFromBody } from '../../src/validation/inn.js';
import { extractCsv, fixtureFile, ingestInto, memoryStore, tempDir } from '../util/fixtures.js';

const inn = (n: number): string => innFromBody(String(770000000 + n));
const [A, B, C, D, E, F, G, H, I] = [1, 2, 3, 4, 5, 6, 7, 8, 9].map(inn) as [string, string, string, string, string, string, string, string, string];
const AS_OF = '2026-06-30';

/** A store as of 2026-06-30 where each participant meets one rule. */
async function eligibilityStore() {
  const db = await memoryStore();
  const dir = await tempDir();
  const participants: Record<string, string>[] = [A, B, C, D, E, F, G, H, I].map((x) => ({ inn: x, snapshot_date: '2026-01-31', aeo: x === I ? '1' : '0' }));
  participants.push({ inn: B, snapshot_date: '2026-03-31', aeo: '0', status: 'liquidated', liquidation_date: '2026-03-10' });
  // A later snapshot is not seen as of June.
  participants.push({ inn: C, snapshot_date: '2026-08-31', aeo: '0', status: 'liquidated', liquidation_date: '2026-08-10' });
  const declarations = [A, B, C, D, E, F, G, H, I].map((x, i) => ({
    decl_id: `10702030/150326/${String(i).padStart(7, '0')}`,
    importer_inn: x,
    release_date: x === H ? '2023-06-15' : '2026-03-15',
  }));
  declarations.push({ decl_id: '10702030/150326/0000099', importer_inn: A, release_date: '2024-02-20' });
  const open: Record<string, string>[] = [
    { inspection_id: 'OPEN', inn: D, started_date: '2026-05-01', completed_date: '', violation: '', additional_charges_rub: '' },
    { inspection_id: 'RECENT', inn: E, started_date: '2025-06-01', completed_date: '2025-08-01' },
    { inspection_id: 'OLD', inn: F, started_date: '2025-02-01', completed_date: '2025-05-01' },
    // Completed only after the as-of date: open as of it.
    { inspection_id: 'LATER', inn: G, started_date: '2026-04-01', completed_date: '2026-07-15' },
    { inspection_id: 'FUTURE', inn: A, started_date: '2026-08-01', completed_date: '2026-09-01' },
  ];
  const outcomes = open.map((o) => ({ period_from: '2024-01-01', period_to: '2024-12-31', ...o }));
  await ingestInto(db, [
    { extract: 'participants', file: await fixtureFile('participants.csv', extractCsv('participants', participants), dir) },
    { extract: 'declarations', file: await fixtureFile('declarations.csv', extractCsv('declarations', declarations), dir) },
    { extract: 'outcomes', file: await fixtureFile('outcomes.csv', extractCsv('outcomes', outcomes), dir) },
  ]);
  return db;
}

describe('eligibility as of the period', () => {
  it('reads items, register and inspections as of the date and applies every rule', async () => {
    const db = await eligibilityStore();
    const all = [A, B, C, D, E, F, G, H, I];
    const facts = await readStoreFacts(db, all, { asOf: AS_OF, controlYears: SCORE_DEFAULTS.controlYears, leadMonths: SCORE_DEFAULTS.leadMonths, recentMonths: 12 });
    expect(facts.recentCutoff).toBe('2025-06-30');
    // A's older item (2024-02-20 + 30 months = 2026-08-20) is the earliest still inspectable.
    expect(facts.items.get(A)).toEqual({ inspectable: 2, earliest: '2026-08-20' });
    expect(facts.items.get(H)).toBeUndefined();
    expect(facts.register.get(B)).toEqual({ status: 'liquidated', liquidationDate: '2026-03-10', aeo: false });
    expect(facts.register.get(C)?.status).toBe('active');
    expect(facts.inspections.get(A)).toBeUndefined();
    expect(facts.inspections.get(G)?.[0]).toMatchObject({ inspectionId: 'LATER', completedDate: null });

    const rules: EligibilityRules = { asOf: AS_OF, recentCutoff: facts.recentCutoff, recentMonths: 12, allowRecent: new Set([F]), aeoMinScore: 100 };
    const codes = (x: string, listed?: string, score = 50, r = rules) =>
      exclusionsOf({ inn: x, score, items: facts.items.get(x), register: facts.register.get(x), inspections: facts.inspections.get(x) ?? [], listed }, r).map((e) => e.code);
    expect(codes(A)).toEqual([]);
    expect(codes(B)).toEqual(['liquidated']);
    expect(codes(C)).toEqual([]);
    expect(codes(D)).toEqual(['recent_inspection']);
    expect(codes(E)).toEqual(['recent_inspection']);
    expect(codes(F)).toEqual([]);
    expect(codes(G)).toEqual(['recent_inspection']);
    expect(codes(H)).toEqual(['no_inspectable_items']);
    expect(codes(I)).toEqual(['aeo_below_threshold']);
    expect(codes(I, undefined, 100)).toEqual([]);
    expect(codes(A, 'court case')).toEqual(['exclusion_list']);
    // The planner's override and a window of 0 lift the recent-inspection rule.
    expect(codes(E, undefined, 50, { ...rules, allowRecent: new Set([E]) })).toEqual([]);
    expect(codes(D, undefined, 50, { ...rules, recentMonths: 0 })).toEqual([]);
    const details = exclusionsOf({ inn: E, score: 1, items: facts.items.get(E), register: facts.register.get(E), inspections: facts.inspections.get(E) ?? [], listed: 'x' }, rules);
    expect(details.map((d) => d.detail)).toEqual(['inspection RECENT completed on 2025-08-01, within 12 months', "planner's exclusion list: x"]);
  });
});
