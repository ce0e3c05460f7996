import { describe, expect, it } from 'vitest';
import { hashEmailIdentity } from '../../src/badges/hash-email-identity.js';

describe('hashEmailIdentity (OB 3.0 IdentityHash)', () => {
  it('matches the specification example: a@example.com salted with Kosher', () => {
    expect(hashEmailIdentity('a@example.com', 'Kosher')).toEqual({
      identityHash: 'sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399',
      salt: 'Kosher',
    });
  });

  it('hashes the address trimmed and lower-cased', () => {
    expect(hashEmailIdentity(' A@Example.COM ', 'Kosher')).toEqual(
      hashEmailIdentity('a@example.com', 'Kosher'),
    );
  });

  it('salts with fresh random bytes when no salt is given', () => {
    const first = hashEmailIdentity('a@example.com');
    const second = hashEmailIdentity('a@example.com');
    expect(first.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(first.identityHash).not.toBe(second.identityHash);
  });
});
