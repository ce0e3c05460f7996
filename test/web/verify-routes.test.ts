import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerificationPool } from '../../src/badges/verify/verification-pool.js';
import type { Database } from '../../src/db/database.js';
import { createViewRenderer } from '../../src/web/views.js';
import { createVerifyRouter } from '../../src/web/verify-routes.js';
import { createTestDatabase } from '../support/test-database.js';

const CREDENTIAL = readFileSync(
  new URL('../badges/fixtures/validator/simple.json', import.meta.url),
);

describe('POST /verify when verification runs out of time or workers', () => {
  let database: Database;
  let pool: ReturnType<typeof createVerificationPool>;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    // One worker, one waiting place, and a budget no verification can meet.
    pool = createVerificationPool({
      db: database.db,
      publicUrl: 'http://127.0.0.1',
      timeBudgetMs: 1,
      workers: 1,
      maxQueue: 1,
    });
    const app = express();
    app.use(
      createVerifyRouter({
        verify: pool.verify,
        render: createViewRenderer({ csrfTokenOf: () => null }),
        publicUrl: 'http://127.0.0.1',
      }),
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/verify`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await pool.close();
    await database.close();
  });

  it('answers API clients VERIFY_TIMEOUT, and 503 with Retry-After when the queue is full', async () => {
    const body = CREDENTIAL;
    // The worker starts on the first request: it waits, the others find the queue full.
    const responses = await Promise.all(
      [1, 2, 3].map(() =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
      ),
    );
    const [first, ...refused] = responses;
    expect(first?.status).toBe(200);
    expect(await first?.json()).toMatchObject({
      verified: false,
      error: { code: 'VERIFY_TIMEOUT' },
    });
    for (const response of refused) {
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.json()).toMatchObject({ error: { code: 'VERIFY_BUSY' } });
    }
  });

  it('tells a person on the page that the credential could not be verified in time', async () => {
    const form = new FormData();
    form.append('credential', new Blob([CREDENTIAL], { type: 'application/json' }), 'c.json');
    const response = await fetch(url, {
      method: 'POST',
      body: form,
      headers: { accept: 'text/html' },
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('>Could not be checked</h2>');
    expect(html).toContain('The checks took too long and were stopped.');
    expect(html).toContain('<code>VERIFY_TIMEOUT</code>');
  });
});
