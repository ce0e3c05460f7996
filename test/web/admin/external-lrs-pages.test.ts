/**
 * Issue #16, item 1: the administrator's page for external LRSs — a connection added (its
 * secret never shown again), paused, resumed and removed — with a form that names each wrong
 * field, and no change by anyone but a signed-in administrator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listExternalLrs } from '../../../src/xapi/external/external-lrs-connections.js';
import { createBrowser } from '../../support/http-client.js';
import { startTestTool, type TestTool } from '../../support/test-tool.js';
import { buildPlatform } from '../../xapi/xapi-factories.js';
import { ADMIN_TOKEN, csrfTokenIn, postForm, signedInAdmin } from './admin-browser.js';

const PAGE = '/admin/external-lrs';
const SECRET = 'the-lrs-secret-nobody-sees-again';

describe('admin pages: external LRSs', () => {
  let tool: TestTool;
  let platformId: string;

  beforeAll(async () => {
    tool = await startTestTool({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } });
    platformId = (await buildPlatform(tool.current().database.db)).id;
  });
  afterAll(async () => {
    await tool?.close();
  });

  const connections = () => listExternalLrs(tool.current().database.db);

  it('adds a connection, pauses, resumes and removes it; the secret is never shown', async () => {
    const { browser, html } = await signedInAdmin(tool, PAGE);
    const added = await postForm(tool, browser, PAGE, {
      _csrf: csrfTokenIn(html),
      platformId,
      endpoint: 'https://lrs.example.org/xapi',
      key: 'microcred',
      secret: SECRET,
      direction: 'forward',
      xapiVersion: '2.0.0',
      since: '',
    });
    expect(added.response.headers.get('location')).toBe(`${PAGE}?status=added`);
    const [connection] = await connections();
    expect(connection).toMatchObject({
      platformId,
      endpoint: 'https://lrs.example.org/xapi/',
      key: 'microcred',
      direction: 'forward',
      isActive: true,
    });
    const listed = await (await browser.request(`${tool.url}${PAGE}`)).response.text();
    expect(listed).toContain('https://lrs.example.org/xapi/');
    expect(listed).not.toContain(SECRET);

    await postForm(tool, browser, `${PAGE}/${connection!.id}/active`, {
      _csrf: csrfTokenIn(html),
      isActive: 'no',
    });
    expect((await connections())[0]?.isActive).toBe(false);
    await postForm(tool, browser, `${PAGE}/${connection!.id}/active`, {
      _csrf: csrfTokenIn(html),
      isActive: 'yes',
    });
    expect((await connections())[0]?.isActive).toBe(true);
    const removed = await postForm(tool, browser, `${PAGE}/${connection!.id}/remove`, {
      _csrf: csrfTokenIn(html),
    });
    expect(removed.response.headers.get('location')).toBe(`${PAGE}?status=removed`);
    expect(await connections()).toEqual([]);
  });

  it('names each wrong field and stores nothing', async () => {
    const { browser, html } = await signedInAdmin(tool, PAGE);
    const { response } = await postForm(tool, browser, PAGE, {
      _csrf: csrfTokenIn(html),
      platformId,
      endpoint: 'ftp://lrs.example.org',
      key: 'a:b',
      secret: '',
      direction: 'forward',
      xapiVersion: '2.0.0',
      since: 'yesterday',
    });
    expect(response.status).toBe(422);
    const text = await response.text();
    for (const field of ['endpoint', 'key', 'secret', 'since']) {
      expect(text).toContain(`href="#field-${field}"`);
    }
    expect(await connections()).toEqual([]);
  });

  it('refuses changes without an admin session, and without its form token', async () => {
    const fields = { platformId, endpoint: 'https://x.example.org/', key: 'k', secret: 's' };
    const stranger = createBrowser();
    expect((await postForm(tool, stranger, PAGE, fields)).response.status).toBe(401);
    const { browser } = await signedInAdmin(tool, PAGE);
    expect((await postForm(tool, browser, PAGE, fields)).response.status).toBe(403);
    expect(await connections()).toEqual([]);
  });
});
