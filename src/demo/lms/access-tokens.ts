/**
 * The platform's OAuth 2 token endpoint and the bearer tokens it issues: the client credentials
 * grant with a JWT client assertion (LTI Security Framework 1.0 section 4.1, RFC 7523
 * section 3), and the scope check in front of each service (RFC 6750 section 3.1).
 */
import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response as ExpressResponse } from 'express';
import { errors, jwtVerify, type RemoteJWKSet } from 'jose';
import { HttpRefusal, stringParam } from './http-refusal.js';
import { AGS_SCOPES, NRPS_SCOPE } from './lti-vocabulary.js';

const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ACCESS_TOKEN_LIFETIME_SECONDS = 3600;
const GRANTABLE_SCOPES: ReadonlySet<string> = new Set([...Object.values(AGS_SCOPES), NRPS_SCOPE]);

interface AccessToken {
  scopes: ReadonlySet<string>;
  expiresAt: number;
}

export class AccessTokens {
  readonly #accessTokens = new Map<string, AccessToken>();
  readonly #usedJtis = new Set<string>();

  /**
   * `toolJwks` gives the tool's public keys once the platform knows where they are;
   * `audiences` are the values a client assertion's `aud` may take.
   */
  constructor(
    private readonly platform: {
      clientId: string;
      audiences: string[];
      toolJwks: () => RemoteJWKSet | undefined;
    },
  ) {}

  /** The token endpoint. */
  async issue(req: Request, res: ExpressResponse): Promise<void> {
    const param = (name: string) => stringParam(req.body, name);
    if (param('grant_type') !== 'client_credentials') {
      throw new HttpRefusal(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
    }
    const assertion = param('client_assertion');
    if (param('client_assertion_type') !== CLIENT_ASSERTION_TYPE || !assertion) {
      throw new HttpRefusal(400, 'invalid_request', 'a jwt-bearer client_assertion is required');
    }
    const toolJwks = this.platform.toolJwks();
    if (!toolJwks) {
      throw new HttpRefusal(401, 'invalid_client', 'no tool JWKS URL is registered');
    }
    let jti: string;
    try {
      const { payload } = await jwtVerify(assertion, toolJwks, {
        algorithms: ['RS256'],
        issuer: this.platform.clientId,
        subject: this.platform.clientId,
        audience: this.platform.audiences,
        requiredClaims: ['exp', 'jti'],
      });
      jti = String(payload.jti);
    } catch (error) {
      if (!(error instanceof errors.JOSEError)) throw error;
      throw new HttpRefusal(
        401,
        'invalid_client',
        `client_assertion: ${error.code}: ${error.message}`,
      );
    }
    if (this.#usedJtis.has(jti)) {
      throw new HttpRefusal(401, 'invalid_client', `client_assertion jti ${jti} was already used`);
    }
    this.#usedJtis.add(jti);
    const requested = (param('scope') ?? '').split(' ').filter(Boolean);
    const granted = [...new Set(requested.filter((scope) => GRANTABLE_SCOPES.has(scope)))];
    if (granted.length === 0) {
      throw new HttpRefusal(400, 'invalid_scope', 'none of the requested scopes can be granted');
    }
    const accessToken = randomBytes(24).toString('base64url');
    this.#accessTokens.set(accessToken, {
      scopes: new Set(granted),
      expiresAt: Date.now() + ACCESS_TOKEN_LIFETIME_SECONDS * 1000,
    });
    res.set('cache-control', 'no-store').json({
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
      scope: granted.join(' '),
    });
  }

  /** Middleware: a live bearer token carrying one of `scopes` (RFC 6750 section 3.1). */
  requireScope(...scopes: string[]): RequestHandler {
    return (req, _res, next) => {
      const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
      if (!match) {
        throw new HttpRefusal(401, 'invalid_request', 'a bearer token is required', {
          'www-authenticate': 'Bearer',
        });
      }
      const token = this.#accessTokens.get(match[1] ?? '');
      if (!token || token.expiresAt <= Date.now()) {
        throw new HttpRefusal(401, 'invalid_token', 'the access token is unknown or expired', {
          'www-authenticate': 'Bearer error="invalid_token"',
        });
      }
      if (!scopes.some((scope) => token.scopes.has(scope))) {
        throw new HttpRefusal(403, 'insufficient_scope', `one of ${scopes.join(' ')} is required`, {
          'www-authenticate': `Bearer error="insufficient_scope", scope="${scopes.join(' ')}"`,
        });
      }
      next();
    };
  }
}
