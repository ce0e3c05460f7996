import { Router } from 'express';
import { loadIssuerDidDocument } from '../badges/issuer-did-document.js';
import type { Db } from '../db/database.js';
import { NotFoundError } from '../errors.js';

/**
 * Public issuer routes. `GET /issuers/:id/did.json` serves the issuer profile's DID document
 * at the path did:web resolution derives from its DID (did-web.ts didToDocumentUrl), as
 * `application/did+json`. An unknown profile throws NotFoundError for the JSON error handler.
 */
export function createIssuerRouter(options: { db: Db; publicUrl: string }): Router {
  const { db, publicUrl } = options;
  const router = Router();

  router.get('/issuers/:id/did.json', async (req, res) => {
    const issuerProfileId = req.params.id;
    const didDocument = await loadIssuerDidDocument({ db, publicUrl, issuerProfileId });
    if (!didDocument) throw new NotFoundError(`No issuer profile "${issuerProfileId}"`);
    // Public and without cookies, so any origin may read it: browser wallets and verifiers.
    res
      .type('application/did+json')
      .set('Access-Control-Allow-Origin', '*')
      .send(JSON.stringify(didDocument));
  });

  return router;
}
