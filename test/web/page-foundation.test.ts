import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowser, type Browser } from '../support/http-client.js';
import { LTI_ROLES, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import { csrfTokenOf } from './teacher-course-world.js';

const html = { accept: 'text/html' };

describe('pages in the language of their reader', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
  });
  afterAll(() => close?.());

  const titleOf = async (response: Response) =>
    /<h1>([^<]*)<\/h1>/.exec(await response.text())?.[1];

  it('answers a browser without a session with a 401 page in English by default', async () => {
    const { response } = await createBrowser().request(`${tool.url}/course`, { headers: html });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-language')).toBe('en');
    expect(await response.text()).toContain('<html lang="en">');
  });

  it('follows Accept-Language when nothing else says which language', async () => {
    const { response } = await createBrowser().request(`${tool.url}/course`, {
      headers: { ...html, 'accept-language': 'pl-PL, en;q=0.5' },
    });
    expect(response.headers.get('content-language')).toBe('pl');
    expect(await titleOf(response)).not.toBe(
      await titleOf(
        (await createBrowser().request(`${tool.url}/course`, { headers: html })).response,
      ),
    );
  });

  it('takes the locale of the LMS launch over the browser language', async () => {
    const browser = createBrowser();
    await lms.launch({
      browser,
      user: { id: 'fi-learner' },
      roles: [LTI_ROLES.learner],
      locale: 'fi-FI',
    });
    const { response } = await browser.request(`${tool.url}/course`, {
      headers: { ...html, 'accept-language': 'de' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-language')).toBe('fi');
  });

  describe('the language switcher', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = createBrowser();
      await lms.launch({ browser, user: { id: 'switcher' }, roles: [LTI_ROLES.learner] });
    });

    it('links this page in each of the nine languages', async () => {
      const page = await (
        await browser.request(`${tool.url}/course`, { headers: html })
      ).response.text();
      for (const locale of ['en', 'de', 'fr', 'it', 'es', 'fi', 'sv', 'pl', 'nl']) {
        expect(page).toContain(`href="/course?lang=${locale}"`);
      }
    });

    it('keeps the chosen language for the following pages, until the next launch', async () => {
      await browser.request(`${tool.url}/course?lang=sv`, { headers: html });
      const next = await browser.request(`${tool.url}/course`, { headers: html });
      expect(next.response.headers.get('content-language')).toBe('sv');

      await lms.launch({
        browser,
        user: { id: 'switcher' },
        roles: [LTI_ROLES.learner],
        locale: 'it',
      });
      const afterLaunch = await browser.request(`${tool.url}/course`, { headers: html });
      expect(afterLaunch.response.headers.get('content-language')).toBe('it');
    });

    it('leads back to the form page from a page that answers a form post', async () => {
      const teacher = createBrowser();
      await lms.launch({ browser: teacher, user: { id: 'poster' }, roles: [LTI_ROLES.instructor] });
      const formUrl = `${tool.url}/course/achievements/new`;
      const form = await (await teacher.request(formUrl, { headers: html })).response.text();
      const { response } = await teacher.request(`${tool.url}/course/achievements`, {
        method: 'POST',
        headers: { ...html, referer: formUrl },
        body: new URLSearchParams({ _csrf: csrfTokenOf(form), name: '' }),
      });
      expect(response.status).toBe(422);
      const page = await response.text();
      expect(page).toContain('href="/course/achievements/new?lang=de"');
      expect(page).not.toContain('href="/course/achievements?lang=de"');
    });

    it('ignores a language it does not have', async () => {
      const { response } = await createBrowser().request(`${tool.url}/course?lang=xx`, {
        headers: html,
      });
      expect(response.headers.get('content-language')).toBe('en');
    });
  });

  it('keeps JSON errors for API clients', async () => {
    const { response } = await createBrowser().request(`${tool.url}/api/achievements`, {
      headers: html,
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'SESSION_REQUIRED' } });
  });
});

describe('framing: only the tool and the registered LMSs', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
  });
  afterAll(() => close?.());

  const frameAncestors = async (url: string) => {
    const { response } = await createBrowser().request(url, { headers: html });
    return /frame-ancestors ([^;]*)/.exec(
      response.headers.get('content-security-policy') ?? '',
    )?.[1];
  };

  it("names 'self' and, once it launched the tool, the registered platform's origin", async () => {
    await lms.launch({
      browser: createBrowser(),
      user: { id: 'someone' },
      roles: [LTI_ROLES.learner],
    });
    const sources = (await frameAncestors(`${tool.url}/health`))?.split(' ');
    expect(sources).toEqual(expect.arrayContaining(["'self'", new URL(lms.issuer).origin]));
    expect(sources).not.toContain('*');
  });

  it('adds the origin of an LMS page that posted a verified launch', async () => {
    const framingOrigin = 'https://school.lms.example';
    expect(await frameAncestors(`${tool.url}/health`)).not.toContain(framingOrigin);
    const browser = createBrowser();
    const { authPage } = await lms.beginLaunch({
      browser,
      user: { id: 'framed' },
      roles: [LTI_ROLES.learner],
    });
    if (!authPage) throw new Error('The LMS did not answer the authentication request');
    // The auto-posting page, as the LMS page framing the tool sends it: with its Origin.
    const fields = Object.fromEntries(
      [...authPage.html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    const { response } = await browser.request(`${tool.url}/lti/launch`, {
      method: 'POST',
      headers: { origin: framingOrigin },
      body: new URLSearchParams(fields as Record<string, string>),
    });
    expect(response.status).toBe(200);
    expect(await frameAncestors(`${tool.url}/health`)).toContain(framingOrigin);
  });
});
