import { describe, expect, it } from 'vitest';
import { hashEmailIdentity } from '../../src/badges/hash-email-identity.js';
import type { Check } from '../../src/badges/verify/verification-report.js';
import { readCredentialFacts } from '../../src/recognition/credential-facts.js';
import { decideRecognition } from '../../src/recognition/decide-recognition.js';

const ESCO = 'http://data.europa.eu/esco/skill/circular-economy';
const hashed = hashEmailIdentity('Ada@Alliance.example', 'salt-1');

const credential = {
  id: 'urn:uuid:6d1f0c2e-8a52-4b8e-9f43-2f1e7a9c3b10',
  issuer: { id: 'did:web:uni-b.example:issuers:main' },
  validUntil: '2030-01-01T00:00:00Z',
  credentialSubject: {
    type: ['AchievementSubject'],
    creditsEarned: 3,
    identifier: [
      {
        type: 'IdentityObject',
        identityType: 'emailAddress',
        hashed: true,
        identityHash: hashed.identityHash,
        salt: hashed.salt,
      },
    ],
    achievement: {
      id: 'https://uni-b.example/achievements/circular',
      name: 'Circular economy',
      alignment: [{ targetUrl: ESCO, targetCode: 'CE-101' }],
    },
  },
};

const VERIFIED: Check[] = [
  { check: 'format', outcome: 'passed', reason: '', reasonCode: 'jsonCredential' },
  { check: 'schema', outcome: 'passed', reason: '', reasonCode: 'schemaValid' },
  { check: 'issuer', outcome: 'passed', reason: '', reasonCode: 'issuedBy' },
  { check: 'proof', outcome: 'passed', reason: '', reasonCode: 'proofVerifiedWithPartnerDid' },
  { check: 'issuer', outcome: 'passed', reason: '', reasonCode: 'signedWithPartnerDid' },
  { check: 'status', outcome: 'passed', reason: '', reasonCode: 'notRevoked' },
];
const EVERYTHING = { recognisedAchievementIds: [], recognisedAlignments: [], maxEcts: null };
const hashEmail = (email: string, salt: string) => hashEmailIdentity(email, salt).identityHash;

const decide = (overrides: Partial<Parameters<typeof decideRecognition>[0]> = {}) =>
  decideRecognition({
    checks: VERIFIED,
    facts: readCredentialFacts(credential),
    partner: EVERYTHING,
    learnerEmail: 'ada@alliance.example',
    hashEmail,
    isRecognisedForAnother: false,
    presenterDid: null,
    ...overrides,
  });

const replaced = (
  reasonCode: Check['reasonCode'],
  outcome: Check['outcome'],
  check: Check['check'],
) => [
  ...VERIFIED.filter((entry) => entry.check !== check),
  { check, outcome, reason: '', reasonCode },
];

describe('readCredentialFacts', () => {
  it('reads the achievement, its alignments, the ECTS stated and the end of validity', () => {
    expect(readCredentialFacts(credential)).toMatchObject({
      credentialId: credential.id,
      issuerId: 'did:web:uni-b.example:issuers:main',
      achievementId: 'https://uni-b.example/achievements/circular',
      alignments: [ESCO, 'CE-101'],
      statedEcts: 3,
      validUntil: new Date('2030-01-01T00:00:00Z'),
    });
  });

  it('reads the ECTS of the achievement when the subject states none', () => {
    const { creditsEarned: _, ...subject } = credential.credentialSubject;
    const facts = readCredentialFacts({
      ...credential,
      credentialSubject: {
        ...subject,
        achievement: { ...subject.achievement, creditsAvailable: 5 },
      },
    });
    expect(facts?.statedEcts).toBe(5);
  });

  it('gives null for a credential without an achievement id', () => {
    expect(readCredentialFacts({ ...credential, credentialSubject: {} })).toBeNull();
  });
});

describe('decideRecognition', () => {
  it('recognises a verified credential whose hashed email is the learner’s, in any case', () => {
    expect(decide()).toEqual({ binding: 'identity', status: 'recognised', countedEcts: 3 });
  });

  it('counts at most the partner’s cap', () => {
    expect(decide({ partner: { ...EVERYTHING, maxEcts: 2 } })).toMatchObject({ countedEcts: 2 });
  });

  it('waits for a teacher when the learner’s LMS gave no email', () => {
    expect(decide({ learnerEmail: null })).toMatchObject({
      binding: 'teacher-review',
      status: 'awaiting-review',
    });
  });

  it('recognises an achievement listed by one of its alignments', () => {
    expect(decide({ partner: { ...EVERYTHING, recognisedAlignments: ['CE-101'] } })).toMatchObject({
      status: 'recognised',
    });
  });

  describe('a credential presented from a wallet', () => {
    const WALLET_DID = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
    const issuedToWallet = {
      ...credential,
      credentialSubject: { ...credential.credentialSubject, id: WALLET_DID },
    };

    it('is bound by the presentation when its subject’s key signed it, whatever the email', () => {
      expect(
        decide({
          facts: readCredentialFacts(issuedToWallet),
          presenterDid: WALLET_DID,
          learnerEmail: null,
        }),
      ).toEqual({ binding: 'presentation', status: 'recognised', countedEcts: 3 });
    });

    it('falls back to the email when another key signed the presentation', () => {
      expect(
        decide({
          facts: readCredentialFacts(issuedToWallet),
          presenterDid: 'did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH',
        }),
      ).toMatchObject({ binding: 'identity' });
    });

    it('is still refused when recognised for another learner', () => {
      expect(
        decide({
          facts: readCredentialFacts(issuedToWallet),
          presenterDid: WALLET_DID,
          isRecognisedForAnother: true,
        }),
      ).toEqual({ refused: 'ofAnotherLearner' });
    });
  });

  describe('refusals', () => {
    it('refuses an issuer with no partner entry', () => {
      expect(decide({ partner: null })).toEqual({ refused: 'issuerNotPartner' });
    });

    it('refuses a credential whose schema check failed', () => {
      expect(decide({ checks: replaced('schemaInvalid', 'failed', 'schema') })).toEqual({
        refused: 'notAnOpenBadge',
      });
    });

    it('refuses a credential whose proof failed as tampered', () => {
      expect(decide({ checks: replaced('proofSignatureInvalid', 'failed', 'proof') })).toEqual({
        refused: 'tampered',
      });
    });

    it('refuses a proof made with a key that is not the issuer’s as tampered', () => {
      const checks = VERIFIED.map((entry) =>
        entry.reasonCode === 'signedWithPartnerDid'
          ? { ...entry, outcome: 'warning' as const, reasonCode: 'keyNotUnderIssuer' as const }
          : entry,
      );
      expect(decide({ checks })).toEqual({ refused: 'tampered' });
    });

    it('refuses a revoked credential', () => {
      expect(decide({ checks: replaced('revokedInIssuerList', 'failed', 'status') })).toEqual({
        refused: 'revoked',
      });
    });

    it('refuses an expired credential', () => {
      expect(
        decide({
          checks: [
            ...VERIFIED,
            { check: 'validity', outcome: 'failed', reason: '', reasonCode: 'expired' },
          ],
        }),
      ).toEqual({
        refused: 'expired',
      });
    });

    it('refuses a credential whose status could not be read', () => {
      expect(decide({ checks: replaced('statusNotCheckable', 'skipped', 'status') })).toEqual({
        refused: 'notCheckable',
      });
    });

    it('refuses an achievement the partner entry does not list', () => {
      expect(
        decide({ partner: { ...EVERYTHING, recognisedAchievementIds: ['https://x.example/a'] } }),
      ).toEqual({
        refused: 'achievementNotRecognised',
      });
    });

    it('refuses a credential recognised for another learner, whatever its email says', () => {
      expect(
        decide({ isRecognisedForAnother: true, learnerEmail: 'carol@university-a.example' }),
      ).toEqual({ refused: 'ofAnotherLearner' });
    });

    it('refuses a credential whose email is another person’s', () => {
      expect(decide({ learnerEmail: 'carol@university-a.example' })).toEqual({
        refused: 'subjectMismatch',
      });
    });
  });
});
