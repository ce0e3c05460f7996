import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { didToDocumentUrl, issuerDid } from '../../src/badges/did-web.js';
import { ensureIssuerKey } from '../../src/badges/issuer-keys.js';
import { createLogger } from '../../src/config/logger.js';
import type { Database } from '../../src/db/database.js';
import { issuerProfiles } from '../../src/db/schema.js';
import { jsonErrorHandler } from '../../src/web/http/json-error-handler.js';
import { createToolDocumentLoader } from '../../src/badges/tool-document-loader.js';
import { createIssuerRouter } from '../../src/web/issuer-routes.js';
import { createTestDatabase } from '../support/test-database.js';

describe('GET /issuers/:id/did.json', () => {
  let database: Database;
  let server: Server;
  let publicUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const app = express();
    app.use(
      createIssuerRouter({
        db: database.db,
        publicUrl,
        secret: 'test-secret-test-secret-test-secret',
        documentLoader: createToolDocumentLoader({ db: database.db, publicUrl }),
      }),
    );
    app.use(jsonErrorHandler(createLogger('error', () => {})));
    server.on('request', app);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await database.close();
  });

  it('serves the DID document where did:web resolution looks for it', async () => {
    await database.db.insert(issuerProfiles).values({ id: 'default', name: 'Example University' });
    const did = issuerDid(publicUrl, 'default');
    const key = await ensureIssuerKey({
      db: database.db,
      secret: 'test-secret-test-secret-test-secret',
      issuerProfileId: 'default',
      did,
    });

    const response = await fetch(didToDocumentUrl(did));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/did\+json/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.json()).toEqual({
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: did,
      verificationMethod: [
        {
          id: key.id,
          type: 'Multikey',
          controller: did,
          publicKeyMultibase: key.publicKeyMultibase,
        },
      ],
      assertionMethod: [key.id],
      authentication: [key.id],
    });
  });

  it('serves a profile without keys with no verification methods', async () => {
    await database.db.insert(issuerProfiles).values({ id: 'new', name: 'New University' });
    const response = await fetch(`${publicUrl}/issuers/new/did.json`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ verificationMethod: [], assertionMethod: [] });
  });

  it('answers 404 NOT_FOUND for an unknown profile', async () => {
    const response = await fetch(`${publicUrl}/issuers/nobody/did.json`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No issuer profile "nobody"' },
    });
  });
});
