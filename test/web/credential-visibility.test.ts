import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from '../support/http-client.js';
import {
  ANNEX_I_ACHIEVEMENT,
  CIRCULAR_ECONOMY_QUIZ,
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
} from '../support/course-world.js';
import { csrfTokenOf, getPage, postForm } from './teacher-course-world.js';

/** Every public document of a credential, by the path after the tool's URL. */
const DOCUMENTS = (id: string) => [
  `/credentials/${id}`,
  `/credentials/${id}.json`,
  `/credentials/${id}.jwt`,
  `/credentials/${id}.png`,
  `/credentials/${id}.svg`,
  `/credentials/${id}/verification`,
];

describe('a credential’s visibility, chosen by its learner', () => {
  let world: CourseWorld;
  let teacher: Browser;
  let learner: Browser;
  let otherLearner: Browser;
  let awardId: string;
  let url: string;

  /** Posts the visibility form with the token of `browser`'s session (a teacher's from a page of theirs). */
  const choose = async (visibility: string, browser: Browser = learner) => {
    const { html } = await getPage(
      browser,
      `${url}${browser === teacher ? '/course/awards' : '/course'}`,
    );
    return postForm(browser, `${url}/course/credentials/${awardId}/visibility`, {
      _csrf: csrfTokenOf(html),
      visibility,
    });
  };
  const statusOf = async (path: string, browser?: Browser) =>
    browser
      ? (await browser.request(`${url}${path}`)).response.status
      : (await fetch(`${url}${path}`)).status;

  beforeAll(async () => {
    world = await startCourseWorld();
    url = world.tool.url;
    const registered = await world.platform('registered');
    teacher = await registered.launch({ id: 'teacher-1', name: 'Grace Hopper' }, 'teacher');
    await createAchievementAs(teacher, url, ANNEX_I_ACHIEVEMENT);
    learner = await registered.launch({ id: 'learner-1', name: 'Ada Lovelace' }, 'learner');
    otherLearner = await registered.launch({ id: 'learner-2', name: 'Alan Turing' }, 'learner');
    for (const id of ['learner-1', 'learner-2']) {
      await registered.send(id, [{ activity: CIRCULAR_ECONOMY_QUIZ, verb: 'scored', scaled: 0.9 }]);
    }
    const { html } = await getPage(learner, `${url}/course`);
    awardId = /action="\/course\/credentials\/([0-9a-f-]{36})\/visibility"/.exec(html)![1]!;
  });
  afterAll(async () => {
    await world.close();
  });

  describe('by default', () => {
    it('answers anyone holding the link, and asks search engines not to index it', async () => {
      for (const path of DOCUMENTS(awardId)) expect(await statusOf(path), path).toBe(200);
      const page = await fetch(`${url}/credentials/${awardId}`, {
        headers: { accept: 'text/html' },
      });
      expect(page.headers.get('x-robots-tag')).toBe('noindex');
    });

    it('shows the learner the choice with “anyone I share the link with” selected', async () => {
      const { html } = await getPage(learner, `${url}/course`);
      expect(html).toContain('Who sees its public page');
      expect(html).toMatch(/<input type="radio" name="visibility" value="public" checked>/);
    });

    it('opens its public link outside the LMS frame, in a new window', async () => {
      const { html } = await getPage(learner, `${url}/course`);
      expect(html).toContain(
        `<a href="${url}/credentials/${awardId}" target="_blank" rel="noopener">`,
      );
    });
  });

  describe('once the learner hides it', () => {
    beforeAll(async () => {
      const { response } = await choose('hidden');
      expect(response.status).toBe(303);
    });
    afterAll(async () => {
      await choose('public');
    });

    it('answers everyone else 404, as for a credential never issued', async () => {
      for (const path of DOCUMENTS(awardId)) {
        expect(await statusOf(path), path).toBe(404);
        expect(await statusOf(path, otherLearner), `${path} for another learner`).toBe(404);
      }
      expect(await statusOf(`/credentials/${awardId}/elm`)).toBe(404);
      const body = (await (await fetch(`${url}/credentials/${awardId}.json`)).json()) as {
        error: { code: string; message: string };
      };
      expect(body.error.message).toBe(`No credential with id ${awardId} was issued here.`);
    });

    it('still opens for the learner, out of shared caches, and for the course’s teacher', async () => {
      for (const path of DOCUMENTS(awardId)) {
        expect(await statusOf(path, learner), path).toBe(200);
        expect(await statusOf(path, teacher), `${path} for the teacher`).toBe(200);
      }
      const { response } = await learner.request(`${url}/credentials/${awardId}.json`);
      expect(response.headers.get('cache-control')).toBe('private, no-store');
    });

    it('tells the learner it is hidden', async () => {
      const { html } = await getPage(learner, `${url}/course`);
      expect(html).toContain('Hidden: its public link opens for you and your teachers only.');
      expect(html).toMatch(/<input type="radio" name="visibility" value="hidden" checked>/);
    });

    it('opens its link in the LMS frame, where the learner’s session lets it open', async () => {
      const { html } = await getPage(learner, `${url}/course`);
      expect(html).toContain(`<a href="${url}/credentials/${awardId}">`);
      expect(html).not.toContain(`<a href="${url}/credentials/${awardId}" target="_blank"`);
    });

    it('still verifies when someone is given the file, against a status list that stays public', async () => {
      const { response } = await learner.request(`${url}/credentials/${awardId}.json`);
      const credential = (await response.json()) as {
        credentialStatus: { statusListCredential: string };
      };
      const verified = await fetch(`${url}/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(credential),
      });
      const report = (await verified.json()) as { verified: boolean; verdict: string };
      expect(report).toMatchObject({ verified: true, verdict: 'valid' });
      expect((await fetch(credential.credentialStatus.statusListCredential)).status).toBe(200);
    });
  });

  it('is public again when the learner chooses so', async () => {
    await choose('hidden');
    await choose('public');
    expect(await statusOf(`/credentials/${awardId}.json`)).toBe(200);
  });

  describe('refuses', () => {
    it('another learner (403 CREDENTIAL_NOT_YOURS), and their attempt changes nothing', async () => {
      const { response } = await choose('hidden', otherLearner);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('CREDENTIAL_NOT_YOURS');
      expect(await statusOf(`/credentials/${awardId}.json`)).toBe(200);
    });

    it('the teacher: only the learner decides', async () => {
      const { response } = await choose('hidden', teacher);
      expect(response.status).toBe(403);
      expect(await statusOf(`/credentials/${awardId}.json`)).toBe(200);
    });

    it('a form without the page’s token (403 CSRF_TOKEN_INVALID)', async () => {
      const { response } = await postForm(
        learner,
        `${url}/course/credentials/${awardId}/visibility`,
        {
          visibility: 'hidden',
        },
      );
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('CSRF_TOKEN_INVALID');
      expect(await statusOf(`/credentials/${awardId}.json`)).toBe(200);
    });

    it('a choice that is neither public nor hidden (400)', async () => {
      const { response } = await choose('friends');
      expect(response.status).toBe(400);
    });

    it('anyone without a session (401)', async () => {
      const response = await fetch(`${url}/course/credentials/${awardId}/visibility`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'visibility=hidden',
      });
      expect(response.status).toBe(401);
    });
  });
});
