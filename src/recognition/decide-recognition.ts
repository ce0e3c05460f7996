import type { Check, ReasonCode } from '../badges/verify/verification-report.js';
import type { CredentialFacts, SubjectIdentity } from './credential-facts.js';

/**
 * Whether a credential a learner brought is recognised, from the verifier's checks, what the
 * credential states, the partner's entry in the registry and the learner's LMS identity. Pure:
 * the email hash is computed by the caller's `hashEmail` (badges/hash-email-identity.ts).
 */

/** Why a credential is refused, in the order the checks decide it; `recognition:refusal.<reason>`. */
export const REFUSAL_REASONS = [
  'notAnOpenBadge',
  'issuerNotPartner',
  'tampered',
  'revoked',
  'expired',
  'notYetValid',
  'notCheckable',
  'achievementNotRecognised',
  'subjectMismatch',
  'ofAnotherLearner',
] as const;

export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export type PartnerTerms = {
  recognisedAchievementIds: readonly string[];
  recognisedAlignments: readonly string[];
  maxEcts: number | null;
};

export type RecognitionDecision =
  | { refused: RefusalReason }
  | {
      binding: 'presentation' | 'identity' | 'teacher-review';
      status: 'recognised' | 'awaiting-review';
      countedEcts: number | null;
    };

const SHAPE_CHECKS = new Set(['format', 'context', 'type', 'schema']);
const REVOKED: readonly ReasonCode[] = ['revoked', 'revokedWithReason', 'revokedInIssuerList'];
/** Issuer checks that say the key which signed is the issuer's own. */
const KEY_OF_ISSUER: readonly ReasonCode[] = [
  'signedWithIssuerDidKey',
  'signedWithOurIssuerDid',
  'signedWithPartnerDid',
  'signedWithIssuerKey',
];

export function decideRecognition(input: {
  checks: readonly Check[];
  facts: CredentialFacts | null;
  partner: PartnerTerms | null;
  learnerEmail: string | null;
  hashEmail: (email: string, salt: string) => string;
  /** The credential (by its id) is recognised for another learner already. */
  isRecognisedForAnother: boolean;
  /** The DID whose key signed the wallet presentation the credential came in; null for an upload. */
  presenterDid: string | null;
}): RecognitionDecision {
  const { checks, facts, partner } = input;
  const refusal = refusalOfChecks(checks);
  if (refusal === 'notAnOpenBadge' || facts === null) return { refused: 'notAnOpenBadge' };
  if (partner === null) return { refused: 'issuerNotPartner' };
  if (refusal) return { refused: refusal };
  if (!recognises(partner, facts)) return { refused: 'achievementNotRecognised' };
  if (input.isRecognisedForAnother) return { refused: 'ofAnotherLearner' };
  const countedEcts =
    facts.statedEcts === null
      ? null
      : Math.min(facts.statedEcts, partner.maxEcts ?? Number.POSITIVE_INFINITY);
  if (input.presenterDid !== null && input.presenterDid === facts.subjectId) {
    return { binding: 'presentation', status: 'recognised', countedEcts };
  }
  const emails = facts.identities.filter((identity) => identity.identityType === 'emailAddress');
  if (input.learnerEmail === null || emails.length === 0) {
    return { binding: 'teacher-review', status: 'awaiting-review', countedEcts };
  }
  const learnerEmail = input.learnerEmail;
  const isLearners = emails.some((identity) => isEmailOf(identity, learnerEmail, input.hashEmail));
  if (!isLearners) return { refused: 'subjectMismatch' };
  return { binding: 'identity', status: 'recognised', countedEcts };
}

/** The first refusal the verifier's checks call for, or null when the credential verified. */
export function refusalOfChecks(checks: readonly Check[]): RefusalReason | null {
  const failed = (check: Check) => check.outcome === 'failed';
  if (checks.some((check) => SHAPE_CHECKS.has(check.check) && failed(check))) {
    return 'notAnOpenBadge';
  }
  if (checks.some((check) => check.check === 'issuer' && check.reasonCode === 'issuerMissing')) {
    return 'notAnOpenBadge';
  }
  if (
    checks.some((check) => (check.check === 'proof' || check.check === 'issuer') && failed(check))
  ) {
    return 'tampered';
  }
  if (checks.some((check) => check.check === 'status' && REVOKED.includes(check.reasonCode))) {
    return 'revoked';
  }
  if (checks.some((check) => check.reasonCode === 'expired')) return 'expired';
  if (checks.some((check) => check.reasonCode === 'notValidYet')) return 'notYetValid';
  const isProven = checks.some((check) => check.check === 'proof' && check.outcome === 'passed');
  const isIssuersKey = checks.some(
    (check) => check.check === 'issuer' && KEY_OF_ISSUER.includes(check.reasonCode),
  );
  if (isProven && !isIssuersKey) return 'tampered';
  if (
    !isProven ||
    checks.some((check) => check.outcome !== 'passed' && check.outcome !== 'warning')
  ) {
    return 'notCheckable';
  }
  return null;
}

/** An empty registry entry recognises every achievement of the partner. */
function recognises(partner: PartnerTerms, facts: CredentialFacts): boolean {
  const { recognisedAchievementIds: ids, recognisedAlignments: alignments } = partner;
  if (ids.length === 0 && alignments.length === 0) return true;
  return (
    ids.includes(facts.achievementId) ||
    facts.alignments.some((alignment) => alignments.includes(alignment))
  );
}

function isEmailOf(
  identity: SubjectIdentity,
  email: string,
  hashEmail: (email: string, salt: string) => string,
): boolean {
  if (!identity.hashed)
    return identity.identityHash.trim().toLowerCase() === email.trim().toLowerCase();
  return hashEmail(email, identity.salt ?? '') === identity.identityHash;
}
