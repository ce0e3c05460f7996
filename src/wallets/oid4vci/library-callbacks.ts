import { createHash, randomBytes } from 'node:crypto';
import {
  clientAuthenticationAnonymous,
  type CallbackContext,
  type VerifyJwtCallback,
} from '@openid4vc/oauth2';

/**
 * The callbacks the server helpers of @openid4vc require. The tool uses those helpers to parse
 * and build messages and to check key proofs; it signs nothing through them, and it verifies a
 * key proof only with the key found in that proof's own header (key-proof.ts), so by default
 * no JWT verifies.
 */
export function libraryCallbacks(
  verifyJwt: VerifyJwtCallback = () => ({ verified: false }),
): Omit<CallbackContext, 'decryptJwe' | 'encryptJwe'> {
  return {
    // The library names algorithms `sha-256`; Node names them `sha256`.
    hash: (data, algorithm) => createHash(algorithm.replace('-', '')).update(data).digest(),
    generateRandom: (byteLength) => randomBytes(byteLength),
    clientAuthentication: clientAuthenticationAnonymous(),
    signJwt: () => {
      throw new TypeError('microcred signs no JWT through @openid4vc');
    },
    verifyJwt,
  };
}
