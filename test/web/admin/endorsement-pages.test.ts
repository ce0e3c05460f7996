/**
 * Issue 20, item 4, who may do what with endorsements: an administrator of an LMS, signed in for
 * its awarding body, endorses and attaches for that body only; nobody signed in changes
 * anything; a teacher attaches a received endorsement only to an achievement of their own
 * course, and a learner not at all.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { courses, platforms } from '../../../src/db/schema.js';
import { exam, givenAchievement } from '../../awards/award-fixtures.js';
import { createBrowser, type Browser } from '../../support/http-client.js';
import { LTI_ROLES, type TestLms } from '../../support/test-lms.js';
import type { TestTool } from '../../support/test-tool.js';
import { startToolWithLms } from '../../support/tool-with-lms.js';
import { buildPlatform } from '../../xapi/xapi-factories.js';
import { ADMIN_TOKEN, csrfTokenIn, postForm } from './admin-browser.js';

const LMS_ADMINISTRATOR = 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator';
const COURSE = 'endorsed-course';

describe('endorsements: who may do this', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let ownBodyId: string;
  let otherBodyId: string;
  let ownAchievementId: string;
  let otherAchievementId: string;

  const launch = async (roles: string[]): Promise<Browser> => {
    const browser = createBrowser();
    const launched = await lms.launch({
      browser,
      user: { id: `user-${Math.random()}` },
      roles,
      context: { id: COURSE },
    });
    expect(launched.response.status).toBe(200);
    return browser;
  };

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms({
      env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN },
    }));
    const { db } = tool.current().database;
    await launch([LTI_ROLES.instructor]);
    const [own] = await db.select().from(platforms).where(eq(platforms.issuer, lms.issuer));
    ownBodyId = own!.issuerProfileId;
    const [ownCourse] = await db.select().from(courses).where(eq(courses.platformId, own!.id));
    ownAchievementId = (
      await givenAchievement(db, ownCourse!.id, {
        name: 'Climate.now',
        ects: 3,
        rule: { passed: exam('endorsed') },
      })
    ).id;
    const other = await buildPlatform(db, { issuer: 'https://other-university.example.org' });
    const [otherRow] = await db.select().from(platforms).where(eq(platforms.id, other.id));
    otherBodyId = otherRow!.issuerProfileId;
    const [otherCourse] = await db
      .insert(courses)
      .values({ platformId: other.id, contextId: 'other-course', title: 'Other' })
      .returning();
    otherAchievementId = (
      await givenAchievement(db, otherCourse!.id, {
        name: 'Other course',
        ects: 3,
        rule: { passed: exam('endorsed') },
      })
    ).id;
  });
  afterAll(async () => {
    await close?.();
  });

  /** The LMS administrator's own window for their awarding body (see lms-admin-sign-in.test.ts). */
  const lmsAdminWindow = async (): Promise<{ browser: Browser; csrf: string }> => {
    const frame = await launch([LTI_ROLES.instructor, LMS_ADMINISTRATOR]);
    const handOff = await (await frame.request(`${tool.url}/course/admin-pages`)).response.text();
    const href = /href="(\/admin\/lms-sign-in\?ticket=[^"]+)"/.exec(handOff)?.[1];
    const browser = createBrowser();
    await browser.request(`${tool.url}${href!.replaceAll('&amp;', '&')}`);
    const page = await browser.request(`${tool.url}/admin/endorsements/${ownBodyId}`);
    expect(page.response.status).toBe(200);
    return { browser, csrf: csrfTokenIn(await page.response.text()) };
  };

  const endorsement = {
    subjectKind: 'achievement',
    subjectName: 'Climate.now',
    comment: 'Sound assessment.',
  };

  it('lets an LMS administrator endorse for their own awarding body', async () => {
    const { browser, csrf } = await lmsAdminWindow();
    const issued = await postForm(tool, browser, `/admin/endorsements/${ownBodyId}/issue`, {
      _csrf: csrf,
      ...endorsement,
      subjectId: `https://partner.example.org/achievements/${otherAchievementId}`,
    });
    expect(issued.response.status).toBe(303);
  });

  it("shows an LMS administrator no page of another awarding body's endorsements", async () => {
    const { browser } = await lmsAdminWindow();
    const page = await browser.request(`${tool.url}/admin/endorsements/${otherBodyId}`);
    expect(page.response.status).toBe(404);
  });

  it('refuses an LMS administrator to endorse in the name of another awarding body', async () => {
    const { browser, csrf } = await lmsAdminWindow();
    const issued = await postForm(tool, browser, `/admin/endorsements/${otherBodyId}/issue`, {
      _csrf: csrf,
      ...endorsement,
      subjectId: `https://partner.example.org/achievements/${ownAchievementId}`,
    });
    expect(issued.response.status).toBe(404);
  });

  it("refuses an LMS administrator to revoke another awarding body's endorsement", async () => {
    const { browser, csrf } = await lmsAdminWindow();
    const revoked = await postForm(
      tool,
      browser,
      `/admin/endorsements/${otherBodyId}/issued/00000000-0000-4000-8000-000000000000/revoke`,
      { _csrf: csrf, reason: 'x' },
    );
    expect(revoked.response.status).toBe(404);
  });

  it("refuses an LMS administrator to remove another awarding body's received endorsement", async () => {
    const { browser, csrf } = await lmsAdminWindow();
    const removed = await postForm(
      tool,
      browser,
      `/admin/endorsements/${otherBodyId}/received/00000000-0000-4000-8000-000000000000/remove`,
      { _csrf: csrf },
    );
    expect(removed.response.status).toBe(404);
  });

  it('refuses to change anything without an admin session', async () => {
    const browser = createBrowser();
    const issued = await postForm(tool, browser, `/admin/endorsements/${ownBodyId}/issue`, {
      ...endorsement,
      subjectId: 'https://partner.example.org/achievements/1',
    });
    expect(issued.response.status).toBe(401);
  });

  describe('a received endorsement attached through the course API', () => {
    /** An endorsement the other awarding body of this tool issued for `achievementId`. */
    const endorsementOf = async (achievementId: string) => {
      const response = await fetch(
        `${tool.url}/api/admin/issuer-profiles/${otherBodyId}/endorsements`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            ...endorsement,
            subjectId: `${tool.url}/achievements/${achievementId}`,
          }),
        },
      );
      return ((await response.json()) as { endorsement: { credential: unknown } }).endorsement
        .credential;
    };
    const attach = (browser: Browser, achievementId: string, body: unknown) =>
      browser.request(`${tool.url}/api/course/achievements/${achievementId}/endorsements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    it("lets a teacher attach one to their course's achievement", async () => {
      const teacher = await launch([LTI_ROLES.instructor]);
      const response = await attach(
        teacher,
        ownAchievementId,
        await endorsementOf(ownAchievementId),
      );
      expect(response.response.status).toBe(201);
    });

    it("refuses a teacher to attach one to another course's achievement", async () => {
      const teacher = await launch([LTI_ROLES.instructor]);
      const response = await attach(
        teacher,
        otherAchievementId,
        await endorsementOf(otherAchievementId),
      );
      expect(response.response.status).toBe(404);
    });

    it('refuses a learner to attach one', async () => {
      const learner = await launch([LTI_ROLES.learner]);
      const response = await attach(
        learner,
        ownAchievementId,
        await endorsementOf(ownAchievementId),
      );
      expect(response.response.status).toBe(403);
    });
  });
});
