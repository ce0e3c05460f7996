import { describe, expect, it } from 'vitest';
import { gradeValue } from '../../src/awards/grade-value.js';

describe('gradeValue: what the gradebook gets for an award', () => {
  it('scales the result to the column’s maximum', () => {
    expect(gradeValue({ scoreScaled: 0.9, gradeMode: 'result' }, 100)).toBe(90);
    expect(gradeValue({ scoreScaled: 0.9, gradeMode: 'result' }, 50)).toBe(45);
  });

  it('rounds to hundredths', () => {
    expect(gradeValue({ scoreScaled: 2 / 3, gradeMode: 'result' }, 10)).toBe(6.67);
  });

  it('gives no grade when the achievement has no result', () => {
    expect(gradeValue({ scoreScaled: null, gradeMode: 'result' }, 100)).toBeNull();
  });

  it('gives the maximum for any pass in pass mode, with or without a result', () => {
    expect(gradeValue({ scoreScaled: 0.6, gradeMode: 'pass' }, 20)).toBe(20);
    expect(gradeValue({ scoreScaled: null, gradeMode: 'pass' }, 100)).toBe(100);
  });
});
