import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadgeSchemaInvalidError } from '../../src/errors.js';
import { assertValidCredential, validateCredential } from '../../src/badges/validate-credential.js';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}

describe('validateCredential (official OB 3.0 AchievementCredential schema, draft 2019-09)', () => {
  it.each(['ob3-basic-open-badge-credential.json', 'ob3-full-open-badge.json'])(
    'accepts the OB 3.0 specification example %s',
    (name) => {
      expect(validateCredential(fixture(name))).toEqual({ valid: true, errors: [] });
    },
  );

  describe('refuses', () => {
    it('an identity object of the wrong type (1EdTech validator fixture)', () => {
      const { valid, errors } = validateCredential(
        fixture('ob3-validator-err-identifier-type.json'),
      );
      expect(valid).toBe(false);
      expect(errors).toContainEqual({
        path: '/credentialSubject/identifier/0/type',
        message: 'must be equal to one of the allowed values (IdentityObject)',
      });
    });

    it('a proof that is an object rather than an array', () => {
      const credential = {
        ...fixture('ob3-basic-open-badge-credential.json'),
        proof: { type: 'X' },
      };
      expect(validateCredential(credential).errors).toEqual([
        { path: '/proof', message: 'must be array' },
      ]);
    });

    it('a credential whose first context is not VC 2.0', () => {
      const credential = fixture('ob3-basic-open-badge-credential.json');
      credential['@context'] = [
        'https://www.w3.org/2018/credentials/v1',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ];
      expect(validateCredential(credential).valid).toBe(false);
    });

    it('a validFrom that is not a date-time', () => {
      const credential = {
        ...fixture('ob3-basic-open-badge-credential.json'),
        validFrom: '2010-01-01',
      };
      expect(validateCredential(credential).errors).toEqual([
        { path: '/validFrom', message: 'must match format "date-time"' },
      ]);
    });

    it('something that is not an object', () => {
      expect(validateCredential('a credential').valid).toBe(false);
    });
  });
});

describe('assertValidCredential', () => {
  it('returns quietly for a valid credential', () => {
    expect(() =>
      assertValidCredential(fixture('ob3-basic-open-badge-credential.json')),
    ).not.toThrow();
  });

  it('throws BADGE_SCHEMA_INVALID naming the offending path', () => {
    const credential = fixture('ob3-basic-open-badge-credential.json');
    delete credential.issuer;
    let thrown: unknown;
    try {
      assertValidCredential(credential);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BadgeSchemaInvalidError);
    expect(thrown).toMatchObject({
      code: 'BADGE_SCHEMA_INVALID',
      message: expect.stringContaining("/ must have required property 'issuer'"),
    });
  });
});
