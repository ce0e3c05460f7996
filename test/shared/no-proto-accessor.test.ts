import { describe, expect, it } from 'vitest';
import { OB_V3P0_CONTEXT_URL, VC_V2_CONTEXT_URL } from '../../src/badges/context-urls.js';
import { createDocumentLoader } from '../../src/badges/document-loader.js';
import { microcredentialContextUrl } from '../../src/badges/microcredential-context.js';
import { canonizeJsonLd } from '../../src/badges/sign/template-canonizer.js';
import { toolDocuments } from '../../src/badges/tool-document-loader.js';

const PUBLIC_URL = 'https://badges.uni.example';
const documentLoader = createDocumentLoader({
  resolveDid: async () => null,
  documents: toolDocuments(PUBLIC_URL),
});

/** A micro-credential whose quality assurance type, an IRI, is `qualityAssuranceType`. */
function microCredentialAssuredBy(qualityAssuranceType: string) {
  return {
    '@context': [VC_V2_CONTEXT_URL, OB_V3P0_CONTEXT_URL, microcredentialContextUrl(PUBLIC_URL)],
    id: 'urn:uuid:4b2c6f0e-8a51-4f3e-9d2a-1c7b5e9f0a13',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: 'https://issuer.example/', type: ['Profile'], name: 'Issuer' },
    validFrom: '2026-12-07T00:00:00Z',
    credentialSubject: {
      type: ['AchievementSubject'],
      achievement: {
        id: 'https://issuer.example/achievements/1',
        type: ['Achievement'],
        name: 'Soil science',
        description: 'Soil science',
        criteria: { narrative: 'Pass the test.' },
        microCredential: { type: 'EuMicroCredential', qualityAssuranceType },
      },
    },
  };
}

/** The enumerable keys every plain object inherits: none, unless Object.prototype was written. */
function inheritedKeys(): string[] {
  const keys: string[] = [];
  for (const key in {}) keys.push(key);
  return keys;
}

describe('a credential naming the IRI "__proto__"', () => {
  it('is refused without writing into every object of the process, and the next one canonizes', async () => {
    await expect(
      canonizeJsonLd(microCredentialAssuredBy('__proto__'), documentLoader),
    ).rejects.toThrow();
    expect(inheritedKeys()).toEqual([]);
    const accredited = 'http://data.europa.eu/snb/accreditation/e2a1b6b1a5';
    expect(await canonizeJsonLd(microCredentialAssuredBy(accredited), documentLoader)).toContain(
      `<${accredited}>`,
    );
  });
});
