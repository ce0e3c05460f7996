import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { awards, credentialRecords } from '../db/schema.js';
import {
  BadRequestError,
  ConflictError,
  CredentialRevokedError,
  NotFoundError,
} from '../errors.js';
import { issuerDid, parseIssuerDid } from './did-web.js';
import { createToolDocumentLoader } from './tool-document-loader.js';
import { ensureIssuerJwtKey } from './issuer-jwt-keys.js';
import { ensureIssuerKey } from './issuer-keys.js';
import type { OpenBadgeCredential, SignedOpenBadgeCredential } from './open-badge-credential.js';
import { signDataIntegrity } from './sign/data-integrity.js';
import { signVcJwt } from './sign/vc-jwt.js';
import { assertValidCredential } from './validate-credential.js';

/** The credential a wallet receives, in the form it asked for. */
export type HolderCredential =
  | { format: 'data-integrity'; credential: SignedOpenBadgeCredential }
  | { format: 'vc-jwt'; jwt: string };

export type HolderCredentialIssuer = (request: {
  awardId: string;
  /** The wallet's DID (did:key or did:jwk); null hands over the stored credential unchanged. */
  holderDid: string | null;
  format: 'data-integrity' | 'vc-jwt';
}) => Promise<HolderCredential>;

/** The DID methods a wallet may bind a credential to: both carry their public key in the DID. */
const HOLDER_DID = /^did:(key|jwk):[A-Za-z0-9._%-]+$/;

/**
 * Hands an award's credential to a wallet. Without a holder DID the wallet gets the credential
 * as it was issued. With one, it gets a copy whose `credentialSubject.id` is the wallet's DID,
 * so the holder can prove it is theirs: the same credential id, evidence and status-list entry
 * (revoking the award revokes the copy), signed now with the issuer's current keys. The stored
 * credential never changes.
 * The returned function rejects with NotFoundError for an unknown award, CredentialRevokedError
 * for a revoked one and BadRequestError for a holder DID that is not did:key or did:jwk.
 */
export function createHolderCredentialIssuer(deps: {
  db: Db;
  secret: string;
  publicUrl: string;
}): HolderCredentialIssuer {
  const { db, secret, publicUrl } = deps;
  const documentLoader = createToolDocumentLoader({ db, publicUrl });

  return async ({ awardId, holderDid, format }) => {
    if (holderDid !== null && !HOLDER_DID.test(holderDid)) {
      throw new BadRequestError(
        `A credential can be bound to a did:key or did:jwk wallet DID only, not "${holderDid.slice(0, 80)}".`,
      );
    }
    const [award] = await db
      .select({
        credential: awards.credential,
        revokedAt: awards.revokedAt,
        jwt: credentialRecords.jwt,
      })
      .from(awards)
      .leftJoin(credentialRecords, eq(credentialRecords.id, awards.id))
      .where(eq(awards.id, awardId));
    if (!award) throw new NotFoundError(`No credential with id ${awardId} was issued here.`);
    if (award.revokedAt) {
      throw new CredentialRevokedError(
        'This credential has been revoked; it can no longer be handed out.',
      );
    }
    const stored = award.credential as unknown as SignedOpenBadgeCredential;
    if (holderDid === null) {
      if (format === 'data-integrity') return { format, credential: stored };
      if (!award.jwt) throw new NotFoundError('This credential has no VC-JWT form.');
      return { format, jwt: award.jwt };
    }

    const { proof: _proof, ...unsigned } = stored;
    const credential: OpenBadgeCredential = {
      ...unsigned,
      credentialSubject: { ...unsigned.credentialSubject, id: holderDid },
    };
    assertValidCredential(credential);
    const issuerProfileId = parseIssuerDid(publicUrl, credential.issuer.id);
    if (issuerProfileId === null) {
      throw new ConflictError(
        `This credential was issued by ${credential.issuer.id}, not by this tool's address; it cannot be re-signed here.`,
      );
    }
    const did = issuerDid(publicUrl, issuerProfileId);
    if (format === 'vc-jwt') {
      const key = await ensureIssuerJwtKey({ db, secret, issuerProfileId, did });
      return { format, jwt: await signVcJwt({ credential, key }) };
    }
    const key = await ensureIssuerKey({ db, secret, issuerProfileId, did });
    return { format, credential: await signDataIntegrity({ credential, key, documentLoader }) };
  };
}
