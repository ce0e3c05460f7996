import type { LtijsStorage } from '../ltijs-storage.js';
import { LaunchRefusal, type LaunchRequest } from './launch-request.js';

/**
 * The id_token's nonce must be one this tool issued in the login that produced this `state`,
 * and is good once (OpenID Connect Core 3.1.3.7 step 11; LTI 1.3 core 5.1.3). ltijs only
 * remembers nonces it has received, so a token with a nonce it never issued would pass it.
 * Returns the login parameters the nonce was issued for.
 */
export async function checkNonceIssued(
  storage: LtijsStorage,
  launch: LaunchRequest,
): Promise<Record<string, string>> {
  if (!launch.state) {
    throw new LaunchRefusal(
      'LTI_STATE_MISSING',
      'The launch carried no state. Open the activity from your LMS course again.',
    );
  }
  const nonce = launch.claims.nonce;
  const login =
    typeof nonce === 'string' ? await storage.consumeIssuedNonce(nonce, launch.state) : null;
  if (!login) {
    throw new LaunchRefusal(
      'LTI_NONCE_NOT_ISSUED',
      'This launch was not started by microcred or was already used. Open the activity from your LMS course again.',
    );
  }
  return login;
}
