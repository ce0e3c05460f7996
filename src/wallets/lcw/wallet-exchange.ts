import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNotNull, isNull, notExists, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { awards, walletExchanges } from '../../db/schema.js';
import { CredentialRevokedError } from '../../errors.js';
import {
  WalletExchangeExpiredError,
  WalletExchangeUnknownError,
  WalletExchangeUsedError,
} from './wallet-exchange-errors.js';
import { credentialRequestLink, exchangeInvitationLink } from './wallet-links.js';

/** How long a learner has to open a hand-off link in their wallet. */
export const WALLET_EXCHANGE_LIFETIME_SECONDS = 15 * 60;

/** `lcw-direct`: the DCC direct link; `vc-api`: a VC-API exchange invitation. */
export type WalletProtocol = (typeof walletExchanges.$inferSelect)['protocol'];

export type CreatedWalletExchange = {
  readonly id: string;
  readonly expiresAt: Date;
  /** The link to open in (or show as a QR code for) the Learner Credential Wallet. */
  readonly deepLink: string;
};

/** An exchange a wallet may still complete. */
export type OpenWalletExchange = {
  readonly id: string;
  readonly awardId: string;
  readonly challenge: string;
  readonly bindToHolder: boolean;
};

/**
 * Opens a single-use hand-off of an award's credential to a Learner Credential Wallet, with a
 * fresh random challenge the wallet must sign, valid for WALLET_EXCHANGE_LIFETIME_SECONDS.
 * `bindToHolder` asks for the credential subject to become the wallet's DID. Whether the
 * award exists, is valid and is the caller's to hand out is the caller's check
 * (findOwnValidAward); the exchange is refused later if the award is revoked meanwhile.
 */
export async function createWalletExchange(
  db: Executor,
  input: {
    awardId: string;
    protocol: WalletProtocol;
    bindToHolder: boolean;
    publicUrl: string;
    now?: Date;
  },
): Promise<CreatedWalletExchange> {
  const { awardId, protocol, bindToHolder, publicUrl, now = new Date() } = input;
  const challenge = randomUUID();
  const expiresAt = new Date(now.getTime() + WALLET_EXCHANGE_LIFETIME_SECONDS * 1000);
  const [created] = await db
    .insert(walletExchanges)
    .values({ awardId, protocol, challenge, bindToHolder, expiresAt })
    .returning({ id: walletExchanges.id });
  if (!created) throw new Error('Insert returned no row');
  const deepLink =
    protocol === 'lcw-direct'
      ? credentialRequestLink({ publicUrl, exchangeId: created.id, challenge })
      : exchangeInvitationLink({ publicUrl, exchangeId: created.id });
  return { id: created.id, expiresAt, deepLink };
}

/**
 * The exchange `id` of `protocol` if a wallet may still complete it. Reads only: claiming is
 * claimWalletExchange's.
 * Throws WalletExchangeUnknownError (404), WalletExchangeUsedError (409),
 * WalletExchangeExpiredError (410) or CredentialRevokedError (409).
 */
export async function findOpenWalletExchange(
  db: Executor,
  input: { id: string; protocol: WalletProtocol; now: Date },
): Promise<OpenWalletExchange> {
  const { id, protocol, now } = input;
  const [exchange] = await db
    .select({
      id: walletExchanges.id,
      awardId: walletExchanges.awardId,
      challenge: walletExchanges.challenge,
      bindToHolder: walletExchanges.bindToHolder,
      expiresAt: walletExchanges.expiresAt,
      completedAt: walletExchanges.completedAt,
      revokedAt: awards.revokedAt,
    })
    .from(walletExchanges)
    .innerJoin(awards, eq(awards.id, walletExchanges.awardId))
    .where(and(eq(walletExchanges.id, id), eq(walletExchanges.protocol, protocol)));
  if (!exchange) {
    throw new WalletExchangeUnknownError(
      `No wallet exchange ${id} is open here: ask for a new link on your credentials page.`,
    );
  }
  if (exchange.completedAt) {
    throw new WalletExchangeUsedError(
      'This link has handed its credential out already; each link works once. Ask for a new link on your credentials page.',
    );
  }
  if (exchange.expiresAt.getTime() <= now.getTime()) {
    throw new WalletExchangeExpiredError(
      `This link has expired: ask for a new link on your credentials page and open it within ${WALLET_EXCHANGE_LIFETIME_SECONDS / 60} minutes.`,
    );
  }
  if (exchange.revokedAt) throw revoked();
  const {
    expiresAt: _expiresAt,
    completedAt: _completedAt,
    revokedAt: _revokedAt,
    ...open
  } = exchange;
  return open;
}

/**
 * Completes the exchange for the wallet that answered `challenge` as `holderDid`, in one
 * UPDATE: of two wallets presenting at once, one wins. Returns what to hand that wallet.
 * Throws like findOpenWalletExchange when the exchange was completed, expired, or its award
 * revoked in the meantime.
 */
export async function claimWalletExchange(
  db: Executor,
  input: { id: string; protocol: WalletProtocol; challenge: string; holderDid: string; now: Date },
): Promise<OpenWalletExchange> {
  const { id, protocol, challenge, holderDid, now } = input;
  const [claimed] = await db
    .update(walletExchanges)
    .set({ completedAt: now, holderDid })
    .where(
      and(
        eq(walletExchanges.id, id),
        eq(walletExchanges.protocol, protocol),
        eq(walletExchanges.challenge, challenge),
        isNull(walletExchanges.completedAt),
        gt(walletExchanges.expiresAt, now),
        notExists(
          db
            .select({ one: sql`1` })
            .from(awards)
            .where(and(eq(awards.id, walletExchanges.awardId), isNotNull(awards.revokedAt))),
        ),
      ),
    )
    .returning({
      id: walletExchanges.id,
      awardId: walletExchanges.awardId,
      challenge: walletExchanges.challenge,
      bindToHolder: walletExchanges.bindToHolder,
    });
  if (claimed) return claimed;
  // Lost: say why, as the read before the claim would have.
  await findOpenWalletExchange(db, { id, protocol, now });
  throw new WalletExchangeUsedError('This link has handed its credential out already.');
}

function revoked(): CredentialRevokedError {
  return new CredentialRevokedError(
    'This credential has been revoked; it can no longer be added to a wallet.',
  );
}
