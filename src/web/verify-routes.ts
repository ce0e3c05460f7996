import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import multer from 'multer';
import { presentVerdict } from './verdict-presentation.js';
import type {
  CredentialVerifier,
  VerificationReport,
} from '../badges/verify/verification-report.js';
import { VerifierBusyError } from '../errors.js';
import type { RenderView } from './views.js';

/** Baked PNGs of real badges run to a few hundred KB. */
const MAX_BYTES = 5 * 1024 * 1024;
const MAX_BODY = '5mb';
const FORM_TYPES = ['multipart/form-data', 'application/x-www-form-urlencoded'];

/**
 * Verification for anyone:
 * - `GET /verify`: a page where a person chooses or drops a credential file (JSON, JWT, PNG or
 *   SVG with the credential baked in) or pastes JSON or a JWT;
 * - `POST /verify` as a form (multipart or urlencoded): the same page with the result;
 * - `POST /verify` with any other body, for API clients: JSON (`application/json`,
 *   `application/vc+ld+json` or `{ "credential": ... }`), a compact VC-JWT (`application/jwt`,
 *   `text/plain`) or a baked badge (`image/png`, `image/svg+xml`), answered with the report as
 *   JSON: `verified`, the `verdict` (valid, notACredential, signatureInvalid, revoked, expired,
 *   notYetValid, couldNotCheck), the format, and every check with its outcome and reason. A credential
 *   that fails is still a 200: the report is the answer.
 *
 * Verification runs in a bounded pool of worker threads (badges/verify/verification-pool.ts): a
 * verification over its time budget answers a report with the error `VERIFY_TIMEOUT`, and
 * when the pool's queue is full the answer is 503 with `Retry-After`.
 *
 * The forms carry no CSRF token on purpose: verifying changes nothing and needs no session, so
 * a cross-site post could gain nothing.
 */
export function createVerifyRouter(deps: {
  verify: CredentialVerifier;
  render: RenderView;
  publicUrl: string;
}): Router {
  const { verify, render, publicUrl } = deps;
  const router = express.Router();
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_BYTES, files: 1, fields: 5, fieldSize: MAX_BYTES },
  }).single('credential');

  router.get('/verify', (_req, res) => {
    res.send(render(res, 'verify', { pasted: '', error: null, result: null }));
  });

  router.post(
    '/verify',
    (req, res, next) => {
      if (!req.is(FORM_TYPES)) {
        next('route');
        return;
      }
      if (req.is('multipart/form-data')) {
        upload(req, res, (error: unknown) =>
          error ? renderUploadError(error, req, res, next) : next(),
        );
        return;
      }
      express.urlencoded({ extended: false, limit: MAX_BODY })(req, res, next);
    },
    async (req, res) => {
      const pasted = String((req.body as { pasted?: unknown } | undefined)?.pasted ?? '').trim();
      const file = req.file && req.file.size > 0 ? req.file : null;
      if (!file && pasted === '') {
        res.status(422).send(render(res, 'verify', { pasted, error: 'empty', result: null }));
        return;
      }
      let report: VerificationReport;
      try {
        report = await verify(file ? file.buffer : pasted);
      } catch (error) {
        if (!(error instanceof VerifierBusyError)) throw error;
        res
          .status(503)
          .set('Retry-After', String(error.retryAfterSeconds))
          .send(render(res, 'verify', { pasted: file ? '' : pasted, error: 'busy', result: null }));
        return;
      }
      res.send(
        render(res, 'verify', {
          pasted: file ? '' : pasted,
          error: null,
          result: {
            fileName: file?.originalname ?? null,
            report,
            shown: presentVerdict(report, publicUrl),
          },
        }),
      );
    },
  );

  // Not a form: the JSON API. The body is parsed in the verification worker, not here.
  router.post('/verify', express.raw({ type: () => true, limit: MAX_BODY }), async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.set('Access-Control-Allow-Origin', '*');
    try {
      res.json(await verify(body));
    } catch (error) {
      if (!(error instanceof VerifierBusyError)) throw error;
      res
        .status(503)
        .set('Retry-After', String(error.retryAfterSeconds))
        .json({ error: { code: error.code, message: error.message } });
    }
  });

  function renderUploadError(error: unknown, _req: Request, res: Response, next: NextFunction) {
    if (error instanceof multer.MulterError) {
      const isTooLarge = error.code === 'LIMIT_FILE_SIZE' || error.code === 'LIMIT_FIELD_VALUE';
      res.status(isTooLarge ? 413 : 422).send(
        render(res, 'verify', {
          pasted: '',
          error: isTooLarge ? 'tooLarge' : 'unreadable',
          result: null,
        }),
      );
      return;
    }
    next(error);
  }

  return router;
}
