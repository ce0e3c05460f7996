import { describe, expect, it } from 'vitest';
import {
  credentialValidUntil,
  expiryDuration,
  readExpiryDuration,
} from '../../src/awards/award-expiry.js';

const ISSUED = new Date('2026-01-31T10:20:30.456Z');

describe('credentialValidUntil: an achievement’s expiry as the credential’s validUntil', () => {
  it('is null when the achievement sets no expiry', () => {
    expect(credentialValidUntil({ expiresAfter: null, expiresOn: null }, ISSUED)).toBeNull();
  });

  it.each([
    ['P1Y', '2027-01-31T10:20:30.000Z'],
    ['P2D', '2026-02-02T10:20:30.000Z'],
    ['P2W', '2026-02-14T10:20:30.000Z'],
    ['P1M', '2026-02-28T10:20:30.000Z'],
    ['P13M', '2027-02-28T10:20:30.000Z'],
  ])('adds %s to the moment of issue, within the month for months', (duration, until) => {
    expect(
      credentialValidUntil({ expiresAfter: duration, expiresOn: null }, ISSUED)?.toISOString(),
    ).toBe(until);
  });

  it('ends a fixed day at 23:59:59 UTC', () => {
    expect(
      credentialValidUntil({ expiresAfter: null, expiresOn: '2030-12-31' }, ISSUED)?.toISOString(),
    ).toBe('2030-12-31T23:59:59.000Z');
  });

  it('throws for a stored duration it does not offer', () => {
    expect(() => credentialValidUntil({ expiresAfter: 'PT5H', expiresOn: null }, ISSUED)).toThrow(
      TypeError,
    );
  });
});

describe('expiry durations', () => {
  it('writes and reads one unit', () => {
    expect(expiryDuration(2, 'years')).toBe('P2Y');
    expect(readExpiryDuration('P10W')).toEqual({ amount: 10, unit: 'weeks' });
    expect(readExpiryDuration('P0Y')).toBeNull();
    expect(readExpiryDuration('P1Y2M')).toBeNull();
  });

  it('refuses an amount outside 1 to 999', () => {
    expect(() => expiryDuration(0, 'days')).toThrow(TypeError);
    expect(() => expiryDuration(1.5, 'days')).toThrow(TypeError);
  });
});
