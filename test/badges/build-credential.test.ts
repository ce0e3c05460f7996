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

  describe('a stack', () => {
    const component = {
      credentialId: '6a1f3c52-0d5e-4f4b-9f0e-2b7c1d3e4f50',
      url: 'http://localhost:3000/credentials/6a1f3c52-0d5e-4f4b-9f0e-2b7c1d3e4f50',
      name: 'Climate and Ecosystems',
      issuerName: 'Example University',
      ects: 2.5,
      scoreScaled: 0.875,
      issuedAt: new Date('2025-03-01T10:00:00.500Z'),
    };
    /** A credential recognised from a partner university, stacked beside `component`. */
    const recognised = {
      recognisedCredentialId: 'https://helsinki.example/credentials/42',
      issuerId: 'did:web:helsinki.example',
      issuerName: 'University of Helsinki',
      name: 'Climate.now',
      ects: 5,
    };
    const stack = (overrides: Partial<CredentialInput>) =>
      credentialInput({
        achievement: { ...credentialInput().achievement, ects: 8 },
        evidence: [component],
        ...overrides,
      });

    it('names each stacked credential as evidence: id, name, issuer, ECTS, result and date', () => {
      const credential = buildCredential(stack({ scoreScaled: null }));
      expect(validateCredential(credential)).toEqual({ valid: true, errors: [] });
      expect(credential.evidence).toEqual([
        {
          id: component.url,
          type: ['Evidence'],
          name: 'Climate and Ecosystems',
          narrative: 'A credential of the learner that met the rule this credential stacks.',
          description:
            'Climate and Ecosystems, issued by Example University on 2025-03-01: 2.5 ECTS, result 87.5 %.',
          genre: 'Credential',
          stackedCredential: `urn:uuid:${component.credentialId}`,
          stackedIssuer: 'Example University',
          ectsCredits: 2.5,
          stackedResult: 87.5,
          stackedAwardedDate: '2025-03-01T10:00:00Z',
        },
      ]);
      expect(credential.credentialSubject.creditsEarned).toBe(8);
      expect(credential.credentialSubject).not.toHaveProperty('result');
    });

    it('names a credential recognised from a partner by its own id, issuer, name and ECTS', () => {
      const credential = buildCredential(
        stack({ scoreScaled: null, evidence: [component, recognised] }),
      );
      expect(validateCredential(credential)).toEqual({ valid: true, errors: [] });
      expect(credential.evidence?.[1]).toEqual({
        id: 'https://helsinki.example/credentials/42',
        type: ['Evidence'],
        name: 'Climate.now',
        narrative:
          'A credential the learner earned at a partner institution, recognised by the issuer, that met the rule this credential stacks.',
        description: 'Climate.now, issued by University of Helsinki: 5 ECTS.',
        genre: 'Recognised credential',
        stackedCredential: 'https://helsinki.example/credentials/42',
        stackedIssuer: 'University of Helsinki',
        stackedIssuerId: 'did:web:helsinki.example',
        ectsCredits: 5,
      });
    });

    it('refuses a recognised credential whose id is not a URI', () => {
      const recognised = {
        recognisedCredentialId: 'credential 42',
        issuerId: 'did:web:helsinki.example',
        issuerName: 'University of Helsinki',
        name: 'Climate.now',
        ects: null,
      };
      expect(() => buildCredential(stack({ evidence: [recognised] }))).toThrow(
        'evidence.recognisedCredentialId must be an absolute URI',
      );
    });

    it('states a pass as an OB Status result with its result description', () => {
      const credential = buildCredential(stack({ scoreScaled: null, resultKind: 'pass' }));
      expect(validateCredential(credential)).toEqual({ valid: true, errors: [] });
      expect(credential.credentialSubject.achievement.resultDescription).toEqual([
        {
          id: `${ACHIEVEMENT_URL}#result`,
          type: ['ResultDescription'],
          name: 'Pass',
          resultType: 'Status',
        },
      ]);
      expect(credential.credentialSubject.result).toEqual([
        { type: ['Result'], resultDescription: `${ACHIEVEMENT_URL}#result`, status: 'Completed' },
      ]);
    });

    it('states the ECTS-weighted average as a percent result under its own description', () => {
      const credential = buildCredential(
        stack({ scoreScaled: 0.8567, resultKind: 'weighted-average', averageWeighting: 'ects' }),
      );
      expect(validateCredential(credential)).toEqual({ valid: true, errors: [] });
      const id = `${ACHIEVEMENT_URL}#weighted-average`;
      expect(credential.credentialSubject.achievement.resultDescription).toEqual([
        {
          id,
          type: ['ResultDescription'],
          name: 'ECTS-weighted average of the results of the stacked credentials',
          resultType: 'Percent',
          valueMin: '0',
          valueMax: '100',
        },
      ]);
      expect(credential.credentialSubject.result).toEqual([
        { type: ['Result'], resultDescription: id, value: '85.67' },
      ]);
    });

    it('says the average covers 1 of the 2 stacked credentials when the other is recognised from a partner', () => {
      const credential = buildCredential(
        stack({
          scoreScaled: 0.875,
          resultKind: 'weighted-average',
          averageWeighting: 'ects',
          evidence: [component, recognised],
        }),
      );
      expect(validateCredential(credential)).toEqual({ valid: true, errors: [] });
      const [description] = credential.credentialSubject.achievement.resultDescription ?? [];
      expect(description?.name).toBe(
        'ECTS-weighted average of the results of 1 of the 2 stacked credentials; credentials recognised from partners and credentials without a result are not in it',
      );
      expect(credential.credentialSubject.result).toEqual([
        {
          type: ['Result'],
          resultDescription: `${ACHIEVEMENT_URL}#weighted-average`,
          value: '87.5',
        },
      ]);
    });

    it('says the average covers 1 of the 2 stacked credentials when the other has no result', () => {
      const withoutResult = {
        ...component,
        credentialId: '7b2e4d63-1e6f-4a5c-8a1f-3c8d2e4f5a61',
        url: 'http://localhost:3000/credentials/7b2e4d63-1e6f-4a5c-8a1f-3c8d2e4f5a61',
        scoreScaled: null,
      };
      const credential = buildCredential(
        stack({
          scoreScaled: 0.875,
          resultKind: 'weighted-average',
          averageWeighting: 'ects',
          evidence: [component, withoutResult],
        }),
      );
      const [description] = credential.credentialSubject.achievement.resultDescription ?? [];
      expect(description?.name).toMatch(/ of the results of 1 of the 2 stacked credentials;/);
    });

    describe('an average that counts each stacked credential equally, as not all of them state ECTS', () => {
      const badge = {
        ...component,
        credentialId: '9c4e2a17-5b3d-4f8e-a1c2-7d6e5f4a3b21',
        url: 'http://localhost:3000/credentials/9c4e2a17-5b3d-4f8e-a1c2-7d6e5f4a3b21',
        name: 'Field trip',
        ects: null,
        scoreScaled: 0.625,
      };

      it('says so in its result description, under a description id of its own', () => {
        const credential = buildCredential(
          stack({
            scoreScaled: 0.75,
            resultKind: 'weighted-average',
            averageWeighting: 'equal',
            evidence: [component, badge],
          }),
        );
        expect(validateCredential(credential)).toEqual({ valid: true, errors: [] });
        const id = `${ACHIEVEMENT_URL}#unweighted-average`;
        expect(credential.credentialSubject.achievement.resultDescription).toEqual([
          {
            id,
            type: ['ResultDescription'],
            name: 'Average of the results of the stacked credentials (each counts equally, since not all of them state ECTS)',
            resultType: 'Percent',
            valueMin: '0',
            valueMax: '100',
          },
        ]);
        expect(credential.credentialSubject.result).toEqual([
          { type: ['Result'], resultDescription: id, value: '75' },
        ]);
      });

      it('says too how many of the stacked credentials it covers when that is not all', () => {
        const credential = buildCredential(
          stack({
            scoreScaled: 0.75,
            resultKind: 'weighted-average',
            averageWeighting: 'equal',
            evidence: [component, badge, recognised],
          }),
        );
        const [description] = credential.credentialSubject.achievement.resultDescription ?? [];
        expect(description?.name).toBe(
          'Average of the results of 2 of the 3 stacked credentials (each counts equally, since not all of them state ECTS); credentials recognised from partners and credentials without a result are not in it',
        );
      });
    });

    it.each<[string, Partial<CredentialInput>]>([
      [
        'a weighted average no stacked credential has a result for',
        {
          scoreScaled: 0.9,
          resultKind: 'weighted-average',
          averageWeighting: 'ects',
          evidence: [{ ...component, scoreScaled: null }],
        },
      ],
      [
        'an average that does not say how it weighed the stacked credentials',
        { scoreScaled: 0.9, resultKind: 'weighted-average' },
      ],
      [
        'an ECTS-weighted average over a stacked credential without ECTS',
        {
          scoreScaled: 0.9,
          resultKind: 'weighted-average',
          averageWeighting: 'ects',
          evidence: [component, { ...component, ects: null }],
        },
      ],
      [
        'a stacked credential id that is not a UUID',
        { evidence: [{ ...component, credentialId: 'c-1' }] },
      ],
      ['a stacked credential of 0 ECTS', { evidence: [{ ...component, ects: 0 }] }],
      ['a stacked result above 1', { evidence: [{ ...component, scoreScaled: 1.2 }] }],
      ['a pass with a score', { scoreScaled: 0.9, resultKind: 'pass' }],
    ])('refuses %s with TypeError', (_case, overrides) => {
      expect(() => buildCredential(stack(overrides))).toThrow(TypeError);
    });
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
