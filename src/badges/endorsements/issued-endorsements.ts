import { randomUUID } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor } from '../../db/database.js';
import { credentialRecords, issuedEndorsements } from '../../db/schema.js';
import { BadRequestError, NotFoundError } from '../../errors.js';
import { issuerDid } from '../did-web.js';
import { ensureIssuerJwtKey } from '../issuer-jwt-keys.js';
import { ensureIssuerKey } from '../issuer-keys.js';
import { findIssuerProfile } from '../issuer-profile.js';
import { refuseMalformedText } from '../malformed-text.js';
import type { OpenBadgeCredential } from '../open-badge-credential.js';
import { signDataIntegrity } from '../sign/data-integrity.js';
import { signVcJwt } from '../sign/vc-jwt.js';
import { allocateStatusIndexes, changeCredentialStatus, statusListUrl } from '../status-list.js';
import { createToolDocumentLoader } from '../tool-document-loader.js';
import { buildEndorsement, type EndorsementCredential } from './build-endorsement.js';
import { validateEndorsement } from './validate-endorsement.js';

/** A URI a verifier can resolve: an http(s) URL (an achievement, a profile) or a DID. */
const subjectUri = z
  .string()
  .trim()
  .max(2000)
  .refine(
    (value) => (/^https?:\/\//.test(value) || /^did:[a-z0-9]+:/.test(value)) && URL.canParse(value),
    'must be an http(s) URL or a DID',
  );

/**
 * What an administrator asks for: endorse another issuer's achievement (by its id URL) or its
 * issuer profile (its id: DID or URL), naming it as people know it, with the comment the
 * endorsement states.
 */
export const endorsementRequestSchema = z
  .strictObject({
    subjectKind: z.enum(['achievement', 'profile']),
    subjectId: subjectUri,
    subjectName: z.string().trim().min(1).max(300),
    comment: z.string().trim().min(1).max(5000),
  })
  .superRefine(refuseMalformedText);

export type EndorsementRequest = z.input<typeof endorsementRequestSchema>;

export type IssuedEndorsement = {
  id: string;
  subjectKind: 'achievement' | 'profile';
  subjectId: string;
  subjectName: string;
  comment: string;
  createdAt: Date;
  revokedAt: Date | null;
};

/**
 * An awarding body endorses: the EndorsementCredential is built (build-endorsement.ts), its
 * status list entry allocated, signed with the body's current keys — a Data Integrity
 * `eddsa-rdfc-2022` proof and an ES256 VC-JWT, as credentials are — checked against the
 * official EndorsementCredential schema, and stored as a credential record (so the status
 * list revokes it) with its description, in one transaction. Throws BadRequestError naming the
 * bad field, NotFoundError for an unknown awarding body, and Error when what was built breaks
 * the schema (a bug: nothing is stored).
 */
export async function issueEndorsement(options: {
  db: Db;
  secret: string;
  publicUrl: string;
  issuerProfileId: string;
  request: unknown;
  now?: Date;
}): Promise<{ id: string; credential: EndorsementCredential; jwt: string }> {
  const { db, secret, publicUrl, issuerProfileId, now = new Date() } = options;
  const parsed = endorsementRequestSchema.safeParse(options.request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequestError(
      `${issue?.path.join('.') || 'endorsement'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  const request = parsed.data;
  const profile = await findIssuerProfile(db, issuerProfileId);
  if (!profile) throw new NotFoundError(`No awarding body has the id ${issuerProfileId}.`);
  const did = issuerDid(publicUrl, issuerProfileId);
  const key = await ensureIssuerKey({ db, secret, issuerProfileId, did });
  const jwtKey = await ensureIssuerJwtKey({ db, secret, issuerProfileId, did });
  const [entry] = await allocateStatusIndexes(db, issuerProfileId, 1);
  if (!entry) throw new Error('No status list entry was allocated');
  const id = randomUUID();
  const unsigned = buildEndorsement({
    endorsementId: id,
    publicUrl,
    issuedAt: now,
    endorser: { did, name: profile.name, url: profile.url },
    subject: { id: request.subjectId, name: request.subjectName },
    comment: request.comment,
    status: {
      statusListCredential: statusListUrl(publicUrl, entry.statusListId),
      statusListIndex: entry.statusIndex,
    },
  });
  const asCredential = unsigned as unknown as OpenBadgeCredential;
  const signed = (await signDataIntegrity({
    credential: asCredential,
    key,
    documentLoader: createToolDocumentLoader({ db, publicUrl }),
    now,
  })) as unknown as EndorsementCredential;
  const jwt = await signVcJwt({ credential: asCredential, key: jwtKey });
  const { valid, problems } = validateEndorsement(signed);
  if (!valid) {
    throw new Error(`The endorsement built breaks the official schema: ${problems.join('; ')}`);
  }
  await db.transaction(async (tx) => {
    await tx.insert(credentialRecords).values({
      id,
      issuerProfileId,
      credential: signed as unknown as Record<string, unknown>,
      jwt,
      statusListId: entry.statusListId,
      statusIndex: entry.statusIndex,
    });
    await tx.insert(issuedEndorsements).values({
      id,
      issuerProfileId,
      subjectKind: request.subjectKind,
      subjectId: request.subjectId,
      subjectName: request.subjectName,
      comment: request.comment,
    });
  });
  return { id, credential: signed, jwt };
}

/** The endorsements an awarding body issued, newest first, revoked ones included. */
export async function listIssuedEndorsements(
  db: Executor,
  issuerProfileId: string,
): Promise<IssuedEndorsement[]> {
  return db
    .select({
      id: issuedEndorsements.id,
      subjectKind: issuedEndorsements.subjectKind,
      subjectId: issuedEndorsements.subjectId,
      subjectName: issuedEndorsements.subjectName,
      comment: issuedEndorsements.comment,
      createdAt: issuedEndorsements.createdAt,
      revokedAt: credentialRecords.revokedAt,
    })
    .from(issuedEndorsements)
    .innerJoin(credentialRecords, eq(credentialRecords.id, issuedEndorsements.id))
    .where(eq(issuedEndorsements.issuerProfileId, issuerProfileId))
    .orderBy(desc(issuedEndorsements.createdAt));
}

/** An endorsement we issued, as published: both signed forms and whether it is revoked. */
export async function findIssuedEndorsement(
  db: Executor,
  id: string,
): Promise<
  | {
      issuerProfileId: string;
      credential: Record<string, unknown>;
      jwt: string;
      revokedAt: Date | null;
    }
  | undefined
> {
  const [row] = await db
    .select({
      issuerProfileId: issuedEndorsements.issuerProfileId,
      credential: credentialRecords.credential,
      jwt: credentialRecords.jwt,
      revokedAt: credentialRecords.revokedAt,
    })
    .from(issuedEndorsements)
    .innerJoin(credentialRecords, eq(credentialRecords.id, issuedEndorsements.id))
    .where(eq(issuedEndorsements.id, id));
  return row;
}

/**
 * Revokes one of the awarding body's endorsements through its status list, recording why.
 * Throws NotFoundError when the body issued no endorsement with this id, ConflictError when it
 * is revoked already.
 */
export async function revokeEndorsement(
  db: Db,
  options: { issuerProfileId: string; endorsementId: string; reason: string; actor: string },
): Promise<void> {
  const [row] = await db
    .select({ id: issuedEndorsements.id })
    .from(issuedEndorsements)
    .where(
      and(
        eq(issuedEndorsements.id, options.endorsementId),
        eq(issuedEndorsements.issuerProfileId, options.issuerProfileId),
      ),
    );
  if (!row) throw new NotFoundError(`No endorsement ${options.endorsementId} was issued here.`);
  await changeCredentialStatus(db, {
    credentialId: row.id,
    action: 'revoke',
    reason: options.reason,
    actor: options.actor,
  });
}
