/**
 * Issue 21, item 1 in the browser: the teacher's cmi5 import page (axe, 360 and 1280 px, its
 * German catalog), a refused package with its reason, and hostile content served from an
 * imported package: it runs, but can neither read the tool's cookies nor read or post the
 * teacher's pages.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkPage, describeInBrowser } from '../support/browser.js';
import { courseXml, zipOf } from '../support/cmi5-packages.js';
import { en, launchAs, startDemoInBrowser, type DemoInBrowser } from './demo-session.js';

const BASE = 'https://example.org/cmi5/browser';
const HOSTILE_IRI = `${BASE}/planted-by-content`;

/** Everything a hostile AU page would try against the tool it is served by, reported in #result. */
const HOSTILE_PAGE = `<!doctype html><html lang="en"><title>AU</title><pre id="result"></pre><script>
(async () => {
  const report = {};
  try { report.cookie = document.cookie; } catch (error) { report.cookie = 'blocked: ' + error.name; }
  try { report.storage = String(localStorage.length); } catch (error) { report.storage = 'blocked: ' + error.name; }
  report.origin = String(self.origin);
  try {
    const answer = await fetch('${'${TOOL}'}/course/activities', { credentials: 'include' });
    report.teacherPage = 'read ' + answer.status + ' ' + (await answer.text()).length;
  } catch (error) { report.teacherPage = 'blocked: ' + error.name; }
  try {
    await fetch('${'${TOOL}'}/course/activities', {
      method: 'POST', mode: 'no-cors', credentials: 'include',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'activityId=${encodeURIComponent(HOSTILE_IRI)}&name=Planted',
    });
    report.post = 'sent';
  } catch (error) { report.post = 'blocked: ' + error.name; }
  document.getElementById('result').textContent = JSON.stringify(report);
})();
</script></html>`;

const SUITE = 'the cmi5 import page and the content it serves, in Chromium';

describeInBrowser(SUITE, () => {
  let world: DemoInBrowser;
  let teacher: Page;

  beforeAll(async () => {
    world = await startDemoInBrowser();
    teacher = await launchAs(world, /^Launch as teacher/);
  });
  afterAll(() => world?.close());

  const t = (key: string, values?: Record<string, unknown>) =>
    en(`teacher-course:cmi5Import.${key}`, values);

  it('is reached from the activities page and passes axe at 360 and 1280 px, in English and German', async () => {
    await teacher.goto(`${world.toolUrl}/course/activities`);
    await teacher.getByRole('link', { name: t('add') }).click();
    await expect
      .poll(() => teacher.getByRole('heading', { level: 1 }).textContent())
      .toBe(t('title'));
    expect(await checkPage(teacher, 'cmi5-import-en')).toEqual([]);
    await teacher.goto(`${world.toolUrl}/course/activities/cmi5?lang=de`);
    expect(await teacher.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Ein cmi5-Paket importieren',
    );
    expect(await checkPage(teacher, 'cmi5-import-de')).toEqual([]);
    await teacher.goto(`${world.toolUrl}/course/activities/cmi5?lang=en`);
  });

  it('shows why a package is refused', async () => {
    await teacher.goto(`${world.toolUrl}/course/activities/cmi5`);
    const zip = await zipOf({ 'index.html': '<!doctype html>' });
    await teacher
      .getByLabel(t('form.file'))
      .setInputFiles({ name: 'course.zip', mimeType: 'application/zip', buffer: zip });
    await teacher.getByRole('button', { name: t('form.import') }).click();
    await expect
      .poll(() => teacher.getByRole('alert').textContent())
      .toContain(t('problems.noCmi5Xml'));
    expect(await checkPage(teacher, 'cmi5-import-refused')).toEqual([]);
  });

  it('imports a package whose page cannot read the tool’s cookies or act on the teacher’s pages', async () => {
    const xml = courseXml({
      courseId: `${BASE}/course`,
      title: 'Hostile course',
      children: [{ id: `${BASE}/au`, url: 'index.html', title: 'Hostile AU' }],
    });
    const zip = await zipOf({
      'cmi5.xml': xml,
      'index.html': HOSTILE_PAGE.replaceAll('${TOOL}', world.toolUrl),
    });
    await teacher.goto(`${world.toolUrl}/course/activities/cmi5`);
    await teacher
      .getByLabel(t('form.file'))
      .setInputFiles({ name: 'hostile.zip', mimeType: 'application/zip', buffer: zip });
    await teacher.getByRole('button', { name: t('form.import') }).click();
    await expect.poll(() => teacher.getByRole('status').textContent()).toBe(t('status.imported'));
    expect(await teacher.getByRole('table').textContent()).toContain('Hostile course');
    expect(await checkPage(teacher, 'cmi5-import-listed')).toEqual([]);

    const cookies = await teacher.context().cookies(world.toolUrl);
    expect(cookies.map((cookie) => cookie.name)).toContain('mc_session');

    const imported = (await (
      await teacher.request.post(`${world.toolUrl}/api/cmi5/packages`, {
        headers: { 'content-type': 'application/zip' },
        data: zip,
      })
    ).json()) as { package: { aus: { launchUrl: string }[] } };
    await teacher.goto(imported.package.aus[0]!.launchUrl);
    await expect
      .poll(() => teacher.locator('#result').textContent(), { timeout: 20_000 })
      .not.toBe('');
    const report = JSON.parse((await teacher.locator('#result').textContent()) ?? '{}') as Record<
      string,
      string
    >;
    expect(report.cookie).toMatch(/^blocked: SecurityError$/);
    expect(report.storage).toMatch(/^blocked: SecurityError$/);
    expect(report.origin).toBe('null');
    expect(report.teacherPage).toMatch(/^blocked: TypeError$/);

    await teacher.goto(`${world.toolUrl}/course/activities`);
    expect(await teacher.content()).not.toContain(HOSTILE_IRI);
    expect(await teacher.content()).toContain('Hostile AU');
  });

  it('lists a session left open for the teacher to abandon, and deletes the package, passing axe', async () => {
    const cmi5 = (key: string, values?: Record<string, unknown>) =>
      en(`teacher-course:cmi5.${key}`, values);
    await teacher.goto(`${world.toolUrl}/course/cmi5`);
    await teacher.getByRole('link', { name: cmi5('list.review', { title: 'Hostile AU' }) }).click();
    await expect.poll(() => teacher.locator('#result').textContent()).not.toBe('');
    await teacher.goto(`${world.toolUrl}/course/cmi5`);
    const sessions = teacher.getByRole('region', { name: cmi5('sessions.heading') });
    expect(await sessions.getByRole('table').textContent()).toContain('Hostile AU (Review)');
    expect(await checkPage(teacher, 'cmi5-open-sessions')).toEqual([]);
    await sessions
      .getByRole('button', { name: cmi5('sessions.abandon') })
      .first()
      .click();
    await expect
      .poll(() => teacher.getByRole('status').textContent())
      .toBe(cmi5('status.abandoned'));
    expect(await teacher.getByRole('region', { name: cmi5('sessions.heading') }).count()).toBe(0);

    await teacher.goto(`${world.toolUrl}/course/activities/cmi5`);
    const rows = teacher.getByRole('row').filter({ hasText: 'Hostile course' });
    const before = await rows.count();
    await rows
      .first()
      .getByRole('button', { name: t('list.deleteLabel', { title: 'Hostile course' }) })
      .click();
    await expect.poll(() => teacher.getByRole('status').textContent()).toBe(t('status.deleted'));
    expect(await teacher.getByRole('row').filter({ hasText: 'Hostile course' }).count()).toBe(
      before - 1,
    );
    expect(await checkPage(teacher, 'cmi5-import-deleted')).toEqual([]);
  });
});
