import express, { type Router } from 'express';
import type { CredentialVerifier } from '../badges/verify-credential.js';

/** Baked PNGs of real badges run to a few hundred KB. */
const MAX_BODY = '5mb';

/**
 * `POST /verify`: anyone sends a credential — JSON (`application/json`, `application/vc+ld+json`
 * or `{ "credential": ... }`), a compact VC-JWT (`application/jwt`, `text/plain`), or a baked
 * badge (`image/png`, `image/svg+xml`) — and gets the verification report: `verified`, the
 * format, and every check (format, context, type, schema, proof, issuer, validity, status)
 * with its outcome and reason. A credential that fails is still a 200: the report is the answer.
 */
export function createVerifyRouter(deps: { verify: CredentialVerifier }): Router {
  const router = express.Router();
  router.post('/verify', express.raw({ type: () => true, limit: MAX_BODY }), async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let input: Buffer | object = body;
    if (req.is(['application/json', 'application/vc+ld+json', 'application/ld+json'])) {
      try {
        const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        input =
          parsed && typeof parsed.credential !== 'undefined' && !parsed['@context']
            ? typeof parsed.credential === 'string'
              ? Buffer.from(parsed.credential)
              : (parsed.credential as object)
            : parsed;
      } catch {
        input = body;
      }
    }
    res.set('Access-Control-Allow-Origin', '*').json(await deps.verify(input));
  });
  return router;
}
