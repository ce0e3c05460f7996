import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statements as statementsTable } from '../../src/db/schema.js';
import { createContentLaunch, fetchLaunchToken } from '../../src/xapi/content-launch.js';
import type { Agent } from '../../src/xapi/statement.js';
import { buildPlatform, buildUser } from './xapi-factories.js';
import {
  type LrsWithCredential,
  LRS_PUBLIC_URL,
  startLrsWithCredential,
  xapiRequest,
} from './lrs-test-server.js';

const ACTIVITY = 'https://content.example.org/quiz-1';
const CONTENT_URL = 'https://content.example.org/quiz-1/index.html';

describe('launch tokens for xAPI content (cmi5-style launch, ARCHITECTURE.md Trust)', () => {
  /** The LRS, with the platform's own credential. */
  let lrs: LrsWithCredential;
  let annId: string;
  const ann: Agent = { account: { homePage: 'https://moodle.example.org', name: 'ann-sub' } };
  const bob: Agent = { account: { homePage: 'https://moodle.example.org', name: 'bob-sub' } };

  beforeAll(async () => {
    lrs = await startLrsWithCredential({
      name: 'Moodle',
      platform: async (db) => {
        const platform = await buildPlatform(db, { issuer: 'https://moodle.example.org' });
        annId = await buildUser(db, { platformId: platform.id, sub: 'ann-sub' });
        await buildUser(db, { platformId: platform.id, sub: 'bob-sub' });
        return platform.id;
      },
    });
  });
  afterAll(() => lrs.close());

  /** Creates a launch of the content for Ann, unless `options` say otherwise. */
  function createLaunch(options: Partial<Parameters<typeof createContentLaunch>[0]> = {}) {
    return createContentLaunch({
      db: lrs.db,
      publicUrl: LRS_PUBLIC_URL,
      contentUrl: CONTENT_URL,
      userId: annId,
      actor: ann,
      activityId: ACTIVITY,
      ...options,
    });
  }

  /** Launches the content for a learner and fetches its token as the content would. */
  async function launch(actor: Agent, userId: string | null = annId) {
    const launched = await createLaunch({ actor, userId });
    const fetchPath = new URL(launched.fetchUrl).pathname.replace(/^\/xapi/, '');
    const response = await fetch(`${lrs.baseUrl}${fetchPath}`, { method: 'POST' });
    const { 'auth-token': token } = (await response.json()) as { 'auth-token': string };
    return { ...launched, fetchPath, authorization: `Basic ${token}` };
  }

  function statementFor(actor: Agent, registration: string) {
    return {
      id: randomUUID(),
      actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
      object: { id: ACTIVITY },
      result: { score: { scaled: 0.8 } },
      context: { registration },
    };
  }

  it('puts endpoint, fetch, actor, registration and activityId on the launch URL', async () => {
    const launched = await createLaunch();
    const url = new URL(launched.launchUrl);
    expect(url.searchParams.get('endpoint')).toBe(`${LRS_PUBLIC_URL}/xapi/`);
    expect(url.searchParams.get('fetch')).toBe(launched.fetchUrl);
    expect(JSON.parse(url.searchParams.get('actor') ?? '')).toEqual(ann);
    expect(url.searchParams.get('registration')).toBe(launched.registration);
    expect(url.searchParams.get('activityId')).toBe(ACTIVITY);
  });

  it('hands out the token once: a second fetch gets a cmi5 error', async () => {
    const { fetchPath } = await launch(ann);
    const again = await fetch(`${lrs.baseUrl}${fetchPath}`, { method: 'POST' });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ 'error-code': '1' });
  });

  it("stores the learner's own statement in its registration as source content", async () => {
    const { authorization, registration } = await launch(ann);
    const statement = statementFor(ann, registration);
    const response = await xapiRequest(lrs.baseUrl, authorization, '/statements', {
      method: 'POST',
      body: statement,
    });
    expect(response.status).toBe(200);
    const [row] = await lrs.db
      .select()
      .from(statementsTable)
      .where(eq(statementsTable.id, statement.id));
    expect(row).toMatchObject({ source: 'content', userId: annId });
  });

  it('refuses with 403 a statement about another learner, and stores nothing', async () => {
    const { authorization, registration } = await launch(ann);
    const statement = statementFor(bob, registration);
    const response = await xapiRequest(lrs.baseUrl, authorization, '/statements', {
      method: 'POST',
      body: [statementFor(ann, registration), statement],
    });
    expect(response.status).toBe(403);
    const rows = await lrs.db
      .select()
      .from(statementsTable)
      .where(eq(statementsTable.registration, registration));
    expect(rows).toEqual([]);
  });

  it('refuses with 403 a statement in another registration', async () => {
    const { authorization } = await launch(ann);
    const response = await xapiRequest(lrs.baseUrl, authorization, '/statements', {
      method: 'POST',
      body: statementFor(ann, randomUUID()),
    });
    expect(response.status).toBe(403);
  });

  it("refuses with 403 a query for another learner's statements", async () => {
    const { authorization } = await launch(ann);
    const agent = encodeURIComponent(JSON.stringify(bob));
    const response = await xapiRequest(lrs.baseUrl, authorization, `/statements?agent=${agent}`);
    expect(response.status).toBe(403);
  });

  it("answers 404 for another learner's statement fetched by id", async () => {
    const { authorization } = await launch(ann);
    const bobs = statementFor(bob, randomUUID());
    await xapiRequest(lrs.baseUrl, lrs.authorization, '/statements', {
      method: 'POST',
      body: bobs,
    });
    const response = await xapiRequest(
      lrs.baseUrl,
      authorization,
      `/statements?statementId=${bobs.id}`,
    );
    expect(response.status).toBe(404);
  });

  it("returns only the learner's own statements of its registration from a query", async () => {
    const { authorization, registration } = await launch(ann);
    const own = statementFor(ann, registration);
    await xapiRequest(lrs.baseUrl, authorization, '/statements', { method: 'POST', body: own });
    await xapiRequest(lrs.baseUrl, lrs.authorization, '/statements', {
      method: 'POST',
      body: [statementFor(bob, registration), statementFor(ann, randomUUID())],
    });
    const response = await xapiRequest(lrs.baseUrl, authorization, '/statements');
    const result = (await response.json()) as { statements: { id: string }[] };
    expect(result.statements.map((statement) => statement.id)).toEqual([own.id]);
  });

  describe('state documents', () => {
    function statePath(agent: Agent, registration: string) {
      const query = new URLSearchParams({
        activityId: ACTIVITY,
        agent: JSON.stringify(agent),
        registration,
        stateId: 'bookmark',
      });
      return `/activities/state?${query.toString()}`;
    }

    it("writes and reads the learner's own state in its registration", async () => {
      const { authorization, registration } = await launch(ann);
      const written = await xapiRequest(lrs.baseUrl, authorization, statePath(ann, registration), {
        method: 'PUT',
        body: { page: 3 },
      });
      expect(written.status).toBe(204);
      const read = await xapiRequest(lrs.baseUrl, authorization, statePath(ann, registration));
      expect(await read.json()).toEqual({ page: 3 });
    });

    it("refuses with 403 another learner's state", async () => {
      const { authorization, registration } = await launch(ann);
      const response = await xapiRequest(lrs.baseUrl, authorization, statePath(bob, registration), {
        method: 'PUT',
        body: { page: 1 },
      });
      expect(response.status).toBe(403);
    });

    it('refuses with 403 state in another registration', async () => {
      const { authorization } = await launch(ann);
      const response = await xapiRequest(lrs.baseUrl, authorization, statePath(ann, randomUUID()));
      expect(response.status).toBe(403);
    });
  });

  describe('expiry', () => {
    it('refuses with 401 a token past its lifetime', async () => {
      const launched = await createLaunch();
      const fetchCode = launched.fetchUrl.split('/').at(-1) ?? '';
      const { authToken } = await fetchLaunchToken({
        db: lrs.db,
        fetchCode,
        now: new Date(Date.now() - 120_000),
        tokenValidSeconds: 60,
      });
      const response = await xapiRequest(lrs.baseUrl, `Basic ${authToken}`, '/statements', {
        method: 'POST',
        body: statementFor(ann, launched.registration),
      });
      expect(response.status).toBe(401);
    });

    it('refuses to hand out a token once the fetch URL has expired', async () => {
      const now = new Date();
      const launched = await createLaunch({
        now: new Date(now.getTime() - 600_000),
        fetchValidSeconds: 60,
      });
      const fetchCode = launched.fetchUrl.split('/').at(-1) ?? '';
      await expect(fetchLaunchToken({ db: lrs.db, fetchCode, now })).rejects.toMatchObject({
        code: 'XAPI_LAUNCH_FETCH_INVALID',
      });
    });
  });
});
