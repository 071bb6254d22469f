import { describe, expect, it } from 'vitest';
import { controlPeriodStart } from '../../src/plan/outcomes-template.js';

describe('controlPeriodStart', () => {
  it('goes back the control years and on by a day, clamping the day as the features\' windows do', () => {
    expect(controlPeriodStart('2026-06-30', 3)).toBe('2023-07-01');
    expect(controlPeriodStart('2026-12-31', 3)).toBe('2024-01-01');
    // 2021 has no 29 February: 2021-02-28, then the next day (JavaScript alone would roll over to 2 March).
    expect(controlPeriodStart('2024-02-29', 3)).toBe('2021-03-01');
    expect(controlPeriodStart('2028-02-29', 4)).toBe('2024-03-01');
  });
});
