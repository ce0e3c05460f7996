import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { sessions } from '../db/schema.js';
import type { CourseRole } from './roles.js';

export const SESSION_LIFETIME_SECONDS = 8 * 3600;

export interface Session {
  readonly userId: string;
  readonly courseId: string;
  readonly role: CourseRole;
  /** The launch came from an administrator of the LMS, who may open its admin pages. */
  readonly isLmsAdministrator: boolean;
  readonly locale: string | null;
  readonly expiresAt: Date;
}

/**
 * A new session's token, the hash under which it is stored (the token itself never is), and
 * when it expires.
 */
export function newSessionToken(now: Date = new Date()): {
  token: string;
  tokenHash: string;
  expiresAt: Date;
} {
  const token = randomBytes(32).toString('base64url');
  return {
    token,
    tokenHash: hashToken(token),
    expiresAt: new Date(now.getTime() + SESSION_LIFETIME_SECONDS * 1000),
  };
}

/** The live session for a token, or null when the token is unknown or expired. */
export async function findSession(
  db: Executor,
  token: string,
  now: Date = new Date(),
): Promise<Session | null> {
  const [row] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.tokenHash, hashToken(token)), gt(sessions.expiresAt, now)));
  return row ?? null;
}

export async function deleteExpiredSessions(db: Executor, now: Date = new Date()): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
