/**
 * Issue #22, item 4: the administrator's page for the xAPI credentials of server-side emitters,
 * behind a sign-in with MICROCRED_ADMIN_TOKEN: listing with last success and last failure,
 * creating (the secret shown once) and revoking; refusals of everyone else.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXapiCredential } from '../../../src/xapi/credentials.js';
import { createBrowser, type Browser } from '../../support/http-client.js';
import { postStatements } from '../../support/platform-xapi.js';
import { startTestTool, type TestTool } from '../../support/test-tool.js';
import { basicAuthorization } from '../../xapi/lrs-test-server.js';
import { buildPlatform } from '../../xapi/xapi-factories.js';
import { ADMIN_TOKEN, csrfTokenIn } from './admin-browser.js';

const PAGE = '/admin/xapi-credentials';

const statement = () => ({
  id: randomUUID(),
  actor: { mbox: 'mailto:ann@example.org' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
  object: { id: 'https://moodle.example.org/mod/quiz/view.php?id=15' },
});

function textOf(html: string, id: string): string {
  return new RegExp(`id="${id}">([^<]+)<`).exec(html)?.[1] ?? '';
}

describe('admin pages: xAPI credentials for server-side emitters', () => {
  let tool: TestTool;
  let platformId: string;

  beforeAll(async () => {
    tool = await startTestTool({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } });
    const platform = await buildPlatform(tool.current().database.db, {
      issuer: 'https://moodle.example.org',
    });
    platformId = platform.id;
  });
  afterAll(async () => {
    await tool?.close();
  });

  const signedIn = async (): Promise<{ browser: Browser; html: string }> => {
    const browser = createBrowser();
    const { response, finalUrl } = await browser.request(`${tool.url}${PAGE}`);
    expect(new URL(finalUrl).pathname).toBe('/admin/sign-in');
    const signIn = await browser.request(`${tool.url}/admin/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: ADMIN_TOKEN, next: PAGE }).toString(),
    });
    expect(response.status).toBe(200);
    expect(new URL(signIn.finalUrl).pathname).toBe(PAGE);
    expect(signIn.response.status).toBe(200);
    return { browser, html: await signIn.response.text() };
  };

  const post = (browser: Browser, path: string, fields: Record<string, string>) =>
    browser.request(`${tool.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams(fields).toString(),
      followRedirects: false,
    });

  it('creates a credential for an LMS, shows its secret once, and the LRS accepts it', async () => {
    const { browser, html } = await signedIn();
    const { response } = await post(browser, PAGE, {
      _csrf: csrfTokenIn(html),
      name: 'Moodle logstore (production)',
      scope: platformId,
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const created = await response.text();
    const key = textOf(created, 'created-key');
    const secret = textOf(created, 'created-secret');
    expect(textOf(created, 'created-endpoint')).toBe(`${tool.url}/xapi/`);
    expect(secret.length).toBeGreaterThan(30);

    const stored = await postStatements(tool, basicAuthorization(key, secret), statement());
    expect(stored.status).toBe(200);
    const page = await (await browser.request(`${tool.url}${PAGE}`)).response.text();
    expect(page).not.toContain(secret);
    const row = new RegExp(`<tr data-key="${key}">([\\s\\S]*?)</tr>`).exec(page)?.[1] ?? '';
    expect(row).toContain('Moodle logstore (production)');
    expect(row).toContain('https://moodle.example.org');
    expect(row).not.toMatch(/class="last-success">\s*<span class="muted">/);
  });

  it('shows a wrong secret as the last failure with its reason and the refused count', async () => {
    const { db } = tool.current().database;
    const moodle = await createXapiCredential({ db, name: 'Moodle with a typo', platformId });
    const refused = await postStatements(
      tool,
      basicAuthorization(moodle.key, 'a-wrong-secret'),
      statement(),
    );
    expect(refused.status).toBe(401);
    const { html } = await signedIn();
    const row = new RegExp(`<tr data-key="${moodle.key}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '';
    expect(row).toContain('Wrong secret, or the credential is revoked');
    expect(row).toContain('XAPI_CREDENTIALS_INVALID');
    expect(row).toContain('The secret is wrong.');
    expect(row).toMatch(/class="refused-count">1</);
  });

  it('shows the keys no credential has that requests were refused for', async () => {
    const mistyped = `${randomUUID().slice(0, 8)}-typo`;
    const refused = await postStatements(
      tool,
      basicAuthorization(mistyped, 'some-secret'),
      statement(),
    );
    expect(refused.status).toBe(401);
    const { html } = await signedIn();
    const section = html.slice(
      html.indexOf('id="unknown-keys"'),
      html.indexOf('id="create-heading"'),
    );
    expect(section).toContain(mistyped);
    expect(section).not.toContain('some-secret');
  });

  it('revokes a credential, after which the LRS refuses it', async () => {
    const { db } = tool.current().database;
    const old = await createXapiCredential({ db, name: 'Retired Moodle', platformId });
    const { browser, html } = await signedIn();
    const { response } = await post(browser, `${PAGE}/revoke`, {
      _csrf: csrfTokenIn(html),
      key: old.key,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${PAGE}?status=revoked`);
    const refused = await postStatements(
      tool,
      basicAuthorization(old.key, old.secret),
      statement(),
    );
    expect(refused.status).toBe(401);
  });

  it('tells what is wrong with the form, in the reader’s language', async () => {
    const { browser, html } = await signedIn();
    const { response } = await browser.request(`${tool.url}${PAGE}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'accept-language': 'de',
      },
      body: new URLSearchParams({ _csrf: csrfTokenIn(html), name: ' ', scope: 'nope' }).toString(),
    });
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain('Geben Sie den Zugangsdaten einen Namen.');
    expect(page).toContain('Wählen Sie ein LMS aus der Liste oder Inhalte.');
  });

  describe('refusals', () => {
    it('refuses a wrong admin token with the form again and no session', async () => {
      const browser = createBrowser();
      const { response } = await browser.request(`${tool.url}/admin/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: `${ADMIN_TOKEN}x` }).toString(),
      });
      expect(response.status).toBe(401);
      expect(await response.text()).toContain('This is not the admin token.');
      expect(browser.cookies()).toEqual([]);
    });

    it('sends anyone without an admin session to the sign-in page', async () => {
      const browser = createBrowser();
      const { response } = await browser.request(`${tool.url}${PAGE}`, {
        followRedirects: false,
      });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(
        `/admin/sign-in?next=${encodeURIComponent(PAGE)}`,
      );
    });

    it('refuses a changed admin session cookie', async () => {
      const { browser } = await signedIn();
      const [cookie] = browser.cookies();
      const forged = cookie?.value.replace(/^\d+/, String(Math.floor(Date.now() / 1000) + 10 ** 7));
      const response = await fetch(`${tool.url}${PAGE}`, {
        headers: { cookie: `mc_admin=${forged}` },
        redirect: 'manual',
      });
      expect(response.status).toBe(303);
    });

    it('refuses to create or revoke without an admin session', async () => {
      const { db } = tool.current().database;
      const kept = await createXapiCredential({ db, name: 'Kept', platformId });
      const stranger = createBrowser();
      const created = await post(stranger, PAGE, { name: 'Sneaky', scope: platformId });
      const revoked = await post(stranger, `${PAGE}/revoke`, { key: kept.key });
      for (const { response } of [created, revoked]) {
        expect(response.status).toBe(401);
        expect(await response.text()).toContain('ADMIN_SESSION_REQUIRED');
      }
      const stillWorks = await postStatements(
        tool,
        basicAuthorization(kept.key, kept.secret),
        statement(),
      );
      expect(stillWorks.status).toBe(200);
    });

    it('refuses a form without the token of the admin session that shows it', async () => {
      const { db } = tool.current().database;
      const kept = await createXapiCredential({ db, name: 'Kept too', platformId });
      const { browser } = await signedIn();
      const other = await signedIn();
      const withoutToken = await post(browser, `${PAGE}/revoke`, { key: kept.key });
      const withOthersToken = await post(browser, `${PAGE}/revoke`, {
        _csrf: csrfTokenIn(other.html),
        key: kept.key,
      });
      for (const { response } of [withoutToken, withOthersToken]) {
        expect(response.status).toBe(403);
        expect(await response.text()).toContain('CSRF_TOKEN_INVALID');
      }
    });

    it('ends the session on sign-out', async () => {
      const { browser, html } = await signedIn();
      const { response } = await post(browser, '/admin/sign-out', { _csrf: csrfTokenIn(html) });
      expect(response.status).toBe(303);
      expect(browser.cookies()).toEqual([]);
      const after = await browser.request(`${tool.url}${PAGE}`, { followRedirects: false });
      expect(after.response.status).toBe(303);
    });
  });
});

describe('admin pages without MICROCRED_ADMIN_TOKEN', () => {
  let tool: TestTool;
  beforeAll(async () => {
    tool = await startTestTool();
  });
  afterAll(async () => {
    await tool?.close();
  });

  it('do not exist', async () => {
    for (const path of ['/admin/sign-in', PAGE]) {
      const response = await fetch(`${tool.url}${path}`, { redirect: 'manual' });
      expect(response.status).toBe(404);
    }
    const signIn = await fetch(`${tool.url}/admin/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=anything',
    });
    expect(signIn.status).toBe(404);
  });
});
