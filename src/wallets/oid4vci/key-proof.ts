import type { Jwk, VerifyJwtCallback } from '@openid4vc/oauth2';
import { Openid4vciIssuer, type IssuerMetadataResult } from '@openid4vc/openid4vci';
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import type { Executor } from '../../db/database.js';
import { claimCredentialNonce } from './credential-nonces.js';
import { resolveHolderKey, type HolderKey } from './holder-key.js';
import { libraryCallbacks } from './library-callbacks.js';
import { protocolError } from './protocol-error.js';

/** How old a proof may be: time for a person to confirm in the wallet, not for replays. */
const MAX_PROOF_AGE_SECONDS = 300;
/** How far ahead of ours the wallet's clock may run. */
const MAX_CLOCK_SKEW_SECONDS = 60;

/**
 * Checks the `jwt` key proof of a credential request (OpenID4VCI 1.0 Appendix F.1, F.4) and
 * spends its nonce: typed `openid4vci-proof+jwt`, signed by the public key its header names
 * (holder-key.ts), `aud` the credential issuer, `iat` within the last five minutes, `nonce` a
 * c_nonce of our nonce endpoint, unused and unexpired. The nonce is spent last, so a proof that
 * fails another check leaves it usable. Returns the holder's key and DID.
 * Throws the `invalid_proof` protocol error for a malformed, forged, stale or nonce-less proof,
 * and `invalid_nonce` for a nonce not issued here, used already or expired.
 */
export async function verifyKeyProof(
  db: Executor,
  options: { jwt: string; issuerMetadata: IssuerMetadataResult; now: Date },
): Promise<HolderKey> {
  const { jwt, issuerMetadata, now } = options;
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    throw invalidProof('The key proof is not a compact JWS (header.payload.signature).');
  }
  if (header.typ !== 'openid4vci-proof+jwt') {
    throw invalidProof("A key proof is typed 'openid4vci-proof+jwt' in its header.");
  }
  if (header.key_attestation !== undefined) {
    throw invalidProof('Key attestations are not taken here: send the proof without one.');
  }
  const holderKey = resolveHolderKey(header);
  const issuer = new Openid4vciIssuer({ callbacks: libraryCallbacks(verifySignature(holderKey)) });
  // The library checks the claims' shapes, `aud` and the signature, and throws invalid_proof.
  const { payload } = await issuer.verifyCredentialRequestJwtProof({ issuerMetadata, jwt, now });

  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (payload.iat > nowSeconds + MAX_CLOCK_SKEW_SECONDS) {
    throw invalidProof(
      'The key proof is dated in the future (iat): check the clock of the wallet.',
    );
  }
  if (payload.iat < nowSeconds - MAX_PROOF_AGE_SECONDS) {
    throw invalidProof('The key proof is older than five minutes (iat): sign a fresh one.');
  }
  if (typeof payload.nonce !== 'string') {
    throw invalidProof(
      'The key proof carries no nonce: sign a c_nonce from the nonce endpoint into it.',
    );
  }
  if (!(await claimCredentialNonce(db, payload.nonce, now))) {
    throw protocolError(
      'invalid_nonce',
      'The nonce of this key proof was not issued here, was used already or has expired: get a fresh c_nonce from the nonce endpoint.',
    );
  }
  return holderKey;
}

/**
 * Verifies with the key resolved from the proof's header. The library passes the signer it
 * reads from that same header, so the two name the same key.
 */
function verifySignature(key: HolderKey): VerifyJwtCallback {
  return async (_signer, { compact }) => {
    try {
      const publicKey = await importJWK(key.publicJwk, key.algorithm);
      await compactVerify(compact, publicKey, { algorithms: [key.algorithm] });
      return { verified: true, signerJwk: key.publicJwk as Jwk };
    } catch {
      return { verified: false };
    }
  };
}

function invalidProof(description: string) {
  return protocolError('invalid_proof', description);
}
