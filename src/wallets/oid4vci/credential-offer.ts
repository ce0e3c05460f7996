import { randomBytes, randomInt } from 'node:crypto';
import type { CredentialOfferObject } from '@openid4vc/openid4vci';
import type { Db } from '../../db/database.js';
import { credentialOffers } from '../../db/schema.js';
import { hashSecret, hashTxCode } from './hash-secret.js';
import {
  CREDENTIAL_CONFIGURATION_IDS,
  PRE_AUTHORIZED_CODE_GRANT,
} from './credential-configurations.js';

/** A pre-authorized code is short-lived (OpenID4VCI 1.0 §4.1.1): time to open a wallet and scan. */
export const OFFER_LIFETIME_SECONDS = 600;
export const TX_CODE_LENGTH = 6;

export type CreatedCredentialOffer = {
  /** The Credential Offer object (§4.1.1). */
  readonly offer: CredentialOfferObject;
  /** The offer by value, for a link or QR code: `openid-credential-offer://?credential_offer=…` (§4.1.2). */
  readonly offerUri: string;
  /** The transaction code to show the learner beside the QR code, when one was asked for. */
  readonly txCode?: string;
  readonly expiresAt: Date;
};

/**
 * Offers a wallet the award's credential in both configurations (Data Integrity and VC-JWT),
 * with a pre-authorized code of 256 random bits, single use, valid for ten minutes. With
 * `withTxCode` the wallet must also send a 6-digit transaction code, which the learner reads
 * on the page showing the QR code (§4.1.1 `tx_code`), so a photographed QR code alone redeems
 * nothing. Only hashes of the codes are stored.
 * The caller checks that the award exists, is valid and is the learner's own
 * (findOwnValidAward); the credential endpoint refuses it if it is revoked meanwhile.
 */
export async function createCredentialOffer(
  db: Db,
  options: { awardId: string; publicUrl: string; withTxCode: boolean; now?: Date },
): Promise<CreatedCredentialOffer> {
  const { awardId, publicUrl, withTxCode, now = new Date() } = options;
  const preAuthorizedCode = randomBytes(32).toString('base64url');
  const txCode = withTxCode
    ? String(randomInt(0, 10 ** TX_CODE_LENGTH)).padStart(TX_CODE_LENGTH, '0')
    : undefined;
  const expiresAt = new Date(now.getTime() + OFFER_LIFETIME_SECONDS * 1000);
  await db.insert(credentialOffers).values({
    awardId,
    preAuthorizedCodeHash: hashSecret(preAuthorizedCode),
    txCodeHash: txCode === undefined ? null : hashTxCode(preAuthorizedCode, txCode),
    expiresAt,
  });

  const offer: CredentialOfferObject = {
    credential_issuer: publicUrl,
    credential_configuration_ids: [...CREDENTIAL_CONFIGURATION_IDS],
    grants: {
      [PRE_AUTHORIZED_CODE_GRANT]: {
        'pre-authorized_code': preAuthorizedCode,
        ...(txCode === undefined
          ? {}
          : {
              tx_code: {
                input_mode: 'numeric',
                length: TX_CODE_LENGTH,
                description: `Enter the ${TX_CODE_LENGTH}-digit code shown next to the QR code on your microcred page.`,
              },
            }),
      },
    },
  };
  const offerUri = `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offer))}`;
  return { offer, offerUri, ...(txCode === undefined ? {} : { txCode }), expiresAt };
}
