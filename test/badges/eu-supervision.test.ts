import { describe, expect, it } from 'vitest';
import { buildCredential, type CredentialInput } from '../../src/badges/build-credential.js';
import {
  CREDITS_WITHHELD_SELF_STUDY,
  EU_ELEMENTS,
  QUALITY_ASSURANCE_TYPES,
  SUPERVISION_LEVELS,
  SUPERVISION_NOT_DECLARED,
  supervisionOptionValue,
  supervisionRefusal,
  type SupervisionLevel,
} from '../../src/badges/eu-elements.js';
import { validateCredential } from '../../src/badges/validate-credential.js';
import { credentialElements } from '../../src/web/credential-page.js';
import { validateAgainstOfficialSchema } from '../support/independent-verifier.js';

/**
 * Supervision and identity verification as the teacher declares it, mapped to the Europass
 * "supervision and verification" list, and the other values a credential states of itself:
 * the quality assurance type, withheld credits. Pure: no database, no HTTP.
 */
const LEVELS = Object.keys(SUPERVISION_LEVELS) as SupervisionLevel[];
const supervisionRow = EU_ELEMENTS.find((row) => row.field === 'supervision')!;

function credentialInput(
  microCredential: NonNullable<CredentialInput['achievement']['microCredential']>,
  ects: number | null,
): CredentialInput {
  return {
    credentialId: '2b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a4c',
    issuedAt: new Date('2026-12-06T10:00:00Z'),
    issuer: { did: 'did:web:microcred.example:issuers:x', name: 'X', url: null, email: null },
    achievement: {
      id: 'https://microcred.example/achievements/1/versions/1',
      name: 'N',
      description: 'D',
      criteria: 'C',
      ects,
      eqfLevel: 6,
      microCredential,
    },
    recipient: { platformIssuer: 'https://lms.example', sub: 's', name: null, hashedEmail: null },
    scoreScaled: null,
    evidence: [],
    extension: {
      contextUrl: 'https://microcred.example/contexts/microcredential-v1.jsonld',
      schemaUrl: 'https://microcred.example/schemas/microcredential-v1.json',
    },
  };
}

describe('supervision and identity verification levels', () => {
  it('are the four concepts of the Europass list, each with its own URI', () => {
    const uris = LEVELS.map((level) => SUPERVISION_LEVELS[level].uri);
    expect(new Set(uris).size).toBe(4);
    for (const uri of uris) {
      expect(uri).toMatch(
        /^http:\/\/data\.europa\.eu\/snb\/supervision-verification\/[0-9a-f]{10}$/,
      );
    }
    // The one concept the Commission's own micro-credential sample uses.
    expect(SUPERVISION_LEVELS['unsupervised-no-id'].uri).toBe(
      'http://data.europa.eu/snb/supervision-verification/c598449d64',
    );
  });

  it.each([
    ['unsupervised-no-id', 'registered', null],
    ['unsupervised-no-id', 'self-study', null],
    ['supervised-no-id', 'self-study', null],
    ['unsupervised-id', 'registered', null],
    ['supervised-id', 'registered', null],
    ['unsupervised-id', 'self-study', 'refused'],
    ['supervised-id', 'self-study', 'refused'],
    [undefined, 'self-study', null],
  ] as const)('%s on a %s platform: %s', (level, trustLevel, expected) => {
    const refusal = supervisionRefusal(level, trustLevel);
    if (expected === null) expect(refusal).toBeNull();
    else expect(refusal).toMatch(/^eu\.supervision ".+" cannot be declared on a self-study/);
  });

  it('go through the form as their EU URIs and back, and a posted term of ours reads the same', () => {
    const form = supervisionRow.form!;
    for (const level of LEVELS) {
      const shown = form.show(level);
      expect(shown).toEqual({ supervision: supervisionOptionValue(level) });
      expect(form.read(shown)).toBe(level);
      expect(form.read({ supervision: level })).toBe(level);
    }
    expect(form.read({ supervision: '' })).toBeUndefined();
    expect(form.show(undefined)).toEqual({ supervision: '' });
  });

  it('are stated in the credential with their URI and aligned with the EU concept', () => {
    for (const level of LEVELS) {
      expect(supervisionRow.credential!(level)).toEqual({
        supervisionAndIdentityVerification: level,
        supervisionAndIdentityVerificationUri: SUPERVISION_LEVELS[level].uri,
      });
      expect(supervisionRow.alignments!(level)).toEqual([
        expect.objectContaining({
          targetUrl: SUPERVISION_LEVELS[level].uri,
          targetFramework: 'Europass supervision and verification',
        }),
      ]);
    }
  });

  it('states a level nobody declared as not declared, with no URI and no alignment', () => {
    expect(supervisionRow.credential!(SUPERVISION_NOT_DECLARED)).toEqual({
      supervisionAndIdentityVerification: 'not-declared',
      supervisionAndIdentityVerificationUri: undefined,
    });
    expect(supervisionRow.alignments!(SUPERVISION_NOT_DECLARED)).toEqual([]);
  });
});

describe('the badge form of an achievement with ECTS', () => {
  const badge = buildCredential(
    credentialInput(
      {
        learningOutcomes: [{ text: 'Explains it.', escoSkills: [] }],
        assessmentType: 'http://data.europa.eu/snb/assessment/b1b68f6735',
        participationForm: 'http://data.europa.eu/snb/learning-assessment/920fbb3cbe',
        qualityAssuranceType: 'http://data.europa.eu/snb/accreditation/bb4618238e',
        prerequisites: 'None.',
        supervision: SUPERVISION_NOT_DECLARED,
        stackability: { isStackable: true, stacksInto: [] },
        furtherInformation: 'More.',
        ectsCreditsWithheld: CREDITS_WITHHELD_SELF_STUDY,
      },
      null,
    ),
  );

  it('is a Badge without credits that carries every EU element and says why it has no credits', () => {
    const { achievement } = badge.credentialSubject;
    expect(achievement.achievementType).toBe('Badge');
    expect(achievement.creditsAvailable).toBeUndefined();
    expect(badge.credentialSubject.creditsEarned).toBeUndefined();
    expect(achievement.microCredential).toMatchObject({
      ectsCreditsWithheld: CREDITS_WITHHELD_SELF_STUDY,
      assessmentType: 'http://data.europa.eu/snb/assessment/b1b68f6735',
      participationForm: 'http://data.europa.eu/snb/learning-assessment/920fbb3cbe',
      qualityAssuranceType: 'http://data.europa.eu/snb/accreditation/bb4618238e',
      prerequisites: 'None.',
      supervisionAndIdentityVerification: 'not-declared',
      isStackable: true,
      furtherInformation: 'More.',
    });
    expect(achievement.microCredential).not.toHaveProperty('ectsCredits');
    expect(achievement.alignment).toContainEqual(
      expect.objectContaining({
        targetUrl: 'http://data.europa.eu/snb/accreditation/bb4618238e',
        targetName: `Quality assurance: ${QUALITY_ASSURANCE_TYPES['http://data.europa.eu/snb/accreditation/bb4618238e']}`,
      }),
    );
  });

  it('is valid under the official OB 3.0 schema and under ours', () => {
    expect(validateAgainstOfficialSchema(badge).errors).toBeNull();
    expect(validateCredential(badge)).toEqual({ valid: true, errors: [] });
  });

  it('shows on the public page that its credits are withheld, and the supervision not declared', () => {
    const rows = Object.fromEntries(
      credentialElements(badge, null).map((row) => [row.id, row.values]),
    );
    expect(rows.workload).toEqual([{ key: 'public:value.creditsWithheldSelfStudy' }]);
    expect(rows.supervision).toEqual([{ key: 'public:supervision.not-declared' }]);
    expect(rows.qualityAssurance).toEqual([
      {
        key: 'public:qualityAssuranceType.bb4618238e',
        href: 'http://data.europa.eu/snb/accreditation/bb4618238e',
      },
    ]);
  });
});

describe('the micro-credential form', () => {
  it('carries the credits and no withheld-credits statement', () => {
    const credential = buildCredential(
      credentialInput({ learningOutcomes: [], supervision: 'supervised-id' }, 5),
    );
    expect(credential.credentialSubject.creditsEarned).toBe(5);
    expect(credential.credentialSubject.achievement.microCredential).toMatchObject({
      ectsCredits: 5,
      supervisionAndIdentityVerificationUri: SUPERVISION_LEVELS['supervised-id'].uri,
    });
    expect(credential.credentialSubject.achievement.microCredential).not.toHaveProperty(
      'ectsCreditsWithheld',
    );
    expect(validateAgainstOfficialSchema(credential).errors).toBeNull();
    expect(validateCredential(credential).valid).toBe(true);
  });
});
