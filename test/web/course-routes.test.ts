import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reevaluateAchievementJob } from '../../src/awards/award-jobs.js';
import { outbox, ruleReferences } from '../../src/db/schema.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import { LTI_ROLES, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';

const ACHIEVEMENT = {
  name: 'Data Literacy Basics',
  description: 'Reads and questions data.',
  criteria: 'Pass the final quiz.',
  ects: 2,
  eqfLevel: 5,
  rule: { passed: 'https://example.org/quiz' },
};

describe('the teacher JSON API: /api/achievements', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    teacher = createBrowser();
    await lms.launch({ browser: teacher, user: { id: 'teacher' }, roles: [LTI_ROLES.instructor] });
  });
  afterAll(() => close?.());

  const post = (browser: Browser, body: unknown) =>
    browser.request(`${tool.url}/api/achievements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('creates an achievement of the launched course and lists it', async () => {
    const { response } = await post(teacher, ACHIEVEMENT);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ name: ACHIEVEMENT.name, version: 1, ects: 2 });
    const listed = await teacher.request(`${tool.url}/api/achievements`);
    const { achievements } = (await listed.response.json()) as { achievements: { name: string }[] };
    expect(achievements.map((a) => a.name)).toContain(ACHIEVEMENT.name);
  });

  const savedWith = async (achievementId: string) => {
    const { db } = tool.current().database;
    const references = await db
      .select({ kind: ruleReferences.kind, ref: ruleReferences.ref })
      .from(ruleReferences)
      .where(eq(ruleReferences.achievementId, achievementId));
    const reevaluations = await db
      .select({ payload: outbox.payload })
      .from(outbox)
      .where(
        and(
          eq(outbox.kind, reevaluateAchievementJob.name),
          eq(outbox.payload, { achievementId, version: 1 }),
        ),
      );
    return { references, reevaluations };
  };

  it('has the rule of a published achievement indexed and the re-evaluation of the course’s learners queued when it answers 201', async () => {
    const { response } = await post(teacher, {
      ...ACHIEVEMENT,
      name: 'Indexed on save',
      publish: true,
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    expect(await savedWith(id)).toEqual({
      references: [{ kind: 'activity', ref: ACHIEVEMENT.rule.passed }],
      reevaluations: [{ payload: { achievementId: id, version: 1 } }],
    });
  });

  it('has a changed rule indexed and its re-evaluation queued when it answers the PATCH', async () => {
    const { response } = await post(teacher, {
      ...ACHIEVEMENT,
      name: 'Changed rule',
      publish: true,
    });
    const { id } = (await response.json()) as { id: string };
    const essay = 'https://example.org/essay';
    const patched = await teacher.request(`${tool.url}/api/achievements/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...ACHIEVEMENT, name: 'Changed rule', rule: { passed: essay } }),
    });
    expect(patched.response.status).toBe(200);
    const { references, reevaluations } = await savedWith(id);
    expect(references).toEqual([{ kind: 'activity', ref: essay }]);
    expect(reevaluations).toHaveLength(2);
  });

  describe('drafts and publishing', () => {
    const publish = (browser: Browser, id: string, body = '{}') =>
      browser.request(`${tool.url}/api/achievements/${id}/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const created = async (body: Record<string, unknown>) => {
      const { response } = await post(teacher, body);
      expect(response.status).toBe(201);
      return (await response.json()) as { id: string; publishedAt: string | null };
    };

    it('creates a draft without publish: no rule index entries, no evaluation queued', async () => {
      const draft = await created({ ...ACHIEVEMENT, name: 'A draft' });
      expect(draft.publishedAt).toBeNull();
      expect(await savedWith(draft.id)).toEqual({ references: [], reevaluations: [] });
    });

    it('creates a draft without a rule, and refuses to publish it with 400 ACHIEVEMENT_PUBLISH_INVALID', async () => {
      const { rule: _rule, ...withoutRule } = ACHIEVEMENT;
      const draft = await created({ ...withoutRule, name: 'No rule yet' });
      const { response } = await publish(teacher, draft.id);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { code: 'ACHIEVEMENT_PUBLISH_INVALID', message: expect.stringMatching(/^rule /) },
      });
      const refused = await post(teacher, { ...withoutRule, name: 'No rule', publish: true });
      expect(refused.response.status).toBe(400);
      expect(await refused.response.json()).toMatchObject({
        error: { code: 'ACHIEVEMENT_PUBLISH_INVALID' },
      });
    });

    it('publishes a draft with its rule: indexed, evaluation queued, publishedAt set', async () => {
      const draft = await created({ ...ACHIEVEMENT, name: 'Published later' });
      const { response } = await publish(teacher, draft.id);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ publishedAt: expect.any(String), version: 1 });
      expect(await savedWith(draft.id)).toEqual({
        references: [{ kind: 'activity', ref: ACHIEVEMENT.rule.passed }],
        reevaluations: [{ payload: { achievementId: draft.id, version: 1 } }],
      });
    });

    it('refuses to send a published achievement back to draft', async () => {
      const published = await created({ ...ACHIEVEMENT, name: 'Stays published', publish: true });
      const { response } = await teacher.request(`${tool.url}/api/achievements/${published.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...ACHIEVEMENT, name: 'Stays published', publish: false }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { code: 'ACHIEVEMENT_PUBLISH_INVALID' },
      });
    });

    it('lets only the course’s teacher publish: 404 in another course, 403 to a learner, 400 without a JSON body', async () => {
      const draft = await created({ ...ACHIEVEMENT, name: 'Guarded draft' });
      const other = createBrowser();
      await lms.launch({
        browser: other,
        user: { id: 'teacher-elsewhere' },
        roles: [LTI_ROLES.instructor],
        context: { id: 'another-course' },
      });
      const learner = createBrowser();
      await lms.launch({ browser: learner, user: { id: 'learner-2' }, roles: [LTI_ROLES.learner] });
      expect((await publish(other, draft.id)).response.status).toBe(404);
      expect((await publish(learner, draft.id)).response.status).toBe(403);
      const asForm = await teacher.request(`${tool.url}/api/achievements/${draft.id}/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      expect(asForm.response.status).toBe(400);
      expect(await savedWith(draft.id)).toEqual({ references: [], reevaluations: [] });
    });
  });

  describe('If-Match: a change based on the revision the client read', () => {
    const patch = (id: string, body: unknown, ifMatch?: string) =>
      teacher.request(`${tool.url}/api/achievements/${id}`, {
        method: 'PATCH',
        headers: {
          'content-type': 'application/json',
          ...(ifMatch !== undefined && { 'if-match': ifMatch }),
        },
        body: JSON.stringify(body),
      });
    const listedAchievement = async (id: string) => {
      const { response } = await teacher.request(`${tool.url}/api/achievements`);
      const { achievements } = (await response.json()) as { achievements: { id: string }[] };
      return achievements.find((achievement) => achievement.id === id);
    };
    const createdWithEtag = async (name: string) => {
      const { response } = await post(teacher, { ...ACHIEVEMENT, name });
      expect(response.status).toBe(201);
      const { id, revision } = (await response.json()) as { id: string; revision: number };
      return { id, revision, etag: response.headers.get('etag') };
    };

    it('gives the revision in the answer and as its ETag, and applies a change sent with that ETag', async () => {
      const created = await createdWithEtag('Matched');
      expect(created).toMatchObject({ revision: 1, etag: '"revision-1"' });

      const { response } = await patch(
        created.id,
        { ...ACHIEVEMENT, name: 'Matched, renamed' },
        '"revision-1"',
      );

      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe('"revision-2"');
      expect(await response.json()).toMatchObject({ name: 'Matched, renamed', revision: 2 });
    });

    it('refuses with 412 ACHIEVEMENT_CHANGED a change sent with an earlier revision’s ETag, changing nothing', async () => {
      const created = await createdWithEtag('Changed meanwhile');
      await patch(created.id, { ...ACHIEVEMENT, name: 'Changed meanwhile, first' }, created.etag!);

      const { response } = await patch(
        created.id,
        { ...ACHIEVEMENT, name: 'Changed meanwhile, second' },
        created.etag!,
      );

      expect(response.status).toBe(412);
      expect(await response.json()).toMatchObject({
        error: { code: 'ACHIEVEMENT_CHANGED', message: expect.stringContaining('revision 2') },
      });
      expect(await listedAchievement(created.id)).toMatchObject({
        name: 'Changed meanwhile, first',
        revision: 2,
      });
    });

    it('refuses publishing with an earlier revision’s ETag with 412, leaving the draft', async () => {
      const created = await createdWithEtag('Publish matched');
      await patch(created.id, { ...ACHIEVEMENT, name: 'Publish matched, renamed' });

      const { response } = await teacher.request(
        `${tool.url}/api/achievements/${created.id}/publish`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'if-match': created.etag! },
          body: '{}',
        },
      );

      expect(response.status).toBe(412);
      expect(await response.json()).toMatchObject({ error: { code: 'ACHIEVEMENT_CHANGED' } });
      expect(await listedAchievement(created.id)).toMatchObject({ publishedAt: null, revision: 2 });
    });

    it('applies a change sent with If-Match: * or without If-Match to whatever is stored', async () => {
      const created = await createdWithEtag('Any revision');
      await patch(created.id, { ...ACHIEVEMENT, name: 'Any revision, 2' });

      expect(
        (await patch(created.id, { ...ACHIEVEMENT, name: 'Any revision, 3' }, '*')).response.status,
      ).toBe(200);
      expect(
        (await patch(created.id, { ...ACHIEVEMENT, name: 'Any revision, 4' })).response.status,
      ).toBe(200);
    });

    it('refuses an If-Match that is not one ETag of this API with 400, saying what to send', async () => {
      const created = await createdWithEtag('Malformed If-Match');

      for (const ifMatch of ['revision-1', '"revision-1", "revision-2"', 'W/"revision-1"', '"3"']) {
        const { response } = await patch(created.id, ACHIEVEMENT, ifMatch);
        expect(response.status, ifMatch).toBe(400);
        expect(await response.json()).toMatchObject({
          error: { code: 'BAD_REQUEST', message: expect.stringContaining('"revision-3"') },
        });
      }
    });
  });

  describe('refusals', () => {
    it('answers 401 SESSION_REQUIRED without a launch', async () => {
      const { response } = await post(createBrowser(), ACHIEVEMENT);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'SESSION_REQUIRED' } });
    });

    it('answers 403 FORBIDDEN to a learner', async () => {
      const learner = createBrowser();
      await lms.launch({ browser: learner, user: { id: 'learner' }, roles: [LTI_ROLES.learner] });
      const { response } = await post(learner, ACHIEVEMENT);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    });

    it('answers 400 AWARD_RULE_INVALID naming the bad part of the rule', async () => {
      const { response } = await post(teacher, {
        ...ACHIEVEMENT,
        rule: { allOf: [{ passed: 'not an iri' }] },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          code: 'AWARD_RULE_INVALID',
          message: expect.stringContaining('rule.allOf[0].passed'),
        },
      });
    });

    it('answers 400 naming a bad field', async () => {
      const { response } = await post(teacher, { ...ACHIEVEMENT, eqfLevel: 9 });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { code: 'BAD_REQUEST', message: 'eqfLevel must be from 1 to 8' },
      });
    });

    it('answers 400 naming a text with a lone surrogate, and stores nothing', async () => {
      const name = 'Circular economy (lone surrogate)';
      const { response } = await post(teacher, {
        ...ACHIEVEMENT,
        name,
        eu: { learningOutcomes: [{ text: 'Explains material \ud800 loops.' }] },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: {
          code: 'BAD_REQUEST',
          message: expect.stringMatching(
            /^eu\.learningOutcomes\.0\.text .*lone surrogate, U\+D800/,
          ),
        },
      });
      const listed = await teacher.request(`${tool.url}/api/achievements`);
      const { achievements } = (await listed.response.json()) as {
        achievements: { name: string }[];
      };
      expect(achievements.map((a) => a.name)).not.toContain(name);
    });

    it('answers 400 naming a text with a NUL character', async () => {
      const { response } = await post(teacher, {
        ...ACHIEVEMENT,
        eu: { translations: { de: { name: 'Daten\u0000kompetenz', description: 'Liest Daten.' } } },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { message: expect.stringMatching(/^eu\.translations\.de\.name .*NUL/) },
      });
    });

    it('answers 400 for malformed JSON', async () => {
      const { response } = await teacher.request(`${tool.url}/api/achievements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"name":',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    });
  });
});

describe('GET /credentials/:id', () => {
  let tool: TestTool;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ tool, close } = await startToolWithLms());
  });
  afterAll(() => close?.());

  it('answers 404 NOT_FOUND for an id never issued', async () => {
    const response = await fetch(`${tool.url}/credentials/00000000-0000-4000-8000-000000000000`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
