import { eq } from 'drizzle-orm';
import { hashEmailIdentity } from '../badges/hash-email-identity.js';
import { issuerId as issuerOf } from '../badges/verify/check-issuer.js';
import { extractCredential } from '../badges/verify/extract-credential.js';
import type { VerificationPool } from '../badges/verify/verification-pool.js';
import type { Logger } from '../config/logger.js';
import type { Db } from '../db/database.js';
import { recognisedCredentials, users } from '../db/schema.js';
import {
  RecognitionAchievementNotRecognisedError,
  RecognitionExpiredError,
  RecognitionIssuerNotPartnerError,
  RecognitionNotCheckableError,
  RecognitionNotOpenBadgeError,
  RecognitionNotYetValidError,
  RecognitionOfAnotherLearnerError,
  RecognitionRevokedError,
  RecognitionSubjectMismatchError,
  RecognitionTamperedError,
  type MicrocredError,
} from '../errors.js';
import { enqueueCredentialRecognised } from '../jobs/credential-recognised-job.js';
import { awardingBodyOfCourse } from '../lti/platform-registry.js';
import type { OutgoingFetch } from '../outgoing/outgoing-requests.js';
import { readCredentialFacts } from './credential-facts.js';
import { decideRecognition, type RefusalReason } from './decide-recognition.js';
import { findActivePartner } from './partner-issuers.js';
import { readPartnerDocuments } from './read-partner-documents.js';

export type RecognisedCredential = typeof recognisedCredentials.$inferSelect;

/** Each refusal as the error the web edge answers with, in plain words. */
const REFUSALS: Record<RefusalReason, () => MicrocredError> = {
  notAnOpenBadge: () =>
    new RecognitionNotOpenBadgeError(
      'This file is not an Open Badges 3.0 credential, or it is incomplete. Download the credential again from where you earned it (JSON, JWT or the badge image) and try once more.',
    ),
  issuerNotPartner: () =>
    new RecognitionIssuerNotPartnerError(
      'The institution that issued this credential is not a partner of your university here, so it cannot be recognised. Ask your university whether it can add the institution as a partner.',
    ),
  tampered: () =>
    new RecognitionTamperedError(
      'This credential was changed after it was issued, or it was not signed by the institution it names. Download the original from where you earned it.',
    ),
  revoked: () =>
    new RecognitionRevokedError(
      'The institution that issued this credential has withdrawn it. Ask that institution why.',
    ),
  expired: () =>
    new RecognitionExpiredError(
      'This credential has expired. Ask the institution that issued it whether you can renew it.',
    ),
  notYetValid: () =>
    new RecognitionNotYetValidError(
      'This credential is not valid yet. Bring it again from the date it starts to be valid.',
    ),
  notCheckable: () =>
    new RecognitionNotCheckableError(
      "This credential could not be checked to the end: the issuing institution's keys or list of withdrawn credentials could not be read. Try again later.",
    ),
  achievementNotRecognised: () =>
    new RecognitionAchievementNotRecognisedError(
      'Your university recognises other credentials of this institution, not this one. Ask your teacher which ones count.',
    ),
  subjectMismatch: () =>
    new RecognitionSubjectMismatchError(
      'This credential was issued to another person: its email address is not the one your LMS knows you by.',
    ),
  ofAnotherLearner: () =>
    new RecognitionOfAnotherLearnerError(
      'This credential is already recognised for another learner. A credential counts for one person only.',
    ),
};

/**
 * A learner brings a credential earned at a partner institution: as JSON, a VC-JWT, or baked in
 * a PNG or SVG. In order:
 * 1. the credential is found in what was sent, and its issuer must be an active partner of the
 *    awarding body of the learner's course (nothing is fetched for anyone else);
 * 2. the partner's DID document and the credential's status list are read from the partner's
 *    host (read-partner-documents.ts), then the tool's verifier checks everything in its worker
 *    threads (`verify`, verification-pool.ts), given those documents: format, context, type,
 *    schema, proof and the key's binding to the issuer, validity period, status;
 * 3. the partner's entry must recognise the achievement, and the credential is bound to the
 *    learner by a match of its email identity with the learner's LMS email, else it waits for
 *    a teacher's review (decide-recognition.ts);
 * 4. it is stored once: bringing it again returns the same record, and a credential
 *    recognised for another learner is refused. Recognised, it queues the evaluation of the
 *    learner's rules that count recognised credentials in the same transaction
 *    (jobs/credential-recognised-job.ts).
 * Throws one of the `Recognition…Error`s of src/errors.ts for each refusal (isRecognitionRefusal),
 * a verification that ran out of time being `notCheckable`, or VerifierBusyError when too many
 * verifications wait; nothing is stored then.
 */
export async function bringCredential(
  deps: {
    db: Db;
    publicUrl: string;
    fetch: OutgoingFetch;
    logger: Logger;
    verify: VerificationPool['verify'];
  },
  request: {
    userId: string;
    courseId: string;
    /** A Buffer may be moved to the verifier's worker thread: it is empty afterwards. */
    input: Buffer | string;
    /** The holder DID of the verified wallet presentation the credential came in. */
    presenterDid?: string;
  },
): Promise<RecognisedCredential> {
  const { db, publicUrl } = deps;
  const extracted = extractCredential(request.input);
  if ('error' in extracted) throw REFUSALS.notAnOpenBadge();
  const issuer = issuerOf(extracted.credential);
  if (issuer === null) throw REFUSALS.notAnOpenBadge();
  const awardingBody = await awardingBodyOfCourse(db, request.courseId);
  const partner = await findActivePartner(db, awardingBody, issuer);
  if (!partner) throw REFUSALS.issuerNotPartner();

  const partners = await readPartnerDocuments({
    fetch: deps.fetch,
    publicUrl,
    logger: deps.logger,
    partnerIssuerId: partner.issuerId,
    credential: extracted.credential,
  });
  const report = await deps.verify(request.input, partners);
  if (report.error) throw REFUSALS.notCheckable();
  const facts = report.credential ? readCredentialFacts(report.credential) : null;
  const [learner] = await db
    .select({ email: users.email })
    .from(users)
    .where(eq(users.id, request.userId));
  const [recognisedBefore] = facts
    ? await db
        .select({ userId: recognisedCredentials.userId })
        .from(recognisedCredentials)
        .where(eq(recognisedCredentials.credentialId, facts.credentialId))
    : [];
  const decision = decideRecognition({
    isRecognisedForAnother:
      recognisedBefore !== undefined && recognisedBefore.userId !== request.userId,
    checks: report.checks,
    facts,
    partner,
    learnerEmail: learner?.email ?? null,
    hashEmail: (email, salt) => hashEmailIdentity(email, salt).identityHash,
    presenterDid: request.presenterDid ?? null,
  });
  if ('refused' in decision) throw REFUSALS[decision.refused]();
  if (!facts) throw REFUSALS.notAnOpenBadge();

  const stored = await db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(recognisedCredentials)
      .values({
        userId: request.userId,
        partnerIssuerId: partner.id,
        courseId: request.courseId,
        credentialId: facts.credentialId,
        credential: report.credential ?? extracted.credential,
        jwt: extracted.jwt,
        achievementId: facts.achievementId,
        achievementName: facts.achievementName,
        alignments: facts.alignments,
        statedEcts: facts.statedEcts,
        countedEcts: decision.countedEcts,
        validUntil: facts.validUntil,
        binding: decision.binding,
        status: decision.status,
      })
      .onConflictDoNothing({ target: recognisedCredentials.credentialId })
      .returning();
    if (inserted?.status === 'recognised') await enqueueCredentialRecognised(tx, inserted);
    return inserted;
  });
  if (stored) {
    deps.logger.info('awards', 'credential recognised', {
      recognisedCredentialId: stored.id,
      partnerIssuerId: partner.id,
      status: stored.status,
    });
    return stored;
  }
  const [existing] = await db
    .select()
    .from(recognisedCredentials)
    .where(eq(recognisedCredentials.credentialId, facts.credentialId));
  if (!existing || existing.userId !== request.userId) throw REFUSALS.ofAnotherLearner();
  return existing;
}
