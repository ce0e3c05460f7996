/**
 * Launch credentials for xAPI content, after cmi5 (section 8.1, launch parameters; section
 * 8.2, the fetch URL). `createContentLaunch` records a launch and returns the launch URL with
 * `endpoint`, `fetch`, `actor`, `registration` and `activityId`. The content POSTs to `fetch`
 * once and gets `{ "auth-token": ... }`, the Basic credentials it then sends to the LRS. Those
 * credentials are a `LaunchGrant`: good until they expire, for the launch's learner,
 * registration and activity (with the activities under its IRI) only, as launch-scope.ts
 * spells out.
 *
 * Tokens are 256 random bits; the database keeps only their SHA-256, and a fetch code works
 * once.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { xapiLaunches } from '../db/schema.js';
import { MicrocredError } from '../errors.js';
import type { Agent } from './statement.js';

/** The key prefix that tells launch tokens from platform credentials in a Basic header. */
export const LAUNCH_KEY_PREFIX = 'launch.';
const DEFAULT_FETCH_SECONDS = 600;
const DEFAULT_TOKEN_SECONDS = 3600;

/** Whose launch a token stands for; launch-scope.ts says what it may do. */
export interface LaunchGrant {
  readonly tokenKey: string;
  readonly userId: string | null;
  readonly actor: Agent;
  readonly registration: string;
  readonly activityId: string;
  /** The cmi5 session the launch opened, whose statement rules apply; null for plain xAPI. */
  readonly cmi5SessionId: string | null;
  readonly expiresAt: Date;
}

/** cmi5 section 8.2.3: a fetch URL used twice, or expired, gets an error, not a token. */
export class XapiLaunchFetchError extends MicrocredError {
  override readonly code = 'XAPI_LAUNCH_FETCH_INVALID';
  override readonly status = 400;
  override readonly expose = true;
}

/**
 * Records a launch of `contentUrl` for a learner and returns the URL to open, with the cmi5
 * launch parameters. `registration` defaults to a new UUID (one per attempt).
 */
export async function createContentLaunch({
  db,
  publicUrl,
  contentUrl,
  userId,
  actor,
  activityId,
  registration = randomUUID(),
  cmi5SessionId = null,
  now = new Date(),
  fetchValidSeconds = DEFAULT_FETCH_SECONDS,
}: {
  db: Executor;
  publicUrl: string;
  contentUrl: string;
  userId: string | null;
  actor: Agent;
  activityId: string;
  registration?: string;
  cmi5SessionId?: string | null;
  now?: Date;
  fetchValidSeconds?: number;
}): Promise<{ launchUrl: string; fetchUrl: string; registration: string }> {
  const fetchCode = randomBytes(24).toString('base64url');
  await db.insert(xapiLaunches).values({
    fetchCode,
    userId,
    actor: actor as unknown as Record<string, unknown>,
    registration,
    activityId,
    cmi5SessionId,
    expiresAt: new Date(now.getTime() + fetchValidSeconds * 1000),
  });
  const base = publicUrl.replace(/\/$/, '');
  const fetchUrl = `${base}/xapi/launch/fetch/${fetchCode}`;
  const url = new URL(contentUrl);
  url.searchParams.set('endpoint', `${base}/xapi/`);
  url.searchParams.set('fetch', fetchUrl);
  url.searchParams.set('actor', JSON.stringify(actor));
  url.searchParams.set('registration', registration);
  url.searchParams.set('activityId', activityId);
  return { launchUrl: url.toString(), fetchUrl, registration };
}

/**
 * Hands out the launch's token, once (cmi5 section 8.2.2): the value of `auth-token` is the
 * base64 of `key:secret`, to send as `Authorization: Basic <auth-token>`. Throws
 * XapiLaunchFetchError when the code is unknown, already used or expired.
 */
export async function fetchLaunchToken({
  db,
  fetchCode,
  now = new Date(),
  tokenValidSeconds = DEFAULT_TOKEN_SECONDS,
}: {
  db: Executor;
  fetchCode: string;
  now?: Date;
  tokenValidSeconds?: number;
}): Promise<{ authToken: string; expiresAt: Date }> {
  const tokenKey = `${LAUNCH_KEY_PREFIX}${randomBytes(12).toString('base64url')}`;
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + tokenValidSeconds * 1000);
  const claimed = await db.transaction(async (tx) => {
    const [launch] = await tx
      .select()
      .from(xapiLaunches)
      .where(eq(xapiLaunches.fetchCode, fetchCode))
      .for('update');
    if (!launch || launch.fetchedAt !== null || launch.expiresAt <= now) return false;
    await tx
      .update(xapiLaunches)
      .set({ fetchedAt: now, tokenKey, tokenHash: digest(secret), expiresAt })
      .where(eq(xapiLaunches.fetchCode, fetchCode));
    return true;
  });
  if (!claimed) {
    throw new XapiLaunchFetchError('This fetch URL is unknown, expired or already used');
  }
  return { authToken: Buffer.from(`${tokenKey}:${secret}`).toString('base64'), expiresAt };
}

/** The grant of a launch token, or null when the key is unknown, the secret wrong, or expired. */
export async function authenticateLaunchToken(
  db: Executor,
  tokenKey: string,
  secret: string,
  now = new Date(),
): Promise<LaunchGrant | null> {
  const [launch] = await db
    .select()
    .from(xapiLaunches)
    .where(eq(xapiLaunches.tokenKey, tokenKey))
    .limit(1);
  if (!launch?.tokenHash || !launch.tokenKey) return null;
  const isValid = timingSafeEqual(Buffer.from(launch.tokenHash, 'hex'), digestBytes(secret));
  if (!isValid || launch.expiresAt <= now) return null;
  return {
    tokenKey: launch.tokenKey,
    userId: launch.userId,
    actor: launch.actor as unknown as Agent,
    registration: launch.registration,
    activityId: launch.activityId,
    cmi5SessionId: launch.cmi5SessionId,
    expiresAt: launch.expiresAt,
  };
}

function digestBytes(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

function digest(secret: string): string {
  return digestBytes(secret).toString('hex');
}
