import {
  decodeJwt,
  decodeProtectedHeader,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from 'jose';
import type { ErrorCode } from '../../error-codes.js';
import { LtiLaunchError } from '../../errors.js';

/** An id_token POST to the launch URL, with its claims decoded but not yet verified. */
export interface LaunchRequest {
  readonly idToken: string;
  readonly state: string | undefined;
  readonly header: ProtectedHeaderParameters;
  readonly claims: JWTPayload & Record<string, unknown>;
}

/**
 * Reads the form post of an OIDC launch (OpenID Connect Core 3.2.2.5, form_post response mode).
 * The claims are decoded only, so checks on them can refuse early; ltijs verifies the signature.
 */
export function readLaunchRequest(body: unknown): LaunchRequest {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const idToken = form.id_token;
  if (typeof idToken !== 'string' || idToken === '') {
    throw new LaunchRefusal(
      'LTI_ID_TOKEN_MISSING',
      'The launch carried no id_token. Open the activity from your LMS course again.',
    );
  }
  let header;
  let claims;
  try {
    header = decodeProtectedHeader(idToken);
    claims = decodeJwt(idToken);
  } catch {
    throw new LaunchRefusal(
      'LTI_ID_TOKEN_MALFORMED',
      'The launch carried an id_token that is not a JWT. Tell your LMS administrator.',
    );
  }
  return {
    idToken,
    state: typeof form.state === 'string' ? form.state : undefined,
    header,
    claims,
  };
}

/** A refused launch, with the reason code logged and shown, and a message a person can act on. */
export class LaunchRefusal extends LtiLaunchError {
  override readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, status = 401) {
    super(message);
    this.code = code;
    Object.defineProperty(this, 'status', { value: status });
  }
}
