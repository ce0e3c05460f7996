import { randomUUID } from 'node:crypto';
import { JSDOM } from 'jsdom';
import { expect } from 'vitest';
import { createAchievementAs } from '../support/course-world.js';
import { createBrowser, type Browser, type BrowserResponse } from '../support/http-client.js';
import { platformXapiAuthorization, postStatements } from '../support/platform-xapi.js';
import { LTI_ROLES, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';

/** The part of a jsdom window these tests read (see src/badges/jsdom.d.ts for why no DOM lib). */
export interface PageWindow {
  readonly document: {
    querySelector(selector: string): PageElement | null;
    getElementById(id: string): PageElement | null;
  };
  readonly FormData: new (form: PageElement) => { entries(): IterableIterator<[string, unknown]> };
}
interface PageElement {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
}

export function windowOf(html: string): PageWindow {
  return new JSDOM(html).window as unknown as PageWindow;
}

/**
 * The text fields a browser would send for the page's form matching `selector`, in order (no
 * submit button pressed yet, no file chosen).
 */
export function formEntriesOf(html: string, selector: string): [string, string][] {
  const window = windowOf(html);
  const form = window.document.querySelector(selector);
  if (!form) throw new Error(`The page has no form ${selector}`);
  return [...new window.FormData(form).entries()].flatMap(([name, value]): [string, string][] =>
    typeof value === 'string' ? [[name, value]] : [],
  );
}

/** The hidden form token of a page (views/partials/csrf.eta). */
export function csrfTokenOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('The page has no form token');
  return token;
}

const ACCEPT_HTML = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8';

/** Reads a page as a browser asks for it, and returns its HTML with its status. */
export async function getPage(browser: Browser, url: string) {
  const { response } = await browser.request(url, { headers: { accept: ACCEPT_HTML } });
  return { status: response.status, html: await response.text(), response };
}

/** Posts a form as a browser does, without following the redirect. */
export function postForm(
  browser: Browser,
  url: string,
  fields: Record<string, string>,
): Promise<BrowserResponse> {
  return browser.request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: ACCEPT_HTML },
    body: new URLSearchParams(fields).toString(),
    followRedirects: false,
  });
}

/** Launches a user into a course of the test LMS in a new browser. */
export async function launchInto(
  lms: TestLms,
  contextId: string,
  user: { id: string; name?: string; email?: string },
  role: 'teacher' | 'learner',
): Promise<Browser> {
  const browser = createBrowser();
  const launch = await lms.launch({
    browser,
    user,
    roles: [role === 'teacher' ? LTI_ROLES.instructor : LTI_ROLES.learner],
    context: { id: contextId },
  });
  expect(launch.response.status).toBe(200);
  return browser;
}

/** Creates a published achievement of the teacher's course through the JSON API; returns its id. */
export async function createAchievement(
  tool: TestTool,
  teacher: Browser,
  fields: { name: string; rule: unknown; ects?: number },
): Promise<string> {
  return createAchievementAs(teacher, tool.url, {
    description: `${fields.name}, described.`,
    criteria: 'Do the activities.',
    ...fields,
  });
}

/** The LMS reports that a learner passed an activity; the tool then does its queued work. */
export async function reportPassed(
  tool: TestTool,
  lms: TestLms,
  learnerSub: string,
  activity: string,
): Promise<void> {
  const authorization = await platformXapiAuthorization(tool, lms);
  const response = await postStatements(tool, authorization, {
    id: randomUUID(),
    actor: { objectType: 'Agent', account: { homePage: lms.issuer, name: learnerSub } },
    verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
    object: { objectType: 'Activity', id: activity },
    result: { success: true, completion: true, score: { scaled: 1 } },
  });
  expect(response.status).toBe(200);
  await tool.current().outbox.drain();
}
