import { LaunchRefusal, type LaunchRequest } from './launch-request.js';

/**
 * The id_token's nonce must be one this tool issued in the login that produced this `state`,
 * and is good once (OpenID Connect Core 3.1.3.7 step 11; LTI 1.3 core 5.1.3). The state must be
 * there to check that; recording the launch checks the pair and consumes the nonce (see
 * issued-nonces.ts and record-launch.ts).
 */
export function checkStatePresent(launch: LaunchRequest): void {
  if (!launch.state) {
    throw new LaunchRefusal(
      'LTI_STATE_MISSING',
      'The launch carried no state. Open the activity from your LMS course again.',
    );
  }
}

/** The refusal of an id_token whose nonce this tool did not issue with its state, or that was used. */
export function nonceNotIssuedRefusal(): LaunchRefusal {
  return new LaunchRefusal(
    'LTI_NONCE_NOT_ISSUED',
    'This launch was not started by microcred or was already used. Open the activity from your LMS course again.',
  );
}
