import express, { type RequestHandler, type Response, type Router } from 'express';
import multer from 'multer';
import type { VerificationPool } from '../badges/verify/verification-pool.js';
import type { Logger } from '../config/logger.js';
import type { Db } from '../db/database.js';
import { BadRequestError, isRecognitionRefusal, VerifierBusyError } from '../errors.js';
import type { OutgoingFetch } from '../outgoing/outgoing-requests.js';
import { bringCredential } from '../recognition/bring-credential.js';
import {
  listAwaitingReview,
  listBroughtCredentials,
  reviewBroughtCredential,
} from '../recognition/brought-credentials.js';
import type { RefusalReason } from '../recognition/decide-recognition.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import type { RenderView } from './views.js';
import { allowAnyOrigin, answerPostPreflight } from './http/any-origin.js';
import {
  claimPresentationRequest,
  findOpenPresentationRequest,
  openPresentationRequest,
  releasePresentationRequest,
} from '../wallets/lcw/presentation-requests.js';
import { isUuid } from '../shared/uuid.js';
import { openBadgePresentationRequest } from '../wallets/lcw/vc-api-messages.js';
import { createCredentialPresentationVerifier } from '../wallets/lcw/verify-did-auth.js';
import {
  WalletExchangeUnknownError,
  WalletPresentationInvalidError,
} from '../wallets/lcw/wallet-exchange-errors.js';
import { exchangeOrigin, presentationExchangeUrl } from '../wallets/lcw/wallet-links.js';

/** Baked PNGs of real badges run to a few hundred KB, as on the verify page. */
const MAX_BYTES = 5 * 1024 * 1024;
/** A presentation of a few Data Integrity credentials is a few tens of KB. */
const MAX_PRESENTATION_BYTES = '512kb';
const WALLET_PATH = '/wallet/presentations/:requestId';
const STATUS_MESSAGES = ['recognised', 'awaiting-review', 'approved', 'refused'] as const;

/** Each refusal's error code, and the words the page gives for it (`recognition:refusal.<reason>`). */
const REFUSAL_OF_CODE: Readonly<Record<string, RefusalReason>> = {
  RECOGNITION_NOT_AN_OPEN_BADGE: 'notAnOpenBadge',
  RECOGNITION_ISSUER_NOT_PARTNER: 'issuerNotPartner',
  RECOGNITION_PROOF_INVALID: 'tampered',
  RECOGNITION_REVOKED: 'revoked',
  RECOGNITION_EXPIRED: 'expired',
  RECOGNITION_NOT_YET_VALID: 'notYetValid',
  RECOGNITION_NOT_CHECKABLE: 'notCheckable',
  RECOGNITION_ACHIEVEMENT_NOT_RECOGNISED: 'achievementNotRecognised',
  RECOGNITION_SUBJECT_MISMATCH: 'subjectMismatch',
  RECOGNITION_OF_ANOTHER_LEARNER: 'ofAnotherLearner',
};

/**
 * Credentials learners bring from partner institutions (docs/recognition.md):
 * - `GET /course/recognitions`: the learner's page: what they brought, its status and the ECTS
 *   it counts for here, and a form to bring one (the badge image or the credential file they
 *   downloaded, or its text pasted);
 * - `POST /course/recognitions` (multipart, CSRF token): verifies and records it
 *   (recognition/bring-credential.ts), then back to the page with the outcome; a refusal
 *   answers 403, 409 or 422 with its reason in plain words and its error code; when every
 *   verification worker is busy and the queue is full, 503 with `Retry-After` and the page
 *   asking to send it again in a moment;
 * - `POST /course/recognitions/wallet-requests` (CSRF token): opens a VC-API exchange for the
 *   learner's wallet (wallets/lcw/presentation-requests.ts) and shows the link to open it with;
 * - `POST /wallet/presentations/:requestId`, the exchange, without a session (the signed
 *   challenge is the proof; any origin, for web wallets): `{}` gets a presentation request
 *   for Open Badges, `{ verifiablePresentation }` signed by the holder's did:key for its
 *   challenge and domain is verified, and each credential in it is brought like an upload for
 *   the learner who opened the exchange, bound by the presentation when the holder is its
 *   subject; answers `{ recognised: [{ id, status, binding }] }`, or a refusal as on upload
 *   (the request is used then); when every verification worker is busy, 503 with `Retry-After`
 *   and the request open again for the same holder to send the same presentation (what it
 *   brought before is not brought twice);
 * - `GET /course/recognitions/review` and `POST /course/recognitions/:id/review` with
 *   `decision` = `approve` or `refuse`: teachers of the course decide on credentials nothing
 *   bound to the learner who brought them in that course; learners are refused (403), and a
 *   teacher of another course neither sees them nor reaches them (404).
 */
export function createRecognitionPages(deps: {
  db: Db;
  publicUrl: string;
  render: RenderView;
  requireCsrfToken: RequestHandler;
  outgoingFetch: OutgoingFetch;
  logger: Logger;
  verify: VerificationPool['verify'];
}): Router {
  const { db, render, requireCsrfToken } = deps;
  const router = express.Router();
  const session = requireSession(db);
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_BYTES, files: 1, fields: 5, fieldSize: MAX_BYTES },
  }).single('credential');

  const renderLearnerPage = async (
    res: Response,
    refusal: { reason: RefusalReason; code: string } | null = null,
    problem: 'empty' | 'tooLarge' | 'busy' | null = null,
    walletLink: string | null = null,
  ) =>
    render(res, 'course-recognitions', {
      brought: await listBroughtCredentials(db, sessionOf(res).userId),
      refusal,
      problem,
      status: statusOf(res),
      walletLink,
    });
  const bringDeps = {
    db,
    publicUrl: deps.publicUrl,
    fetch: deps.outgoingFetch,
    logger: deps.logger,
    verify: deps.verify,
  };
  const verifyPresentation = createCredentialPresentationVerifier();
  const domain = exchangeOrigin(deps.publicUrl);

  router.get('/course/recognitions', session, async (_req, res) => {
    res.send(await renderLearnerPage(res));
  });

  router.post(
    '/course/recognitions',
    session,
    (req, res, next) => {
      upload(req, res, (error: unknown) => {
        if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
          res.locals.isTooLarge = true;
          next();
          return;
        }
        next(error);
      });
    },
    requireCsrfToken,
    async (req, res) => {
      if (res.locals.isTooLarge === true) {
        res.status(413).send(await renderLearnerPage(res, null, 'tooLarge'));
        return;
      }
      const pasted = String((req.body as { pasted?: unknown } | undefined)?.pasted ?? '').trim();
      const file = req.file && req.file.size > 0 ? req.file.buffer : null;
      if (!file && pasted === '') {
        res.status(422).send(await renderLearnerPage(res, null, 'empty'));
        return;
      }
      const { userId, courseId } = sessionOf(res);
      try {
        const recognised = await bringCredential(bringDeps, {
          userId,
          courseId,
          input: file ?? pasted,
        });
        res.redirect(303, `/course/recognitions?status=${recognised.status}`);
      } catch (error) {
        if (error instanceof VerifierBusyError) {
          res
            .status(503)
            .set('Retry-After', String(error.retryAfterSeconds))
            .send(await renderLearnerPage(res, null, 'busy'));
          return;
        }
        if (!isRecognitionRefusal(error)) throw error;
        const reason = REFUSAL_OF_CODE[error.code] ?? 'notAnOpenBadge';
        res.status(error.status).send(await renderLearnerPage(res, { reason, code: error.code }));
      }
    },
  );

  router.post(
    '/course/recognitions/wallet-requests',
    session,
    form,
    requireCsrfToken,
    async (_req, res) => {
      const { userId, courseId } = sessionOf(res);
      const request = await openPresentationRequest(db, {
        userId,
        courseId,
        publicUrl: deps.publicUrl,
      });
      res.send(await renderLearnerPage(res, null, null, request.deepLink));
    },
  );

  router.options(WALLET_PATH, noStore, answerPostPreflight('Content-Type'));

  router.post(
    WALLET_PATH,
    allowAnyOrigin,
    noStore,
    express.json({
      limit: MAX_PRESENTATION_BYTES,
      type: ['application/json', 'application/*+json'],
    }),
    async (req, res) => {
      const id = String(req.params.requestId);
      if (!isUuid(id)) {
        throw new WalletExchangeUnknownError(
          'No presentation request with this id is open here: open a new one on your recognitions page.',
        );
      }
      const message = walletMessage(req.body);
      const request = await findOpenPresentationRequest(db, {
        id: id.toLowerCase(),
        now: new Date(),
      });
      if (!('verifiablePresentation' in message)) {
        if (Object.keys(message).length > 0) {
          throw new WalletPresentationInvalidError(
            'Start the exchange with {} and answer its request with { "verifiablePresentation": ... }.',
          );
        }
        res.json(
          openBadgePresentationRequest({
            challenge: request.challenge,
            domain,
            exchangeUrl: presentationExchangeUrl(deps.publicUrl, request.id),
          }),
        );
        return;
      }
      const { holderDid, credentials } = await verifyPresentation(message.verifiablePresentation, {
        challenge: request.challenge,
        domain,
      });
      const claimedAt = new Date();
      await claimPresentationRequest(db, {
        id: request.id,
        challenge: request.challenge,
        holderDid,
        now: claimedAt,
      });
      const recognised = [];
      try {
        for (const credential of credentials) {
          const brought = await bringCredential(bringDeps, {
            userId: request.userId,
            courseId: request.courseId,
            input: typeof credential === 'string' ? credential : JSON.stringify(credential),
            presenterDid: holderDid,
          });
          recognised.push({ id: brought.id, status: brought.status, binding: brought.binding });
        }
      } catch (error) {
        if (!(error instanceof VerifierBusyError)) throw error;
        // Nothing of the learner's was wrong: the same presentation may come again.
        await releasePresentationRequest(db, { id: request.id, holderDid, claimedAt });
        res
          .status(503)
          .set('Retry-After', String(error.retryAfterSeconds))
          .json({
            error: {
              code: error.code,
              message: `Too many credentials are being checked right now, so yours were not all checked. Send the same presentation again from your wallet in ${error.retryAfterSeconds} seconds: this request stays open for it.`,
            },
          });
        return;
      }
      res.json({ recognised });
    },
  );

  router.get('/course/recognitions/review', session, requireTeacher, async (_req, res) => {
    res.send(
      render(res, 'teacher-recognitions', {
        awaiting: await listAwaitingReview(db, sessionOf(res).courseId),
        status: statusOf(res),
      }),
    );
  });

  router.post(
    '/course/recognitions/:id/review',
    session,
    requireTeacher,
    form,
    requireCsrfToken,
    async (req, res) => {
      const decision = (req.body as Record<string, unknown> | undefined)?.decision;
      if (decision !== 'approve' && decision !== 'refuse') {
        throw new BadRequestError('Choose "approve" or "refuse".');
      }
      const { courseId, userId } = sessionOf(res);
      await reviewBroughtCredential(db, {
        id: String(req.params.id).toLowerCase(),
        courseId,
        reviewerUserId: userId,
        isApproved: decision === 'approve',
      });
      res.redirect(
        303,
        `/course/recognitions/review?status=${decision === 'approve' ? 'approved' : 'refused'}`,
      );
    },
  );

  return router;
}

/** Nothing a wallet sends or receives is cached. */
const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

function walletMessage(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new WalletPresentationInvalidError(
      'Send a JSON object with Content-Type: application/json.',
    );
  }
  return body as Record<string, unknown>;
}

function statusOf(res: Response) {
  const status = res.req.query.status;
  return STATUS_MESSAGES.find((known) => known === status) ?? null;
}
