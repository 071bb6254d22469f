import { describe, expect, it } from 'vitest';
import { NATIONAL, selectPlan, type Candidate, type Cell, type SelectOptions } from '../../src/plan/select.js';
import { exploreTotal } from '../../src/plan/sampling.js';
import { mulberry32 } from '../../src/util/random.js';

/** A candidate: rank r, group g, risk-bearing, routed to customs, desk, eligible; overrides as given. */
function c(rank: number, group = '', over: Partial<Candidate> = {}): Candidate {
  return { inn: `I${String(rank).padStart(4, '0')}`, rank, group, risk: true, form: 'customs_inspection', checkType: 'desk', exclusions: [], weight: 1, ...over };
}
const none: SelectOptions = { explore: 0, weighting: 'none', seed: 1, reallocate: false };
const national = (capacity: number, checkType: Cell['checkType'] = 'any'): Cell => ({ quota: NATIONAL, checkType, capacity });
const risky = (inns: readonly { inn: string; kind: string }[]): string[] => inns.filter((p) => p.kind === 'risk').map((p) => p.inn);

describe('selectPlan: risk picks', () => {
  it('fills the capacity in score order', () => {
    const s = selectPlan([c(3), c(1), c(2), c(4)], [national(2)], none);
    expect(risky(s.picks)).toEqual(['I0001', 'I0002']);
    expect(s.cells[0]).toMatchObject({ risk: 2, random: 0, unused: 0 });
  });

  it('leaves referrals to the tax authority outside the capacity', () => {
    const s = selectPlan([c(1, '', { form: 'refer_to_tax' }), c(2, '', { form: 'coordinated_measure' }), c(3, '', { form: 'refer_to_tax' }), c(4), c(5)], [national(2)], { ...none, explore: 0.5 });
    expect(s.picks.map((p) => p.inn)).not.toContain('I0001');
    expect(s.picks.map((p) => p.inn)).not.toContain('I0003');
    expect(risky(s.picks)).toEqual(['I0002']);
    // Referred participants are in no exploration frame: inclusion probability 0.
    expect(s.inclusion.get('I0001')).toEqual({ frame: null, probability: 0 });
    expect(s.frames[0]?.size).toBe(2);
  });

  it('never picks a participant without risk for its risk slots', () => {
    const s = selectPlan([c(1), c(2, '', { risk: false }), c(3, '', { risk: false })], [national(3)], none);
    expect(risky(s.picks)).toEqual(['I0001']);
    expect(s.cells[0]).toMatchObject({ risk: 1, unused: 2 });
  });

  it('reports ineligible participants that would have been selected, without using capacity', () => {
    const liquidated = [{ code: 'liquidated' as const, detail: 'liquidated on 2026-01-01' }];
    const recent = [{ code: 'recent_inspection' as const, detail: 'inspection X open since 2026-05-01' }];
    const s = selectPlan([c(1, '', { exclusions: liquidated }), c(2), c(3, '', { exclusions: recent }), c(4), c(5, '', { exclusions: liquidated })], [national(2)], none);
    expect(risky(s.picks)).toEqual(['I0002', 'I0004']);
    // I0005 comes after the capacity is full: it would not have been selected.
    expect(s.excluded.map((e) => [e.inn, e.quota, e.exclusions[0]?.code])).toEqual([
      ['I0001', NATIONAL, 'liquidated'],
      ['I0003', NATIONAL, 'recent_inspection'],
    ]);
    expect(s.inclusion.has('I0001')).toBe(false);
  });

  it('fills desk and field cells with their own check type', () => {
    const cands = [c(1, '', { checkType: 'field' }), c(2), c(3, '', { checkType: 'field' }), c(4, '', { checkType: 'field' }), c(5)];
    const s = selectPlan(cands, [national(1, 'desk'), national(2, 'field')], none);
    expect(s.picks.map((p) => [p.inn, p.cellCheckType])).toEqual([
      ['I0001', 'field'],
      ['I0002', 'desk'],
      ['I0003', 'field'],
    ]);
  });
});

describe('selectPlan: quotas', () => {
  const cands = [c(1, 'A'), c(2, 'B'), c(3, 'A'), c(4, 'A'), c(5, 'C'), c(6, 'B'), c(7, 'A'), c(8, 'C'), c(9, 'B')];
  const cells: Cell[] = [
    { quota: 'A', checkType: 'any', capacity: 2 },
    { quota: 'B', checkType: 'any', capacity: 5 },
    national(1),
  ];

  it('never exceeds a quota and fills each in score order', () => {
    const s = selectPlan(cands, cells, none);
    const of = (q: string): string[] => s.picks.filter((p) => p.quota === q).map((p) => p.inn);
    expect(of('A')).toEqual(['I0001', 'I0003']);
    expect(of('B')).toEqual(['I0002', 'I0006', 'I0009']);
    // The national pool takes the best remaining participant of any group.
    expect(of(NATIONAL)).toEqual(['I0004']);
    expect(s.cells.map((x) => [x.quota, x.risk, x.unused])).toEqual([
      ['A', 2, 0],
      ['B', 3, 2],
      [NATIONAL, 1, 0],
    ]);
  });

  it('passes unused quota to the national pool in score order with --reallocate', () => {
    const s = selectPlan(cands, cells, { ...none, reallocate: true });
    expect(s.picks.filter((p) => p.quota === NATIONAL).map((p) => p.inn)).toEqual(['I0004', 'I0005', 'I0007']);
    expect(s.cells.map((x) => [x.quota, x.reallocatedIn, x.reallocatedOut, x.unused])).toEqual([
      ['A', 0, 0, 0],
      ['B', 0, 2, 0],
      [NATIONAL, 2, 0, 0],
    ]);
    expect(s.picks).toHaveLength(2 + 3 + 3);
  });

  it('keeps every quota within its capacity and in score order on random cases', () => {
    const rnd = mulberry32(7);
    for (let trial = 0; trial < 200; trial++) {
      const groups = ['A', 'B', 'C', 'D'];
      const n = 5 + Math.floor(rnd() * 40);
      const pool: Candidate[] = Array.from({ length: n }, (_, i) =>
        c(i + 1, groups[Math.floor(rnd() * 4)] as string, {
          risk: rnd() < 0.8,
          form: rnd() < 0.15 ? 'refer_to_tax' : 'customs_inspection',
          checkType: rnd() < 0.5 ? 'desk' : 'field',
          exclusions: rnd() < 0.2 ? [{ code: 'exclusion_list', detail: 'x' }] : [],
          weight: 0.05 + rnd(),
        }),
      );
      const split = rnd() < 0.5;
      const types = split ? (['desk', 'field'] as const) : (['any'] as const);
      const trialCells: Cell[] = [];
      for (const q of ['A', 'B', NATIONAL]) for (const t of types) trialCells.push({ quota: q, checkType: t, capacity: Math.floor(rnd() * 6) });
      const options: SelectOptions = { explore: rnd() * 0.5, weighting: rnd() < 0.5 ? 'none' : 'uncertainty', seed: trial, reallocate: rnd() < 0.5 };
      const s = selectPlan(pool, trialCells, options);
      expect(new Set(s.picks.map((p) => p.inn)).size).toBe(s.picks.length);
      for (const cell of s.cells) {
        const taken = s.picks.filter((p) => p.quota === cell.quota && p.cellCheckType === cell.checkType);
        expect(taken.length).toBe(cell.risk + cell.random);
        expect(cell.risk).toBeLessThanOrEqual(cell.riskSlots + cell.reallocatedIn);
        expect(cell.random).toBeLessThanOrEqual(cell.exploreSlots);
        expect(cell.risk + cell.random).toBeLessThanOrEqual(cell.capacity + cell.reallocatedIn);
        // Score order: no eligible, fitting, unpicked risk candidate of the cell's pool ranks above its last risk pick.
        const riskPicks = taken.filter((p) => p.kind === 'risk');
        const last = Math.max(0, ...riskPicks.map((p) => p.rank));
        const skipped = pool.filter(
          (x) =>
            x.rank < last &&
            x.risk &&
            x.form !== 'refer_to_tax' &&
            x.exclusions.length === 0 &&
            (cell.checkType === 'any' || x.checkType === cell.checkType) &&
            (cell.quota === NATIONAL || x.group === cell.quota) &&
            !s.picks.some((p) => p.inn === x.inn && p.kind === 'risk'),
        );
        expect(skipped).toEqual([]);
        for (const p of taken) if (p.kind === 'random') expect((pool.find((x) => x.inn === p.inn) as Candidate).exclusions).toEqual([]);
      }
      expect(s.picks.filter((p) => p.kind === 'random').every((p) => p.propensity > 0 && p.propensity <= 1)).toBe(true);
    }
  });
});

describe('selectPlan: exploration', () => {
  it('gives each quota its exact share of exploration slots (largest remainder) and fills them', () => {
    const pool = Array.from({ length: 400 }, (_, i) => c(i + 1, ['A', 'B', 'C', 'X'][i % 4] as string, { risk: i < 60 }));
    const cells: Cell[] = [
      { quota: 'A', checkType: 'any', capacity: 25 },
      { quota: 'B', checkType: 'any', capacity: 15 },
      { quota: 'C', checkType: 'any', capacity: 7 },
      national(13),
    ];
    const s = selectPlan(pool, cells, { ...none, explore: 0.1 });
    const slots = s.cells.map((x) => x.exploreSlots);
    // 0.1 × 60 = 6 in all; quotas 2.5, 1.5, 0.7, 1.3: floors 2, 1, 0, 1 and the two units left to 0.7 and 0.5.
    expect(slots).toEqual([3, 1, 1, 1]);
    expect(slots.reduce((a, b) => a + b, 0)).toBe(exploreTotal(0.1, 60));
    s.cells.forEach((x) => {
      expect(x.exploreSlots).toBeGreaterThanOrEqual(Math.floor(0.1 * x.capacity));
      expect(x.exploreSlots).toBeLessThanOrEqual(Math.ceil(0.1 * x.capacity));
      expect(x.random).toBe(x.exploreSlots);
      expect(s.picks.filter((p) => p.quota === x.quota && p.kind === 'random')).toHaveLength(x.exploreSlots);
    });
    // Each quota draws from its own group's eligible rest (national: groups without a quota).
    for (const p of s.picks.filter((x) => x.kind === 'random')) {
      const group = (pool.find((x) => x.inn === p.inn) as Candidate).group;
      expect(p.quota).toBe(group === 'X' ? NATIONAL : group);
    }
  });

  it('writes 1 for risk picks and m/N for the rest of each frame', () => {
    const pool = Array.from({ length: 30 }, (_, i) => c(i + 1, '', { risk: i < 10 }));
    const s = selectPlan(pool, [national(10)], { ...none, explore: 0.2 });
    const frame = s.frames[0];
    expect(frame).toEqual({ quota: NATIONAL, size: 22, sample: 2 });
    for (const p of s.picks) expect(p.propensity).toBe(p.kind === 'risk' ? 1 : 2 / 22);
    for (const [inn, inc] of s.inclusion) {
      const risk = s.picks.some((p) => p.inn === inn && p.kind === 'risk');
      expect(inc.probability).toBe(risk ? 1 : 2 / 22);
    }
  });

  it('matches the inclusion probabilities it reports, by simulation over seeds', () => {
    const runs = 6000;
    for (const weighting of ['none', 'uncertainty'] as const) {
      const pool = [c(1), c(2), c(3, '', { weight: 0.5 }), c(4, '', { weight: 2 }), c(5, '', { weight: 1 }), c(6, '', { weight: 0.25 }), c(7, '', { weight: 3 }), c(8, '', { weight: 1.5 })];
      const options = { explore: 0.5, weighting, seed: 0, reallocate: false };
      const reported = selectPlan(pool, [national(4)], options).inclusion;
      const hits = new Map<string, number>();
      for (let seed = 0; seed < runs; seed++) {
        for (const p of selectPlan(pool, [national(4)], { ...options, seed }).picks) hits.set(p.inn, (hits.get(p.inn) ?? 0) + 1);
      }
      for (const [inn, inc] of reported) {
        const f = (hits.get(inn) ?? 0) / runs;
        const se = Math.sqrt((inc.probability * (1 - inc.probability)) / runs);
        expect(Math.abs(f - inc.probability), `${weighting} ${inn}: ${f} vs ${inc.probability}`).toBeLessThanOrEqual(4.5 * se + 1e-12);
      }
      // Risk picks: the two best (explore 0.5 of 4 leaves 2 risk slots).
      expect(reported.get('I0001')?.probability).toBe(1);
      expect(reported.get('I0002')?.probability).toBe(1);
    }
  });

  it('gives the same plan for the same seed and another for another seed', () => {
    const pool = Array.from({ length: 200 }, (_, i) => c(i + 1, '', { risk: i < 20, weight: 0.1 + (i % 7) }));
    for (const weighting of ['none', 'uncertainty'] as const) {
      const a = selectPlan(pool, [national(20)], { ...none, explore: 0.25, weighting, seed: 5 });
      const b = selectPlan(pool, [national(20)], { ...none, explore: 0.25, weighting, seed: 5 });
      const other = selectPlan(pool, [national(20)], { ...none, explore: 0.25, weighting, seed: 6 });
      expect(b).toEqual(a);
      expect(other.picks.map((p) => p.inn)).not.toEqual(a.picks.map((p) => p.inn));
    }
  });
});
