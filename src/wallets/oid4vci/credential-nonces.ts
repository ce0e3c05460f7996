import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { credentialNonces } from '../../db/schema.js';

/**
 * The c_nonces of the nonce endpoint (OpenID4VCI 1.0 §7), which key proofs must carry. A nonce
 * is no secret (it travels in the proof), so it is stored as issued.
 */

/** How long a nonce may be used: long enough to sign a proof, short enough to bound replay. */
export const NONCE_LIFETIME_SECONDS = 300;

/**
 * Issues an unpredictable nonce (256 random bits) good for one key proof until it expires. Each
 * call also forgets the nonces that expired: they can no longer be used, and the endpoint is
 * open to anyone, so the table must not grow with its calls.
 */
export async function issueCredentialNonce(
  db: Executor,
  now: Date = new Date(),
): Promise<{ nonce: string; expiresAt: Date }> {
  await db.delete(credentialNonces).where(lt(credentialNonces.expiresAt, now));
  const nonce = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + NONCE_LIFETIME_SECONDS * 1000);
  await db.insert(credentialNonces).values({ nonce, expiresAt });
  return { nonce, expiresAt };
}

/**
 * Spends a nonce: true when it was issued here, unused and unexpired, and is now used. One
 * UPDATE decides, so of two proofs sent at once with the same nonce only one passes.
 */
export async function claimCredentialNonce(
  db: Executor,
  nonce: string,
  now: Date = new Date(),
): Promise<boolean> {
  const claimed = await db
    .update(credentialNonces)
    .set({ usedAt: now })
    .where(
      and(
        eq(credentialNonces.nonce, nonce),
        isNull(credentialNonces.usedAt),
        gt(credentialNonces.expiresAt, now),
      ),
    )
    .returning({ nonce: credentialNonces.nonce });
  return claimed.length === 1;
}
