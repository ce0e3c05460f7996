import { describe, expect, it } from 'vitest';
import { buildCredential, type CredentialInput } from '../../src/badges/build-credential.js';
import { validateCredential } from '../../src/badges/validate-credential.js';

const INPUT: CredentialInput = {
  credentialId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  issuedAt: new Date('2025-03-04T05:06:07.891Z'),
  issuer: {
    did: 'did:web:localhost%3A3000:issuers:default',
    name: 'Example U',
    url: null,
    email: null,
  },
  achievement: {
    id: 'http://localhost:3000/achievements/5b0c/versions/1',
    name: 'Field work',
    description: 'Shows the field work was done.',
    criteria: 'Do the field work.',
    ects: null,
    eqfLevel: null,
  },
  recipient: { platformIssuer: 'https://lms.example', sub: '7', name: null, hashedEmail: null },
  scoreScaled: null,
  evidence: [],
};

describe('buildCredential: expiry and a teacher’s award (OB 3.0 on VC Data Model 2.0)', () => {
  it('states the expiry as validUntil, at seconds precision, and the schema accepts it', () => {
    const credential = buildCredential({
      ...INPUT,
      validUntil: new Date('2026-03-04T05:06:07.891Z'),
    });
    expect(credential.validUntil).toBe('2026-03-04T05:06:07Z');
    expect(validateCredential(credential)).toEqual({ valid: true, errors: [] });
  });

  it('has no validUntil without an expiry', () => {
    expect(buildCredential(INPUT)).not.toHaveProperty('validUntil');
  });

  it('names the teacher and the reason in an Evidence entry without an id', () => {
    const credential = buildCredential({
      ...INPUT,
      evidence: [{ awardedBy: 'Grace Hopper', reason: 'Presented in class' }],
    });
    expect(credential.evidence).toEqual([
      {
        type: ['Evidence'],
        name: 'Awarded by Grace Hopper',
        narrative: 'awarded by Grace Hopper : Presented in class',
        genre: 'Teacher award',
      },
    ]);
    expect(validateCredential(credential)).toEqual({ valid: true, errors: [] });
  });

  it('refuses an empty reason or an invalid date: TypeError', () => {
    expect(() =>
      buildCredential({ ...INPUT, evidence: [{ awardedBy: 'Grace', reason: ' ' }] }),
    ).toThrow(TypeError);
    expect(() => buildCredential({ ...INPUT, validUntil: new Date('nope') })).toThrow(TypeError);
  });
});
