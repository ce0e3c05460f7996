import express, { type RequestHandler, type Router } from 'express';
import { findOwnValidAward } from '../awards/learner-award.js';
import type { Db } from '../db/database.js';
import { BadRequestError } from '../errors.js';
import { createWalletExchange } from '../wallets/lcw/wallet-exchange.js';
import { createCredentialOffer } from '../wallets/oid4vci/credential-offer.js';
import { qrCodeDataUri } from './learner-page.js';
import { requireSession, sessionOf } from './http/session-auth.js';
import type { RenderView } from './views.js';

/**
 * The learner's hand-off of a credential to a wallet: `POST /course/credentials/:id/wallet`
 * (from the learner page, `wallet` = `lcw` or `openid4vci`) opens single-use, short-lived
 * hand-offs and shows each as a QR code to scan with a phone and a button to tap on one:
 * - `lcw`: a VC-API exchange (current Learner Credential Wallet) and the DCC direct link (older
 *   versions); with `bind`, the credential is bound to the wallet's DID;
 * - `openid4vci`: an OpenID4VCI credential offer with a pre-authorized code, with `txCode` a
 *   one-time code shown here that the wallet asks for.
 */
export function createWalletPages(deps: {
  db: Db;
  publicUrl: string;
  render: RenderView;
  requireCsrfToken: RequestHandler;
}): Router {
  const { db, publicUrl, render, requireCsrfToken } = deps;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  router.post(
    '/course/credentials/:id/wallet',
    requireSession(db),
    form,
    requireCsrfToken,
    async (req, res) => {
      const award = await findOwnValidAward(db, String(req.params.id), sessionOf(res).userId);
      // The page carries single-use codes: keep it out of every cache and the history's copy.
      res.set('Cache-Control', 'no-store');
      const body = (req.body ?? {}) as Record<string, unknown>;
      const { achievementName } = award;
      const minutesUntil = (expiresAt: Date) =>
        Math.max(1, Math.round((expiresAt.getTime() - Date.now()) / 60_000));
      if (body.wallet === 'lcw') {
        const bindToHolder = body.bind === 'on';
        const handOffs = await Promise.all(
          (['lcw-direct', 'vc-api'] as const).map(async (protocol) => {
            const exchange = await createWalletExchange(db, {
              awardId: award.id,
              protocol,
              bindToHolder,
              publicUrl,
            });
            return { protocol, ...exchange, qrCode: await qrCodeDataUri(exchange.deepLink) };
          }),
        );
        res.send(
          render(res, 'credential-wallet', {
            achievementName,
            minutesValid: minutesUntil(handOffs[0]!.expiresAt),
            wallet: 'lcw',
            handOffs,
          }),
        );
        return;
      }
      if (body.wallet === 'openid4vci') {
        const offer = await createCredentialOffer(db, {
          awardId: award.id,
          publicUrl,
          withTxCode: body.txCode === 'on',
        });
        res.send(
          render(res, 'credential-wallet', {
            achievementName,
            minutesValid: minutesUntil(offer.expiresAt),
            wallet: 'openid4vci',
            offer: { ...offer, qrCode: await qrCodeDataUri(offer.offerUri) },
          }),
        );
        return;
      }
      throw new BadRequestError('Choose a wallet: "lcw" or "openid4vci".');
    },
  );

  return router;
}
