import { describe, expect, it } from 'vitest';
import { buildCredential, type CredentialInput } from '../../src/badges/build-credential.js';
import { validateCredential } from '../../src/badges/validate-credential.js';

const DID = 'did:web:localhost%3A3000:issuers:default';
const ACHIEVEMENT_URL = 'http://localhost:3000/achievements/5b0c/versions/1';

function credentialInput(overrides: Partial<CredentialInput> = {}): CredentialInput {
  return {
    credentialId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    issuedAt: new Date('2025-03-04T05:06:07.891Z'),
    issuer: { did: DID, name: 'Example University', url: 'https://uni.example', email: null },
    achievement: {
      id: ACHIEVEMENT_URL,
      name: 'Circular economy basics',
      description: 'Explains the principles of the circular economy.',
      criteria: 'Pass the final quiz with at least 80%.',
      ects: null,
      eqfLevel: null,
    },
    recipient: {
      platformIssuer: 'https://moodle.uni.example',
      sub: '1234',
      name: null,
      hashedEmail: null,
    },
    scoreScaled: null,
    evidence: [],
    ...overrides,
  };
}

describe('buildCredential', () => {
  it('builds a minimal OpenBadgeCredential the official schema accepts', () => {
    const credential = buildCredential(credentialInput());
    expect(validateCredential(credential)).toEqual({ valid: true, errors: [] });
    expect(credential).toEqual({
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
        'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
      ],
      id: 'urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e',
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      name: 'Circular economy basics',
      description: 'Explains the principles of the circular economy.',
      issuer: {
        id: DID,
        type: ['Profile'],
        name: 'Example University',
        url: 'https://uni.example',
      },
      validFrom: '2025-03-04T05:06:07Z',
      awardedDate: '2025-03-04T05:06:07Z',
      credentialSubject: {
        type: ['AchievementSubject'],
        identifier: [
          {
            type: 'IdentityObject',
            identityType: 'ltiPlatformId',
            hashed: false,
            identityHash: 'https://moodle.uni.example',
          },
          {
            type: 'IdentityObject',
            identityType: 'ltiUserId',
            hashed: false,
            identityHash: '1234',
          },
        ],
        achievement: {
          id: ACHIEVEMENT_URL,
          type: ['Achievement'],
          name: 'Circular economy basics',
          description: 'Explains the principles of the circular economy.',
          criteria: { narrative: 'Pass the final quiz with at least 80%.' },
          achievementType: 'Badge',
        },
      },
      credentialSchema: [
        {
          id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json',
          type: '1EdTechJsonSchemaValidator2019',
        },
      ],
    });
  });

  it('names the learner first among the identifiers, which wallets show as whom it was issued to', () => {
    const { identifier } = buildCredential(
      credentialInput({
        recipient: {
          platformIssuer: 'https://moodle.uni.example',
          sub: '1234',
          name: 'Ada Lovelace',
          hashedEmail: null,
        },
      }),
    ).credentialSubject;
    expect(identifier.map(({ identityType }) => identityType)).toEqual([
      'name',
      'ltiPlatformId',
      'ltiUserId',
    ]);
  });

  it('builds a credit-bearing micro-credential with every optional part, and the schema accepts it', () => {
    const credential = buildCredential(
      credentialInput({
        issuer: { did: DID, name: 'Example University', url: null, email: 'badges@uni.example' },
        achievement: { ...credentialInput().achievement, ects: 2.5, eqfLevel: 6 },
        recipient: {
          platformIssuer: 'https://moodle.uni.example',
          sub: '1234',
          name: 'Ada Lovelace',
          hashedEmail: { identityHash: 'sha256$abc123', salt: 'pepper' },
        },
        scoreScaled: 0.875,
        evidence: [
          {
            statementId: '5c4e7c2a-1c52-4b8e-9a39-41f1c1d2e3f4',
            url: 'http://localhost:3000/xapi/statements?statementId=5c4e7c2a-1c52-4b8e-9a39-41f1c1d2e3f4',
            narrative: 'Passed the final quiz',
          },
        ],
      }),
    );
    expect(validateCredential(credential)).toEqual({ valid: true, errors: [] });
    expect(credential.issuer).toEqual({
      id: DID,
      type: ['Profile'],
      name: 'Example University',
      email: 'badges@uni.example',
    });
    const subject = credential.credentialSubject;
    expect(subject.achievement.achievementType).toBe('MicroCredential');
    expect(subject.achievement.creditsAvailable).toBe(2.5);
    expect(subject.creditsEarned).toBe(2.5);
    expect(subject.achievement.alignment).toEqual([
      expect.objectContaining({ targetUrl: 'http://data.europa.eu/snb/eqf/6', targetCode: '6' }),
    ]);
    expect(subject.identifier.slice(0, 2)).toEqual([
      { type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: 'Ada Lovelace' },
      {
        type: 'IdentityObject',
        identityType: 'emailAddress',
        hashed: true,
        identityHash: 'sha256$abc123',
        salt: 'pepper',
      },
    ]);
    expect(subject.result).toEqual([
      { type: ['Result'], resultDescription: `${ACHIEVEMENT_URL}#score`, value: '87.5' },
    ]);
    expect(subject.achievement.resultDescription?.[0]).toMatchObject({
      id: `${ACHIEVEMENT_URL}#score`,
      resultType: 'Percent',
    });
    expect(credential.evidence).toEqual([
      {
        id: 'http://localhost:3000/xapi/statements?statementId=5c4e7c2a-1c52-4b8e-9a39-41f1c1d2e3f4',
        type: ['Evidence'],
        name: 'xAPI statement 5c4e7c2a-1c52-4b8e-9a39-41f1c1d2e3f4',
        narrative: 'Passed the final quiz',
        genre: 'xAPI statement',
      },
    ]);
  });

  it('never puts a plain email address in the credential', () => {
    const credential = buildCredential(
      credentialInput({
        recipient: {
          platformIssuer: 'https://moodle.uni.example',
          sub: '1234',
          name: null,
          hashedEmail: { identityHash: 'sha256$00ff', salt: 's' },
        },
      }),
    );
    expect(JSON.stringify(credential)).not.toMatch(/@uni\.example/);
  });

  it('gives the same credential for the same input', () => {
    expect(buildCredential(credentialInput())).toEqual(buildCredential(credentialInput()));
  });

  describe('refuses caller mistakes with TypeError', () => {
    const achievement = credentialInput().achievement;
    it.each<[string, Partial<CredentialInput>]>([
      ['a credential id that is not a UUID', { credentialId: 'award-1' }],
      ['an invalid date', { issuedAt: new Date('not a date') }],
      ['an achievement id that is not a URI', { achievement: { ...achievement, id: 'ach-1' } }],
      ['an empty achievement name', { achievement: { ...achievement, name: '  ' } }],
      ['zero ECTS', { achievement: { ...achievement, ects: 0 } }],
      ['EQF level 9', { achievement: { ...achievement, eqfLevel: 9 } }],
      ['a score above 1', { scoreScaled: 1.5 }],
      ['a negative score', { scoreScaled: -0.2 }],
      ['evidence without a URL', { evidence: [{ statementId: 'x', url: 'x', narrative: 'x' }] }],
    ])('%s', (_case, overrides) => {
      expect(() => buildCredential(credentialInput(overrides))).toThrow(TypeError);
    });
  });
});
