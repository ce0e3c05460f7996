import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { achievementTags } from '../../src/db/schema.js';
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
} from './teacher-course-world.js';

const COURSE = 'tags-course';

describe('the group tags page of an achievement: /course/achievements/:id/tags', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;
  let achievementId: string;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    teacher = await launchInto(lms, COURSE, { id: 't-teacher' }, 'teacher');
    achievementId = await createAchievement(tool, teacher, {
      name: 'Green module',
      rule: { passed: 'https://content.example.org/tags/quiz' },
    });
  }, 180_000);
  afterAll(() => close?.());

  const pageUrl = () => `${tool.url}/course/achievements/${achievementId}/tags`;
  const storedTags = async () => {
    const [row] = await tool
      .current()
      .database.db.select()
      .from(achievementTags)
      .where(eq(achievementTags.achievementId, achievementId));
    return row?.tags ?? null;
  };
  const save = async (as: Browser, tags: string, tokenFrom = teacher) => {
    const { html } = await getPage(tokenFrom, `${tool.url}/course/activities`);
    return postForm(as, `${pageUrl()}?lang=en`, { _csrf: csrfTokenOf(html), tags });
  };

  it('is linked from the achievement list and shows no tags at first', async () => {
    const list = await getPage(teacher, `${tool.url}/course`);
    expect(list.html).toContain(`href="/course/achievements/${achievementId}/tags"`);
    const { status, html } = await getPage(teacher, pageUrl());
    expect(status).toBe(200);
    expect(html).toMatch(/<textarea id="tags" name="tags"[^>]*><\/textarea>/);
  });

  it('saves key=value lines as the achievement’s tags and shows them back', async () => {
    const { response } = await save(teacher, 'pillar=environmental\r\nlevel=core\n');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(
      `/course/achievements/${achievementId}/tags?saved=1`,
    );
    expect(await storedTags()).toEqual({ pillar: 'environmental', level: 'core' });
    const { html } = await getPage(teacher, `${pageUrl()}?saved=1&lang=en`);
    expect(html).toContain('The group tags were saved.');
    const shown = /<textarea id="tags"[^>]*>([^<]*)<\/textarea>/.exec(html)?.[1] ?? '';
    expect(shown.split('\n').sort()).toEqual(['level=core', 'pillar=environmental']);
  });

  describe('refusals', () => {
    it('names each bad line: 422, nothing changed', async () => {
      const { response } = await save(teacher, 'pillar=economic\njust words\n');
      expect(response.status).toBe(422);
      expect(await response.text()).toContain(
        'Line 2 of the group tags: write each tag as key=value.',
      );
      expect(await storedTags()).toEqual({ pillar: 'environmental', level: 'core' });
    });

    it('refuses a learner: 403', async () => {
      const learner = await launchInto(lms, COURSE, { id: 't-learner' }, 'learner');
      expect((await getPage(learner, pageUrl())).status).toBe(403);
      const { response } = await postForm(learner, pageUrl(), { tags: 'pillar=societal' });
      expect(response.status).toBe(403);
      expect(await storedTags()).toEqual({ pillar: 'environmental', level: 'core' });
    });

    it('refuses a teacher of another course: 404', async () => {
      const other = await launchInto(lms, 'tags-other', { id: 't-teacher' }, 'teacher');
      expect((await getPage(other, pageUrl())).status).toBe(404);
      const { response } = await save(other, 'pillar=societal', other);
      expect(response.status).toBe(404);
      expect(await storedTags()).toEqual({ pillar: 'environmental', level: 'core' });
    });

    it('refuses a form without the right token: 403', async () => {
      const { response } = await postForm(teacher, pageUrl(), {
        _csrf: 'forged',
        tags: 'pillar=societal',
      });
      expect(response.status).toBe(403);
      expect(await storedTags()).toEqual({ pillar: 'environmental', level: 'core' });
    });
  });
});
