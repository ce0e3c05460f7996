import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import { findOwnValidAward } from '../../awards/learner-award.js';
import type { HolderCredential, HolderCredentialIssuer } from '../../badges/holder-credential.js';
import type { SignedOpenBadgeCredential } from '../../badges/open-badge-credential.js';
import type { Logger } from '../../config/logger.js';
import type { Db } from '../../db/database.js';
import { BadRequestError } from '../../errors.js';
import { allowAnyOrigin, answerPostPreflight } from '../http/any-origin.js';
import { requireJsonBody } from '../http/require-json-body.js';
import { requireSession, sessionOf } from '../http/session-auth.js';
import {
  credentialPresentation,
  didAuthenticationRequest,
} from '../../wallets/lcw/vc-api-messages.js';
import { createDidAuthVerifier } from '../../wallets/lcw/verify-did-auth.js';
import {
  claimWalletExchange,
  createWalletExchange,
  findOpenWalletExchange,
  type OpenWalletExchange,
  type WalletProtocol,
} from '../../wallets/lcw/wallet-exchange.js';
import {
  WalletExchangeUnknownError,
  WalletPresentationInvalidError,
} from '../../wallets/lcw/wallet-exchange-errors.js';
import { exchangeOrigin, exchangeUrl } from '../../wallets/lcw/wallet-links.js';
import { isUuid } from '../../shared/uuid.js';

const exchangeRequestSchema = z.strictObject({
  protocol: z.enum(['lcw-direct', 'vc-api'], 'must be "lcw-direct" or "vc-api"'),
  bindToHolder: z.boolean('must be true or false').default(false),
});

const DIRECT_PATH = '/wallet/credential-requests/:exchangeId';
const VC_API_PATH = '/wallet/exchanges/:exchangeId';

/**
 * Hands credentials to the Learner Credential Wallet.
 * - `POST /api/credentials/:id/wallet-exchanges` with JSON `{ protocol: "lcw-direct" |
 *   "vc-api", bindToHolder?: boolean }`, for the learner of the session who owns the
 *   credential: 201 `{ id, expiresAt, deepLink }` (see createWalletExchange).
 * - `POST /wallet/credential-requests/:exchangeId`, the direct link's `vc_request_url`: the
 *   wallet's DIDAuth presentation in, the signed credential (Data Integrity) out.
 * - `POST /wallet/exchanges/:exchangeId`, the VC-API exchange: `{}` gets the DIDAuth request,
 *   `{ verifiablePresentation }` gets `{ verifiablePresentation: { verifiableCredential: [VC] } }`.
 * The wallet endpoints need no session (the signed challenge is the proof) and allow any
 * origin without credentials, for web wallets. A refusal hands nothing out and, unless the
 * exchange was used or expired, leaves it open for the wallet's next try.
 */
export function createWalletExchangeRouter(deps: {
  db: Db;
  publicUrl: string;
  issueHolderCredential: HolderCredentialIssuer;
  logger: Logger;
}): Router {
  const { db, publicUrl, issueHolderCredential, logger } = deps;
  const verifyDidAuth = createDidAuthVerifier();
  const domain = exchangeOrigin(publicUrl);
  const router = express.Router();

  router.post(
    '/api/credentials/:id/wallet-exchanges',
    requireSession(db),
    requireJsonBody('{ "protocol": "lcw-direct" | "vc-api", "bindToHolder": true | false }'),
    express.json({ limit: '4kb' }),
    async (req, res) => {
      const { protocol, bindToHolder } = parseExchangeRequest(req.body);
      const award = await findOwnValidAward(db, String(req.params.id), sessionOf(res).userId);
      const exchange = await createWalletExchange(db, {
        awardId: award.id,
        protocol,
        bindToHolder,
        publicUrl,
      });
      res.status(201).json({
        id: exchange.id,
        expiresAt: exchange.expiresAt.toISOString(),
        deepLink: exchange.deepLink,
      });
    },
  );

  /**
   * Completes the exchange for the verified wallet, then signs what it receives. Should
   * signing fail, the exchange stays used: the learner opens a new one.
   */
  const handOver = async (
    exchange: OpenWalletExchange,
    protocol: WalletProtocol,
    holderDid: string,
  ): Promise<SignedOpenBadgeCredential> => {
    const claimed = await claimWalletExchange(db, {
      id: exchange.id,
      protocol,
      challenge: exchange.challenge,
      holderDid,
      now: new Date(),
    });
    const handed = await issueHolderCredential({
      awardId: claimed.awardId,
      holderDid: claimed.bindToHolder ? holderDid : null,
      format: 'data-integrity',
    });
    logger.info('badges', 'credential handed to a wallet', {
      exchangeId: claimed.id,
      awardId: claimed.awardId,
      protocol,
      isBoundToHolder: claimed.bindToHolder,
    });
    return dataIntegrityForm(handed);
  };

  router.options([DIRECT_PATH, VC_API_PATH], noStore, answerPostPreflight('Content-Type'));

  router.post(DIRECT_PATH, allowAnyOrigin, noStore, walletJson, async (req, res) => {
    const id = exchangeIdOf(req.params.exchangeId);
    const exchange = await findOpenWalletExchange(db, {
      id,
      protocol: 'lcw-direct',
      now: new Date(),
    });
    const { holderDid } = await verifyDidAuth(walletMessage(req.body), {
      challenge: exchange.challenge,
    });
    // LCW takes a credential or a presentation from vc_request_url (credentialRequest.ts).
    res.json(await handOver(exchange, 'lcw-direct', holderDid));
  });

  router.post(VC_API_PATH, allowAnyOrigin, noStore, walletJson, async (req, res) => {
    const id = exchangeIdOf(req.params.exchangeId);
    const message = walletMessage(req.body);
    const exchange = await findOpenWalletExchange(db, { id, protocol: 'vc-api', now: new Date() });
    if (!('verifiablePresentation' in message)) {
      if (Object.keys(message).length > 0) {
        throw new WalletPresentationInvalidError(
          'Start the exchange with {} and answer its request with { "verifiablePresentation": ... }.',
        );
      }
      res.json(
        didAuthenticationRequest({
          challenge: exchange.challenge,
          domain,
          exchangeUrl: exchangeUrl(publicUrl, exchange.id),
        }),
      );
      return;
    }
    const { holderDid } = await verifyDidAuth(message.verifiablePresentation, {
      challenge: exchange.challenge,
      domain,
    });
    res.json(credentialPresentation(await handOver(exchange, 'vc-api', holderDid)));
  });

  return router;
}

/** Nothing a wallet sends or receives is cached. */
const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

/** A DIDAuth presentation is about 1 kB. */
const walletJson = express.json({
  limit: '16kb',
  type: ['application/json', 'application/*+json'],
});

function parseExchangeRequest(body: unknown): z.output<typeof exchangeRequestSchema> {
  const parsed = exchangeRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new BadRequestError(
    issue?.code === 'unrecognized_keys'
      ? `Unknown field ${issue.keys[0]}: send { "protocol": "lcw-direct" | "vc-api", "bindToHolder": true | false }.`
      : `${issue?.path.join('.') || 'The body'} ${issue?.message ?? 'is invalid'}.`,
  );
}

function exchangeIdOf(raw: unknown): string {
  const id = String(raw);
  if (!isUuid(id)) {
    throw new WalletExchangeUnknownError(
      `No wallet exchange ${id.slice(0, 40)} is open here: ask for a new link on your credentials page.`,
    );
  }
  return id.toLowerCase();
}

function walletMessage(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new WalletPresentationInvalidError(
      'Send a JSON object with Content-Type: application/json.',
    );
  }
  return body as Record<string, unknown>;
}

function dataIntegrityForm(handed: HolderCredential): SignedOpenBadgeCredential {
  if (handed.format !== 'data-integrity') {
    throw new TypeError(`Asked for a Data Integrity credential, got ${handed.format}`);
  }
  return handed.credential;
}
