import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerificationPool } from '../../src/badges/verify/verification-pool.js';
import { createLogger } from '../../src/config/logger.js';
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
import { givenCourse, givenLearner } from '../awards/award-fixtures.js';
import { createTestDatabase } from '../support/test-database.js';

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
