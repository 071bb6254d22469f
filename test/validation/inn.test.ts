import { describe, expect, it } from 'vitest';
import { innFromBody, innProblem, isValidInn } from '../../src/validation/inn.js';

describe('innProblem', () => {
  it('accepts known valid 10- and 12-digit INNs', () => {
    expect(innProblem('7707083893')).toBeNull(); // Sberbank
    expect(innProblem('7736207543')).toBeNull(); // Yandex
    expect(innProblem('500100732259')).toBeNull();
  });

  it('reports wrong check digits as INN_CHECKSUM', () => {
    expect(innProblem('7707083894')).toBe('INN_CHECKSUM');
    expect(innProblem('500100732258')).toBe('INN_CHECKSUM');
    expect(innProblem('500100732249')).toBe('INN_CHECKSUM');
  });

  it('reports wrong length, letters and all zeros as BAD_INN', () => {
    expect(innProblem('770708389')).toBe('BAD_INN');
    expect(innProblem('77070838930')).toBe('BAD_INN');
    expect(innProblem('77070838A3')).toBe('BAD_INN');
    expect(innProblem('0000000000')).toBe('BAD_INN');
    expect(innProblem('000000000000')).toBe('BAD_INN');
  });
});

describe('innFromBody', () => {
  it('completes bodies into valid INNs', () => {
    expect(innFromBody('770708389')).toBe('7707083893');
    expect(innFromBody('5001007322')).toBe('500100732259');
    for (let i = 100000000; i < 100000200; i++) expect(isValidInn(innFromBody(String(i)))).toBe(true);
  });

  it('refuses a body of the wrong length', () => {
    expect(() => innFromBody('12345')).toThrow('INN body must be 9 or 10 digits, got "12345"');
  });
});
