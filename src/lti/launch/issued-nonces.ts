import { and, eq, gt, lt } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { ltiIssuedNonces } from '../../db/schema.js';

/** How long an authentication request may take to come back as a launch. */
const ISSUED_NONCE_LIFETIME_SECONDS = 600;

/**
 * ltijs draws the nonce of each authentication request and keeps no record of it, so a token
 * with a nonce it never issued would pass it. We remember each one with its state; recording
 * the launch consumes it (record-launch.ts), in the same statement, so it is good once.
 */
export async function recordIssuedNonce(
  db: Executor,
  issued: { nonce: string; state: string; login: Record<string, string> },
): Promise<void> {
  await db.insert(ltiIssuedNonces).values({
    ...issued,
    expiresAt: new Date(Date.now() + ISSUED_NONCE_LIFETIME_SECONDS * 1000),
  });
}

/**
 * The login parameters of a nonce issued with this state and not yet used or expired; null
 * otherwise. Leaves the nonce in place.
 */
export async function findIssuedLogin(
  db: Executor,
  nonce: string,
  state: string,
): Promise<Record<string, string> | null> {
  const [row] = await db
    .select({ login: ltiIssuedNonces.login })
    .from(ltiIssuedNonces)
    .where(
      and(
        eq(ltiIssuedNonces.nonce, nonce),
        eq(ltiIssuedNonces.state, state),
        gt(ltiIssuedNonces.expiresAt, new Date()),
      ),
    );
  return row?.login ?? null;
}

/** Removes nonces whose login was abandoned; returns how many. */
export async function deleteExpiredIssuedNonces(
  db: Executor,
  now: Date = new Date(),
): Promise<number> {
  const deleted = await db
    .delete(ltiIssuedNonces)
    .where(lt(ltiIssuedNonces.expiresAt, now))
    .returning({ nonce: ltiIssuedNonces.nonce });
  return deleted.length;
}
