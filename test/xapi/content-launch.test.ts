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
/** An activity of the same course that the launch of ACTIVITY does not reach. */
const OTHER_ACTIVITY = 'https://content.example.org/final-exam';

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

  function statementFor(
    actor: Agent,
    registration: string,
    object: Record<string, unknown> = { id: ACTIVITY },
    verb = 'http://adlnet.gov/expapi/verbs/answered',
  ) {
    return {
      id: randomUUID(),
      actor,
      verb: { id: verb },
      object,
      result: { score: { scaled: 0.8 } },
      context: { registration },
    };
  }

  async function errorOf(response: Response): Promise<{ code: string; message: string }> {
    return ((await response.json()) as { error: { code: string; message: string } }).error;
  }

  function storedIn(registration: string) {
    return lrs.db
      .select()
      .from(statementsTable)
      .where(eq(statementsTable.registration, registration));
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

  it('hands out the token once: a second fetch gets a cmi5 error, with status 200 (cmi5 section 8.2.2)', async () => {
    const { fetchPath } = await launch(ann);
    const again = await fetch(`${lrs.baseUrl}${fetchPath}`, { method: 'POST' });
    expect(again.status).toBe(200);
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

  describe('activity scope: the launch activity and activities under its IRI', () => {
    const PASSED = 'http://adlnet.gov/expapi/verbs/passed';

    it('refuses with 403 a "passed" for another activity, naming the one allowed, and stores nothing', async () => {
      const { authorization, registration } = await launch(ann);
      const response = await xapiRequest(lrs.baseUrl, authorization, '/statements', {
        method: 'POST',
        body: statementFor(ann, registration, { id: OTHER_ACTIVITY }, PASSED),
      });
      expect(response.status).toBe(403);
      const error = await errorOf(response);
      expect(error.code).toBe('XAPI_ACTIVITY_OUT_OF_SCOPE');
      expect(error.message).toContain(OTHER_ACTIVITY);
      expect(error.message).toContain(`only the activity ${ACTIVITY}`);
      expect(await storedIn(registration)).toEqual([]);
    });

    it('refuses the whole batch when one statement of it is for another activity', async () => {
      const { authorization, registration } = await launch(ann);
      const response = await xapiRequest(lrs.baseUrl, authorization, '/statements', {
        method: 'POST',
        body: [
          statementFor(ann, registration, { id: ACTIVITY }, PASSED),
          statementFor(ann, registration, { id: OTHER_ACTIVITY }, PASSED),
        ],
      });
      expect(response.status).toBe(403);
      expect(await storedIn(registration)).toEqual([]);
    });

    it('refuses with 403 a PUT of a statement for another activity, and stores nothing', async () => {
      const { authorization, registration } = await launch(ann);
      const statement = statementFor(ann, registration, { id: OTHER_ACTIVITY }, PASSED);
      const response = await xapiRequest(
        lrs.baseUrl,
        authorization,
        `/statements?statementId=${statement.id}`,
        { method: 'PUT', body: statement },
      );
      expect(response.status).toBe(403);
      expect(await storedIn(registration)).toEqual([]);
    });

    it.each([`${ACTIVITY}/question-1`, `${ACTIVITY}#question-1`, `${ACTIVITY}?question=1`])(
      'stores a statement about %s, an activity under the launch activity',
      async (activityId) => {
        const { authorization, registration } = await launch(ann);
        const response = await xapiRequest(lrs.baseUrl, authorization, '/statements', {
          method: 'POST',
          body: statementFor(ann, registration, { id: activityId }),
        });
        expect(response.status).toBe(200);
        expect(await storedIn(registration)).toMatchObject([{ activityId }]);
      },
    );

    it.each([
      `${ACTIVITY}0`,
      'https://content.example.org/quiz-',
      `${ACTIVITY}/../quiz-2`,
      `${ACTIVITY}/%2e%2e/quiz-2`,
    ])('refuses with 403 %s, outside the launch activity though it starts like it', async (id) => {
      const { authorization, registration } = await launch(ann);
      const response = await xapiRequest(lrs.baseUrl, authorization, '/statements', {
        method: 'POST',
        body: statementFor(ann, registration, { id }),
      });
      expect(response.status).toBe(403);
      expect(await errorOf(response)).toMatchObject({ code: 'XAPI_ACTIVITY_OUT_OF_SCOPE' });
      expect(await storedIn(registration)).toEqual([]);
    });

    function subStatement(actor: Agent, activityId: string) {
      return {
        objectType: 'SubStatement',
        actor,
        verb: { id: PASSED },
        object: { id: activityId },
      };
    }

    it('stores a SubStatement about an activity under the launch activity', async () => {
      const { authorization, registration } = await launch(ann);
      const response = await xapiRequest(lrs.baseUrl, authorization, '/statements', {
        method: 'POST',
        body: statementFor(ann, registration, subStatement(ann, `${ACTIVITY}/question-1`)),
      });
      expect(response.status).toBe(200);
    });

    it('refuses with 403 a SubStatement about another activity or another learner', async () => {
      const { authorization, registration } = await launch(ann);
      for (const [object, code] of [
        [subStatement(ann, OTHER_ACTIVITY), 'XAPI_ACTIVITY_OUT_OF_SCOPE'],
        [subStatement(bob, ACTIVITY), 'XAPI_LAUNCH_FORBIDDEN'],
      ] as const) {
        const response = await xapiRequest(lrs.baseUrl, authorization, '/statements', {
          method: 'POST',
          body: statementFor(ann, registration, object),
        });
        expect(response.status).toBe(403);
        expect(await errorOf(response)).toMatchObject({ code });
      }
      expect(await storedIn(registration)).toEqual([]);
    });

    it('refuses with 403 an agent or a statement reference as the object', async () => {
      const { authorization, registration } = await launch(ann);
      for (const object of [
        { objectType: 'Agent', ...bob },
        { objectType: 'StatementRef', id: randomUUID() },
      ]) {
        const response = await xapiRequest(lrs.baseUrl, authorization, '/statements', {
          method: 'POST',
          body: statementFor(ann, registration, object),
        });
        expect(response.status).toBe(403);
        expect(await errorOf(response)).toMatchObject({ code: 'XAPI_ACTIVITY_OUT_OF_SCOPE' });
      }
    });

    it('refuses with 403 voiding, even of its own statement (cmi5 section 6.3)', async () => {
      const { authorization, registration } = await launch(ann);
      const own = statementFor(
        ann,
        registration,
        { id: ACTIVITY },
        'http://adlnet.gov/expapi/verbs/failed',
      );
      await xapiRequest(lrs.baseUrl, authorization, '/statements', { method: 'POST', body: own });
      const voiding = statementFor(
        ann,
        registration,
        { objectType: 'StatementRef', id: own.id },
        'http://adlnet.gov/expapi/verbs/voided',
      );
      const response = await xapiRequest(lrs.baseUrl, authorization, '/statements', {
        method: 'POST',
        body: { ...voiding, result: undefined },
      });
      expect(response.status).toBe(403);
      expect(await errorOf(response)).toMatchObject({ code: 'XAPI_LAUNCH_FORBIDDEN' });
      expect(await storedIn(registration)).toMatchObject([{ id: own.id, isVoided: false }]);
    });

    it('refuses with 403 the definition of another activity from the Activities Resource', async () => {
      const { authorization } = await launch(ann);
      const read = (activityId: string) =>
        xapiRequest(
          lrs.baseUrl,
          authorization,
          `/activities?activityId=${encodeURIComponent(activityId)}`,
        );
      expect((await read(`${ACTIVITY}/question-1`)).status).toBe(200);
      expect((await read(OTHER_ACTIVITY)).status).toBe(403);
    });

    it('leaves platform credentials unlimited: any activity, registration or none', async () => {
      const passed = statementFor(ann, randomUUID(), { id: OTHER_ACTIVITY }, PASSED);
      const withoutRegistration = { ...passed, id: randomUUID(), context: undefined };
      const response = await xapiRequest(lrs.baseUrl, lrs.authorization, '/statements', {
        method: 'POST',
        body: [passed, withoutRegistration],
      });
      expect(response.status).toBe(200);
      const query = await xapiRequest(
        lrs.baseUrl,
        lrs.authorization,
        `/statements?activity=${encodeURIComponent(OTHER_ACTIVITY)}&verb=${encodeURIComponent(PASSED)}`,
      );
      const { statements } = (await query.json()) as { statements: { id: string }[] };
      expect(statements.map((statement) => statement.id).sort()).toEqual(
        [passed.id, withoutRegistration.id].sort(),
      );
    });
  });

  describe('statement reads (cmi5 content reads none)', () => {
    it('refuses with 403 a query, even for its own statements', async () => {
      const { authorization, registration } = await launch(ann);
      await xapiRequest(lrs.baseUrl, authorization, '/statements', {
        method: 'POST',
        body: statementFor(ann, registration),
      });
      const agent = encodeURIComponent(JSON.stringify(ann));
      const response = await xapiRequest(
        lrs.baseUrl,
        authorization,
        `/statements?agent=${agent}&registration=${registration}`,
      );
      expect(response.status).toBe(403);
      expect(await errorOf(response)).toMatchObject({ code: 'XAPI_LAUNCH_FORBIDDEN' });
    });

    it('refuses with 403 a statement fetched by id, even its own', async () => {
      const { authorization, registration } = await launch(ann);
      const own = statementFor(ann, registration);
      await xapiRequest(lrs.baseUrl, authorization, '/statements', { method: 'POST', body: own });
      const response = await xapiRequest(
        lrs.baseUrl,
        authorization,
        `/statements?statementId=${own.id}`,
      );
      expect(response.status).toBe(403);
    });
  });

  describe('state documents', () => {
    function statePath(agent: Agent, registration: string, activityId = ACTIVITY) {
      const query = new URLSearchParams({
        activityId,
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

    it('writes state for an activity under the launch activity', async () => {
      const { authorization, registration } = await launch(ann);
      const path = statePath(ann, registration, `${ACTIVITY}/question-1`);
      const written = await xapiRequest(lrs.baseUrl, authorization, path, {
        method: 'PUT',
        body: { answer: 'b' },
      });
      expect(written.status).toBe(204);
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

    it.each(['PUT', 'POST'])(
      'refuses with 403 a %s of state for another activity, and stores nothing',
      async (method) => {
        const { authorization, registration } = await launch(ann);
        const path = statePath(ann, registration, OTHER_ACTIVITY);
        const response = await xapiRequest(lrs.baseUrl, authorization, path, {
          method,
          body: { page: 9 },
        });
        expect(response.status).toBe(403);
        expect(await errorOf(response)).toMatchObject({ code: 'XAPI_ACTIVITY_OUT_OF_SCOPE' });
        const read = await xapiRequest(lrs.baseUrl, lrs.authorization, path);
        expect(read.status).toBe(404);
      },
    );

    it('refuses with 403 reading or deleting state of a sibling activity', async () => {
      const { authorization, registration } = await launch(ann);
      const sibling = statePath(ann, registration, `${ACTIVITY}0`);
      await xapiRequest(lrs.baseUrl, lrs.authorization, sibling, {
        method: 'PUT',
        body: { page: 2 },
      });
      const read = await xapiRequest(lrs.baseUrl, authorization, sibling);
      const deleted = await xapiRequest(lrs.baseUrl, authorization, sibling, { method: 'DELETE' });
      expect([read.status, deleted.status]).toEqual([403, 403]);
      const kept = await xapiRequest(lrs.baseUrl, lrs.authorization, sibling);
      expect(await kept.json()).toEqual({ page: 2 });
    });
  });

  describe('activity profiles (cmi5 section 12)', () => {
    function profilePath(activityId: string) {
      const query = new URLSearchParams({ activityId, profileId: 'hints' });
      return `/activities/profile?${query.toString()}`;
    }

    it("reads the launch activity's profile", async () => {
      await xapiRequest(lrs.baseUrl, lrs.authorization, profilePath(ACTIVITY), {
        method: 'PUT',
        body: { hints: true },
        headers: { 'If-None-Match': '*' },
      });
      const { authorization } = await launch(ann);
      const read = await xapiRequest(lrs.baseUrl, authorization, profilePath(ACTIVITY));
      expect(await read.json()).toEqual({ hints: true });
    });

    it("refuses with 403 another activity's profile", async () => {
      const { authorization } = await launch(ann);
      const response = await xapiRequest(lrs.baseUrl, authorization, profilePath(OTHER_ACTIVITY));
      expect(response.status).toBe(403);
      expect(await errorOf(response)).toMatchObject({ code: 'XAPI_ACTIVITY_OUT_OF_SCOPE' });
    });

    it('refuses with 403 writing a profile, which every learner of the activity shares', async () => {
      const { authorization } = await launch(ann);
      const path = profilePath(`${ACTIVITY}/question-1`);
      const response = await xapiRequest(lrs.baseUrl, authorization, path, {
        method: 'PUT',
        body: { hints: false },
        headers: { 'If-None-Match': '*' },
      });
      expect(response.status).toBe(403);
      expect((await xapiRequest(lrs.baseUrl, lrs.authorization, path)).status).toBe(404);
    });
  });

  describe("the learner's agent profile (cmi5 section 11)", () => {
    const PREFERENCES = { languagePreference: 'de-DE,en-GB', audioPreference: 'off' };
    function preferencesPath(agent: Agent) {
      const query = new URLSearchParams({
        agent: JSON.stringify(agent),
        profileId: 'cmi5LearnerPreferences',
      });
      return `/agents/profile?${query.toString()}`;
    }

    beforeAll(async () => {
      for (const agent of [ann, bob]) {
        await xapiRequest(lrs.baseUrl, lrs.authorization, preferencesPath(agent), {
          method: 'PUT',
          body: PREFERENCES,
          headers: { 'If-None-Match': '*' },
        });
      }
    });

    it("reads its own learner's preferences", async () => {
      const { authorization } = await launch(ann);
      const read = await xapiRequest(lrs.baseUrl, authorization, preferencesPath(ann));
      expect(await read.json()).toEqual(PREFERENCES);
    });

    it("refuses with 403 another learner's profile, and any write", async () => {
      const { authorization } = await launch(ann);
      const other = await xapiRequest(lrs.baseUrl, authorization, preferencesPath(bob));
      const write = await xapiRequest(lrs.baseUrl, authorization, preferencesPath(ann), {
        method: 'POST',
        body: { audioPreference: 'on' },
      });
      expect([other.status, write.status]).toEqual([403, 403]);
      const kept = await xapiRequest(lrs.baseUrl, lrs.authorization, preferencesPath(ann));
      expect(await kept.json()).toEqual(PREFERENCES);
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
