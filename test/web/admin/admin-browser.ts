/** An administrator's browser for the admin pages: signed in with the admin token. */
import { and, eq, isNull } from 'drizzle-orm';
import { expect } from 'vitest';
import { signingKeys } from '../../../src/db/schema.js';
import { createBrowser, type Browser, type BrowserResponse } from '../../support/http-client.js';
import type { TestTool } from '../../support/test-tool.js';

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';

export function csrfTokenIn(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('the page has no form token');
  return token;
}

/** Signs in on `page` and returns the browser with the page it lands on. */
export async function signedInAdmin(
  tool: TestTool,
  page: string,
): Promise<{ browser: Browser; html: string }> {
  const browser = createBrowser();
  const signIn = await browser.request(`${tool.url}/admin/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: ADMIN_TOKEN, next: page }).toString(),
  });
  expect(new URL(signIn.finalUrl).pathname).toBe(page.split('?')[0]);
  expect(signIn.response.status).toBe(200);
  return { browser, html: await signIn.response.text() };
}

/** Posts a url-encoded form without following the answer's redirect. */
export function postForm(
  tool: TestTool,
  browser: Browser,
  path: string,
  fields: Record<string, string>,
): Promise<BrowserResponse> {
  return browser.request(`${tool.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: new URLSearchParams(fields).toString(),
    followRedirects: false,
  });
}

/** The key id of the tool key that signs LTI messages now. */
export async function liveToolKid(tool: TestTool): Promise<string | undefined> {
  const [row] = await tool
    .current()
    .database.db.select({ kid: signingKeys.kid })
    .from(signingKeys)
    .where(and(eq(signingKeys.purpose, 'lti'), isNull(signingKeys.retiredAt)));
  return row?.kid;
}
