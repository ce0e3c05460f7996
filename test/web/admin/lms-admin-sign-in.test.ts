/**
 * Issue #16, item 1: an administrator of a registered LMS, launched into a course, opens the
 * admin pages for that LMS's awarding body only — through a short-lived link that opens them
 * in a window of their own — and can see and change nothing of another awarding body; a
 * teacher without the LMS administrator role gets no such link.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployments, platforms } from '../../../src/db/schema.js';
import { listRegistrationInvitations } from '../../../src/lti/registration-invitations.js';
import { createBrowser, type Browser } from '../../support/http-client.js';
import { LTI_ROLES, type TestLms } from '../../support/test-lms.js';
import type { TestTool } from '../../support/test-tool.js';
import { startToolWithLms } from '../../support/tool-with-lms.js';
import { buildPlatform } from '../../xapi/xapi-factories.js';
import { ADMIN_TOKEN, csrfTokenIn, liveToolKid, postForm } from './admin-browser.js';

const LMS_ADMINISTRATOR = 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator';

describe('admin pages opened by an administrator of an LMS', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let ownPlatformId: string;
  let ownBodyId: string;
  let otherPlatformId: string;
  let otherBodyId: string;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms({
      env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN },
    }));
    const { db } = tool.current().database;
    const [own] = await db.select().from(platforms).where(eq(platforms.issuer, lms.issuer));
    ownPlatformId = own!.id;
    ownBodyId = own!.issuerProfileId;
    const other = await buildPlatform(db, { issuer: 'https://other-university.example.org' });
    otherPlatformId = other.id;
    const [otherRow] = await db.select().from(platforms).where(eq(platforms.id, other.id));
    otherBodyId = otherRow!.issuerProfileId;
    await db.insert(deployments).values({ platformId: other.id, deploymentId: 'other:1' });
  });
  afterAll(async () => {
    await close?.();
  });

  const launch = async (roles: string[]): Promise<Browser> => {
    const browser = createBrowser();
    const launched = await lms.launch({
      browser,
      user: { id: `user-${roles.length}-${Math.random()}` },
      roles,
      context: { id: 'lms-admin-course' },
    });
    expect(launched.response.status).toBe(200);
    return browser;
  };

  /** The LMS administrator's own window, signed in through the link the course frame gives. */
  const adminWindow = async (): Promise<{ browser: Browser; html: string }> => {
    const frame = await launch([LTI_ROLES.instructor, LMS_ADMINISTRATOR]);
    const course = await (await frame.request(`${tool.url}/course`)).response.text();
    expect(course).toContain('href="/course/admin-pages"');
    const handOff = await (await frame.request(`${tool.url}/course/admin-pages`)).response.text();
    const href = /href="(\/admin\/lms-sign-in\?ticket=[^"]+)"/.exec(handOff)?.[1];
    expect(href).toBeDefined();
    const browser = createBrowser();
    const opened = await browser.request(`${tool.url}${href!.replaceAll('&amp;', '&')}`);
    expect(new URL(opened.finalUrl).pathname).toBe('/admin/platforms');
    return { browser, html: await opened.response.text() };
  };

  it('shows the LMS administrator only their LMS and awarding body', async () => {
    const { browser, html } = await adminWindow();
    expect(html).toContain(`data-platform="${ownPlatformId}"`);
    expect(html).not.toContain(`data-platform="${otherPlatformId}"`);
    expect(html).not.toContain('href="/admin/platforms/new"');
    const bodies = await (
      await browser.request(`${tool.url}/admin/awarding-bodies`)
    ).response.text();
    expect(bodies).toContain(`/admin/awarding-bodies/${ownBodyId}`);
    expect(bodies).not.toContain(`/admin/awarding-bodies/${otherBodyId}`);
  });

  it('refuses what belongs to another awarding body, and registering an LMS by hand', async () => {
    const { browser, html } = await adminWindow();
    const csrf = csrfTokenIn(html);
    const otherBody = await browser.request(`${tool.url}/admin/awarding-bodies/${otherBodyId}`);
    expect(otherBody.response.status).toBe(404);
    const otherPlatform = await browser.request(`${tool.url}/admin/platforms/${otherPlatformId}`);
    expect(otherPlatform.response.status).toBe(404);
    const deactivate = await postForm(tool, browser, `/admin/platforms/${otherPlatformId}/active`, {
      _csrf: csrf,
      isActive: 'no',
    });
    expect(deactivate.response.status).toBe(404);
    const [otherRow] = await tool
      .current()
      .database.db.select()
      .from(platforms)
      .where(eq(platforms.id, otherPlatformId));
    expect(otherRow?.isActive).toBe(true);
    const otherDeployment = await postForm(
      tool,
      browser,
      `/admin/platforms/${otherPlatformId}/deployments/active`,
      { _csrf: csrf, deploymentId: 'other:1', isActive: 'no' },
    );
    expect(otherDeployment.response.status).toBe(404);
    const [otherDeploymentRow] = await tool
      .current()
      .database.db.select()
      .from(deployments)
      .where(eq(deployments.platformId, otherPlatformId));
    expect(otherDeploymentRow?.isActive).toBe(true);
    const byHand = await postForm(tool, browser, '/admin/platforms/new', { _csrf: csrf });
    expect(byHand.response.status).toBe(403);
    const rotate = await postForm(
      tool,
      browser,
      `/admin/awarding-bodies/${otherBodyId}/rotate-keys`,
      {
        _csrf: csrf,
      },
    );
    expect(rotate.response.status).toBe(404);
    const credential = await postForm(tool, browser, '/admin/xapi-credentials', {
      _csrf: csrf,
      name: 'Not mine',
      scope: otherPlatformId,
    });
    expect(credential.response.status).toBe(422);
    const content = await postForm(tool, browser, '/admin/xapi-credentials', {
      _csrf: csrf,
      name: 'Content',
      scope: 'content',
    });
    expect(content.response.status).toBe(422);
    const lrs = await postForm(tool, browser, '/admin/external-lrs', {
      _csrf: csrf,
      platformId: otherPlatformId,
      endpoint: 'https://lrs.example.org/xapi/',
      key: 'k',
      secret: 's',
      direction: 'forward',
      xapiVersion: '2.0.0',
    });
    expect(lrs.response.status).toBe(422);
    const otherTrust = await postForm(
      tool,
      browser,
      `/admin/platforms/${otherPlatformId}/trust-level`,
      { _csrf: csrf, trustLevel: 'self-study', confirm: 'yes' },
    );
    expect(otherTrust.response.status).toBe(404);
    const [otherAfter] = await tool
      .current()
      .database.db.select()
      .from(platforms)
      .where(eq(platforms.id, otherPlatformId));
    expect(otherAfter?.trustLevel).toBe('registered');
  });

  it('deactivates a deployment of their own LMS, whose launches are then refused, and activates it again', async () => {
    const { browser, html } = await adminWindow();
    const path = `/admin/platforms/${ownPlatformId}/deployments/active`;
    const off = await postForm(tool, browser, path, {
      _csrf: csrfTokenIn(html),
      deploymentId: lms.deploymentId,
      isActive: 'no',
    });
    expect(off.response.status).toBe(303);
    const refused = await lms.launch({ browser: createBrowser(), user: { id: 'learner-off' } });
    expect(refused.response.status).toBe(403);
    expect(refused.text).toContain('LTI_DEPLOYMENT_INACTIVE');
    const on = await postForm(tool, browser, path, {
      _csrf: csrfTokenIn(html),
      deploymentId: lms.deploymentId,
      isActive: 'yes',
    });
    expect(on.response.status).toBe(303);
    const launched = await lms.launch({ browser: createBrowser(), user: { id: 'learner-on' } });
    expect(launched.response.status).toBe(200);
  });

  it('changes the trust level of their own LMS, not the tool key every LMS shares', async () => {
    const { browser, html } = await adminWindow();
    expect(html).not.toContain('action="/admin/tool-key/rotate"');
    const keyBefore = await liveToolKid(tool);
    const rotate = await postForm(tool, browser, '/admin/tool-key/rotate', {
      _csrf: csrfTokenIn(html),
      confirm: 'yes',
    });
    expect(rotate.response.status).toBe(403);
    expect(await liveToolKid(tool)).toBe(keyBefore);
    const own = await postForm(tool, browser, `/admin/platforms/${ownPlatformId}/trust-level`, {
      _csrf: csrfTokenIn(html),
      trustLevel: 'self-study',
      confirm: 'yes',
    });
    expect(own.response.status).toBe(303);
    const [row] = await tool
      .current()
      .database.db.select()
      .from(platforms)
      .where(eq(platforms.id, ownPlatformId));
    expect(row?.trustLevel).toBe('self-study');
  });

  it('invites an LMS for their own awarding body, whatever the form names', async () => {
    const { browser, html } = await adminWindow();
    const { response } = await postForm(tool, browser, '/admin/invitations', {
      _csrf: csrfTokenIn(html),
      awardingBody: 'Another University',
      trustLevel: 'registered',
      expires: '1d',
    });
    expect(response.status).toBe(201);
    const [invitation] = await listRegistrationInvitations(tool.current().database.db);
    expect(invitation?.awardingBody.id).toBe(ownBodyId);
  });

  it('gives no link to a teacher who does not administer the LMS, nor to a course administrator', async () => {
    for (const roles of [[LTI_ROLES.instructor], [LTI_ROLES.administrator]]) {
      const frame = await launch(roles);
      const course = await (await frame.request(`${tool.url}/course`)).response.text();
      expect(course).not.toContain('href="/course/admin-pages"');
      const handOff = await frame.request(`${tool.url}/course/admin-pages`);
      expect(handOff.response.status).toBe(403);
    }
  });

  it('refuses a changed or made-up sign-in link', async () => {
    const frame = await launch([LMS_ADMINISTRATOR]);
    const handOff = await (await frame.request(`${tool.url}/course/admin-pages`)).response.text();
    const ticket = /ticket=([^"&]+)/.exec(handOff)?.[1] ?? '';
    const [expiry, nonce, , mac] = decodeURIComponent(ticket).split('.');
    const widened = [expiry, nonce, 'tool', mac].join('.');
    for (const forged of [widened, 'made-up', '']) {
      const browser = createBrowser();
      const { response } = await browser.request(
        `${tool.url}/admin/lms-sign-in?${new URLSearchParams({ ticket: forged })}`,
      );
      expect(response.status).toBe(401);
      const platformsPage = await browser.request(`${tool.url}/admin/platforms`);
      expect(new URL(platformsPage.finalUrl).pathname).toBe('/admin/sign-in');
    }
  });
});
