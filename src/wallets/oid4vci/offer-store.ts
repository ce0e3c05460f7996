import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt, ne, not, sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { credentialOffers } from '../../db/schema.js';
import { hashSecret, hashTxCode } from './hash-secret.js';
import type { CredentialConfigurationId } from './issuer-metadata.js';

/**
 * What the token and credential endpoints do with a credential offer (credential-offer.ts
 * creates it). Each change is one UPDATE … WHERE … RETURNING whose WHERE holds every condition,
 * so concurrent requests cannot both redeem a code or both take a configuration; the SELECTs
 * before them only choose which error to report.
 *
 * Access tokens are opaque random strings stored as hashes, not JWTs: the credential endpoint
 * must read the offer row anyway (which configurations it still owes), the token dies with its
 * row, and no signing key has to be managed for it.
 */

/** Access tokens live five minutes: longer ones count as long-lived (OpenID4VCI 1.0 §13.10). */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 300;
/**
 * Wrong transaction codes after which the offer is spent, against guessing (OpenID4VCI 1.0
 * errata set 1, §13.6.3 Transaction Code Guessing).
 */
export const MAX_TX_CODE_FAILURES = 3;

export type Redemption =
  | { outcome: 'redeemed'; accessToken: string; expiresInSeconds: number }
  /** Unknown, used, expired, or spent by wrong transaction codes. */
  | { outcome: 'invalidCode' }
  | { outcome: 'txCodeMissing' }
  | { outcome: 'txCodeUnexpected' }
  | { outcome: 'txCodeWrong'; attemptsLeft: number };

/**
 * Exchanges a pre-authorized code (and its transaction code, when the offer has one) for an
 * access token, once. A wrong transaction code counts against the offer; after
 * MAX_TX_CODE_FAILURES the offer is spent.
 */
export async function redeemPreAuthorizedCode(
  db: Executor,
  request: { preAuthorizedCode: string; txCode: string | undefined; now: Date },
): Promise<Redemption> {
  const { preAuthorizedCode, txCode, now } = request;
  const isLive = and(
    eq(credentialOffers.preAuthorizedCodeHash, hashSecret(preAuthorizedCode)),
    isNull(credentialOffers.codeUsedAt),
    gt(credentialOffers.expiresAt, now),
    lt(credentialOffers.txCodeFailures, MAX_TX_CODE_FAILURES),
  );
  const [offer] = await db
    .select({ txCodeHash: credentialOffers.txCodeHash })
    .from(credentialOffers)
    .where(isLive);
  if (!offer) return { outcome: 'invalidCode' };
  if (offer.txCodeHash !== null && txCode === undefined) return { outcome: 'txCodeMissing' };
  if (offer.txCodeHash === null && txCode !== undefined) return { outcome: 'txCodeUnexpected' };

  const txCodeHash = txCode === undefined ? null : hashTxCode(preAuthorizedCode, txCode);
  const accessToken = randomBytes(32).toString('base64url');
  const [redeemed] = await db
    .update(credentialOffers)
    .set({
      codeUsedAt: now,
      accessTokenHash: hashSecret(accessToken),
      accessTokenExpiresAt: new Date(now.getTime() + ACCESS_TOKEN_LIFETIME_SECONDS * 1000),
    })
    .where(
      and(
        isLive,
        txCodeHash === null
          ? isNull(credentialOffers.txCodeHash)
          : eq(credentialOffers.txCodeHash, txCodeHash),
      ),
    )
    .returning({ id: credentialOffers.id });
  if (redeemed) {
    return { outcome: 'redeemed', accessToken, expiresInSeconds: ACCESS_TOKEN_LIFETIME_SECONDS };
  }
  if (txCodeHash === null) return { outcome: 'invalidCode' };

  const [failed] = await db
    .update(credentialOffers)
    .set({ txCodeFailures: sql`${credentialOffers.txCodeFailures} + 1` })
    .where(and(isLive, ne(credentialOffers.txCodeHash, txCodeHash)))
    .returning({ failures: credentialOffers.txCodeFailures });
  return failed
    ? { outcome: 'txCodeWrong', attemptsLeft: MAX_TX_CODE_FAILURES - failed.failures }
    : { outcome: 'invalidCode' };
}

/** The offer an unexpired access token was issued for, or null. */
export async function findOfferByAccessToken(
  db: Executor,
  accessToken: string,
  now: Date,
): Promise<{
  offerId: string;
  awardId: string;
  issuedConfigurations: readonly string[];
} | null> {
  const [offer] = await db
    .select({
      offerId: credentialOffers.id,
      awardId: credentialOffers.awardId,
      issuedConfigurations: credentialOffers.issuedConfigurations,
    })
    .from(credentialOffers)
    .where(
      and(
        eq(credentialOffers.accessTokenHash, hashSecret(accessToken)),
        gt(credentialOffers.accessTokenExpiresAt, now),
      ),
    );
  return offer ?? null;
}

/**
 * Records that the offer delivered a configuration to the wallet's DID; false when it had
 * delivered it already (each configuration goes out once per offer).
 */
export async function recordDelivery(
  db: Executor,
  delivery: { offerId: string; configurationId: CredentialConfigurationId; holderDid: string },
): Promise<boolean> {
  const { offerId, configurationId, holderDid } = delivery;
  const recorded = await db
    .update(credentialOffers)
    .set({
      issuedConfigurations: sql`array_append(${credentialOffers.issuedConfigurations}, ${configurationId})`,
      holderDid,
    })
    .where(
      and(
        eq(credentialOffers.id, offerId),
        not(sql`${configurationId} = any(${credentialOffers.issuedConfigurations})`),
      ),
    )
    .returning({ id: credentialOffers.id });
  return recorded.length === 1;
}
