import { describe, expect, it } from 'vitest';
import { buildCredential, type CredentialInput } from '../../src/badges/build-credential.js';
import { stackedComponents } from '../../src/web/credential-page.js';

function credentialOf(evidence: CredentialInput['evidence']) {
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
    scoreScaled: null,
    evidence,
  });
}

describe('stackedComponents: the credentials a stack names as evidence, for its public page', () => {
  it('lists a credential recognised from a partner, unlinked when its id is no web page', () => {
    const credential = credentialOf([
      {
        recognisedCredentialId: 'urn:uuid:8f6c3b52-0000-4000-8000-000000000001',
        issuerId: 'did:web:helsinki.example',
        issuerName: 'University of Helsinki',
        name: 'Climate.now',
        ects: 5,
      },
    ]);
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
