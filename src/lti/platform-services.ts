import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { importPKCS8, SignJWT } from 'jose';
import type { Db } from '../db/database.js';
import { platforms } from '../db/schema.js';
import { MicrocredError } from '../errors.js';
import type { OutgoingFetch } from '../outgoing/outgoing-requests.js';
import type { ToolKeyring } from './tool-key.js';

/** A platform's registration with the tool, as a service call names it. */
export interface PlatformClient {
  readonly platformIssuer: string;
  readonly clientId: string;
}

/** What the LTI Advantage service clients (AGS, NRPS) need to call a platform. */
export interface PlatformServices {
  /** `Bearer ...` for these scopes, fetched from the platform or reused while valid. */
  authorization(client: PlatformClient, scopes: readonly string[]): Promise<string>;
  readonly outgoingFetch: OutgoingFetch;
}

/**
 * The platform did not issue an access token: the registration is unknown or inactive, or the
 * token endpoint refused (`upstreamStatus`, `oauthError`) or could not be reached (null).
 */
export class PlatformTokenError extends MicrocredError {
  override readonly code: 'LTI_ACCESS_TOKEN_REFUSED' | 'LTI_SERVICES_PLATFORM_INACTIVE' =
    'LTI_ACCESS_TOKEN_REFUSED';

  constructor(
    message: string,
    readonly upstreamStatus: number | null = null,
    readonly oauthError: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** No active registration of the tool with this platform and client id. */
export class PlatformInactiveError extends PlatformTokenError {
  override readonly code = 'LTI_SERVICES_PLATFORM_INACTIVE';
}

const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const CLIENT_ASSERTION_SECONDS = 60;
/** A token is not used in the last minute of its life: a request may take that long. */
const EXPIRY_MARGIN_SECONDS = 60;
const TOKEN_TIMEOUT_MS = 10_000;
const TOKENS_LIMIT = 1_000;

/**
 * Access tokens for LTI Advantage services (LTI Security Framework 1.0 section 4.1: the client
 * credentials grant with a JWT client assertion signed by the tool's current key, RFC 7523),
 * requested through `outgoingFetch` and kept in this process until shortly before they expire.
 * ltijs's own token client cannot take the outgoing request checks, so the tool does not use it.
 */
export function createPlatformServices(deps: {
  db: Db;
  keyring: ToolKeyring;
  outgoingFetch: OutgoingFetch;
}): PlatformServices {
  const { db, keyring, outgoingFetch } = deps;
  const tokens = new Map<string, { authorization: string; expiresAtMs: number }>();

  const requestToken = async (client: PlatformClient, scope: string) => {
    const [platform] = await db
      .select({ tokenUrl: platforms.tokenUrl, tokenAudience: platforms.tokenAudience })
      .from(platforms)
      .where(
        and(
          eq(platforms.issuer, client.platformIssuer),
          eq(platforms.clientId, client.clientId),
          eq(platforms.isActive, true),
        ),
      );
    if (!platform) {
      throw new PlatformInactiveError('The LMS registration is unknown or no longer active.');
    }
    const key = await keyring.current();
    const nowSeconds = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(client.clientId)
      .setSubject(client.clientId)
      .setAudience(platform.tokenAudience ?? platform.tokenUrl)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + CLIENT_ASSERTION_SECONDS)
      .sign(await importPKCS8(key.privateKeyPem, 'RS256'));
    let response;
    try {
      response = await outgoingFetch(platform.tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_assertion_type: CLIENT_ASSERTION_TYPE,
          client_assertion: assertion,
          scope,
        }).toString(),
        timeoutMs: TOKEN_TIMEOUT_MS,
      });
    } catch (error) {
      throw new PlatformTokenError('The LMS token endpoint did not answer.', null, null, {
        cause: error,
      });
    }
    const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    if (!response.ok || typeof body?.access_token !== 'string') {
      const oauthError = typeof body?.error === 'string' ? body.error : null;
      throw new PlatformTokenError(
        `The LMS token endpoint answered ${response.status}${oauthError ? ` (${oauthError})` : ''} without an access token.`,
        response.status,
        oauthError,
      );
    }
    const tokenType = typeof body.token_type === 'string' ? body.token_type : 'Bearer';
    const expiresInSeconds = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    return {
      authorization: `${tokenType} ${body.access_token}`,
      expiresAtMs: Date.now() + (expiresInSeconds - EXPIRY_MARGIN_SECONDS) * 1000,
    };
  };

  return {
    outgoingFetch,
    async authorization(client, scopes) {
      const scope = [...new Set(scopes)].sort().join(' ');
      const cacheKey = JSON.stringify([client.platformIssuer, client.clientId, scope]);
      const cached = tokens.get(cacheKey);
      if (cached && cached.expiresAtMs > Date.now()) return cached.authorization;
      const token = await requestToken(client, scope);
      if (tokens.size >= TOKENS_LIMIT) tokens.clear();
      tokens.set(cacheKey, token);
      return token.authorization;
    },
  };
}
