import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awards, credentialRecords, credentialStatusChanges } from '../../src/db/schema.js';
import type { Browser } from '../support/http-client.js';
import type { TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import {
  createAchievement,
  csrfTokenOf,
  getPage,
  launchInto,
  postForm,
  reportPassed,
} from './teacher-course-world.js';

const COURSE = 'awards-course';
const QUIZ = 'https://content.example.org/awards/quiz';

describe('the awards page: /course/awards', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;
  let learner: Browser;
  let awardId: string;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    teacher = await launchInto(lms, COURSE, { id: 'w-teacher' }, 'teacher');
    await createAchievement(tool, teacher, { name: 'Quiz master', rule: { passed: QUIZ } });
    learner = await launchInto(lms, COURSE, { id: 'w-ada', name: 'Ada Lovelace' }, 'learner');
    await reportPassed(tool, lms, 'w-ada', QUIZ);
    const [award] = await db().select().from(awards);
    awardId = award!.id;
  }, 180_000);
  afterAll(() => close?.());

  const db = () => tool.current().database.db;
  const pageUrl = () => `${tool.url}/course/awards`;
  const act = async (action: string, fields: Record<string, string> = {}) => {
    const { html } = await getPage(teacher, pageUrl());
    return postForm(teacher, `${pageUrl()}/${awardId}/${action}`, {
      _csrf: csrfTokenOf(html),
      ...fields,
    });
  };
  const statusOf = async () => {
    const [record] = await db()
      .select()
      .from(credentialRecords)
      .where(eq(credentialRecords.id, awardId));
    const [award] = await db().select().from(awards).where(eq(awards.id, awardId));
    return { record: record?.revokedAt !== null, award: award?.revokedAt !== null };
  };

  it('lists the issued credential with learner, achievement version, form, status and grade', async () => {
    const { status, html } = await getPage(teacher, pageUrl());
    expect(status).toBe(200);
    expect(html).toContain('Ada Lovelace');
    expect(html).toContain('Quiz master');
    expect(html).toContain('version 1');
    expect(html).toContain('>Active<');
    expect(html).toContain('Sent');
    expect(html).toContain(`action="/course/awards/${awardId}/revoke"`);
  });

  it('refuses to revoke without a reason: 422, the message on the field, nothing changed', async () => {
    const { response } = await act('revoke', { reason: '   ' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain(`href="#reason-revoke-${awardId}"`);
    expect(html).toMatch(
      new RegExp(
        `id="reason-revoke-${awardId}"[^>]*aria-describedby="reason-revoke-${awardId}-error`,
      ),
    );
    expect(html).toContain('Give a reason: it is recorded with the change.');
    expect(await statusOf()).toEqual({ record: false, award: false });
  });

  it('revokes with a reason: the status list, the award and the public page say so', async () => {
    const { response } = await act('revoke', { reason: 'Issued to the wrong person' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/course/awards?status=revoked');
    expect(await statusOf()).toEqual({ record: true, award: true });
    const changes = await db()
      .select()
      .from(credentialStatusChanges)
      .where(eq(credentialStatusChanges.credentialId, awardId));
    expect(changes.map((change) => [change.action, change.reason])).toEqual([
      ['revoke', 'Issued to the wrong person'],
    ]);
    const { html } = await getPage(teacher, `${pageUrl()}?status=revoked`);
    expect(html).toContain('role="status">The credential was revoked.');
    expect(html).toContain(`action="/course/awards/${awardId}/reinstate"`);
    expect(html).not.toContain(`action="/course/awards/${awardId}/grade"`);
    const publicPage = await getPage(teacher, `${tool.url}/credentials/${awardId}`);
    expect(publicPage.html).toContain('Revoked');
  });

  it('reinstates with a reason', async () => {
    const { response } = await act('reinstate', { reason: 'Checked again: it was right' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/course/awards?status=reinstated');
    expect(await statusOf()).toEqual({ record: false, award: false });
  });

  it('sends the grade to the LMS again', async () => {
    const before = lms.scores.length;
    const { response } = await act('grade');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/course/awards?status=gradeQueued');
    await tool.current().outbox.drain();
    expect(lms.scores.length).toBe(before + 1);
  });

  describe('refusals', () => {
    it('answers 403 to a form without the right token, and changes nothing', async () => {
      const { response } = await postForm(teacher, `${pageUrl()}/${awardId}/revoke`, {
        _csrf: 'forged',
        reason: 'Forged',
      });
      expect(response.status).toBe(403);
      expect(await statusOf()).toEqual({ record: false, award: false });
    });

    it('answers 403 to a learner, for the page and its forms', async () => {
      expect((await getPage(learner, pageUrl())).status).toBe(403);
      const { response } = await postForm(learner, `${pageUrl()}/${awardId}/revoke`, {
        reason: 'Mine',
      });
      expect(response.status).toBe(403);
      expect(await statusOf()).toEqual({ record: false, award: false });
    });

    it('answers 404 for an award of another course', async () => {
      const other = await launchInto(lms, 'awards-other', { id: 'w-teacher' }, 'teacher');
      const { html } = await getPage(other, `${tool.url}/course/activities`);
      const { response } = await postForm(other, `${tool.url}/course/awards/${awardId}/revoke`, {
        _csrf: csrfTokenOf(html),
        reason: 'Not mine',
      });
      expect(response.status).toBe(404);
      expect(await statusOf()).toEqual({ record: false, award: false });
    });
  });
});
