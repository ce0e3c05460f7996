import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { presentationRequests } from '../../db/schema.js';
import { WALLET_EXCHANGE_LIFETIME_SECONDS, type CreatedWalletExchange } from './wallet-exchange.js';
import {
  WalletExchangeExpiredError,
  WalletExchangeUnknownError,
  WalletExchangeUsedError,
} from './wallet-exchange-errors.js';
import { presentationInvitationLink } from './wallet-links.js';

/** A presentation request a wallet may still answer, for the learner who opened it. */
export type OpenPresentationRequest = {
  readonly id: string;
  readonly userId: string;
  readonly courseId: string;
  readonly challenge: string;
};

/**
 * Opens a single-use VC-API exchange in which the learner's wallet presents credentials for
 * recognition in the learner's course, with a fresh random challenge, valid as long as a
 * hand-off link (WALLET_EXCHANGE_LIFETIME_SECONDS).
 */
export async function openPresentationRequest(
  db: Executor,
  input: { userId: string; courseId: string; publicUrl: string; now?: Date },
): Promise<CreatedWalletExchange> {
  const { userId, courseId, publicUrl, now = new Date() } = input;
  const expiresAt = new Date(now.getTime() + WALLET_EXCHANGE_LIFETIME_SECONDS * 1000);
  const [created] = await db
    .insert(presentationRequests)
    .values({ userId, courseId, challenge: randomUUID(), expiresAt })
    .returning({ id: presentationRequests.id });
  if (!created) throw new Error('Insert returned no row');
  return {
    id: created.id,
    expiresAt,
    deepLink: presentationInvitationLink({ publicUrl, requestId: created.id }),
  };
}

/**
 * The request `id` if a wallet may still answer it. Throws WalletExchangeUnknownError (404),
 * WalletExchangeUsedError (409) or WalletExchangeExpiredError (410).
 */
export async function findOpenPresentationRequest(
  db: Executor,
  input: { id: string; now: Date },
): Promise<OpenPresentationRequest> {
  const [request] = await db
    .select()
    .from(presentationRequests)
    .where(eq(presentationRequests.id, input.id));
  if (!request) {
    throw new WalletExchangeUnknownError(
      `No presentation request ${input.id} is open here: open a new one on your recognitions page.`,
    );
  }
  if (request.completedAt) {
    throw new WalletExchangeUsedError(
      'This request has been answered already; each works once. Open a new one on your recognitions page.',
    );
  }
  if (request.expiresAt.getTime() <= input.now.getTime()) {
    throw new WalletExchangeExpiredError(
      `This request has expired: open a new one on your recognitions page and answer it within ${WALLET_EXCHANGE_LIFETIME_SECONDS / 60} minutes.`,
    );
  }
  const { id, userId, courseId, challenge } = request;
  return { id, userId, courseId, challenge };
}

/**
 * Marks the request answered by `holderDid`, in one UPDATE: of two presentations at once, one
 * wins; the other is told why, as findOpenPresentationRequest would. A request released after
 * a busy verifier (releasePresentationRequest) is claimed again only by the same holder.
 */
export async function claimPresentationRequest(
  db: Executor,
  input: { id: string; challenge: string; holderDid: string; now: Date },
): Promise<void> {
  const { id, challenge, holderDid, now } = input;
  const [claimed] = await db
    .update(presentationRequests)
    .set({ completedAt: now, holderDid })
    .where(
      and(
        eq(presentationRequests.id, id),
        eq(presentationRequests.challenge, challenge),
        isNull(presentationRequests.completedAt),
        gt(presentationRequests.expiresAt, now),
        or(isNull(presentationRequests.holderDid), eq(presentationRequests.holderDid, holderDid)),
      ),
    )
    .returning({ id: presentationRequests.id });
  if (claimed) return;
  await findOpenPresentationRequest(db, { id, now });
  throw new WalletExchangeUsedError(
    'This request has been answered already, or is being answered from another wallet. Open a new one on your recognitions page.',
  );
}

/**
 * Opens again the request claimed at `claimedAt` when bringing its credentials stopped because
 * every verification worker was busy: the same holder may send the same presentation again
 * (credentials brought before the stop are not brought twice, bring-credential.ts), no other
 * holder may answer it. Nothing happens if the claim is no longer the one made at `claimedAt`.
 */
export async function releasePresentationRequest(
  db: Executor,
  input: { id: string; holderDid: string; claimedAt: Date },
): Promise<void> {
  const { id, holderDid, claimedAt } = input;
  await db
    .update(presentationRequests)
    .set({ completedAt: null })
    .where(
      and(
        eq(presentationRequests.id, id),
        eq(presentationRequests.holderDid, holderDid),
        eq(presentationRequests.completedAt, claimedAt),
      ),
    );
}
