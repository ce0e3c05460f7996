import { sign } from 'node:crypto';
import type { IssuerJwtKey } from '../issuer-jwt-keys.js';
import type { OpenBadgeCredential } from '../open-badge-credential.js';

/**
 * Signs a credential as a VC-JWT (OB 3.0 §8.2, VC Data Model 2.0 form as the 1EdTech
 * validator's fixtures use it): the JWS payload is the credential itself, without embedded
 * proof, plus the registered claims `iss` (issuer id), `jti` (credential id), `nbf`
 * (validFrom), `iat` (issuing time), `sub` (credentialSubject.id, when present) and `exp`
 * (validUntil, when present). Header: `alg: ES256`, `typ: JWT`, `kid` = the DID URL of the key,
 * which the issuer's DID document and the tool's JWKS resolve.
 * Throws TypeError when the key does not belong to the issuer.
 */
export async function signVcJwt(options: {
  credential: OpenBadgeCredential;
  key: IssuerJwtKey;
}): Promise<string> {
  const { credential, key } = options;
  if (!key.keyId.startsWith(`${credential.issuer.id}#`)) {
    throw new TypeError(`Key ${key.keyId} is not controlled by the issuer ${credential.issuer.id}`);
  }
  const { proof: _proof, ...credentialClaims } = credential as OpenBadgeCredential & {
    proof?: unknown;
  };
  const validFrom = seconds(credential.validFrom);
  const subjectId = credential.credentialSubject.id;
  const validUntil = (credential as { validUntil?: string }).validUntil;
  const payload = {
    ...credentialClaims,
    iss: credential.issuer.id,
    jti: credential.id,
    nbf: validFrom,
    iat: validFrom,
    ...(subjectId ? { sub: subjectId } : {}),
    ...(validUntil ? { exp: seconds(validUntil) } : {}),
  };
  // Compact JWS (RFC 7515 §7.1) with Node's synchronous ECDSA: jose's SignJWT goes through
  // WebCrypto, several times slower for bulk issuance; jose verifies what this makes (tests).
  const header = { alg: 'ES256', typ: 'JWT', kid: key.keyId };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function seconds(isoDate: string): number {
  return Math.floor(Date.parse(isoDate) / 1000);
}
