import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuerDid, type DidDocument } from '../../../src/badges/did-web.js';
import {
  encodeBitstring,
  STATUS_LIST_SIZE,
  statusListUrl,
} from '../../../src/badges/status-list.js';
import { createToolDocumentLoader } from '../../../src/badges/tool-document-loader.js';
import {
  createPublishedJsonFetcher,
  readDidDocument,
  readSignedStatusList,
  type FetchPublishedJson,
} from '../../../src/badges/verify/published-documents.js';
import { createLogger } from '../../../src/config/logger.js';
import type { Database } from '../../../src/db/database.js';
import { issuerProfiles, statusLists } from '../../../src/db/schema.js';
import {
  createOutgoingRequests,
  type OutgoingRequests,
} from '../../../src/outgoing/outgoing-requests.js';
import { createIssuerRouter } from '../../../src/web/issuer-routes.js';
import { jsonErrorHandler } from '../../../src/web/http/json-error-handler.js';
import { createTestDatabase } from '../../support/test-database.js';

/** The tool reading the documents; the issuer's host is another one. */
const VERIFIER_URL = 'https://verifier.example';

/**
 * Another issuer's host, a real instance of the tool's issuer routes with its own database,
 * and the tool reading from it through its outgoing requests (loopback allowed, as for an
 * issuer on the internal network).
 */
describe('what another issuer publishes on its host', () => {
  let database: Database;
  let server: Server;
  let outgoing: OutgoingRequests;
  let fetchPublishedJson: FetchPublishedJson;
  let hostUrl: string;
  let did: string;
  let listUrl: string;
  let otherIssuersListUrl: string;
  /** Documents the host also serves at `/copies/<name>`, made from what it signed. */
  const copies = new Map<string, unknown>();

  const readJson = async <T>(url: string) => (await (await fetch(url)).json()) as T;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hostUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const app = express();
    app.use('/copies', (req, res) => {
      const copy = copies.get(req.path.slice(1));
      if (copy === undefined) res.status(404).end();
      else res.json(copy);
    });
    app.use(
      createIssuerRouter({
        db: database.db,
        publicUrl: hostUrl,
        secret: 'test-secret-test-secret-test-secret',
        documentLoader: createToolDocumentLoader({ db: database.db, publicUrl: hostUrl }),
      }),
    );
    app.use(jsonErrorHandler(createLogger('error', () => {})));
    server.on('request', app);

    await database.db.insert(issuerProfiles).values([
      { id: 'partner', name: 'Partner University' },
      { id: 'other', name: 'Other University' },
    ]);
    const [list, otherList] = await database.db
      .insert(statusLists)
      .values([
        { issuerProfileId: 'partner', size: STATUS_LIST_SIZE },
        { issuerProfileId: 'other', size: STATUS_LIST_SIZE },
      ])
      .returning();
    did = issuerDid(hostUrl, 'partner');
    listUrl = statusListUrl(hostUrl, list!.id);
    otherIssuersListUrl = statusListUrl(hostUrl, otherList!.id);

    outgoing = createOutgoingRequests({
      allowPrivate: {
        hosts: [],
        networks: [{ address: '127.0.0.0', prefixLength: 8, family: 'ipv4' }],
      },
      logger: createLogger('error', () => {}),
    });
    fetchPublishedJson = createPublishedJsonFetcher(outgoing.fetch);
  });
  afterAll(async () => {
    await outgoing?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await database?.close();
  });

  /** Resolves the partner's DID to the document read from its host, as recognition does. */
  const partnerDidResolver = async () => {
    const didDocument = await readDidDocument(did, fetchPublishedJson);
    return async (candidate: string) => (candidate === did ? didDocument : null);
  };

  describe('a did:web DID document', () => {
    it('is read from where the DID says it is published', async () => {
      const published = await readJson<DidDocument>(`${hostUrl}/issuers/partner/did.json`);

      expect(await readDidDocument(did, fetchPublishedJson)).toEqual(published);
    });

    it('is not read when the host has none for the DID', async () => {
      expect(await readDidDocument(issuerDid(hostUrl, 'nobody'), fetchPublishedJson)).toBeNull();
    });

    it("is not taken when the document found is another DID's", async () => {
      copies.set(
        'impostor/did.json',
        await readJson<DidDocument>(`${hostUrl}/issuers/partner/did.json`),
      );
      const impostor = `${did.slice(0, did.indexOf(':issuers:'))}:copies:impostor`;

      expect(await readDidDocument(impostor, fetchPublishedJson)).toBeNull();
    });
  });

  describe('a status list', () => {
    const readList = async (url: string) =>
      readSignedStatusList(url, {
        issuerId: did,
        resolveDid: await partnerDidResolver(),
        publicUrl: VERIFIER_URL,
        fetchPublishedJson,
      });

    it('gives its encoded list when its issuer signed it', async () => {
      const published = await readJson<{ credentialSubject: { encodedList: string } }>(listUrl);

      expect(await readList(listUrl)).toBe(published.credentialSubject.encodedList);
    });

    it('gives nothing when the list was changed after signing', async () => {
      const signed = await readJson<{ credentialSubject: Record<string, unknown> }>(listUrl);
      copies.set('changed-list', {
        ...signed,
        credentialSubject: {
          ...signed.credentialSubject,
          encodedList: encodeBitstring(STATUS_LIST_SIZE, [7]),
        },
      });

      expect(await readList(`${hostUrl}/copies/changed-list`)).toBeNull();
    });

    it("gives nothing for another issuer's list, though that issuer signed it", async () => {
      expect(await readList(otherIssuersListUrl)).toBeNull();
    });

    it('gives nothing when the host does not serve the list', async () => {
      expect(await readList(`${hostUrl}/copies/no-such-list`)).toBeNull();
    });
  });
});
