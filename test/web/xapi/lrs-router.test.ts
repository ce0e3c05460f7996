import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inArray } from 'drizzle-orm';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/config/logger.js';
import type { Database } from '../../../src/db/database.js';
import { statements as statementsTable } from '../../../src/db/schema.js';
import { createXapiCredential, revokeXapiCredential } from '../../../src/xapi/credentials.js';
import { createLrsRouter } from '../../../src/web/xapi/lrs-router.js';
import type { StoredStatement } from '../../../src/xapi/statement-store.js';
import { createTestDatabase } from '../../support/test-database.js';
import { changed, fullStatement, minimalStatement } from '../../xapi/statement-examples.js';
import { buildPlatform, buildUser } from '../../xapi/xapi-factories.js';

const PUBLIC_URL = 'https://tool.example.org';
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

describe('LRS router (xAPI 2.0 Communication: Statement and About Resources)', () => {
  let database: Database;
  let server: Server;
  let baseUrl: string;
  let authorization: string;
  let annId: string;
  const notified: StoredStatement[] = [];
  /** Statements with this verb make the subscriber queue work, as rules that look at them do. */
  const WORK_VERB = 'http://adlnet.gov/expapi/verbs/passed';
  let workQueuedCalls = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    const platform = await buildPlatform(database.db, { issuer: 'https://moodle.example.org' });
    annId = await buildUser(database.db, {
      platformId: platform.id,
      sub: 'ann-sub',
      email: 'ann@example.org',
    });
    const { key, secret } = await createXapiCredential({
      db: database.db,
      name: 'Moodle',
      platformId: platform.id,
    });
    authorization = basic(key, secret);
    const app = express();
    app.use(
      '/xapi',
      createLrsRouter({
        db: database.db,
        publicUrl: PUBLIC_URL,
        logger: createLogger('error', () => {}),
        onStatementsStored: async (_tx, stored) => {
          notified.push(...stored);
          return stored.some((statement) => statement.verbId === WORK_VERB);
        },
        onWorkQueued: () => {
          workQueuedCalls += 1;
        },
      }),
    );
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/xapi`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await database.close();
  });

  function basic(key: string, secret: string): string {
    return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
  }

  function xapi(
    path: string,
    {
      method = 'GET',
      body,
      headers = {},
    }: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    return fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: authorization,
        'X-Experience-API-Version': '2.0.0',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  function withId(statement = fullStatement()): Record<string, unknown> & { id: string } {
    return { ...statement, id: randomUUID() };
  }

  async function storedRows(ids: string[]) {
    return database.db.select().from(statementsTable).where(inArray(statementsTable.id, ids));
  }

  async function expectError(response: Response, status: number, code: string): Promise<string> {
    expect(response.status).toBe(status);
    expect(response.headers.get('x-experience-api-version')).toBe('2.0.0');
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    return body.error.message;
  }

  describe('GET /about', () => {
    it('lists the supported versions without credentials or version header', async () => {
      const response = await fetch(`${baseUrl}/about`);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-experience-api-version')).toBe('2.0.0');
      expect(await response.json()).toEqual({ version: ['1.0.3', '2.0.0'] });
    });
  });

  describe('POST /statements', () => {
    it('stores one statement and answers its id, resolving the actor and telling the subscriber', async () => {
      const statement = withId();
      const response = await xapi('/statements', { method: 'POST', body: statement });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-experience-api-version')).toBe('2.0.0');
      expect(
        Number.isNaN(Date.parse(response.headers.get('x-experience-api-consistent-through') ?? '')),
      ).toBe(false);
      expect(await response.json()).toEqual([statement.id]);
      const [row] = await storedRows([statement.id]);
      expect(row).toMatchObject({ userId: annId, source: 'platform' });
      expect(notified.map((item) => item.id)).toContain(statement.id);
    });

    it('stores a batch and answers the ids in order, generating missing ones', async () => {
      const first = withId();
      const response = await xapi('/statements', {
        method: 'POST',
        body: [first, minimalStatement()],
      });
      expect(response.status).toBe(200);
      const ids = (await response.json()) as string[];
      expect(ids).toHaveLength(2);
      expect(ids[0]).toBe(first.id);
      expect(await storedRows(ids)).toHaveLength(2);
    });

    it('starts queued work once the statements are stored, and only when work was queued', async () => {
      const before = workQueuedCalls;
      const experienced = await xapi('/statements', {
        method: 'POST',
        body: { ...withId(), verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' } },
      });
      expect(experienced.status).toBe(200);
      expect(workQueuedCalls).toBe(before);

      const passed = await xapi('/statements', {
        method: 'POST',
        body: { ...withId(), verb: { id: WORK_VERB } },
      });

      expect(passed.status).toBe(200);
      expect(workQueuedCalls).toBe(before + 1);
    });

    it('answers 200 again when a known statement is resent unchanged', async () => {
      const statement = withId();
      await xapi('/statements', { method: 'POST', body: statement });
      const response = await xapi('/statements', { method: 'POST', body: statement });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual([statement.id]);
    });
  });

  describe('PUT /statements', () => {
    it('stores the statement under statementId and answers 204', async () => {
      const id = randomUUID();
      const response = await xapi(`/statements?statementId=${id}`, {
        method: 'PUT',
        body: minimalStatement(),
      });
      expect(response.status).toBe(204);
      expect(await storedRows([id])).toHaveLength(1);
    });

    it('answers 204 to an identical resend and 409 to different content under the same id', async () => {
      const statement = withId();
      const path = `/statements?statementId=${statement.id}`;
      expect((await xapi(path, { method: 'PUT', body: statement })).status).toBe(204);
      expect((await xapi(path, { method: 'PUT', body: statement })).status).toBe(204);
      const conflict = await xapi(path, {
        method: 'PUT',
        body: changed(statement, 'result.success', false),
      });
      await expectError(conflict, 409, 'XAPI_STATEMENT_CONFLICT');
    });
  });

  describe('GET /statements', () => {
    it('returns a posted statement by statementId as the LRS holds it', async () => {
      const statement = withId();
      await xapi('/statements', { method: 'POST', body: statement });
      const response = await xapi(`/statements?statementId=${statement.id}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('last-modified')).not.toBeNull();
      expect(response.headers.get('x-experience-api-consistent-through')).not.toBeNull();
      const returned = (await response.json()) as Record<string, unknown>;
      expect(returned).toMatchObject({
        id: statement.id,
        actor: statement.actor,
        verb: statement.verb,
        object: statement.object,
        result: statement.result,
        timestamp: statement.timestamp,
        version: '2.0.0',
        authority: { objectType: 'Agent', account: { homePage: PUBLIC_URL } },
      });
      expect(
        (returned.context as { contextActivities: { category: unknown } }).contextActivities
          .category,
      ).toEqual([{ id: 'https://w3id.org/xapi/cmi5/context/categories/cmi5' }]);
      expect(typeof returned.stored).toBe('string');
    });

    it('answers 404 for an id it does not hold', async () => {
      await expectError(await xapi(`/statements?statementId=${randomUUID()}`), 404, 'NOT_FOUND');
    });

    it('serves a voided statement by voidedStatementId only (xAPI Communication 2.1.4)', async () => {
      const target = withId();
      await xapi('/statements', { method: 'POST', body: target });
      const voiding = {
        actor: { mbox: 'mailto:admin@example.org' },
        verb: { id: VOIDED },
        object: { objectType: 'StatementRef', id: target.id },
      };
      expect((await xapi('/statements', { method: 'POST', body: voiding })).status).toBe(200);
      await expectError(await xapi(`/statements?statementId=${target.id}`), 404, 'NOT_FOUND');
      const response = await xapi(`/statements?voidedStatementId=${target.id}`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { id: string }).id).toBe(target.id);
    });

    it('answers a StatementResult whose more link leads to the next page', async () => {
      const registration = randomUUID();
      const batch = [1, 2, 3].map(() => changed(withId(), 'context.registration', registration));
      await xapi('/statements', { method: 'POST', body: batch });
      const first = await xapi(`/statements?registration=${registration}&limit=2&ascending=true`);
      expect(first.status).toBe(200);
      const page = (await first.json()) as { statements: { id: string }[]; more: string };
      expect(page.statements.map((item) => item.id)).toEqual([batch[0]?.id, batch[1]?.id]);
      expect(page.more).toMatch(/^\/xapi\/statements\?/);
      const next = (await (await xapi(page.more.replace(/^\/xapi/, ''))).json()) as {
        statements: { id: string }[];
        more: string;
      };
      expect(next.statements.map((item) => item.id)).toEqual([batch[2]?.id]);
      expect(next.more).toBe('');
    });

    it('returns each statement of a page exactly as a fetch by its id returns it', async () => {
      const registration = randomUUID();
      const batch = [1, 2].map(() =>
        changed(changed(withId(), 'context.registration', registration), 'result.score', {
          raw: 0.1,
          min: -1e-7,
          max: 12345.678,
        }),
      );
      await xapi('/statements', { method: 'POST', body: batch });
      const response = await xapi(`/statements?registration=${registration}&ascending=true`);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const page = (await response.json()) as { statements: { id: string }[]; more: string };
      const byId = await Promise.all(
        batch.map(async (sent) => (await xapi(`/statements?statementId=${sent.id}`)).json()),
      );
      expect(page).toEqual({ statements: byId, more: '' });
    });

    it('filters by agent given as JSON', async () => {
      const mbox = `mailto:${randomUUID()}@example.org`;
      const mine = changed(withId(), 'actor', { mbox });
      await xapi('/statements', { method: 'POST', body: [mine, withId()] });
      const response = await xapi(
        `/statements?agent=${encodeURIComponent(JSON.stringify({ mbox }))}`,
      );
      const result = (await response.json()) as { statements: { id: string }[] };
      expect(result.statements.map((item) => item.id)).toEqual([mine.id]);
    });
  });

  describe('refusals', () => {
    it('answers 401 with a Basic challenge and stores nothing when credentials are missing', async () => {
      const statement = withId();
      const response = await fetch(`${baseUrl}/statements`, {
        method: 'POST',
        headers: { 'X-Experience-API-Version': '2.0.0', 'Content-Type': 'application/json' },
        body: JSON.stringify(statement),
      });
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="microcred xAPI"');
      await expectError(response, 401, 'XAPI_CREDENTIALS_INVALID');
      expect(await storedRows([statement.id])).toEqual([]);
    });

    it('answers 401 and stores nothing when the password is wrong', async () => {
      const statement = withId();
      const [key] = Buffer.from(authorization.slice('Basic '.length), 'base64')
        .toString()
        .split(':');
      const response = await xapi('/statements', {
        method: 'POST',
        body: statement,
        headers: { Authorization: basic(key as string, 'wrong-secret') },
      });
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="microcred xAPI"');
      await expectError(response, 401, 'XAPI_CREDENTIALS_INVALID');
      expect(await storedRows([statement.id])).toEqual([]);
    });

    it('answers 401 once the credential is revoked', async () => {
      const { key, secret } = await createXapiCredential({ db: database.db, name: 'Short-lived' });
      const headers = { Authorization: basic(key, secret) };
      expect((await xapi('/statements', { method: 'POST', body: withId(), headers })).status).toBe(
        200,
      );
      await revokeXapiCredential({ db: database.db, key });
      await expectError(
        await xapi('/statements', { method: 'POST', body: withId(), headers }),
        401,
        'XAPI_CREDENTIALS_INVALID',
      );
    });

    it('answers 401 to a query without credentials or with a revoked key', async () => {
      const query = `/statements?verb=${encodeURIComponent('http://adlnet.gov/expapi/verbs/passed')}`;
      await expectError(
        await fetch(`${baseUrl}${query}`, { headers: { 'X-Experience-API-Version': '2.0.0' } }),
        401,
        'XAPI_CREDENTIALS_INVALID',
      );
      const { key, secret } = await createXapiCredential({ db: database.db, name: 'Reader' });
      await revokeXapiCredential({ db: database.db, key });
      await expectError(
        await xapi(query, { headers: { Authorization: basic(key, secret) } }),
        401,
        'XAPI_CREDENTIALS_INVALID',
      );
    });

    it('answers 400 and stores nothing without the version header', async () => {
      const statement = withId();
      const response = await fetch(`${baseUrl}/statements`, {
        method: 'POST',
        headers: { Authorization: authorization, 'Content-Type': 'application/json' },
        body: JSON.stringify(statement),
      });
      expect(await expectError(response, 400, 'BAD_REQUEST')).toContain('X-Experience-API-Version');
      expect(await storedRows([statement.id])).toEqual([]);
    });

    it.each(['1.1.0', '0.95', '3.0.0'])('answers 400 to version header %s', async (version) => {
      const response = await xapi('/statements', {
        headers: { 'X-Experience-API-Version': version },
      });
      await expectError(response, 400, 'BAD_REQUEST');
    });

    it('accepts version header 1.0.3 and answers in the latest 1.0 patch, 1.0.3', async () => {
      const response = await xapi('/statements', {
        headers: { 'X-Experience-API-Version': '1.0.3' },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-experience-api-version')).toBe('1.0.3');
    });

    it('answers 400 with a message to malformed JSON', async () => {
      const response = await xapi('/statements', { method: 'POST', body: '{"actor": ' });
      expect(await expectError(response, 400, 'BAD_REQUEST')).not.toBe('');
    });

    it('answers 400 naming the field and stores nothing when one statement of a batch is invalid', async () => {
      const good = withId();
      const bad = changed(withId(), 'result.score.scaled', 7);
      const response = await xapi('/statements', { method: 'POST', body: [good, bad] });
      const message = await expectError(response, 400, 'XAPI_STATEMENT_INVALID');
      expect(message).toBe('statement[1].result.score.scaled must be between -1 and 1');
      expect(await storedRows([good.id, bad.id as string])).toEqual([]);
    });

    it('answers 400 and stores nothing when a batch repeats an id', async () => {
      const statement = withId();
      const response = await xapi('/statements', { method: 'POST', body: [statement, statement] });
      await expectError(response, 400, 'XAPI_STATEMENT_INVALID');
      expect(await storedRows([statement.id])).toEqual([]);
    });

    it('answers 413 and stores nothing when the body is larger than 1 MB', async () => {
      const statement = changed(withId(), 'result.response', 'x'.repeat(1_100_000));
      const response = await xapi('/statements', { method: 'POST', body: statement });
      await expectError(response, 413, 'PAYLOAD_TOO_LARGE');
      expect(await storedRows([statement.id as string])).toEqual([]);
    });

    it('answers 400 to a body that is not JSON', async () => {
      const response = await xapi('/statements', {
        method: 'POST',
        body: 'actor=ann',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      await expectError(response, 400, 'BAD_REQUEST');
    });

    it('answers 400 to an attachment with neither fileUrl nor content in the request', async () => {
      const attachment = {
        usageType: 'http://adlnet.gov/expapi/attachments/signature',
        display: { en: 'Signature' },
        contentType: 'text/plain',
        length: 3,
        sha2: 'ab12',
      };
      const response = await xapi('/statements', {
        method: 'POST',
        body: changed(withId(), 'attachments', [attachment]),
      });
      expect(await expectError(response, 400, 'XAPI_STATEMENT_INVALID')).toContain(
        'with neither fileUrl nor content in the request',
      );
    });

    it('answers 400 when PUT has no statementId or a different id in the body', async () => {
      await expectError(
        await xapi('/statements', { method: 'PUT', body: withId() }),
        400,
        'BAD_REQUEST',
      );
      const response = await xapi(`/statements?statementId=${randomUUID()}`, {
        method: 'PUT',
        body: withId(),
      });
      expect(await expectError(response, 400, 'XAPI_STATEMENT_INVALID')).toBe(
        'statement.id must match the statementId parameter',
      );
    });

    it.each([
      ['an unknown parameter', '/statements?colour=red'],
      ['a parameter in the wrong case', '/statements?Verb=http://example.org/v'],
      [
        'statementId with a filter',
        `/statements?statementId=${randomUUID()}&verb=http://example.org/v`,
      ],
      [
        'statementId and voidedStatementId',
        `/statements?statementId=${randomUUID()}&voidedStatementId=${randomUUID()}`,
      ],
      ['a statementId that is no UUID', '/statements?statementId=42'],
      ['a verb that is no IRI', '/statements?verb=passed'],
      ['a since without time zone', '/statements?since=2024-05-01T10:00:00'],
      ['a negative limit', '/statements?limit=-1'],
      ['an agent that is no JSON', '/statements?agent=ann'],
      [
        'an anonymous group as agent',
        `/statements?agent=${encodeURIComponent('{"objectType":"Group","member":[{"mbox":"mailto:a@example.org"}]}')}`,
      ],
      [
        'a parameter given twice',
        '/statements?verb=http://example.org/a&verb=http://example.org/b',
      ],
    ])('answers 400 to GET with %s', async (_name, path) => {
      await expectError(await xapi(path), 400, 'BAD_REQUEST');
    });

    it('answers 404 as JSON to a resource it does not have', async () => {
      await expectError(await xapi('/nothing-here'), 404, 'NOT_FOUND');
    });
  });
});
