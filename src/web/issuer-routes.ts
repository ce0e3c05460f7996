import { Router } from 'express';
import { issuerDid } from '../badges/did-web.js';
import type { DocumentLoader } from '../badges/document-loader.js';
import { loadIssuerDidDocument } from '../badges/issuer-did-document.js';
import { listIssuerJwtKeys } from '../badges/issuer-jwt-keys.js';
import { ensureIssuerKey } from '../badges/issuer-keys.js';
import { findIssuerProfile, listIssuerProfiles } from '../badges/issuer-profile.js';
import {
  MICROCREDENTIAL_CONTEXT_PATH,
  MICROCREDENTIAL_SCHEMA,
  MICROCREDENTIAL_SCHEMA_PATH,
  microcredentialContext,
  microcredentialSchemaUrl,
} from '../badges/microcredential-context.js';
import type { OpenBadgeCredential } from '../badges/open-badge-credential.js';
import { signDataIntegrity } from '../badges/sign/data-integrity.js';
import { buildStatusListCredential } from '../badges/status-list.js';
import type { Db } from '../db/database.js';
import { NotFoundError } from '../errors.js';
import type { RenderView } from './views.js';
import { allowAnyOrigin } from './http/any-origin.js';

/**
 * Public issuer routes, readable from any origin (verifiers and browser wallets):
 * - `GET /issuers/:id/did.json`: the issuer profile's DID document, at the path did:web
 *   resolution derives from its DID (did-web.ts didToDocumentUrl), as `application/did+json`;
 * - `GET /.well-known/jwks.json` and `GET /issuers/:id/jwks.json`: the VC-JWT public keys, each
 *   with `kid` = the DID URL the JWT header names;
 * - `GET /contexts/microcredential-v1.jsonld`, `GET /schemas/microcredential-v1.json`: our
 *   extension context and schema (microcredential-context.ts);
 * - `GET /status-lists/:id`: a signed BitstringStatusListCredential, current at each request.
 */
export function createIssuerRouter(options: {
  db: Db;
  publicUrl: string;
  secret: string;
  documentLoader: DocumentLoader;
}): Router {
  const { db, publicUrl, secret, documentLoader } = options;
  const router = Router();
  const context = JSON.stringify(microcredentialContext(publicUrl));
  const schema = JSON.stringify({
    $id: microcredentialSchemaUrl(publicUrl),
    ...MICROCREDENTIAL_SCHEMA,
  });

  // Only these routes are readable from any origin; the router is mounted at the root.
  router.get('/issuers/:id/did.json', allowAnyOrigin, async (req, res) => {
    const issuerProfileId = String(req.params.id);
    const didDocument = await loadIssuerDidDocument({ db, publicUrl, issuerProfileId });
    if (!didDocument) throw new NotFoundError(`No issuer profile "${issuerProfileId}"`);
    res.type('application/did+json').send(JSON.stringify(didDocument));
  });

  router.get('/issuers/:id/jwks.json', allowAnyOrigin, async (req, res) => {
    const profile = await findIssuerProfile(db, String(req.params.id));
    if (!profile) throw new NotFoundError(`No issuer profile "${String(req.params.id)}"`);
    res.type('application/jwk-set+json').send(JSON.stringify({ keys: await jwksOf(profile.id) }));
  });

  router.get('/.well-known/jwks.json', allowAnyOrigin, async (_req, res) => {
    const profiles = await listIssuerProfiles(db);
    const keys = (await Promise.all(profiles.map((profile) => jwksOf(profile.id)))).flat();
    res.type('application/jwk-set+json').send(JSON.stringify({ keys }));
  });

  router.get(MICROCREDENTIAL_CONTEXT_PATH, allowAnyOrigin, (_req, res) => {
    res.type('application/ld+json').set('Cache-Control', 'public, max-age=86400').send(context);
  });

  router.get(MICROCREDENTIAL_SCHEMA_PATH, allowAnyOrigin, (_req, res) => {
    res.type('application/schema+json').set('Cache-Control', 'public, max-age=86400').send(schema);
  });

  router.get('/status-lists/:id', allowAnyOrigin, async (req, res) => {
    const unsigned = await buildStatusListCredential({
      db,
      publicUrl,
      issuerDidOf: (profileId) => issuerDid(publicUrl, profileId),
      listId: String(req.params.id),
      now: new Date(),
    });
    if (!unsigned) throw new NotFoundError(`No status list ${String(req.params.id)}`);
    const issuer = String(unsigned.issuer);
    const profileId = issuer.slice(issuer.lastIndexOf(':') + 1);
    const key = await ensureIssuerKey({ db, secret, issuerProfileId: profileId, did: issuer });
    const signed = await signDataIntegrity({
      // The status list credential is no OpenBadgeCredential, but signs the same way.
      credential: { ...unsigned, issuer: { id: issuer } } as unknown as OpenBadgeCredential,
      key,
      documentLoader,
    });
    // Revocation must show at once: no caching.
    res
      .type('application/vc+ld+json')
      .set('Cache-Control', 'no-store')
      .send(JSON.stringify(signed));
  });

  async function jwksOf(issuerProfileId: string) {
    const did = issuerDid(publicUrl, issuerProfileId);
    const keys = await listIssuerJwtKeys({ db, issuerProfileId });
    return keys.map(({ publicJwk }) => ({ ...publicJwk, kid: `${did}#${publicJwk.kid}` }));
  }

  return router;
}

/**
 * `GET /issuers/:id`: the page of an awarding body for people: name, address, web site, email,
 * its DID and keys, and how to verify its credentials.
 */
export function createIssuerPageRouter(options: {
  db: Db;
  publicUrl: string;
  render: RenderView;
}): Router {
  const { db, publicUrl, render } = options;
  const router = Router();
  router.get('/issuers/:id', async (req, res) => {
    const issuerProfileId = String(req.params.id);
    const profile = await findIssuerProfile(db, issuerProfileId);
    const didDocument = await loadIssuerDidDocument({ db, publicUrl, issuerProfileId });
    if (!profile || !didDocument) throw new NotFoundError(`No issuer profile "${issuerProfileId}"`);
    const address = profile.address ?? {};
    res.send(
      render(res, 'issuer', {
        name: profile.name,
        description: profile.description,
        url: profile.url,
        email: profile.email,
        addressLines: [
          address.streetAddress,
          [address.postalCode, address.addressLocality].filter(Boolean).join(' '),
          address.addressRegion,
          address.addressCountry,
        ].filter((line): line is string => Boolean(line)),
        countryCode: address.addressCountry
          ? null
          : (address.addressCountryCode ?? profile.countryCode ?? null),
        identifiers: profile.identifiers.map((entry) => ({
          type: entry.identifierType.replace(/^ext:/, ''),
          value: entry.identifier,
        })),
        parentOrg: profile.parentOrg,
        did: didDocument.id,
        didDocumentUrl: `/issuers/${issuerProfileId}/did.json`,
        jwksUrl: `/issuers/${issuerProfileId}/jwks.json`,
        keys: didDocument.verificationMethod.map((method) => ({
          id: method.id,
          type: method.type,
          isCurrent: didDocument.authentication.includes(method.id),
        })),
      }),
    );
  });

  return router;
}
