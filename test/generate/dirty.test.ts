import { describe, expect, it } from 'vitest';
import { futureDate, malformedInn, notANumber, tooManyDecimals, wrongCheckDigitInn } from '../../src/generate/dirty.js';
import { Rng } from '../../src/generate/random.js';
import { innFromBody, innProblem } from '../../src/validation/inn.js';

describe('dirty value helpers', () => {
  it('breaks only the check digit of 10- and 12-digit INNs', () => {
    for (const body of ['770123456', '7701234567', '500000001']) {
      const inn = innFromBody(body);
      expect(innProblem(wrongCheckDigitInn(inn))).toBe('INN_CHECKSUM');
    }
  });

  it('makes INNs of the wrong form', () => {
    const rng = new Rng(1, 1);
    for (let i = 0; i < 20; i++) expect(innProblem(malformedInn(innFromBody('770123456'), rng))).toBe('BAD_INN');
  });

  it('moves dates to 2099 keeping them real, 29 February included', () => {
    expect(futureDate('2024-02-29')).toBe('2099-02-28');
    expect(futureDate('2025-07-14')).toBe('2099-07-14');
  });

  it('adds a third decimal to an amount, below a million', () => {
    expect(tooManyDecimals('1205.00')).toBe('1205.005');
    expect(tooManyDecimals('')).toBe('1205.005');
    expect(tooManyDecimals('1234567.80')).toBe('234567.805');
  });

  it('puts a letter O into a number', () => {
    expect(notANumber('1205.00')).toBe('12O5.00');
    expect(notANumber('5.11')).toBe('5O.11');
    expect(Number.isNaN(Number(notANumber('0.00')))).toBe(true);
  });
});
