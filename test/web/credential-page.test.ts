import { describe, expect, it } from 'vitest';
import { buildCredential, type CredentialInput } from '../../src/badges/build-credential.js';
import { credentialElements, stackedComponents } from '../../src/web/credential-page.js';

function credentialOf(
  evidence: CredentialInput['evidence'],
  result: Pick<CredentialInput, 'scoreScaled' | 'resultKind' | 'averageWeighting'> = {
    scoreScaled: null,
  },
) {
  return buildCredential({
    credentialId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    issuedAt: new Date('2025-03-04T05:06:07Z'),
    issuer: { did: 'did:web:tool.example', name: 'Example University', url: null, email: null },
    achievement: {
      id: 'https://tool.example/achievements/5b0c/versions/1',
      name: 'Alliance climate module',
      description: 'Climate studies across the alliance.',
      criteria: 'Bring a climate course from a partner.',
      ects: 8,
      eqfLevel: null,
    },
    recipient: { platformIssuer: 'https://lms.example', sub: '1', name: null, hashedEmail: null },
    evidence,
    ...result,
  });
}

const CLIMATE_NOW = {
  recognisedCredentialId: 'urn:uuid:8f6c3b52-0000-4000-8000-000000000001',
  issuerId: 'did:web:helsinki.example',
  issuerName: 'University of Helsinki',
  name: 'Climate.now',
  ects: 5,
};

describe('stackedComponents: the credentials a stack names as evidence, for its public page', () => {
  it('lists a credential recognised from a partner, unlinked when its id is no web page', () => {
    const credential = credentialOf([CLIMATE_NOW]);
    expect(stackedComponents(credential)).toEqual([
      {
        name: 'Climate.now',
        href: null,
        issuerName: 'University of Helsinki',
        issuedOn: null,
        ects: 5,
        resultPercent: null,
        isRecognised: true,
      },
    ]);
  });

  it('links a recognised credential whose id is a web page', () => {
    const credential = credentialOf([
      {
        recognisedCredentialId: 'https://helsinki.example/credentials/42',
        issuerId: 'did:web:helsinki.example',
        issuerName: 'University of Helsinki',
        name: 'Climate.now',
        ects: null,
      },
    ]);
    expect(stackedComponents(credential)[0]?.href).toBe('https://helsinki.example/credentials/42');
  });

  it('leaves out evidence that names no stacked credential', () => {
    const credential = credentialOf([
      {
        statementId: 's-1',
        url: 'https://tool.example/xapi/statements?statementId=s-1',
        narrative: 'n',
      },
    ]);
    expect(stackedComponents(credential)).toEqual([]);
  });
});

describe('credentialElements: a stack’s average in the grade row', () => {
  const seminar = {
    credentialId: '6a1f3c52-0d5e-4f4b-9f0e-2b7c1d3e4f50',
    url: 'https://tool.example/credentials/6a1f3c52-0d5e-4f4b-9f0e-2b7c1d3e4f50',
    name: 'Sustainability seminar',
    issuerName: 'Example University',
    ects: 4,
    scoreScaled: 0.75,
    issuedAt: new Date('2025-03-01T10:00:00Z'),
  };
  const gradeOf = (
    evidence: CredentialInput['evidence'],
    averageWeighting: CredentialInput['averageWeighting'] = 'ects',
  ) =>
    credentialElements(
      credentialOf(evidence, {
        scoreScaled: 0.75,
        resultKind: 'weighted-average',
        averageWeighting,
      }),
      null,
    ).find((element) => element.id === 'grade')?.values;

  it('says over how many of the stacked credentials it is when one is recognised from a partner', () => {
    expect(gradeOf([seminar, CLIMATE_NOW])).toEqual([
      {
        key: 'public:value.weightedAverageOfSome',
        values: { value: '75', averaged: 1, total: 2 },
      },
    ]);
  });

  it('says it is the stacked credentials’ average when every one has a result', () => {
    expect(gradeOf([seminar])).toEqual([
      { key: 'public:value.weightedAverage', values: { value: '75' } },
    ]);
  });

  describe('counting each stacked credential equally, as one of them states no ECTS', () => {
    const badge = {
      ...seminar,
      credentialId: '9c4e2a17-5b3d-4f8e-a1c2-7d6e5f4a3b21',
      url: 'https://tool.example/credentials/9c4e2a17-5b3d-4f8e-a1c2-7d6e5f4a3b21',
      name: 'Field trip',
      ects: null,
    };

    it('says that it is not weighted by ECTS', () => {
      expect(gradeOf([seminar, badge], 'equal')).toEqual([
        { key: 'public:value.equalAverage', values: { value: '75' } },
      ]);
    });

    it('says so, and over how many of the stacked credentials it is, when one is recognised from a partner', () => {
      expect(gradeOf([seminar, badge, CLIMATE_NOW], 'equal')).toEqual([
        {
          key: 'public:value.equalAverageOfSome',
          values: { value: '75', averaged: 2, total: 3 },
        },
      ]);
    });
  });
});
