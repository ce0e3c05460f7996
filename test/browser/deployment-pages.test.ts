/**
 * One deployment of an LMS deactivated and activated again on the admin page, in a real
 * browser: the administrator deactivates it in the LMS's deployments table and reads so in plain
 * words, a learner's launch through it ends on the refusal page a learner sees
 * (LTI_DEPLOYMENT_INACTIVE); registered again by hand it stays deactivated, and its page says
 * so; once it is active again the same launch opens the course. Each page passes axe at 360 and
 * 1280 px.
 */
import type { Browser as Chromium, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerPlatform } from '../../src/lti/platform-registry.js';
import {
  checkPage,
  describeInBrowser,
  launchBrowser,
  openPage,
  openSignedInPage,
} from '../support/browser.js';
import { LTI_ROLES, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import { ADMIN_TOKEN, signedInAdmin } from '../web/admin/admin-browser.js';
import { en } from './demo-session.js';

const OTHER_DEPLOYMENT = 'site:2';

describeInBrowser(
  'one deployment of an LMS deactivated and activated again, in the browser',
  () => {
    let tool: TestTool;
    let lms: TestLms;
    let close: () => Promise<void>;
    let chromium: Chromium;
    let admin: Page;
    let platformPage: string;

    beforeAll(async () => {
      [{ tool, lms, close }, chromium] = await Promise.all([
        startToolWithLms({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } }),
        launchBrowser(),
      ]);
      const platform = await registerPlatform(tool.current().database.db, {
        ...lms.platformRegistration(),
        deploymentId: OTHER_DEPLOYMENT,
      });
      platformPage = `${tool.url}/admin/platforms/${platform.id}?lang=en`;
      const { browser } = await signedInAdmin(tool, '/admin/platforms');
      admin = await openSignedInPage(chromium, browser, tool.url);
    }, 120_000);
    afterAll(async () => {
      await chromium?.close();
      await close?.();
    });

    const row = (deploymentId: string) => admin.locator(`tr[data-deployment="${deploymentId}"]`);

    /** Presses the button of the deployment's row and waits for the page the answer leads to. */
    const toggle = async (deploymentId: string, status: string) => {
      await Promise.all([
        admin.waitForURL((url) => url.searchParams.get('status') === status),
        row(deploymentId).getByRole('button').click(),
      ]);
      await admin.waitForLoadState('load');
    };

    /**
     * A learner opens the tool from the LMS in a new browser session: the LMS's login initiation,
     * then its auto-posted id_token. Resolves to the page, back on the tool, with the status of
     * the tool's answer to the id_token.
     */
    const learnerLaunch = async () => {
      const page = await openPage(chromium);
      const { loginUrl, parameters } = lms.initiateLogin({
        user: { id: 'deployment-learner', name: 'Ada Lovelace' },
        roles: [LTI_ROLES.learner],
      });
      const [answer] = await Promise.all([
        page.waitForResponse(
          (response) =>
            response.request().method() === 'POST' &&
            new URL(response.url()).pathname === '/lti/launch',
        ),
        page.goto(`${loginUrl}?${parameters}`, { waitUntil: 'commit' }),
      ]);
      await page.waitForURL((url) => url.origin === new URL(tool.url).origin);
      return { page, status: answer.status() };
    };

    it('deactivates the deployment on the LMS page and says so in plain words', async () => {
      await admin.goto(platformPage);
      await expect(row(lms.deploymentId).locator('.deployment-state').textContent()).resolves.toBe(
        en('admin:platforms.active'),
      );
      expect(await checkPage(admin, 'admin-deployments')).toEqual([]);

      await toggle(lms.deploymentId, 'deploymentDeactivated');
      await expect(admin.getByRole('status').textContent()).resolves.toBe(
        en('admin:platforms.status.deploymentDeactivated'),
      );
      await expect(row(lms.deploymentId).locator('.deployment-state').textContent()).resolves.toBe(
        en('admin:platforms.deactivated'),
      );
      await expect(row(OTHER_DEPLOYMENT).locator('.deployment-state').textContent()).resolves.toBe(
        en('admin:platforms.active'),
      );
      await expect(row(lms.deploymentId).getByRole('button').textContent()).resolves.toContain(
        en('admin:platforms.activate'),
      );
      expect(await checkPage(admin, 'admin-deployment-deactivated')).toEqual([]);
    }, 90_000);

    it('refuses a learner’s launch through it with the page a learner sees', async () => {
      const { page, status } = await learnerLaunch();
      expect(status).toBe(403);
      await expect(page.locator('h1').textContent()).resolves.toBe(en('lti:launchError.title'));
      await expect(page.getByRole('alert').textContent()).resolves.toContain(
        en('errors:code.LTI_DEPLOYMENT_INACTIVE'),
      );
      await expect(page.getByRole('alert').locator('code').textContent()).resolves.toBe(
        'LTI_DEPLOYMENT_INACTIVE',
      );
      expect(await checkPage(page, 'launch-deployment-inactive')).toEqual([]);
      await page.context().close();
    }, 90_000);

    it('leaves it deactivated when it is registered again by hand, and says so above its button', async () => {
      await admin.goto(`${tool.url}/admin/platforms/new?lang=en`);
      for (const [field, value] of Object.entries(lms.platformRegistration())) {
        await admin.locator(`#field-${field}`).fill(value);
      }
      await Promise.all([
        admin.waitForURL((url) => url.searchParams.get('status') === 'deploymentStaysDeactivated'),
        admin.locator('form[action="/admin/platforms/new"] button[type="submit"]').click(),
      ]);
      await admin.waitForLoadState('load');
      await expect(admin.getByRole('status').textContent()).resolves.toBe(
        en('admin:platforms.status.deploymentStaysDeactivated', {
          deploymentId: lms.deploymentId,
        }),
      );
      await expect(row(lms.deploymentId).getByRole('button').textContent()).resolves.toContain(
        en('admin:platforms.activate'),
      );
      expect(await checkPage(admin, 'admin-deployment-stays-deactivated')).toEqual([]);
      const launched = await learnerLaunch();
      expect(launched.status).toBe(403);
      await launched.page.context().close();
    }, 90_000);

    it('activates it again, and the same launch opens the course', async () => {
      await toggle(lms.deploymentId, 'deploymentActivated');
      await expect(admin.getByRole('status').textContent()).resolves.toBe(
        en('admin:platforms.status.deploymentActivated'),
      );
      await expect(row(lms.deploymentId).locator('.deployment-state').textContent()).resolves.toBe(
        en('admin:platforms.active'),
      );
      expect(await checkPage(admin, 'admin-deployment-activated')).toEqual([]);

      const { page } = await learnerLaunch();
      expect(new URL(page.url()).pathname).toBe('/course');
      await page.context().close();
    }, 90_000);
  },
);
