import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { issuerProfiles } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { buildCredential } from './build-credential.js';
import { issuerDid } from './did-web.js';
import { createDocumentLoader } from './document-loader.js';
import { hashEmailIdentity } from './hash-email-identity.js';
import { createIssuerDidResolver } from './issuer-did-document.js';
import { ensureIssuerKey } from './issuer-keys.js';
import type { SignedOpenBadgeCredential } from './open-badge-credential.js';
import { signDataIntegrity } from './sign/data-integrity.js';
import { assertValidCredential } from './validate-credential.js';

/** What the award service knows about one award. */
export type CredentialIssueRequest = {
  /** A UUID; also the credential id (`urn:uuid:<awardId>`). */
  readonly awardId: string;
  readonly issuedAt: Date;
  readonly issuerProfileId: string;
  readonly achievement: {
    readonly id: string;
    readonly version: number;
    readonly name: string;
    readonly description: string;
    readonly criteria: string;
    readonly ects: number | null;
    readonly eqfLevel: number | null;
  };
  readonly recipient: {
    readonly platformIssuer: string;
    readonly sub: string;
    readonly name: string | null;
    readonly email: string | null;
  };
  readonly evidenceStatementIds: readonly string[];
  readonly scoreScaled: number | null;
};

export type CredentialIssuer = (
  request: CredentialIssueRequest,
) => Promise<SignedOpenBadgeCredential>;

/**
 * The one way the tool issues a credential: build it (build-credential.ts), sign it with the
 * issuer profile's current key (created on first use) as a Data Integrity proof, and check the
 * result against the official OB 3.0 schema. The credential is signed `issuedAt`; the email is
 * published only as a salted hash. Nothing is stored: the caller keeps the credential.
 * The returned function throws NotFoundError for an unknown issuer profile,
 * BadgeSchemaInvalidError if the result breaks the schema, TypeError for malformed requests.
 */
export function createCredentialIssuer(options: {
  db: Db;
  secret: string;
  publicUrl: string;
}): CredentialIssuer {
  const { db, secret, publicUrl } = options;
  const documentLoader = createDocumentLoader({
    resolveDid: createIssuerDidResolver({ db, publicUrl }),
  });

  return async (request) => {
    const { issuerProfileId, achievement, recipient } = request;
    const [profile] = await db
      .select()
      .from(issuerProfiles)
      .where(eq(issuerProfiles.id, issuerProfileId));
    if (!profile) throw new NotFoundError(`Issuer profile "${issuerProfileId}" does not exist`);
    const did = issuerDid(publicUrl, profile.id);
    const key = await ensureIssuerKey({ db, secret, issuerProfileId, did });

    const credential = buildCredential({
      credentialId: request.awardId,
      issuedAt: request.issuedAt,
      issuer: { did, name: profile.name, url: profile.url, email: profile.email },
      achievement: {
        id: `${publicUrl}/achievements/${achievement.id}/versions/${achievement.version}`,
        name: achievement.name,
        description: achievement.description,
        criteria: achievement.criteria,
        ects: achievement.ects,
        eqfLevel: achievement.eqfLevel,
      },
      recipient: {
        platformIssuer: recipient.platformIssuer,
        sub: recipient.sub,
        name: recipient.name,
        hashedEmail: recipient.email === null ? null : hashEmailIdentity(recipient.email),
      },
      scoreScaled: request.scoreScaled,
      evidence: request.evidenceStatementIds.map((statementId) => ({
        statementId,
        // The xAPI 2.0 §2.1.3 single-statement GET on the tool's own LRS.
        url: `${publicUrl}/xapi/statements?statementId=${encodeURIComponent(statementId)}`,
        narrative: 'An xAPI statement recorded by the issuing tool that met the criteria.',
      })),
    });
    const signed = await signDataIntegrity({
      credential,
      key,
      documentLoader,
      now: request.issuedAt,
    });
    assertValidCredential(signed);
    return signed;
  };
}
