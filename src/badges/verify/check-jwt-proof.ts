import {
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  importJWK,
  type JWK,
  type JWTPayload,
} from 'jose';
import type { DidDocument } from '../did-web.js';
import { issuerId } from './check-issuer.js';
import type { Check, Reason } from './verification-report.js';
import type { Loader } from './verification-method.js';

export async function checkJwtProof(
  jwt: string,
  credential: Record<string, unknown>,
  toolLoader: Loader,
): Promise<Check[]> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: JWTPayload;
  try {
    header = decodeProtectedHeader(jwt);
    payload = decodeJwt(jwt);
  } catch {
    return [
      {
        check: 'proof',
        outcome: 'failed',
        reason: 'The JWT header or payload is malformed',
        reasonCode: 'jwtMalformed',
      },
    ];
  }
  const alg = header.alg ?? '';
  if (!['RS256', 'ES256', 'EdDSA', 'PS256', 'ES384', 'RS384', 'RS512'].includes(alg)) {
    return [
      {
        check: 'proof',
        outcome: 'failed',
        reason: `Unsupported JWT algorithm "${alg}"`,
        reasonCode: 'jwtAlgorithmUnsupported',
        reasonValues: { alg },
      },
    ];
  }
  let jwk: JWK | null = null;
  let verifiedWith: Reason;
  if (header.jwk) {
    jwk = header.jwk as JWK;
    verifiedWith = {
      reason: `JWT (${alg}) verified with the key embedded in the JWT header`,
      reasonCode: 'jwtVerifiedWithHeaderKey',
      reasonValues: { alg },
    };
  } else if (typeof header.kid === 'string' && header.kid.startsWith('did:web:')) {
    try {
      const { document } = await toolLoader(header.kid.split('#')[0] ?? '');
      const method = (document as DidDocument).verificationMethod.find(
        (candidate) => candidate.id === header.kid,
      );
      if (method && 'publicKeyJwk' in method) jwk = method.publicKeyJwk as JWK;
    } catch {
      // not one of ours: reported below
    }
    verifiedWith = {
      reason: `JWT (${alg}) verified with the key ${header.kid} from the issuer's DID document`,
      reasonCode: 'jwtVerifiedWithIssuerKey',
      reasonValues: { alg, key: header.kid },
    };
    if (!jwk) {
      return [
        {
          check: 'proof',
          outcome: 'skipped',
          reason: `The key ${header.kid} cannot be resolved offline`,
          reasonCode: 'jwtKeyNotResolvable',
          reasonValues: { key: header.kid },
        },
      ];
    }
  } else {
    return [
      {
        check: 'proof',
        outcome: 'skipped',
        reason: `The JWT's key (${String(header.kid ?? 'none named')}) cannot be resolved offline`,
        ...(header.kid === undefined
          ? { reasonCode: 'jwtKeyNotNamed' }
          : { reasonCode: 'jwtKeyNotResolvable', reasonValues: { key: String(header.kid) } }),
      },
    ];
  }
  try {
    await compactVerify(jwt, await importJWK(jwk, alg));
  } catch (error) {
    const detail = (error as Error).message;
    return [
      {
        check: 'proof',
        outcome: 'failed',
        reason: `The JWT signature does not verify: ${detail}`,
        reasonCode: 'jwtSignatureInvalid',
        reasonValues: { detail },
      },
    ];
  }
  const checks: Check[] = [{ check: 'proof', outcome: 'passed', ...verifiedWith }];
  const issuer = issuerId(credential);
  const claimProblems: { claim: string; problem: string }[] = [];
  if (payload.iss !== undefined && payload.iss !== issuer)
    claimProblems.push({ claim: 'iss', problem: `iss ${payload.iss} is not the issuer ${issuer}` });
  if (payload.jti !== undefined && credential.id !== undefined && payload.jti !== credential.id) {
    claimProblems.push({ claim: 'jti', problem: `jti ${payload.jti} is not the credential id` });
  }
  const subjectId = (credential.credentialSubject as { id?: string } | undefined)?.id;
  if (payload.sub !== undefined && subjectId !== undefined && payload.sub !== subjectId) {
    claimProblems.push({ claim: 'sub', problem: 'sub is not the credentialSubject id' });
  }
  if (claimProblems.length > 0) {
    checks.push({
      check: 'issuer',
      outcome: 'failed',
      reason: `JWT claims disagree with the credential: ${claimProblems.map((entry) => entry.problem).join('; ')}`,
      reasonCode: 'jwtClaimsDisagree',
      reasonValues: { claims: claimProblems.map((entry) => entry.claim).join(', ') },
    });
  } else if (header.jwk) {
    checks.push({
      check: 'issuer',
      outcome: 'warning',
      reason: 'The key travels inside the JWT: nothing the issuer publishes confirms it offline',
      reasonCode: 'jwtKeyInHeader',
    });
  } else if (issuer && typeof header.kid === 'string' && header.kid.startsWith(`${issuer}#`)) {
    checks.push({
      check: 'issuer',
      outcome: 'passed',
      reason: `Signed by a key of the issuer's DID (${header.kid})`,
      reasonCode: 'signedWithIssuerKey',
      reasonValues: { key: header.kid },
    });
  } else {
    checks.push({
      check: 'issuer',
      outcome: 'failed',
      reason: `The key ${String(header.kid)} does not belong to the issuer ${issuer}`,
      reasonCode: 'keyNotOfIssuer',
      reasonValues: { key: String(header.kid), issuer: String(issuer) },
    });
  }
  return checks;
}
