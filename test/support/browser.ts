/**
 * A real browser for page tests: Debian's chromium driven by playwright-core, and the checks
 * every page must pass (axe-core, no horizontal scrolling) plus screenshots for review.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe } from 'vitest';
import { browserTestsRun, CHROMIUM_PATH } from './chromium.js';
import type { Browser as HttpBrowser } from './http-client.js';

export const VIEWPORTS = {
  phone: { width: 360, height: 800 },
  desktop: { width: 1280, height: 800 },
} as const;

export type Viewport = (typeof VIEWPORTS)[keyof typeof VIEWPORTS];

/** Where `screenshot` writes, relative to the project root (test-output/ is not committed). */
export const SCREENSHOT_DIR = path.join('test-output', 'screenshots');

// Without the networking flags chromium calls Google services at start, which this closed
// network refuses, and the refusals slow every launch down.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `describe` for a suite that drives the browser: skipped when {@link browserTestsRun} is false. */
export const describeInBrowser = describe.skipIf(!browserTestsRun);

/** Starts headless chromium with a new, empty profile. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** A page in a context of its own (its own cookies), at `viewport`. */
export async function openPage(browser: Browser, viewport: Viewport = VIEWPORTS.desktop) {
  const context = await browser.newContext({ viewport });
  return context.newPage();
}

/**
 * A page in a context of its own, at `viewport`, signed in to the tool at `toolUrl` with the
 * session that `session` holds: the HTTP browser of a teacher or a learner a launch through
 * the test LMS signed in, say.
 */
export async function openSignedInPage(
  browser: Browser,
  session: HttpBrowser,
  toolUrl: string,
  viewport: Viewport = VIEWPORTS.desktop,
): Promise<Page> {
  const page = await openPage(browser, viewport);
  await signInPage(page, session, toolUrl);
  return page;
}

/**
 * Gives the context of `page` the cookies `session` holds for the tool at `toolUrl`, so the page
 * goes on as the one signed in there (its next navigation carries them).
 */
export async function signInPage(page: Page, session: HttpBrowser, toolUrl: string) {
  const cookies = session.cookies(new URL(toolUrl).hostname);
  await page
    .context()
    .addCookies(cookies.map(({ name, value }) => ({ name, value, url: toolUrl })));
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  /** CSS selectors of the offending elements. */
  readonly targets: string[];
}

// The functions given to page.evaluate run in the browser; the project compiles without the DOM
// library, so these declare the parts of the DOM they use.
declare const window: object;
declare const document: PageDocument;
interface PageElement {
  readonly tagName: string;
  readonly id: string;
  readonly classList: Iterable<string>;
  getBoundingClientRect(): { readonly right: number };
}
interface PageDocument {
  readonly documentElement: { readonly scrollWidth: number; readonly clientWidth: number };
  readonly body: { querySelectorAll(selector: string): Iterable<PageElement> };
}

let axeSource: Promise<string> | undefined;

/**
 * Runs axe-core on the page as it is and returns its serious and critical violations. The
 * source goes in through the DevTools protocol, which the page's CSP (`script-src 'self'`)
 * does not govern, so the page is checked under its real headers.
 */
export async function checkAccessibility(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const isLoaded = await page.evaluate(() => 'axe' in window);
  if (!isLoaded) await page.evaluate(await axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: AxeRunner }).axe;
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({
        id: violation.id,
        impact: violation.impact ?? '',
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.join(' ')),
      }));
  });
}

/** The part of axe-core's API `checkAccessibility` uses, as it runs inside the page. */
interface AxeRunner {
  run(
    context: PageDocument,
    options: { resultTypes: string[] },
  ): Promise<{
    violations: {
      id: string;
      impact?: string | null;
      help: string;
      nodes: { target: string[] }[];
    }[];
  }>;
}

/**
 * Throws when the page is wider than its viewport, naming the elements that stick out past
 * the right edge.
 */
export async function assertNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return null;
    const wide = [...document.body.querySelectorAll('*')]
      .filter((element) => element.getBoundingClientRect().right > root.clientWidth)
      .slice(0, 5)
      .map((element) => {
        const classes = [...element.classList].map((name) => `.${name}`).join('');
        return `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${classes}`;
      });
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide };
  });
  if (overflow) {
    throw new Error(
      `${page.url()} scrolls sideways: ${overflow.scrollWidth} px wide in ${overflow.clientWidth} px (${overflow.wide.join(', ')})`,
    );
  }
}

/** Writes a full-page PNG to test-output/screenshots/<name>-<viewport width>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}-${page.viewportSize()?.width ?? 0}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * The checks every page passes, at 360 px and at 1280 px: no serious or critical axe
 * violation, no horizontal scrolling, and a screenshot of each width. Leaves the page at the
 * desktop width.
 */
export async function checkPage(page: Page, name: string): Promise<AxeViolation[]> {
  const violations: AxeViolation[] = [];
  for (const viewport of [VIEWPORTS.phone, VIEWPORTS.desktop]) {
    await page.setViewportSize(viewport);
    await assertNoHorizontalScroll(page);
    await screenshot(page, name);
    violations.push(...(await checkAccessibility(page)));
  }
  return violations;
}

/**
 * Every string a person meets on the page: the document title, the text of every rendered
 * element (closed <details> included, [hidden] and display:none subtrees and form field
 * values left out), the aria-label, title, alt and placeholder attributes, and the data-label
 * and data-dropped-text texts the stylesheet and scripts show. Whitespace is collapsed.
 */
export async function pageStrings(page: Page): Promise<string[]> {
  const strings = await page.evaluate(() => {
    interface Node_ {
      readonly nodeType: number;
      readonly nodeValue: string | null;
      readonly parentElement: Element_ | null;
    }
    interface Element_ {
      readonly tagName: string;
      readonly parentElement: Element_ | null;
      hasAttribute(name: string): boolean;
      getAttribute(name: string): string | null;
    }
    const doc = document as unknown as {
      title: string;
      body: Element_;
      createTreeWalker(root: Element_, show: number): { nextNode(): Node_ | null };
      querySelectorAll(selector: string): Iterable<Element_>;
    };
    const view = window as unknown as {
      getComputedStyle(element: Element_): { display: string };
    };
    const skipped = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT', 'TEXTAREA']);
    const isShown = (element: Element_ | null): boolean => {
      for (let at = element; at; at = at.parentElement) {
        if (skipped.has(at.tagName) || at.hasAttribute('hidden')) return false;
        if (view.getComputedStyle(at).display === 'none') return false;
      }
      return true;
    };
    const found: string[] = [doc.title];
    const SHOW_TEXT = 4;
    const walker = doc.createTreeWalker(doc.body, SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeValue && node.nodeValue.trim() && isShown(node.parentElement)) {
        found.push(node.nodeValue);
      }
    }
    const attributes = [
      'aria-label',
      'title',
      'alt',
      'placeholder',
      'data-label',
      'data-dropped-text',
    ];
    for (const element of doc.querySelectorAll(attributes.map((name) => `[${name}]`).join(','))) {
      if (!isShown(element)) continue;
      for (const name of attributes) {
        const value = element.getAttribute(name);
        if (value?.trim()) found.push(value);
      }
    }
    return found;
  });
  return strings.map((text) => text.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

/**
 * Opens the page's language switcher and follows its link to `locale`; resolves to the HTTP
 * status of the page it leads to.
 */
export async function switchLanguage(page: Page, locale: string): Promise<number> {
  const switcher = page.locator('details.language-switcher');
  await switcher.locator('summary').click();
  const [response] = await Promise.all([
    page.waitForResponse((answer) => new URL(answer.url()).searchParams.get('lang') === locale),
    switcher.locator(`a[hreflang="${locale}"]`).click(),
  ]);
  await page.waitForLoadState();
  return response.status();
}
