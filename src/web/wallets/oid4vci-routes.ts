import { Oauth2AuthorizationServer } from '@openid4vc/oauth2';
import { Openid4vciIssuer } from '@openid4vc/openid4vci';
import express, { type Request, type RequestHandler, type Router } from 'express';
import { findOwnValidAward } from '../../awards/learner-award.js';
import type { HolderCredentialIssuer } from '../../badges/holder-credential.js';
import type { Logger } from '../../config/logger.js';
import type { Db } from '../../db/database.js';
import { BadRequestError, ConflictError, NotFoundError } from '../../errors.js';
import { allowAnyOrigin, answerPostPreflight } from '../http/any-origin.js';
import { requireJsonBody } from '../http/require-json-body.js';
import { requireSession, sessionOf } from '../http/session-auth.js';
import { createCredentialOffer } from '../../wallets/oid4vci/credential-offer.js';
import {
  issueCredentialNonce,
  NONCE_LIFETIME_SECONDS,
} from '../../wallets/oid4vci/credential-nonces.js';
import {
  AUTHORIZATION_SERVER_METADATA_PATH,
  CREDENTIAL_CONFIGURATION_IDS,
  CREDENTIAL_CONFIGURATIONS,
  CREDENTIAL_ISSUER_METADATA_PATH,
  CREDENTIAL_PATH,
  NONCE_PATH,
  PRE_AUTHORIZED_CODE_GRANT,
  TOKEN_PATH,
  authorizationServerMetadata,
  configurationForFormat,
  isCredentialConfigurationId,
  issuerMetadataResult,
} from '../../wallets/oid4vci/issuer-metadata.js';
import { verifyKeyProof } from '../../wallets/oid4vci/key-proof.js';
import { CREDENTIAL_OFFERS_PREFIX } from '../../wallets/oid4vci/oid4vci-paths.js';
import { libraryCallbacks } from '../../wallets/oid4vci/library-callbacks.js';
import {
  findOfferByAccessToken,
  recordDelivery,
  redeemPreAuthorizedCode,
  type Redemption,
} from '../../wallets/oid4vci/offer-store.js';
import { protocolError, protocolErrorHandler } from '../../wallets/oid4vci/protocol-error.js';

/** RFC 6750 §2.1: `Bearer` and a b64token. */
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

type AccessTokenOffer = NonNullable<Awaited<ReturnType<typeof findOfferByAccessToken>>>;

/**
 * OpenID for Verifiable Credential Issuance 1.0, pre-authorized code flow, for the awards'
 * credentials. For wallets, readable from any origin (no cookies involved):
 * - `GET /.well-known/openid-credential-issuer` and `GET /.well-known/oauth-authorization-server`:
 *   the metadata (issuer-metadata.ts);
 * - `POST /oid4vci/token` (form): pre-authorized code and transaction code → access token;
 * - `POST /oid4vci/nonce` → `{ c_nonce }`;
 * - `POST /oid4vci/credential` (Bearer, JSON `{ credential_configuration_id, proofs: { jwt } }`)
 *   → `{ credentials: [{ credential }] }`, bound to the DID of the key proof. Wallets of
 *   drafts 13–15 are served too: a single `proof` instead of `proofs`, or (draft 13) `format`
 *   and `credential_definition` instead of the configuration id; they also get `credential`.
 * Their errors are `{ error, error_description }` (protocol-error.ts). The library refuses
 * `http:` issuer URLs in token requests and key proofs, as the specification requires https
 * (§12.2.1): wallets can take offers only from a tool with an https public URL.
 * For the learner, with the launch session:
 * - `POST /api/credentials/:id/credential-offers` (JSON `{ "txCode": boolean }`) → 201
 *   `{ offer, offerUri, txCode?, expiresAt }` for one of the learner's own credentials.
 */
export function createOid4vciRouter(deps: {
  db: Db;
  publicUrl: string;
  issueHolderCredential: HolderCredentialIssuer;
  logger: Logger;
}): Router {
  const { db, publicUrl, issueHolderCredential, logger } = deps;
  const router = express.Router();
  const issuerMetadata = issuerMetadataResult(publicUrl);
  const credentialIssuerDocument = JSON.stringify(issuerMetadata.credentialIssuer);
  const authorizationServerDocument = JSON.stringify(authorizationServerMetadata(publicUrl));
  const issuer = new Openid4vciIssuer({ callbacks: libraryCallbacks() });
  const authorizationServer = new Oauth2AuthorizationServer({ callbacks: libraryCallbacks() });

  router.get(CREDENTIAL_ISSUER_METADATA_PATH, allowAnyOrigin, (_req, res) => {
    res.type('application/json').send(credentialIssuerDocument);
  });
  router.get(AUTHORIZATION_SERVER_METADATA_PATH, allowAnyOrigin, (_req, res) => {
    res.type('application/json').send(authorizationServerDocument);
  });

  router.post(
    TOKEN_PATH,
    allowAnyOrigin,
    body(
      'application/x-www-form-urlencoded',
      express.urlencoded({ extended: false, limit: '8kb' }),
      'invalid_request',
    ),
    async (req, res) => {
      const { grant } = authorizationServer.parseAccessTokenRequest({
        request: requestLike(req, publicUrl),
        accessTokenRequest: (req.body ?? {}) as Record<string, unknown>,
      });
      if (grant.grantType !== PRE_AUTHORIZED_CODE_GRANT) {
        throw protocolError(
          'unsupported_grant_type',
          `Only the ${PRE_AUTHORIZED_CODE_GRANT} grant is supported: scan a credential offer from microcred.`,
        );
      }
      const redemption = await redeemPreAuthorizedCode(db, {
        preAuthorizedCode: grant.preAuthorizedCode,
        txCode: grant.txCode,
        now: new Date(),
      });
      if (redemption.outcome !== 'redeemed') throw redemptionError(redemption);
      // Wallets of drafts 13 and 14, which know no nonce endpoint, sign over this c_nonce.
      const { nonce } = await issueCredentialNonce(db);
      res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json({
        access_token: redemption.accessToken,
        token_type: 'Bearer',
        expires_in: redemption.expiresInSeconds,
        c_nonce: nonce,
        c_nonce_expires_in: NONCE_LIFETIME_SECONDS,
      });
    },
  );

  router.post(NONCE_PATH, allowAnyOrigin, async (_req, res) => {
    const { nonce } = await issueCredentialNonce(db);
    res.set('Cache-Control', 'no-store').json(issuer.createNonceResponse({ cNonce: nonce }));
  });

  // The credential request carries a bearer token and JSON: a browser asks first (preflight).
  router.options(CREDENTIAL_PATH, answerPostPreflight('Authorization, Content-Type'));

  const requireAccessToken: RequestHandler = async (req, res, next) => {
    res.set('Access-Control-Expose-Headers', 'WWW-Authenticate');
    const token = BEARER.exec(req.get('authorization') ?? '')?.[1];
    if (token === undefined) {
      throw protocolError(
        'invalid_token',
        'Send the access token of the token endpoint: Authorization: Bearer <token>.',
        401,
      );
    }
    const offer = await findOfferByAccessToken(db, token, new Date());
    if (!offer) {
      throw protocolError(
        'invalid_token',
        'The access token is unknown or has expired: scan a new credential offer.',
        401,
      );
    }
    res.locals.offer = offer;
    next();
  };

  router.post(
    CREDENTIAL_PATH,
    allowAnyOrigin,
    requireAccessToken,
    body('application/json', express.json({ limit: '64kb' }), 'invalid_credential_request'),
    async (req, res) => {
      const offer = res.locals.offer as AccessTokenOffer;
      const request = (req.body ?? {}) as Record<string, unknown>;
      const configurationId = request.credential_configuration_id;
      if (configurationId !== undefined && !isCredentialConfigurationId(configurationId)) {
        throw protocolError(
          'unknown_credential_configuration',
          `No credential configuration ${String(configurationId).slice(0, 80)}: ask for ${CREDENTIAL_CONFIGURATION_IDS.join(' or ')}.`,
        );
      }
      const parsed = issuer.parseCredentialRequest({ issuerMetadata, credentialRequest: request });
      const configuration = isCredentialConfigurationId(parsed.credentialConfigurationId)
        ? parsed.credentialConfigurationId
        : parsed.format &&
          configurationForFormat(
            parsed.format.format,
            'credential_definition' in parsed.format ? parsed.format.credential_definition : null,
          );
      if (!configuration) {
        throw protocolError(
          'invalid_credential_request',
          `Name the credential by credential_configuration_id: ${CREDENTIAL_CONFIGURATION_IDS.join(' or ')}.`,
        );
      }
      if (parsed.credentialRequest.credential_response_encryption !== undefined) {
        throw protocolError(
          'invalid_encryption_parameters',
          'Credential responses are not encrypted here (TLS protects them): leave out credential_response_encryption.',
        );
      }
      const proofs = parsed.proofs?.jwt;
      if (proofs?.length !== 1 || proofs[0] === undefined) {
        throw protocolError(
          'invalid_proof',
          "Send exactly one key proof of type jwt: 'proofs': { 'jwt': [ <proof> ] } (or, before 1.0, 'proof': { 'proof_type': 'jwt', 'jwt': <proof> }). One credential is issued per request.",
        );
      }
      if (offer.issuedConfigurations.includes(configuration)) throw alreadyDelivered();

      const { holderDid } = await verifyKeyProof(db, {
        jwt: proofs[0],
        issuerMetadata,
        now: new Date(),
      });
      const issued = await issueHolderCredential({
        awardId: offer.awardId,
        holderDid,
        format: CREDENTIAL_CONFIGURATIONS[configuration].holderFormat,
      }).catch((error: unknown) => {
        if (error instanceof NotFoundError || error instanceof ConflictError) {
          throw protocolError('credential_request_denied', error.message);
        }
        throw error;
      });
      // Recorded after signing, so a failed signature leaves the configuration deliverable.
      if (
        !(await recordDelivery(db, {
          offerId: offer.offerId,
          configurationId: configuration,
          holderDid,
        }))
      ) {
        throw alreadyDelivered();
      }
      const credential = issued.format === 'vc-jwt' ? issued.jwt : issued.credential;
      logger.info('badges', 'credential delivered to a wallet (OpenID4VCI)', {
        awardId: offer.awardId,
        offerId: offer.offerId,
        configuration,
      });
      // Wallets of drafts 13 and 14 read `credential`; draft 15 and 1.0 read `credentials`.
      const speaksBefore1_0 = request.proof !== undefined || parsed.format !== undefined;
      res.set('Cache-Control', 'no-store').json(
        issuer.createCredentialResponse({
          credentialRequest: parsed,
          credentials: [{ credential }],
          ...(speaksBefore1_0 ? { credential } : {}),
        }),
      );
    },
  );

  router.post(
    `${CREDENTIAL_OFFERS_PREFIX}:id/credential-offers`,
    requireSession(db),
    requireJsonBody('{ "txCode": true } or { "txCode": false }'),
    express.json({ limit: '1kb' }),
    async (req, res) => {
      const withTxCode = (req.body as { txCode?: unknown } | undefined)?.txCode ?? false;
      if (typeof withTxCode !== 'boolean') {
        throw new BadRequestError(
          'txCode must be true or false: whether the wallet must also ask for a 6-digit code.',
        );
      }
      const award = await findOwnValidAward(db, String(req.params.id), sessionOf(res).userId);
      const created = await createCredentialOffer(db, {
        awardId: award.id,
        publicUrl,
        withTxCode,
      });
      res.status(201).set('Cache-Control', 'no-store').json(created);
    },
  );

  router.use(protocolErrorHandler);
  return router;
}

/**
 * Reads the body only in the media type the endpoint takes; a wrong type or an unreadable body
 * is the protocol error `code`, not the tool's JSON error.
 */
function body(
  type: string,
  parse: RequestHandler,
  code: 'invalid_request' | 'invalid_credential_request',
): RequestHandler {
  return (req, res, next) => {
    if (!req.is(type)) {
      next(protocolError(code, `Send the request body as ${type}.`));
      return;
    }
    parse(req, res, (error?: unknown) => {
      next(
        error === undefined
          ? undefined
          : protocolError(code, `The request body is not valid ${type}.`),
      );
    });
  };
}

/** RFC 6749 §5.2 and OpenID4VCI 1.0 §6.3 for each way a redemption fails. */
function redemptionError(redemption: Exclude<Redemption, { outcome: 'redeemed' }>) {
  switch (redemption.outcome) {
    case 'invalidCode':
      return protocolError(
        'invalid_grant',
        'The pre-authorized code is unknown, used already, expired or spent by wrong transaction codes: ask for a new credential offer on your microcred page.',
      );
    case 'txCodeMissing':
      return protocolError(
        'invalid_request',
        'This offer needs its transaction code (tx_code): enter the code shown next to the QR code.',
      );
    case 'txCodeUnexpected':
      return protocolError(
        'invalid_request',
        'This offer has no transaction code: send no tx_code.',
      );
    case 'txCodeWrong':
      return protocolError(
        'invalid_grant',
        redemption.attemptsLeft > 0
          ? `The transaction code is wrong: ${redemption.attemptsLeft} more ${redemption.attemptsLeft === 1 ? 'try' : 'tries'}.`
          : 'The transaction code is wrong, and this offer is now spent: ask for a new credential offer.',
      );
  }
}

function alreadyDelivered() {
  return protocolError(
    'credential_request_denied',
    'This offer has delivered this credential already: ask for a new credential offer for another wallet.',
  );
}

/** The request as the library's parsers read it (headers for DPoP and client attestations). */
function requestLike(req: Request, publicUrl: string) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  return { method: 'POST' as const, url: `${publicUrl}${req.originalUrl}`, headers };
}
