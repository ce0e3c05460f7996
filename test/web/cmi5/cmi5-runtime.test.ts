import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  awards,
  cmi5Registrations,
  statements,
  users,
  xapiLaunches,
} from '../../../src/db/schema.js';
import { scheduleAbandonSessions } from '../../../src/xapi/cmi5/abandon-sessions-job.js';
import type { Browser } from '../../support/http-client.js';
import type { TestLms } from '../../support/test-lms.js';
import type { TestTool } from '../../support/test-tool.js';
import { startToolWithLms } from '../../support/tool-with-lms.js';
import {
  CMI5,
  cmi5Statement,
  send,
  SESSION_ID,
  startAu,
  VERB,
  MASTERY_SCORE,
  xapi,
  type AuSession,
} from './cmi5-au-client.js';
import {
  createAchievement,
  csrfTokenOf,
  getPage,
  launchInto,
  postForm,
} from '../teacher-course-world.js';

const COURSE = 'cmi5-course';
const AU_URL = 'https://content.example.org/cmi5/quiz/index.html';

describe('cmi5 at run time: the LMS side, played as cmi5.js plays it', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;
  let learner: Browser;
  let auId: string;
  let auActivityIri: string;
  let achievementId: string;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    teacher = await launchInto(lms, COURSE, { id: 'c5-teacher' }, 'teacher');
    learner = await launchInto(lms, COURSE, { id: 'c5-learner', name: 'Ann' }, 'learner');
    await launchInto(lms, COURSE, { id: 'c5-other', name: 'Bo' }, 'learner');
    const { html } = await getPage(teacher, `${tool.url}/course/cmi5`);
    const { response } = await postForm(teacher, `${tool.url}/course/cmi5/aus`, {
      _csrf: csrfTokenOf(html),
      title: 'Ecology quiz',
      url: AU_URL,
      moveOn: 'CompletedAndPassed',
      masteryScore: '80',
      launchMethod: 'OwnWindow',
    });
    expect(response.status).toBe(303);
    const page = (await getPage(teacher, `${tool.url}/course/cmi5?status=saved`)).html;
    auId = /\/course\/cmi5\/launch\?au=([0-9a-f-]{36})/.exec(page)![1]!;
    auActivityIri = `${tool.url}/cmi5/aus/${auId}`;
    achievementId = await createAchievement(tool, teacher, {
      name: 'Ecology',
      rule: { satisfied: auActivityIri },
    });
  });
  afterAll(() => close?.());

  const db = () => tool.current().database.db;

  /**
   * Runs `write` while another connection holds the cmi5 registration, and checks it waits:
   * what satisfies a course or block is decided on every AU's result of the registration, so a
   * waiver and a learner's statements finishing another AU at the same moment must not each miss
   * the other. Resolves with what `write` gave once the registration was let go.
   */
  async function whileRegistrationHeld<T>(registration: string, write: () => Promise<T>) {
    const holder = new pg.Client({ connectionString: tool.storage.databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from cmi5_registrations where registration = $1 for update', [
        registration,
      ]);
      let isAnswered = false;
      const writing = write().finally(() => (isAnswered = true));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(isAnswered).toBe(false);
      await holder.query('rollback');
      return await writing;
    } finally {
      await holder.end();
    }
  }

  async function launch(browser: Browser, mode?: string): Promise<URL> {
    const query = mode ? `au=${auId}&mode=${mode}` : `au=${auId}`;
    const { response } = await browser.request(`${tool.url}/course/cmi5/launch?${query}`, {
      followRedirects: false,
    });
    expect(response.status).toBe(303);
    return new URL(response.headers.get('location')!);
  }

  async function statementsWith(verb: string, registration: string) {
    return db()
      .select()
      .from(statements)
      .where(and(eq(statements.verbId, VERB(verb)), eq(statements.registration, registration)));
  }

  let session: AuSession;
  let firstLaunch: URL;

  it('launches the AU with the five launch parameters and an LMS-generated activityId', async () => {
    firstLaunch = await launch(learner);
    expect(`${firstLaunch.origin}${firstLaunch.pathname}`).toBe(AU_URL);
    expect(firstLaunch.searchParams.get('endpoint')).toBe(`${tool.url}/xapi/`);
    expect(firstLaunch.searchParams.get('activityId')).toBe(auActivityIri);
    expect(JSON.parse(firstLaunch.searchParams.get('actor')!)).toEqual({
      objectType: 'Agent',
      name: 'Ann',
      account: { homePage: lms.issuer, name: 'c5-learner' },
    });
  });

  it('keeps one registration per learner and cmi5 course, abandoning the open session', async () => {
    const again = await launch(learner);
    const registration = again.searchParams.get('registration')!;
    expect(registration).toBe(firstLaunch.searchParams.get('registration'));
    const abandoned = await statementsWith('abandoned', registration);
    expect(abandoned).toHaveLength(1);
    expect(abandoned[0]!.source).toBe('tool');
    session = await startAu(again);
  });

  it('writes LMS.LaunchData and a launched statement before the launch (cmi5 sections 9.3.1, 10)', async () => {
    const { launchData } = session;
    expect(launchData).toMatchObject({
      launchMode: 'Normal',
      moveOn: 'CompletedAndPassed',
      masteryScore: 0.8,
      returnURL: `${tool.url}/course`,
    });
    const sessionId = launchData.contextTemplate.extensions[SESSION_ID]!;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const publisherId = launchData.contextTemplate.contextActivities.grouping[0]!.id;
    expect(publisherId).not.toBe(session.activityId);
    const launched = await statementsWith('launched', session.registration);
    const ofThisSession = launched.find(
      (row) =>
        (row.statement.context as { extensions: Record<string, string> }).extensions[SESSION_ID] ===
        sessionId,
    );
    expect(ofThisSession?.statement).toMatchObject({
      object: { id: session.activityId },
      context: {
        registration: session.registration,
        contextActivities: { category: [{ id: CMI5 }], grouping: [{ id: publisherId }] },
        extensions: {
          'https://w3id.org/xapi/cmi5/context/extensions/launchmode': 'Normal',
          'https://w3id.org/xapi/cmi5/context/extensions/moveon': 'CompletedAndPassed',
          'https://w3id.org/xapi/cmi5/context/extensions/masteryscore': 0.8,
          'https://w3id.org/xapi/cmi5/context/extensions/launchurl': AU_URL,
        },
      },
    });
  });

  it('hands out the token once, answering a second fetch 200 with a cmi5 error (cmi5 section 8.2.2)', async () => {
    const again = await fetch(session.fetchUrl, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ 'error-code': '1' });
  });

  it('refuses statements before initialized, even cmi5 allowed ones', async () => {
    const allowed = cmi5Statement(session, 'experienced', {}, { isDefined: false });
    const refused = await send(session, allowed);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'XAPI_CMI5_STATEMENT_REJECTED' } });
    expect(await statementsWith('experienced', session.registration)).toHaveLength(0);
    expect((await send(session, cmi5Statement(session, 'initialized'))).status).toBe(200);
    expect((await send(session, allowed)).status).toBe(200);
  });

  it('refuses what the cmi5 statement rules forbid, storing nothing of it', async () => {
    const cases: [string, unknown][] = [
      [
        'passed below the mastery score',
        cmi5Statement(session, 'passed', { success: true, score: { scaled: 0.5 } }),
      ],
      [
        'failed at the mastery score',
        cmi5Statement(session, 'failed', { success: false, score: { scaled: 0.8 } }),
      ],
      [
        'a scaled passed without the mastery score of the launch',
        (() => {
          const statement = cmi5Statement(session, 'passed', {
            success: true,
            score: { scaled: 0.9 },
          });
          delete statement.context.extensions[MASTERY_SCORE];
          return statement;
        })(),
      ],
      [
        'a statement without a timestamp',
        {
          ...cmi5Statement(session, 'experienced', {}, { isDefined: false }),
          timestamp: undefined,
        },
      ],
      [
        'a timestamp outside UTC',
        {
          ...cmi5Statement(session, 'experienced', {}, { isDefined: false }),
          timestamp: '2026-01-05T10:00:00.000-06:00',
        },
      ],
      [
        'a raw score without its range',
        cmi5Statement(session, 'experienced', { score: { raw: 3 } }, { isDefined: false }),
      ],
      [
        'a statement without an id',
        { ...cmi5Statement(session, 'experienced', {}, { isDefined: false }), id: undefined },
      ],
      ['passed without success', cmi5Statement(session, 'passed', {})],
      [
        'completed with a score',
        cmi5Statement(session, 'completed', { completion: true, score: { scaled: 1 } }),
      ],
      ['a second initialized', cmi5Statement(session, 'initialized')],
      ['a verb only the LMS uses', cmi5Statement(session, 'satisfied')],
      [
        'a statement without the session id',
        {
          ...cmi5Statement(session, 'experienced', {}, { isDefined: false }),
          context: { registration: session.registration },
        },
      ],
      [
        'a statement without the publisher id of the contextTemplate',
        (() => {
          const statement = cmi5Statement(session, 'experienced', {}, { isDefined: false });
          statement.context.contextActivities.grouping = [];
          return statement;
        })(),
      ],
      [
        'passed without the moveOn category',
        (() => {
          const statement = cmi5Statement(session, 'passed', {
            success: true,
            score: { scaled: 0.9 },
          });
          statement.context.contextActivities.category = [{ id: CMI5, objectType: 'Activity' }];
          return statement;
        })(),
      ],
    ];
    for (const [what, statement] of cases) {
      const refused = await send(session, statement);
      expect(refused.status, what).toBe(403);
      expect(refused.body, what).toMatchObject({ error: { code: 'XAPI_CMI5_STATEMENT_REJECTED' } });
    }
    // The launch's own scope (cmi5 sections 9.2, 9.6.1): its Agent and its registration only.
    const asGroup = await send(session, {
      ...cmi5Statement(session, 'experienced', {}, { isDefined: false }),
      actor: { ...session.actor, objectType: 'Group' },
    });
    expect(asGroup.status).toBe(403);
    expect(asGroup.body).toMatchObject({ error: { code: 'XAPI_LAUNCH_FORBIDDEN' } });
    const elsewhere = cmi5Statement(session, 'experienced', {}, { isDefined: false });
    elsewhere.context.registration = randomUUID();
    const inAnotherRegistration = await send(session, elsewhere);
    expect(inAnotherRegistration.status).toBe(403);
    expect(inAnotherRegistration.body).toMatchObject({ error: { code: 'XAPI_LAUNCH_FORBIDDEN' } });
    expect(await statementsWith('passed', session.registration)).toHaveLength(0);
    expect(await statementsWith('failed', session.registration)).toHaveLength(0);
  });

  it('keeps passed and completed apart: a pass alone does not satisfy CompletedAndPassed', async () => {
    const passed = cmi5Statement(session, 'passed', { success: true, score: { scaled: 0.9 } });
    expect((await send(session, passed)).status).toBe(200);
    const second = cmi5Statement(session, 'passed', { success: true, score: { scaled: 0.95 } });
    expect((await send(session, second)).body).toMatchObject({
      error: { code: 'XAPI_CMI5_STATEMENT_REJECTED' },
    });
    await tool.current().outbox.drain();
    expect(await awardsOf('c5-learner')).toHaveLength(0);
    expect(await statementsWith('satisfied', session.registration)).toHaveLength(0);
  });

  it('writes satisfied for the course and awards the credential once moveOn is met', async () => {
    const completed = cmi5Statement(session, 'completed', { completion: true });
    expect((await send(session, completed)).status).toBe(200);
    const satisfied = await statementsWith('satisfied', session.registration);
    expect(satisfied).toHaveLength(1);
    expect(satisfied[0]!.statement).toMatchObject({
      object: { definition: { type: 'https://w3id.org/xapi/cmi5/activitytype/course' } },
      context: {
        extensions: { [SESSION_ID]: session.launchData.contextTemplate.extensions[SESSION_ID] },
      },
    });
    await tool.current().outbox.drain();
    expect(await awardsOf('c5-learner')).toHaveLength(1);
  });

  it('ends the session with terminated, after which its token is refused (cmi5 section 8.1.2)', async () => {
    expect((await send(session, cmi5Statement(session, 'terminated'))).status).toBe(200);
    const late = await send(
      session,
      cmi5Statement(session, 'experienced', {}, { isDefined: false }),
    );
    expect(late.status).toBe(401);
    const state = new URLSearchParams({
      stateId: 'bookmark',
      activityId: session.activityId,
      agent: JSON.stringify(session.actor),
      registration: session.registration,
    });
    expect((await xapi(session, `/activities/state?${state}`)).status).toBe(401);
  });

  it('refuses a second completed in the registration, in a later session (resume)', async () => {
    const resumed = await startAu(await launch(learner));
    expect(resumed.registration).toBe(session.registration);
    expect((await send(resumed, cmi5Statement(resumed, 'initialized'))).status).toBe(200);
    const again = await send(resumed, cmi5Statement(resumed, 'completed', { completion: true }));
    expect(again.status).toBe(403);
    expect(again.body).toMatchObject({ error: { code: 'XAPI_CMI5_STATEMENT_REJECTED' } });
  });

  it('refuses initialized before the AU read the learner preferences (cmi5 section 11)', async () => {
    const hasty = await startAu(await launch(learner), { readPreferences: false });
    const refused = await send(hasty, cmi5Statement(hasty, 'initialized'));
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toContain('cmi5LearnerPreferences');
    const profile = new URLSearchParams({
      profileId: 'cmi5LearnerPreferences',
      agent: JSON.stringify(hasty.actor),
    });
    expect((await xapi(hasty, `/agents/profile?${profile}`)).status).toBe(404);
    expect((await send(hasty, cmi5Statement(hasty, 'initialized'))).status).toBe(200);
  });

  it('lets content read LMS.LaunchData but neither change nor delete it (cmi5 section 10.2.1)', async () => {
    const au = await startAu(await launch(learner));
    const scope = {
      activityId: au.activityId,
      agent: JSON.stringify(au.actor),
      registration: au.registration,
    };
    const launchData = `/activities/state?${new URLSearchParams({ ...scope, stateId: 'LMS.LaunchData' })}`;
    const put = await xapi(au, launchData, { method: 'PUT', body: '{"launchMode":"Normal"}' });
    expect(put.status).toBe(403);
    expect((await xapi(au, launchData, { method: 'DELETE' })).status).toBe(403);
    const everyState = `/activities/state?${new URLSearchParams(scope)}`;
    expect((await xapi(au, everyState, { method: 'DELETE' })).status).toBe(403);
    const kept = await xapi(au, launchData);
    expect(kept.status).toBe(200);
    expect(await kept.json()).toMatchObject({ launchMode: 'Normal' });
  });

  describe('a session left open, abandoned by the teacher on demand (cmi5 section 9.3.6)', () => {
    let open: AuSession;
    let action: string;

    beforeAll(async () => {
      open = await startAu(await launch(learner));
      expect((await send(open, cmi5Statement(open, 'initialized'))).status).toBe(200);
      const { html } = await getPage(teacher, `${tool.url}/course/cmi5`);
      const sessionId = open.launchData.contextTemplate.extensions[SESSION_ID]!;
      action = `/course/cmi5/sessions/${sessionId}/abandon`;
      expect(html).toContain(`action="${action}"`);
    });

    it('answers 403 to a learner and 404 to a teacher of another course', async () => {
      // The teacher's form token: the learner is refused before any token is looked at.
      const { html } = await getPage(teacher, `${tool.url}/course/cmi5`);
      const asLearner = await postForm(learner, `${tool.url}${action}`, {
        _csrf: csrfTokenOf(html),
      });
      expect(asLearner.response.status).toBe(403);
      const stranger = await launchInto(lms, 'abandon-elsewhere', { id: 'c5-far' }, 'teacher');
      const page = await getPage(stranger, `${tool.url}/course/cmi5`);
      const asStranger = await postForm(stranger, `${tool.url}${action}`, {
        _csrf: csrfTokenOf(page.html),
      });
      expect(asStranger.response.status).toBe(404);
      expect(
        (await send(open, cmi5Statement(open, 'experienced', {}, { isDefined: false }))).status,
      ).toBe(200);
    });

    it('writes abandoned with the duration, and the token is refused from then on', async () => {
      const { html } = await getPage(teacher, `${tool.url}/course/cmi5`);
      const { response } = await postForm(teacher, `${tool.url}${action}`, {
        _csrf: csrfTokenOf(html),
      });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/course/cmi5?status=abandoned');
      const sessionId = open.launchData.contextTemplate.extensions[SESSION_ID];
      const abandoned = (await statementsWith('abandoned', open.registration)).filter(
        (row) =>
          (row.statement.context as { extensions: Record<string, string> }).extensions[
            SESSION_ID
          ] === sessionId,
      );
      expect(abandoned).toHaveLength(1);
      expect(abandoned[0]!.statement).toMatchObject({
        actor: { account: open.actor.account },
        object: { id: open.activityId },
        result: { duration: expect.stringMatching(/^PT/) },
        context: {
          registration: open.registration,
          contextActivities: { category: [{ id: CMI5 }] },
        },
      });
      const late = await send(open, cmi5Statement(open, 'experienced', {}, { isDefined: false }));
      expect(late.status).toBe(401);
      const again = await postForm(teacher, `${tool.url}${action}`, { _csrf: csrfTokenOf(html) });
      expect(again.response.status).toBe(404);
    });
  });

  it('abandons sessions whose launch token expired, through the job', async () => {
    const location = await launch(learner);
    const open = await startAu(location);
    await db()
      .update(xapiLaunches)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(xapiLaunches.registration, open.registration));
    await scheduleAbandonSessions(db());
    await tool.current().outbox.drain();
    const sessionId = open.launchData.contextTemplate.extensions[SESSION_ID];
    const abandoned = (await statementsWith('abandoned', open.registration)).filter(
      (row) =>
        (row.statement.context as { extensions: Record<string, string> }).extensions[SESSION_ID] ===
        sessionId,
    );
    expect(abandoned).toHaveLength(1);
    expect(abandoned[0]!.statement).toMatchObject({
      result: { duration: expect.stringMatching(/^PT/) },
    });
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'weighs a session’s statements after a writer that holds the registration (PostgreSQL: PGlite has one connection)',
    async () => {
      const reading = await startAu(await launch(learner));
      expect((await send(reading, cmi5Statement(reading, 'initialized'))).status).toBe(200);
      const experienced = cmi5Statement(reading, 'experienced', {}, { isDefined: false });
      const answer = await whileRegistrationHeld(reading.registration, () =>
        send(reading, experienced),
      );
      expect(answer.status).toBe(200);
    },
  );

  it('opens the AU in Browse mode for a teacher, who can record no results', async () => {
    const browsing = await startAu(await launch(teacher));
    expect(browsing.launchData.launchMode).toBe('Browse');
    expect((await send(browsing, cmi5Statement(browsing, 'initialized'))).status).toBe(200);
    const passed = cmi5Statement(browsing, 'passed', { success: true, score: { scaled: 1 } });
    expect((await send(browsing, passed)).status).toBe(403);
  });

  it('launches a learner in Review or Browse mode on request, where completed, passed and failed are refused (cmi5 section 10.2.2)', async () => {
    for (const mode of ['Review', 'Browse']) {
      const reviewing = await startAu(await launch(learner, mode));
      expect(reviewing.launchData.launchMode).toBe(mode);
      expect(reviewing.registration).toBe(session.registration);
      expect((await send(reviewing, cmi5Statement(reviewing, 'initialized'))).status).toBe(200);
      const failed = cmi5Statement(reviewing, 'failed', { success: false });
      const refused = await send(reviewing, failed);
      expect(refused.status, mode).toBe(403);
      expect(JSON.stringify(refused.body)).toContain(`launched in ${mode} mode`);
    }
  });

  it('refuses Normal mode to a teacher and an unknown mode to anyone', async () => {
    const normal = await teacher.request(`${tool.url}/course/cmi5/launch?au=${auId}&mode=Normal`, {
      followRedirects: false,
    });
    expect(normal.response.status).toBe(403);
    const unknown = await learner.request(`${tool.url}/course/cmi5/launch?au=${auId}&mode=Play`, {
      followRedirects: false,
    });
    expect(unknown.response.status).toBe(400);
  });

  async function awardsOf(sub: string) {
    const rows = await db().select().from(awards).where(eq(awards.achievementId, achievementId));
    const { users } = await import('../../../src/db/schema.js');
    const [user] = await db().select().from(users).where(eq(users.sub, sub));
    return rows.filter((row) => row.userId === user!.id);
  }

  it('opens an OwnWindow AU in a window of its own when asked from the LMS frame (cmi5 section 8.1)', async () => {
    const { response } = await learner.request(`${tool.url}/course/cmi5/launch?au=${auId}`, {
      headers: { 'sec-fetch-dest': 'iframe', accept: 'text/html' },
      followRedirects: false,
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    const href = /href="([^"]+)" target="_blank" rel="noopener"/.exec(html)?.[1];
    expect(href?.replaceAll('&amp;', '&').startsWith(`${AU_URL}?`)).toBe(true);
    expect(html).toContain('<a class="content-window-back" href="/course">Back to the course</a>');
  });

  describe('waiving an AU (cmi5 section 9.3.7)', () => {
    async function waive(browser: Browser, fields: Record<string, string>) {
      const { html } = await getPage(teacher, `${tool.url}/course/cmi5`);
      const learnerId = new RegExp(`<option value="([0-9a-f-]{36})">Bo</option>`).exec(html)![1]!;
      return postForm(browser, `${tool.url}/course/cmi5/waive`, {
        _csrf: csrfTokenOf(html),
        au: auId,
        learner: learnerId,
        reason: 'Tested Out',
        ...fields,
      });
    }

    it('answers 403 to a learner who tries to waive, and records nothing', async () => {
      const { html } = await getPage(learner, `${tool.url}/course/cmi5`);
      expect(html).toContain('FORBIDDEN');
      const { response } = await waive(learner, {});
      expect(response.status).toBe(403);
      expect(await awardsOf('c5-other')).toHaveLength(0);
    });

    it('answers 404 to a teacher of another course', async () => {
      const stranger = await launchInto(lms, 'other-cmi5-course', { id: 'c5-stranger' }, 'teacher');
      const { html } = await getPage(stranger, `${tool.url}/course/cmi5`);
      const { response } = await postForm(stranger, `${tool.url}/course/cmi5/waive`, {
        _csrf: csrfTokenOf(html),
        au: auId,
        learner: randomUUID(),
        reason: 'Tested Out',
      });
      expect(response.status).toBe(404);
    });

    it('writes waived with its reason and satisfied, and the learner earns the credential', async () => {
      const { response } = await waive(teacher, {});
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/course/cmi5?status=waived');
      const waived = await db()
        .select()
        .from(statements)
        .where(eq(statements.verbId, VERB('waived')));
      expect(waived).toHaveLength(1);
      expect(waived[0]!.statement).toMatchObject({
        result: {
          success: true,
          completion: true,
          extensions: { 'https://w3id.org/xapi/cmi5/result/extensions/reason': 'Tested Out' },
        },
      });
      await tool.current().outbox.drain();
      expect(await awardsOf('c5-other')).toHaveLength(1);
      const { response: again } = await waive(teacher, {});
      expect(again.headers.get('location')).toBe('/course/cmi5?status=alreadyWaived');
    });

    it.skipIf(!process.env.DATABASE_URL)(
      'weighs a waiver after a writer that holds the registration (PostgreSQL: PGlite has one connection)',
      async () => {
        const [bo] = await db()
          .select({ registration: cmi5Registrations.registration })
          .from(cmi5Registrations)
          .innerJoin(users, eq(users.id, cmi5Registrations.userId))
          .where(eq(users.sub, 'c5-other'));
        const { response } = await whileRegistrationHeld(bo!.registration, () =>
          waive(teacher, {}),
        );
        expect(response.headers.get('location')).toBe('/course/cmi5?status=alreadyWaived');
      },
    );
  });
});
