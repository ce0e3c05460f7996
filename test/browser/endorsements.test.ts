/**
 * Issue 20, item 4, in a real browser with two instances of the tool: the administrator of A (a
 * quality-assurance board) endorses B's achievement on A's admin page; B's administrator uploads
 * that endorsement on B's admin page (a changed copy is refused, in plain words); B's public
 * credential page then names the endorser and their comment. Each page passes axe-core without
 * serious or critical violations at 360 and 1280 px, in English and in German.
 */
import { writeFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestTool } from '../support/test-tool.js';
import { checkPage, describeInBrowser, launchBrowser, openPage } from '../support/browser.js';
import { ADMIN_TOKEN, adminApi, startEndorsingTools } from '../support/endorsing-tools.js';
import { ISSUING_COURSE_ACHIEVEMENT } from '../support/issuing-course.js';

describeInBrowser('endorsement pages in the browser', () => {
  let tools: Awaited<ReturnType<typeof startEndorsingTools>>;
  let browser: Browser;
  let folder: string;

  beforeAll(async () => {
    [tools, browser, folder] = await Promise.all([
      startEndorsingTools(),
      launchBrowser(),
      mkdtemp(path.join(os.tmpdir(), 'microcred-endorsements-')),
    ]);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await tools?.close();
  });

  const signIn = async (page: Page, tool: TestTool, pagePath: string, locale: string) => {
    await page.goto(`${tool.url}${pagePath}?lang=${locale}`);
    await page.locator('#admin-token').fill(ADMIN_TOKEN);
    await Promise.all([
      page.waitForURL((url) => url.pathname === pagePath),
      page.locator('form button[type="submit"]').click(),
    ]);
  };
  const submit = async (page: Page, action: string) => {
    await Promise.all([
      page.waitForResponse((response) => response.request().method() === 'POST'),
      page.locator(`form[action="${action}"] button[type="submit"]`).click(),
    ]);
    await page.waitForLoadState();
  };

  it('A endorses, B attaches, and B’s public credential page shows the endorsement', async () => {
    for (const locale of ['en', 'de']) {
      const comment = `Meets the alliance quality standard (${locale}).`;
      const atA = await openPage(browser);
      await signIn(atA, tools.a, '/admin/endorsements/quality-board', locale);
      await atA.locator('#field-subjectKind').selectOption('achievement');
      await atA.locator('#field-subjectName').fill(ISSUING_COURSE_ACHIEVEMENT);
      await atA
        .locator('#field-subjectId')
        .fill(`${tools.b.url}/achievements/${tools.achievementId}/versions/1`);
      await atA.locator('#field-comment').fill(comment);
      await submit(atA, '/admin/endorsements/quality-board/issue');
      expect(await atA.locator('#issued-endorsements').textContent()).toContain(comment);
      expect(await checkPage(atA, `endorsements-issued-${locale}`)).toEqual([]);

      const listed = (await (
        await adminApi(tools.a, '/api/admin/issuer-profiles/quality-board/endorsements')
      ).json()) as { issued: { comment: string; url: string }[] };
      const url = listed.issued.find((entry) => entry.comment === comment)!.url;
      const endorsement = (await (await fetch(url)).json()) as {
        credentialSubject: { endorsementComment: string };
      };
      const file = path.join(folder, `endorsement-${locale}.json`);
      const tamperedFile = path.join(folder, `tampered-${locale}.json`);
      await writeFile(file, JSON.stringify(endorsement));
      await writeFile(
        tamperedFile,
        JSON.stringify({
          ...endorsement,
          credentialSubject: { ...endorsement.credentialSubject, endorsementComment: 'Changed.' },
        }),
      );

      const atB = await openPage(browser);
      const bodyPage = `/admin/endorsements/${tools.bodyB}`;
      await signIn(atB, tools.b, bodyPage, locale);
      const attach = `${bodyPage}/received`;
      await atB.locator('#field-target').selectOption(tools.achievementId);
      await atB.locator('#field-endorsement').setInputFiles(tamperedFile);
      await submit(atB, attach);
      expect(await atB.locator('[data-code="ENDORSEMENT_SIGNATURE_INVALID"]').count()).toBe(1);
      expect(await checkPage(atB, `endorsements-refused-${locale}`)).toEqual([]);

      await atB.locator('#field-target').selectOption(tools.achievementId);
      await atB.locator('#field-endorsement').setInputFiles(file);
      await submit(atB, attach);
      expect(await atB.locator('#received-endorsements').textContent()).toContain(comment);
      expect(await checkPage(atB, `endorsements-received-${locale}`)).toEqual([]);

      const awardId = await tools.awardAtB(`learner-endorsed-${locale}`);
      const publicPage = await openPage(browser);
      await publicPage.goto(`${tools.b.url}/credentials/${awardId}?lang=${locale}`);
      const shown = publicPage.locator('ul.endorsements');
      expect(await shown.textContent()).toContain('Alliance Quality Board');
      expect(await shown.textContent()).toContain(comment);
      expect(await checkPage(publicPage, `credential-endorsed-${locale}`)).toEqual([]);
      await Promise.all([atA, atB, publicPage].map((page) => page.context().close()));
    }
  }, 180_000);
});
