import { LaunchRefusal, type LaunchRequest } from './launch-request.js';

/**
 * `iat` must be present and not in the future beyond the allowed clock skew (OpenID Connect
 * Core 3.1.3.7 step 10 leaves the bound to us; LMS clocks drift, so a small skew is allowed).
 * ltijs checks only that the token is not too old.
 */
export function checkIssuedAt(launch: LaunchRequest, clockSkewSeconds: number, now: Date): void {
  const issuedAt = launch.claims.iat;
  if (typeof issuedAt !== 'number') {
    throw new LaunchRefusal(
      'LTI_IAT_MISSING',
      'The launch token says nothing of when it was issued.',
    );
  }
  if (issuedAt > now.getTime() / 1000 + clockSkewSeconds) {
    throw new LaunchRefusal(
      'LTI_IAT_IN_FUTURE',
      'The launch token was issued in the future: the clock of your LMS is off. Tell your LMS administrator.',
    );
  }
}
