import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import express, { type Request } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerificationPool } from '../../src/badges/verify/verification-pool.js';
import { toolDocuments } from '../../src/badges/tool-document-loader.js';
import { createLogger } from '../../src/config/logger.js';
import { VerifierBusyError } from '../../src/errors.js';
import type { Database } from '../../src/db/database.js';
import { partnerIssuers, recognisedCredentials, sessions } from '../../src/db/schema.js';
import { newSessionToken } from '../../src/lti/sessions.js';
import { createOutgoingRequests } from '../../src/outgoing/outgoing-requests.js';
import { createCsrfProtection } from '../../src/web/http/csrf.js';
import { jsonErrorHandler } from '../../src/web/http/json-error-handler.js';
import { pageErrorHandler } from '../../src/web/http/page-error-handler.js';
import { SESSION_COOKIE } from '../../src/web/http/session-auth.js';
import { createRecognitionPages } from '../../src/web/recognition-pages.js';
import { createViewRenderer } from '../../src/web/views.js';
import { openPresentationRequest } from '../../src/wallets/lcw/presentation-requests.js';
import { givenAward, givenCourse, givenLearner, PUBLIC_URL } from '../awards/award-fixtures.js';
import { createTestDatabase } from '../support/test-database.js';
import {
  mintWalletProfile,
  postJson,
  signCredentialPresentation,
  type WalletProfile,
} from '../wallets/lcw/lcw-wallet.js';

/** A credential of the issuer `https://example.com/issuers/876543`. */
const CREDENTIAL = readFileSync(
  new URL('../badges/fixtures/validator/simple.json', import.meta.url),
);
const SECRET = 'recognition-pages-test-secret-'.padEnd(40, 's');

describe('POST /course/recognitions when every verification worker is busy', () => {
  let database: Database;
  let pool: ReturnType<typeof createVerificationPool>;
  let outgoing: ReturnType<typeof createOutgoingRequests>;
  let server: Server;
  let url: string;
  let cookie: string;
  let csrfToken: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const { db } = database;
    const place = await givenCourse(db);
    const learner = await givenLearner(db, place, 'ada');
    await db.insert(partnerIssuers).values({
      issuerProfileId: place.platform.issuerProfileId,
      issuerId: 'https://example.com/issuers/876543',
      name: 'Example Corp',
      qualityAssurance: 'Accredited by the national agency.',
    });
    const { token, tokenHash, expiresAt } = newSessionToken();
    await db.insert(sessions).values({
      tokenHash,
      userId: learner.id,
      courseId: place.course.id,
      role: 'learner',
      expiresAt,
    });
    cookie = `${SESSION_COOKIE}=${token}`;

    // No place to wait, and a worker that is still starting: the first credential is refused.
    pool = createVerificationPool({
      db,
      publicUrl: 'http://127.0.0.1',
      timeBudgetMs: 3000,
      workers: 1,
      maxQueue: 0,
    });
    const logger = createLogger('error', () => {});
    outgoing = createOutgoingRequests({ allowPrivate: { hosts: [], networks: [] }, logger });
    const csrf = createCsrfProtection(SECRET);
    csrfToken = csrf.tokenOf({ headers: { cookie } } as Request)!;
    const render = createViewRenderer({ csrfTokenOf: csrf.tokenOf });
    const app = express();
    app.use(
      createRecognitionPages({
        db,
        publicUrl: 'http://127.0.0.1',
        render,
        requireCsrfToken: csrf.requireToken,
        outgoingFetch: outgoing.fetch,
        logger,
        verify: pool.verify,
      }),
    );
    app.use(pageErrorHandler(render, logger), jsonErrorHandler(logger));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/course/recognitions`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await pool?.close();
    await outgoing?.close();
    await database?.close();
  });

  it('answers 503 with Retry-After, asks to send it again in a moment, and stores nothing', async () => {
    const form = new FormData();
    form.append('_csrf', csrfToken);
    form.append('credential', new Blob([CREDENTIAL], { type: 'application/json' }), 'c.json');
    const response = await fetch(url, {
      method: 'POST',
      body: form,
      headers: { accept: 'text/html', cookie },
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.text()).toContain(
      'Too many credentials are being checked right now, so yours was not checked. Choose its file and send it again in a moment.',
    );
    expect(await database.db.select().from(recognisedCredentials)).toEqual([]);
  });
});

describe('POST /wallet/presentations/:requestId when every verification worker is busy', () => {
  let database: Database;
  let pool: ReturnType<typeof createVerificationPool>;
  let server: Server;
  let place: Awaited<ReturnType<typeof givenCourse>>;
  let wallet: WalletProfile;
  let exchangeOrigin: string;
  /** The contexts of those credentials, which the wallet would fetch from their issuer. */
  const documents = toolDocuments(PUBLIC_URL);
  /** What happens while the tool asks a partner's host for its DID document. */
  let whilePartnerIsAsked = () => {};

  /** A credential this tool issued elsewhere, its issuer a partner of the course's awarding body. */
  const issued = async (sub: string) => {
    const { credential } = await givenAward(database.db, sub);
    await database.db.insert(partnerIssuers).values({
      issuerProfileId: place.platform.issuerProfileId,
      issuerId: (credential.issuer as { id: string }).id,
      name: 'University of Example',
      qualityAssurance: 'Accredited by the national agency.',
    });
    return credential;
  };
  const openRequest = async (sub: string) => {
    const learner = await givenLearner(database.db, place, sub);
    const { id } = await openPresentationRequest(database.db, {
      userId: learner.id,
      courseId: place.course.id,
      publicUrl: PUBLIC_URL,
    });
    const url = `${exchangeOrigin}/wallet/presentations/${id}`;
    const { json } = await postJson(url, {});
    const asked = json.verifiablePresentationRequest as { challenge: string; domain: string };
    return { url, learner, asked };
  };
  const broughtBy = (userId: string) =>
    database.db
      .select()
      .from(recognisedCredentials)
      .where(eq(recognisedCredentials.userId, userId));
  /** Waits until the pool's worker has started and verifies at once. */
  const workersFree = async () => {
    for (;;) {
      try {
        await pool.verify('{}');
        return;
      } catch (error) {
        if (!(error instanceof VerifierBusyError)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const { db } = database;
    place = await givenCourse(db);
    wallet = await mintWalletProfile();
    // One worker, still starting, and no place to wait: the first credential is refused.
    pool = createVerificationPool({
      db,
      publicUrl: PUBLIC_URL,
      timeBudgetMs: 3000,
      workers: 1,
      maxQueue: 0,
    });
    const logger = createLogger('error', () => {});
    const csrf = createCsrfProtection(SECRET);
    const app = express();
    app.use(
      createRecognitionPages({
        db,
        publicUrl: PUBLIC_URL,
        render: createViewRenderer({ csrfTokenOf: csrf.tokenOf }),
        requireCsrfToken: csrf.requireToken,
        // The partner's host does not answer: our own DIDs are read from the database.
        outgoingFetch: async () => {
          whilePartnerIsAsked();
          throw new TypeError('fetch failed');
        },
        logger,
        verify: pool.verify,
      }),
    );
    app.use(jsonErrorHandler(logger));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    exchangeOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await pool?.close();
    await database?.close();
  });

  describe('a presentation of one credential', () => {
    let exchange: Awaited<ReturnType<typeof openRequest>>;
    let presentation: Record<string, unknown>;

    beforeAll(async () => {
      exchange = await openRequest('ada');
      presentation = await signCredentialPresentation(wallet, {
        credentials: [await issued('ada-elsewhere')],
        ...exchange.asked,
        documents,
      });
    });

    it('answers 503 with Retry-After and asks the wallet to send it again, storing nothing', async () => {
      const answer = await postJson(exchange.url, { verifiablePresentation: presentation });
      expect([answer.status, answer.headers.get('retry-after'), answer.json]).toEqual([
        503,
        '3',
        {
          error: {
            code: 'VERIFY_BUSY',
            message:
              'Too many credentials are being checked right now, so yours were not all checked. Send the same presentation again from your wallet in 3 seconds: this request stays open for it.',
          },
        },
      ]);
      expect(await broughtBy(exchange.learner.id)).toEqual([]);
    });

    it('brings it when the same presentation comes again once a worker is free, then answers 409', async () => {
      await workersFree();
      const again = await postJson(exchange.url, { verifiablePresentation: presentation });
      expect(again.status, JSON.stringify(again.json)).toBe(200);
      expect(await broughtBy(exchange.learner.id)).toHaveLength(1);
      const reused = await postJson(exchange.url, { verifiablePresentation: presentation });
      expect(reused.status).toBe(409);
    });
  });

  describe('a presentation of two credentials, the workers busy for the second', () => {
    let exchange: Awaited<ReturnType<typeof openRequest>>;
    let presentation: Record<string, unknown>;
    let credentials: Record<string, unknown>[];

    beforeAll(async () => {
      exchange = await openRequest('bea');
      credentials = [await issued('bea-first'), await issued('bea-second')];
      presentation = await signCredentialPresentation(wallet, {
        credentials,
        ...exchange.asked,
        documents,
      });
      await workersFree();
    });

    it('answers 503 with Retry-After, the first credential brought', async () => {
      let asked = 0;
      // Another learner's credential takes the only worker as the second one is about to be checked.
      whilePartnerIsAsked = () => {
        asked += 1;
        if (asked === 2) void pool.verify(JSON.stringify(credentials[0])).catch(() => {});
      };
      const answer = await postJson(exchange.url, { verifiablePresentation: presentation });
      whilePartnerIsAsked = () => {};
      expect([answer.status, answer.headers.get('retry-after')]).toEqual([503, '3']);
      expect((await broughtBy(exchange.learner.id)).map((row) => row.credentialId)).toEqual([
        credentials[0]!.id,
      ]);
    });

    it('refuses another wallet the request kept open for this one (409)', async () => {
      const other = await signCredentialPresentation(await mintWalletProfile(), {
        credentials,
        ...exchange.asked,
        documents,
      });
      const answer = await postJson(exchange.url, { verifiablePresentation: other });
      expect(answer.status).toBe(409);
    });

    it('brings the second when the same presentation comes again, the first not twice', async () => {
      await workersFree();
      const [first] = await broughtBy(exchange.learner.id);
      const again = await postJson(exchange.url, { verifiablePresentation: presentation });
      expect(again.status, JSON.stringify(again.json)).toBe(200);
      const brought = await broughtBy(exchange.learner.id);
      expect(brought.map((row) => row.credentialId).sort()).toEqual(
        credentials.map((credential) => credential.id).sort(),
      );
      expect((again.json.recognised as { id: string }[])[0]!.id).toBe(first!.id);
    });
  });
});
