/**
 * External LRS connections: which external LRS a platform (or one course of it) forwards
 * statements to and pulls statements from, with its Basic credentials.
 *
 * Contract
 * - The Basic secret is stored only encrypted with the tool secret (db/encryption.ts) and never
 *   leaves this module except as `ExternalLrsAccess` for the outbox jobs; `presentExternalLrs`,
 *   which the admin API and the CLI print, shows the endpoint and key only.
 * - Endpoints are http(s) URLs without credentials, query or fragment, stored with a trailing
 *   slash (the xAPI resources are below it).
 * - `forwardConnections` answers from a copy at most FORWARD_CACHE_MS old, because it runs in
 *   every statement-storing transaction; the functions here that change connections drop the
 *   copy of the database handle they were given, so a change made through the app's handle
 *   takes effect at once, one made by another process within FORWARD_CACHE_MS.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../db/database.js';
import { decryptText, encryptText } from '../../db/encryption.js';
import { courses, externalLrsConnections, platforms } from '../../db/schema.js';
import { BadRequestError, NotFoundError } from '../../errors.js';
import { parseTimestamp } from '../validate/timestamp.js';
import { isUuid } from '../../shared/uuid.js';
import type { ExternalLrsAccess } from './external-lrs-client.js';

export type ExternalLrsConnection = typeof externalLrsConnections.$inferSelect;
export type ExternalLrsDirection = ExternalLrsConnection['direction'];

/** How old the copy of the forwarding connections that the storing transactions read may be. */
const FORWARD_CACHE_MS = 5_000;

const endpointSchema = z.string().superRefine((value, context) => {
  const problem = endpointProblem(value);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

/** A connection as an administrator gives it (admin API body, CLI options). */
export const externalLrsInputSchema = z.strictObject({
  platformId: z.string().refine(isUuid, 'must be a platform id (a UUID)'),
  courseId: z.string().refine(isUuid, 'must be a course id (a UUID)').optional(),
  endpoint: endpointSchema,
  key: z
    .string()
    .min(1, 'is required')
    .refine((key) => !key.includes(':'), 'cannot contain ":" (HTTP Basic user ids cannot)'),
  secret: z.string().min(1, 'is required'),
  direction: z.enum(['forward', 'pull', 'both'], 'must be forward, pull or both'),
  xapiVersion: z.enum(['2.0.0', '1.0.3'], 'must be 2.0.0 or 1.0.3').default('2.0.0'),
  isActive: z.boolean().default(true),
  /** Pull only statements stored after this instant (default: everything). */
  since: z
    .string()
    .refine((since) => parseTimestamp(since) !== null, 'must be an ISO 8601 timestamp')
    .optional(),
});

export type ExternalLrsInput = z.input<typeof externalLrsInputSchema>;

/** What the admin API and the CLI show of a connection: never the secret. */
export interface PresentedExternalLrs {
  id: string;
  platformId: string;
  courseId: string | null;
  endpoint: string;
  key: string;
  direction: ExternalLrsDirection;
  xapiVersion: ExternalLrsConnection['xapiVersion'];
  isActive: boolean;
  pull: {
    since: string | null;
    isFollowingMore: boolean;
    lastPulledAt: string | null;
    lastError: string | null;
  } | null;
  lastForwardError: string | null;
  createdAt: string;
}

/**
 * Adds a connection. Throws BadRequestError naming the field when the input is invalid (an
 * endpoint that is not an http(s) URL, say), the platform is unknown, or the course is not one
 * of that platform's.
 */
export async function addExternalLrs({
  db,
  secret,
  input,
}: {
  db: Executor;
  /** The tool secret, which encrypts the Basic secret. */
  secret: string;
  input: unknown;
}): Promise<PresentedExternalLrs> {
  const parsed = externalLrsInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequestError(
      `${issue?.path.join('.') || 'external LRS'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  const connection = parsed.data;
  await checkPlatformAndCourse(db, connection.platformId, connection.courseId);
  const [row] = await db
    .insert(externalLrsConnections)
    .values({
      platformId: connection.platformId,
      courseId: connection.courseId ?? null,
      endpoint: withTrailingSlash(connection.endpoint),
      basicKey: connection.key,
      basicSecretEncrypted: encryptText(connection.secret, secret),
      direction: connection.direction,
      xapiVersion: connection.xapiVersion,
      isActive: connection.isActive,
      pullSince: connection.since ?? null,
    })
    .returning();
  if (!row) throw new Error('Insert returned no row');
  forgetForwardConnections(db);
  return presentExternalLrs(row);
}

/** Every connection, oldest first, as the admin API shows them. */
export async function listExternalLrs(db: Executor): Promise<PresentedExternalLrs[]> {
  const rows = await db
    .select()
    .from(externalLrsConnections)
    .orderBy(externalLrsConnections.createdAt, externalLrsConnections.id);
  return rows.map(presentExternalLrs);
}

/**
 * Pauses (`isActive` false) or resumes a connection: a paused connection neither forwards the
 * statements stored meanwhile nor pulls. Throws NotFoundError for an unknown id.
 */
export async function setExternalLrsActive(
  db: Executor,
  id: string,
  isActive: boolean,
): Promise<PresentedExternalLrs> {
  const [row] = isUuid(id)
    ? await db
        .update(externalLrsConnections)
        .set({ isActive })
        .where(eq(externalLrsConnections.id, id))
        .returning()
    : [];
  if (!row) throw new NotFoundError(`No external LRS connection has the id ${id}`);
  forgetForwardConnections(db);
  return presentExternalLrs(row);
}

/**
 * Removes a connection; its queued forward and pull jobs then end without sending anything.
 * Throws NotFoundError for an unknown id.
 */
export async function removeExternalLrs(db: Executor, id: string): Promise<void> {
  const removed = isUuid(id)
    ? await db
        .delete(externalLrsConnections)
        .where(eq(externalLrsConnections.id, id))
        .returning({ id: externalLrsConnections.id })
    : [];
  if (removed.length === 0) throw new NotFoundError(`No external LRS connection has the id ${id}`);
  forgetForwardConnections(db);
}

/** The connection with this id, or null. */
export async function readExternalLrs(
  db: Executor,
  id: string,
): Promise<ExternalLrsConnection | null> {
  const [row] = await db
    .select()
    .from(externalLrsConnections)
    .where(eq(externalLrsConnections.id, id))
    .limit(1);
  return row ?? null;
}

/** The endpoint and credentials of a connection, its secret decrypted with the tool secret. */
export function externalLrsAccess(
  connection: ExternalLrsConnection,
  secret: string,
): ExternalLrsAccess {
  return {
    endpoint: connection.endpoint,
    basicKey: connection.basicKey,
    basicSecret: decryptText(connection.basicSecretEncrypted, secret),
    xapiVersion: connection.xapiVersion,
  };
}

/**
 * Keeps `error`'s message as the connection's last error of that direction, or clears it
 * (`null`) after a success.
 */
export async function recordConnectionError(
  db: Executor,
  connectionId: string,
  direction: 'forward' | 'pull',
  error: unknown,
): Promise<void> {
  const message = error === null ? null : error instanceof Error ? error.message : String(error);
  await db
    .update(externalLrsConnections)
    .set(direction === 'forward' ? { lastForwardError: message } : { lastPullError: message })
    .where(eq(externalLrsConnections.id, connectionId));
}

/** Whether a connection sends statements to its external LRS. */
export function isForwarding(connection: Pick<ExternalLrsConnection, 'direction'>): boolean {
  return connection.direction !== 'pull';
}

/** Whether a connection reads statements from its external LRS. */
export function isPulling(connection: Pick<ExternalLrsConnection, 'direction'>): boolean {
  return connection.direction !== 'forward';
}

/**
 * The credential key recorded on the statements pulled through a connection (and in their
 * authority): it tells forwarding not to send them back where they came from. A colon never
 * occurs in the keys of xAPI credentials, so it names no credential.
 */
export function pulledCredentialKey(connectionId: string): string {
  return `external-lrs:${connectionId}`;
}

export function presentExternalLrs(connection: ExternalLrsConnection): PresentedExternalLrs {
  return {
    id: connection.id,
    platformId: connection.platformId,
    courseId: connection.courseId,
    endpoint: connection.endpoint,
    key: connection.basicKey,
    direction: connection.direction,
    xapiVersion: connection.xapiVersion,
    isActive: connection.isActive,
    pull: isPulling(connection)
      ? {
          since: connection.pullSince,
          isFollowingMore: connection.pullMore !== null,
          lastPulledAt: connection.lastPulledAt?.toISOString() ?? null,
          lastError: connection.lastPullError,
        }
      : null,
    lastForwardError: isForwarding(connection) ? connection.lastForwardError : null,
    createdAt: connection.createdAt.toISOString(),
  };
}

/** The active connections that forward: platform, course and id, for the storing transaction. */
export type ForwardConnection = Pick<ExternalLrsConnection, 'id' | 'platformId' | 'courseId'>;

const forwardCache = new WeakMap<object, { rows: ForwardConnection[]; readAtMs: number }>();

/**
 * The active forwarding connections, read through `executor` (the storing transaction) when
 * the copy kept for `db` is older than FORWARD_CACHE_MS.
 */
export async function forwardConnections(
  executor: Executor,
  db: object,
): Promise<ForwardConnection[]> {
  const cached = forwardCache.get(db);
  if (cached && Date.now() - cached.readAtMs < FORWARD_CACHE_MS) return cached.rows;
  const rows = await executor
    .select({
      id: externalLrsConnections.id,
      platformId: externalLrsConnections.platformId,
      courseId: externalLrsConnections.courseId,
    })
    .from(externalLrsConnections)
    .where(
      and(
        eq(externalLrsConnections.isActive, true),
        inArray(externalLrsConnections.direction, ['forward', 'both']),
      ),
    );
  forwardCache.set(db, { rows, readAtMs: Date.now() });
  return rows;
}

function forgetForwardConnections(db: object): void {
  forwardCache.delete(db);
}

async function checkPlatformAndCourse(
  db: Executor,
  platformId: string,
  courseId: string | undefined,
): Promise<void> {
  const [platform] = await db
    .select({ id: platforms.id })
    .from(platforms)
    .where(eq(platforms.id, platformId))
    .limit(1);
  if (!platform) {
    throw new BadRequestError(
      `platformId ${platformId} is no registered platform (see microcred platform list)`,
    );
  }
  if (courseId === undefined) return;
  const [course] = await db
    .select({ id: courses.id })
    .from(courses)
    .where(and(eq(courses.id, courseId), eq(courses.platformId, platformId)))
    .limit(1);
  if (!course) {
    throw new BadRequestError(
      `courseId ${courseId} is no course of platform ${platformId} (see microcred course list)`,
    );
  }
}

/** Why `value` cannot be an external LRS endpoint, or null when it can. */
function endpointProblem(value: string): string | null {
  if (!URL.canParse(value)) return 'must be an http(s) URL, such as https://lrs.example/xapi/';
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `must be an http(s) URL, not ${url.protocol.slice(0, -1)}`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'must not contain credentials: give them as key and secret';
  }
  if (url.search !== '' || url.hash !== '') return 'must not have a query or a fragment';
  return null;
}

function withTrailingSlash(endpoint: string): string {
  const url = new URL(endpoint);
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url.href;
}
