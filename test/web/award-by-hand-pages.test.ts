import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  achievements,
  awardClaims,
  awards,
  credentialRecords,
  users,
} from '../../src/db/schema.js';
import { createAchievementAs } from '../support/course-world.js';
import type { Browser } from '../support/http-client.js';
import { LTI_ROLES, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import { csrfTokenOf, getPage, launchInto, postForm } from './teacher-course-world.js';

const COURSE = 'by-hand-course';
const QUIZ = 'https://content.example.org/by-hand/quiz';
const REASON = 'Presented the field work in class';

describe('awards by hand: /course/awards/new and /course/awards/csv', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;
  let ada: Browser;
  let fieldWork: string;
  let listed: string;
  let draft: string;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    teacher = await launchInto(lms, COURSE, { id: 'h-grace', name: 'Grace Hopper' }, 'teacher');
    const achievement = (name: string, extra: Record<string, unknown> = {}) =>
      createAchievementAs(teacher, tool.url, {
        name,
        description: `${name}, described.`,
        criteria: 'Do the activities.',
        rule: { passed: QUIZ },
        ...extra,
      });
    fieldWork = await achievement('Field work', { expiresAfter: 'P1Y' });
    listed = await achievement('Listed work');
    draft = await achievement('Draft work', { publish: false });
    ada = await launchInto(
      lms,
      COURSE,
      { id: 'h-ada', name: 'Ada Lovelace', email: 'ada@example.org' },
      'learner',
    );
    lms.addMembers(COURSE, [
      {
        user: { id: 'h-bob', name: 'Bob Noyce', email: 'bob@example.org', username: 'bob' },
        roles: [LTI_ROLES.learner],
      },
      {
        user: { id: 'h-cy', name: 'Cy Young', email: 'cy@example.org', username: 'cy' },
        roles: [LTI_ROLES.learner],
      },
    ]);
  }, 180_000);
  afterAll(() => close?.());

  const db = () => tool.current().database.db;
  const awardsOf = async (sub: string) =>
    db()
      .select({ award: awards })
      .from(awards)
      .innerJoin(users, eq(users.id, awards.userId))
      .where(eq(users.sub, sub));
  const awardOne = async (as: Browser, fields: Record<string, string>) => {
    const { html } = await getPage(teacher, `${tool.url}/course/awards/new`);
    return postForm(as, `${tool.url}/course/awards/new`, { _csrf: csrfTokenOf(html), ...fields });
  };

  describe('one learner', () => {
    it('offers the roster’s learners, launched or not, and the published achievements only', async () => {
      const { status, html } = await getPage(teacher, `${tool.url}/course/awards/new`);
      expect(status).toBe(200);
      expect(html).toContain('Ada Lovelace (ada@example.org)');
      expect(html).toContain('Bob Noyce (bob@example.org)');
      expect(html).toContain(`value="${fieldWork}"`);
      expect(html).not.toContain(`value="${draft}"`);
    });

    it('is linked from each learner of the progress page, the learner chosen', async () => {
      const progress = await getPage(teacher, `${tool.url}/course/progress`);
      expect(progress.html).toContain('href="/course/awards/new?learner=h-bob"');
      const { html } = await getPage(teacher, `${tool.url}/course/awards/new?learner=h-bob`);
      expect(html).toContain('<option value="h-bob" selected>');
    });

    it('awards with the teacher’s name and reason as evidence, the expiry as validUntil, and full marks in the gradebook', async () => {
      const before = lms.scores.length;
      const { response } = await awardOne(teacher, {
        learner: 'h-ada',
        achievement: fieldWork,
        reason: REASON,
      });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/course/awards?status=awarded');
      const [row] = await awardsOf('h-ada');
      const award = row!.award;
      expect(award.evidence).toMatchObject({
        awardedBy: { name: 'Grace Hopper', reason: REASON },
      });
      const credential = award.credential as {
        evidence: { narrative: string }[];
        validFrom: string;
        validUntil: string;
      };
      expect(credential.evidence.map((evidence) => evidence.narrative)).toEqual([
        `awarded by Grace Hopper : ${REASON}`,
      ]);
      const oneYearLater = new Date(credential.validFrom);
      oneYearLater.setUTCFullYear(oneYearLater.getUTCFullYear() + 1);
      expect(credential.validUntil).toBe(oneYearLater.toISOString().replace('.000Z', 'Z'));
      expect(award.validUntil?.toISOString()).toBe(oneYearLater.toISOString());

      await tool.current().outbox.drain();
      const score = lms.scores.at(-1)!;
      expect(lms.scores.length).toBe(before + 1);
      expect(score.body.userId).toBe('h-ada');
      expect(score.body.scoreGiven).toBe(score.body.scoreMaximum);
    });

    it('shows the expiry on the awards page, the learner’s page and the public page', async () => {
      const [row] = await awardsOf('h-ada');
      const until = row!.award.validUntil!;
      const year = String(until.getUTCFullYear());
      const teacherPage = await getPage(teacher, `${tool.url}/course/awards?lang=en`);
      expect(teacherPage.html).toMatch(new RegExp(`Valid until [^<]*${year}`));
      const learnerPage = await getPage(ada, `${tool.url}/course?lang=en`);
      expect(learnerPage.html).toMatch(new RegExp(`Valid until [^<]*${year}\\.`));
      const publicPage = await getPage(teacher, `${tool.url}/credentials/${row!.award.id}?lang=en`);
      expect(publicPage.html).toMatch(new RegExp(`until [^<]*${year}`));
    });

    it('says expired once the fixed day has passed: the public page and its verification', async () => {
      const lapsed = await createAchievementAs(teacher, tool.url, {
        name: 'Lapsed work',
        description: 'Lapsed work, described.',
        criteria: 'Do the activities.',
        rule: { passed: QUIZ },
        expiresOn: '2099-12-31',
      });
      // A day in the past is refused when typed; this one is stored as if its day had passed.
      await db()
        .update(achievements)
        .set({ expiresOn: '2020-12-31' })
        .where(eq(achievements.id, lapsed));
      const { response } = await awardOne(teacher, {
        learner: 'h-ada',
        achievement: lapsed,
        reason: REASON,
      });
      expect(response.status).toBe(303);
      const [row] = (await awardsOf('h-ada')).filter(({ award }) => award.achievementId === lapsed);
      expect((row!.award.credential as { validUntil: string }).validUntil).toBe(
        '2020-12-31T23:59:59Z',
      );
      const publicPage = await getPage(teacher, `${tool.url}/credentials/${row!.award.id}?lang=en`);
      expect(publicPage.html).toContain('Expired on');
      expect(publicPage.html).toContain('this credential is no longer valid');
    });

    it('awards a roster learner who never launched', async () => {
      const { response } = await awardOne(teacher, {
        learner: 'h-bob',
        achievement: fieldWork,
        reason: REASON,
      });
      expect(response.status).toBe(303);
      expect(await awardsOf('h-bob')).toHaveLength(1);
    });

    it('awards a learner whose credential a process that died was issuing, once its claim lapses', async () => {
      const claimed = await createAchievementAs(teacher, tool.url, {
        name: 'Claimed work',
        description: 'Claimed work, described.',
        criteria: 'Do the activities.',
        rule: { passed: QUIZ },
      });
      const [ada] = await db().select().from(users).where(eq(users.sub, 'h-ada'));
      // The claim of an issuing that stopped 9 s ago: another process holds it for 10 s.
      await db()
        .insert(awardClaims)
        .values({
          userId: ada!.id,
          achievementId: claimed,
          achievementVersion: 1,
          awardId: randomUUID(),
          claimedAt: new Date(Date.now() - 9_000),
        });

      const { response } = await awardOne(teacher, {
        learner: 'h-ada',
        achievement: claimed,
        reason: REASON,
      });

      expect(response.status).toBe(303);
      const held = await awardsOf('h-ada');
      expect(held.filter(({ award }) => award.achievementId === claimed)).toHaveLength(1);
    });

    describe('refusals', () => {
      it('refuses without a reason: 422, the error named and linked, nothing awarded', async () => {
        const { response } = await awardOne(teacher, {
          learner: 'h-cy',
          achievement: fieldWork,
          reason: ' ',
        });
        expect(response.status).toBe(422);
        const html = await response.text();
        expect(html).toContain('<a href="#field-reason">Reason: Give a reason');
        expect(html).toMatch(/id="field-reason"[^>]*aria-invalid="true"/);
        expect(await awardsOf('h-cy')).toHaveLength(0);
      });

      it('refuses a learner who already holds it: 409', async () => {
        const { response } = await awardOne(teacher, {
          learner: 'h-ada',
          achievement: fieldWork,
          reason: REASON,
        });
        expect(response.status).toBe(409);
        expect(await response.text()).toContain('This learner already holds this achievement.');
        const held = await awardsOf('h-ada');
        expect(held.filter(({ award }) => award.achievementId === fieldWork)).toHaveLength(1);
      });

      it('refuses a draft: 409', async () => {
        const { response } = await awardOne(teacher, {
          learner: 'h-cy',
          achievement: draft,
          reason: REASON,
        });
        expect(response.status).toBe(409);
        expect(await response.text()).toContain('This achievement is a draft');
        expect(await awardsOf('h-cy')).toHaveLength(0);
      });

      it('refuses someone who is not a learner of the course: 404', async () => {
        const { response } = await awardOne(teacher, {
          learner: 'h-stranger',
          achievement: fieldWork,
          reason: REASON,
        });
        expect(response.status).toBe(404);
        expect(await response.text()).toContain('This person is not a learner of this course.');
        expect(await awardsOf('h-stranger')).toHaveLength(0);
      });

      it('refuses a learner: 403 for the page and the form', async () => {
        expect((await getPage(ada, `${tool.url}/course/awards/new`)).status).toBe(403);
        const { response } = await postForm(ada, `${tool.url}/course/awards/new`, {
          learner: 'h-cy',
          achievement: fieldWork,
          reason: 'I deserve it',
        });
        expect(response.status).toBe(403);
        expect(await awardsOf('h-cy')).toHaveLength(0);
      });

      it('refuses a teacher of another course: the achievement is not theirs', async () => {
        const other = await launchInto(lms, 'by-hand-other', { id: 'h-grace' }, 'teacher');
        const { html } = await getPage(other, `${tool.url}/course/activities`);
        const { response } = await postForm(other, `${tool.url}/course/awards/new`, {
          _csrf: csrfTokenOf(html),
          learner: 'h-cy',
          achievement: fieldWork,
          reason: REASON,
        });
        expect(response.status).toBe(404);
        expect(await awardsOf('h-cy')).toHaveLength(0);
      });

      it('refuses a form without the right token: 403', async () => {
        const { response } = await postForm(teacher, `${tool.url}/course/awards/new`, {
          _csrf: 'forged',
          learner: 'h-cy',
          achievement: fieldWork,
          reason: REASON,
        });
        expect(response.status).toBe(403);
        expect(await awardsOf('h-cy')).toHaveLength(0);
      });
    });
  });

  describe('a CSV list', () => {
    const upload = async (as: Browser, csv: string, fields: Record<string, string> = {}) => {
      const { html } = await getPage(teacher, `${tool.url}/course/awards/csv`);
      const form = new FormData();
      form.set('_csrf', csrfTokenOf(html));
      form.set('achievement', listed);
      form.set('reason', REASON);
      for (const [name, value] of Object.entries(fields)) form.set(name, value);
      form.set('file', new Blob([csv], { type: 'text/csv' }), 'learners.csv');
      const { response } = await as.request(`${tool.url}/course/awards/csv?lang=en`, {
        method: 'POST',
        body: form,
        followRedirects: false,
      });
      return { status: response.status, html: await response.text() };
    };
    const confirm = async (html: string) => {
      const fields = new URLSearchParams();
      for (const [, name, value] of html.matchAll(
        /<input type="hidden" name="(_csrf|achievement|reason|learner)" value="([^"]*)">/g,
      )) {
        if (name === 'learner' || !fields.has(name!)) fields.append(name!, value!);
      }
      const { response } = await teacher.request(`${tool.url}/course/awards/csv/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: fields.toString(),
        followRedirects: false,
      });
      return response;
    };
    const CSV =
      'email,name\r\nada@example.org,Ada\r\nBOB@example.org,Bob\r\ncy@example.org,Cy\r\nnobody@example.org,Nobody\r\n';

    it('shows each line valid or refused with its reason before awarding anything', async () => {
      const { status, html } = await upload(teacher, CSV);
      expect(status).toBe(200);
      expect(html).toContain('3 lines can be awarded.');
      expect(html).toContain('1 line is refused.');
      expect(html).toContain('row 5: no learner with email nobody@example.org in this course');
      expect(html).toContain('Award 3 credentials');
      expect(await db().select().from(awards).where(eq(awards.achievementId, listed))).toHaveLength(
        0,
      );
    });

    it('awards the valid lines with one click, and a second click awards nobody twice', async () => {
      const { html } = await upload(teacher, CSV);
      const first = await confirm(html);
      expect(first.status).toBe(303);
      expect(first.headers.get('location')).toBe(
        '/course/awards?status=listAwarded&awarded=3&held=0',
      );
      const again = await confirm(html);
      expect(again.headers.get('location')).toBe(
        '/course/awards?status=listAwarded&awarded=0&held=3',
      );
      const issued = await db().select().from(awards).where(eq(awards.achievementId, listed));
      expect(issued).toHaveLength(3);
      const page = await getPage(
        teacher,
        `${tool.url}/course/awards?status=listAwarded&awarded=3&held=0&lang=en`,
      );
      expect(page.html).toContain('3 credentials were awarded.');
    });

    it('names learners by username or LMS user id, and refuses repeats and holders', async () => {
      const byName = await upload(teacher, 'username\nbob\nbob\n');
      expect(byName.html).toContain('row 2: Bob Noyce (bob@example.org) already holds it');
      expect(byName.html).toContain('row 3: Bob Noyce (bob@example.org) is already on row 2');
      const byId = await upload(teacher, 'user_id\nh-nobody\n');
      expect(byId.html).toContain('row 2: no learner with LMS user id h-nobody in this course');
      expect(byId.html).toContain('No line can be awarded');
    });

    it('refuses a file without a named column: 422 on the file field', async () => {
      const { status, html } = await upload(teacher, 'ada@example.org\n');
      expect(status).toBe(422);
      expect(html).toContain('The first line must name the column: email, username or user_id.');
      expect(html).toContain('href="#field-file"');
    });

    it('refuses a learner: 403, nothing read or awarded', async () => {
      const { status } = await upload(ada, CSV);
      expect(status).toBe(403);
      const response = await ada.request(`${tool.url}/course/awards/csv/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          achievement: fieldWork,
          reason: 'Mine',
          learner: 'h-cy',
        }).toString(),
        followRedirects: false,
      });
      expect(response.response.status).toBe(403);
      expect(await awardsOf('h-cy')).toHaveLength(1);
    });
  });

  describe('a stack awarded by hand states the credits the learner holds, never its own figure', () => {
    const stackOf = async (name: string, stackCredit: 'components' | 'fixed') => {
      const part = (suffix: string, ects: number) =>
        createAchievementAs(teacher, tool.url, {
          name: `${name}: ${suffix}`,
          description: 'A part of the stack.',
          criteria: 'Do the activities.',
          ects,
          rule: { passed: `${QUIZ}/${encodeURIComponent(`${name} ${suffix}`)}` },
        });
      const first = await part('first part', 2);
      const second = await part('second part', 3);
      const stack = await createAchievementAs(teacher, tool.url, {
        name,
        description: 'Both parts.',
        criteria: 'Hold both parts.',
        ects: 10,
        stackCredit,
        rule: { allOf: [{ earned: first }, { earned: second }] },
      });
      return { first, second, stack };
    };
    const evidenceOf = async (sub: string, achievementId: string) => {
      const rows = await awardsOf(sub);
      const row = rows.find(({ award }) => award.achievementId === achievementId);
      return row?.award.evidence as
        | { creditsEarned: number | null; stackedCredentials: { achievementId: string }[] }
        | undefined;
    };

    it('carries the ECTS of the components the learner holds, and names them as its evidence', async () => {
      const { first, stack } = await stackOf('Green skills', 'components');
      await awardOne(teacher, { learner: 'h-cy', achievement: first, reason: REASON });
      const { response } = await awardOne(teacher, {
        learner: 'h-cy',
        achievement: stack,
        reason: REASON,
      });
      expect(response.status).toBe(303);
      const evidence = await evidenceOf('h-cy', stack);
      expect(evidence?.creditsEarned).toBe(2);
      expect(evidence?.stackedCredentials.map((item) => item.achievementId)).toEqual([first]);
    });

    it('is refused with 409 and the reason on the learner field when the learner holds none of its components, awarding nothing', async () => {
      const { stack } = await stackOf('Blue skills', 'components');
      const { response } = await awardOne(teacher, {
        learner: 'h-bob',
        achievement: stack,
        reason: REASON,
      });
      expect(response.status).toBe(409);
      expect(await response.text()).toContain(
        'This learner holds none of the credentials whose credits this stack carries: award those first, or give the stack a fixed credit.',
      );
      expect(await evidenceOf('h-bob', stack)).toBeUndefined();
    });

    it('counts apart, in a CSV list, the learners who hold none of its components', async () => {
      const { stack } = await stackOf('Grey skills', 'components');
      const { html } = await getPage(teacher, `${tool.url}/course/awards/csv`);
      const { response } = await postForm(teacher, `${tool.url}/course/awards/csv/confirm`, {
        _csrf: csrfTokenOf(html),
        achievement: stack,
        reason: REASON,
        learner: 'h-bob',
      });
      const location = response.headers.get('location');
      expect(location).toBe(
        '/course/awards?status=listAwarded&awarded=0&held=0&withoutComponents=1',
      );
      const page = await getPage(teacher, `${tool.url}${location}&lang=en`);
      expect(page.html).toContain(
        '1 learner holds none of the credentials whose credits the stack carries, and was not awarded it.',
      );
      expect(await evidenceOf('h-bob', stack)).toBeUndefined();
    });

    it('refuses, in the CSV check before confirming, the learners who hold none of its components', async () => {
      const { first, stack } = await stackOf('Yellow skills', 'components');
      await awardOne(teacher, { learner: 'h-cy', achievement: first, reason: REASON });
      const { html: csvPage } = await getPage(teacher, `${tool.url}/course/awards/csv`);
      const form = new FormData();
      form.set('_csrf', csrfTokenOf(csvPage));
      form.set('achievement', stack);
      form.set('reason', REASON);
      const csv = 'email\r\ncy@example.org\r\nbob@example.org\r\n';
      form.set('file', new Blob([csv], { type: 'text/csv' }), 'learners.csv');
      const { response } = await teacher.request(`${tool.url}/course/awards/csv?lang=en`, {
        method: 'POST',
        body: form,
        followRedirects: false,
      });
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain('1 line can be awarded.');
      expect(html).toContain(
        'row 3: Bob Noyce (bob@example.org) holds none of the credentials whose credits this stack carries: award those first',
      );
      expect(html).toContain('<input type="hidden" name="learner" value="h-cy">');
      expect(html).not.toContain('<input type="hidden" name="learner" value="h-bob">');
    });

    it('carries the fixed ECTS the teacher set for a stack of fixed credit', async () => {
      const { stack } = await stackOf('Red skills', 'fixed');
      const { response } = await awardOne(teacher, {
        learner: 'h-bob',
        achievement: stack,
        reason: REASON,
      });
      expect(response.status).toBe(303);
      expect((await evidenceOf('h-bob', stack))?.creditsEarned).toBe(10);
    });
  });

  describe('bulk revocation: POST /course/awards/revoke', () => {
    const revoke = async (as: Browser, fields: [string, string][]) => {
      const { html } = await getPage(as, `${tool.url}/course/activities`);
      const body = new URLSearchParams([['_csrf', csrfTokenOf(html)], ...fields]);
      const { response } = await as.request(`${tool.url}/course/awards/revoke?lang=en`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
        followRedirects: false,
      });
      return response;
    };
    const listedAwards = async () =>
      db().select().from(awards).where(eq(awards.achievementId, listed));
    const revokedRecords = async (ids: string[]) => {
      const records = await db().select().from(credentialRecords);
      return records.filter((record) => ids.includes(record.id) && record.revokedAt !== null)
        .length;
    };

    it('refuses without a reason or without a selection: 422, nothing revoked', async () => {
      const ids = (await listedAwards()).map((award) => award.id);
      const noReason = await revoke(teacher, [['award', ids[0]!]]);
      expect(noReason.status).toBe(422);
      expect(await noReason.text()).toContain('href="#bulk-reason"');
      const noneSelected = await revoke(teacher, [['reason', 'Wrong list']]);
      expect(noneSelected.status).toBe(422);
      expect(await noneSelected.text()).toContain('Select at least one credential to revoke.');
      expect(await revokedRecords(ids)).toBe(0);
    });

    it('refuses a teacher of another course: 404, nothing revoked', async () => {
      const ids = (await listedAwards()).map((award) => award.id);
      const other = await launchInto(lms, 'by-hand-other', { id: 'h-grace' }, 'teacher');
      const response = await revoke(other, [
        ['award', ids[0]!],
        ['reason', 'Not mine'],
      ]);
      expect(response.status).toBe(404);
      expect(await revokedRecords(ids)).toBe(0);
    });

    it('refuses a learner: 403', async () => {
      const ids = (await listedAwards()).map((award) => award.id);
      const { response } = await postForm(ada, `${tool.url}/course/awards/revoke`, {
        award: ids[0]!,
        reason: 'Mine',
      });
      expect(response.status).toBe(403);
      expect(await revokedRecords(ids)).toBe(0);
    });

    it('revokes the selected awards with one reason, and the status list says so', async () => {
      const ids = (await listedAwards()).map((award) => award.id);
      const response = await revoke(teacher, [
        ['award', ids[0]!],
        ['award', ids[1]!],
        ['reason', 'Listed by mistake'],
      ]);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/course/awards?status=bulkRevoked&count=2');
      expect(await revokedRecords(ids)).toBe(2);
      const rows = await listedAwards();
      expect(
        rows
          .filter((award) => award.revokedAt !== null)
          .map((award) => award.id)
          .sort(),
      ).toEqual([ids[0]!, ids[1]!].sort());
      const again = await revoke(teacher, [
        ['award', ids[0]!],
        ['reason', 'Listed by mistake'],
      ]);
      expect(again.headers.get('location')).toBe('/course/awards?status=bulkRevoked&count=0');
    });
  });
});
