import type { webcrypto } from 'node:crypto';
import { KeyObject } from 'node:crypto';
import {
  createRemoteJWKSet,
  customFetch,
  errors,
  type JWTVerifyGetKey,
  type ProtectedHeaderParameters,
} from 'jose';
import type { OutgoingFetch } from '../../outgoing/outgoing-requests.js';
import { LaunchRefusal } from './launch-request.js';

/** How long a platform's key set is used before it is fetched again. */
const KEY_SET_MAX_AGE_MS = 10 * 60_000;
/** After a fetch, an unknown kid waits this long before the key set is fetched again. */
const REFETCH_COOLDOWN_MS = 30_000;
const FETCH_TIMEOUT_MS = 5_000;
const KEY_SETS_LIMIT = 1_000;

export interface PlatformKeys {
  /** The platform key an id_token with this header was signed with, from the platform's key set. */
  signingKeyFor(jwksUrl: string, header: ProtectedHeaderParameters): Promise<KeyObject>;
}

/**
 * Platform key sets, fetched once and kept (LTI Security Framework 6.3: platforms publish their
 * keys at a JWKS URL). ltijs fetches the key set at every launch; a tool in many courses would
 * ask the LMS for the same keys thousands of times a day. An unknown `kid` fetches the set
 * again (a rotated key), at most once per cooldown, so forged kids cannot make us hammer the LMS.
 * Key sets are fetched through `outgoingFetch`, with its address checks and limits.
 */
export function createPlatformKeys(outgoingFetch: OutgoingFetch): PlatformKeys {
  const keySets = new Map<string, JWTVerifyGetKey>();
  const nodeKeys = new WeakMap<object, KeyObject>();

  const keySetAt = (jwksUrl: string) => {
    let keySet = keySets.get(jwksUrl);
    if (!keySet) {
      if (keySets.size >= KEY_SETS_LIMIT) keySets.clear();
      keySet = createRemoteJWKSet(new URL(jwksUrl), {
        cacheMaxAge: KEY_SET_MAX_AGE_MS,
        cooldownDuration: REFETCH_COOLDOWN_MS,
        timeoutDuration: FETCH_TIMEOUT_MS,
        [customFetch]: (url, init) =>
          outgoingFetch(url, { ...init, timeoutMs: FETCH_TIMEOUT_MS }) as Promise<Response>,
      });
      keySets.set(jwksUrl, keySet);
    }
    return keySet;
  };

  return {
    async signingKeyFor(jwksUrl, header) {
      if (header.alg !== 'RS256') {
        throw new LaunchRefusal(
          'LTI_ALG_NOT_RS256',
          'The launch was not signed with RS256, as LTI 1.3 requires. Tell your LMS administrator.',
        );
      }
      if (typeof header.kid !== 'string' || header.kid === '') {
        throw new LaunchRefusal(
          'LTI_KID_NOT_FOUND',
          'The launch did not name the key it was signed with. Tell your LMS administrator.',
        );
      }
      let key;
      try {
        key = await keySetAt(jwksUrl)(
          { alg: header.alg, kid: header.kid },
          { payload: '', signature: '' },
        );
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey) {
          throw new LaunchRefusal(
            'LTI_KEY_NOT_FOUND',
            'The launch was signed with a key your LMS does not publish. Tell your LMS administrator.',
          );
        }
        throw new LaunchRefusal(
          'LTI_KEYSET_UNAVAILABLE',
          "Your LMS's public keys could not be fetched to check the launch. Try again in a moment; if it keeps failing, tell your LMS administrator.",
          502,
        );
      }
      let nodeKey = nodeKeys.get(key);
      if (!nodeKey) {
        nodeKey = key instanceof KeyObject ? key : KeyObject.from(key as webcrypto.CryptoKey);
        nodeKeys.set(key, nodeKey);
      }
      return nodeKey;
    },
  };
}
