/**
 * Two teachers (or one teacher in two tabs) edit the same achievement: the page saved second was
 * opened before the first save, so saving it is refused with 409 and the page again, showing the
 * teacher's own version and a notice, instead of silently undoing the first save. Saving that
 * page again is then a deliberate choice, and goes through.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { achievements } from '../../src/db/schema.js';
import { createTranslations } from '../../src/web/i18n.js';
import type { Browser } from '../support/http-client.js';
import type { TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import {
  createAchievement,
  formEntriesOf,
  getPage,
  launchInto,
  postForm,
} from './teacher-course-world.js';

const QUIZ = 'https://courses.example.org/green/final-quiz';
const LAB = 'https://courses.example.org/green/lab';
const ESSAY = 'https://courses.example.org/green/essay';
const COURSE = 'course-green';

/** The text fields a browser would send for the page's form matching `selector`, by name. */
function formFieldsOf(html: string, selector: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of formEntriesOf(html, selector)) fields[name] ??= value;
  return fields;
}

const changedNotice = createTranslations().translator('en')(
  'teacher-achievements:changedMeanwhile.title',
);

describe('an achievement saved from a page opened before another save', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let ada: Browser;
  let grace: Browser;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    ada = await launchInto(lms, COURSE, { id: 'teacher-ada' }, 'teacher');
    grace = await launchInto(lms, COURSE, { id: 'teacher-grace' }, 'teacher');
  });
  afterAll(() => close?.());

  const stored = async (id: string) => {
    const { db } = tool.current().database;
    const [row] = await db.select().from(achievements).where(eq(achievements.id, id));
    return row!;
  };
  const open = async (browser: Browser, path: string, selector: string) => {
    const page = await getPage(browser, `${tool.url}${path}?lang=en`);
    expect(page.status).toBe(200);
    return formFieldsOf(page.html, selector);
  };
  const post = async (browser: Browser, path: string, fields: Record<string, string>) => {
    const { response } = await postForm(browser, `${tool.url}${path}?lang=en`, fields);
    return {
      status: response.status,
      location: response.headers.get('location'),
      html: await response.text(),
    };
  };

  describe('the details form', () => {
    it('refuses the second save with 409, the notice and the teacher’s values, storing nothing of it', async () => {
      const id = await createAchievement(tool, ada, {
        name: 'Green Basics',
        rule: { passed: QUIZ },
      });
      const path = `/course/achievements/${id}`;
      const adasForm = await open(ada, `${path}/edit`, 'form.achievement-form');
      const gracesForm = await open(grace, `${path}/edit`, 'form.achievement-form');
      expect(gracesForm.revision).toBe('1');

      const first = await post(ada, path, { ...adasForm, name: 'Green Basics, renamed by Ada' });
      expect(first.status).toBe(303);
      const second = await post(grace, path, {
        ...gracesForm,
        description: 'Described again by Grace.',
      });

      expect(second.status).toBe(409);
      expect(second.html).toContain(changedNotice);
      const shown = formFieldsOf(second.html, 'form.achievement-form');
      expect(shown).toMatchObject({
        name: 'Green Basics',
        description: 'Described again by Grace.',
        revision: '2',
      });
      expect(await stored(id)).toMatchObject({
        name: 'Green Basics, renamed by Ada',
        description: 'Green Basics, described.',
        revision: 2,
      });
    });

    it('stores the teacher’s version when the refused page is saved again', async () => {
      const id = await createAchievement(tool, ada, {
        name: 'Saved again',
        rule: { passed: QUIZ },
      });
      const path = `/course/achievements/${id}`;
      const gracesForm = await open(grace, `${path}/edit`, 'form.achievement-form');
      await post(ada, path, {
        ...(await open(ada, `${path}/edit`, 'form.achievement-form')),
        criteria: 'Criteria by Ada.',
      });
      const refused = await post(grace, path, { ...gracesForm, criteria: 'Criteria by Grace.' });
      expect(refused.status).toBe(409);

      const again = await post(grace, path, formFieldsOf(refused.html, 'form.achievement-form'));

      expect(again.status).toBe(303);
      expect(await stored(id)).toMatchObject({ criteria: 'Criteria by Grace.', revision: 3 });
    });

    it('saves a form that carries no revision (a page opened before this version) as before', async () => {
      const id = await createAchievement(tool, ada, { name: 'Old page', rule: { passed: QUIZ } });
      const path = `/course/achievements/${id}`;
      const { revision: _revision, ...oldForm } = await open(
        ada,
        `${path}/edit`,
        'form.achievement-form',
      );
      await post(grace, path, {
        ...(await open(grace, `${path}/edit`, 'form.achievement-form')),
        criteria: 'Changed first.',
      });

      const saved = await post(ada, path, { ...oldForm, name: 'Old page, renamed' });

      expect(saved.status).toBe(303);
      expect(await stored(id)).toMatchObject({ name: 'Old page, renamed', revision: 3 });
    });
  });

  describe('the rule form', () => {
    it('refuses a rule saved from a page opened before another save, showing the teacher’s rule', async () => {
      const id = await createAchievement(tool, ada, { name: 'Rule race', rule: { passed: QUIZ } });
      const path = `/course/achievements/${id}/rule`;
      const adasRule = await open(ada, path, 'form.rule-form');
      const gracesRule = await open(grace, path, 'form.rule-form');
      expect(
        (await post(grace, path, { ...gracesRule, 'conditions.0.activity': LAB })).status,
      ).toBe(303);

      const refused = await post(ada, path, { ...adasRule, 'conditions.0.activity': ESSAY });

      expect(refused.status).toBe(409);
      expect(refused.html).toContain(changedNotice);
      expect(formFieldsOf(refused.html, 'form.rule-form')).toMatchObject({
        'conditions.0.activity': ESSAY,
        revision: '2',
      });
      expect(await stored(id)).toMatchObject({ rule: { passed: LAB }, revision: 2 });
    });

    it('refuses publishing from a preview of a page opened before another save, leaving the draft', async () => {
      const { response } = await ada.request(`${tool.url}/api/achievements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Draft race',
          description: 'A draft.',
          criteria: 'Pass the quiz.',
          rule: { passed: QUIZ },
        }),
      });
      const { id } = (await response.json()) as { id: string };
      const path = `/course/achievements/${id}/rule`;
      const adasRule = await open(ada, path, 'form.rule-form');
      await post(grace, `/course/achievements/${id}`, {
        ...(await open(grace, `/course/achievements/${id}/edit`, 'form.achievement-form')),
        name: 'Draft race, renamed by Grace',
      });
      const preview = await post(ada, `${path}/preview`, adasRule);
      expect(preview.status).toBe(200);
      const publishForm = formFieldsOf(preview.html, 'form.publish-form');
      expect(publishForm.revision).toBe('1');

      const refused = await post(ada, `${path}/publish`, publishForm);

      expect(refused.status).toBe(409);
      expect(refused.html).toContain(changedNotice);
      expect(await stored(id)).toMatchObject({
        name: 'Draft race, renamed by Grace',
        publishedAt: null,
        revision: 2,
      });
    });
  });

  it('refuses a rule built in the rule builder from a page opened before another save', async () => {
    const id = await createAchievement(tool, ada, { name: 'Builder race', rule: { passed: QUIZ } });
    const path = `/course/achievements/${id}/rule/builder`;
    const built = await open(ada, path, 'form.rule-builder');
    await post(grace, `/course/achievements/${id}/rule`, {
      ...(await open(grace, `/course/achievements/${id}/rule`, 'form.rule-form')),
      'conditions.0.activity': LAB,
    });
    const added = await post(ada, path, { ...built, action: 'addCondition:r' });
    expect(formFieldsOf(added.html, 'form.rule-builder').revision).toBe('1');

    const refused = await post(ada, path, {
      ...formFieldsOf(added.html, 'form.rule-builder'),
      action: 'save',
    });

    expect(refused.status).toBe(409);
    expect(refused.html).toContain(changedNotice);
    expect(formFieldsOf(refused.html, 'form.rule-builder').revision).toBe('2');
    expect(await stored(id)).toMatchObject({ rule: { passed: LAB }, revision: 2 });
  });

  it('refuses a badge designed on a page opened before another save, keeping the image', async () => {
    const id = await createAchievement(tool, ada, { name: 'Badge race', rule: { passed: QUIZ } });
    const path = `/course/achievements/${id}/badge`;
    const design = await open(ada, path, 'form.achievement-form');
    await post(grace, `/course/achievements/${id}`, {
      ...(await open(grace, `/course/achievements/${id}/edit`, 'form.achievement-form')),
      name: 'Badge race, renamed',
    });
    const imageBefore = (await stored(id)).image;

    const refused = await post(ada, path, { ...design, title: 'Ada’s badge', intent: 'save' });

    expect(refused.status).toBe(409);
    expect(refused.html).toContain(changedNotice);
    expect(formFieldsOf(refused.html, 'form.achievement-form')).toMatchObject({
      title: 'Ada’s badge',
      revision: '2',
    });
    expect(await stored(id)).toMatchObject({ image: imageBefore, revision: 2 });
  });

  it('answers a learner’s save with 403 whatever revision it names, changing nothing', async () => {
    const id = await createAchievement(tool, ada, { name: 'Not theirs', rule: { passed: QUIZ } });
    const learner = await launchInto(lms, COURSE, { id: 'learner-lin' }, 'learner');
    const adasForm = await open(ada, `/course/achievements/${id}/edit`, 'form.achievement-form');

    const refused = await post(learner, `/course/achievements/${id}`, {
      ...adasForm,
      name: 'Renamed by a learner',
    });

    expect(refused.status).toBe(403);
    expect(await stored(id)).toMatchObject({ name: 'Not theirs', revision: 1 });
  });
});
