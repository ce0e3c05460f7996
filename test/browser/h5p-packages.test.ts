/**
 * Issue 21, item 4 in the browser: the teacher's H5P import page (axe, 360 and 1280 px, its
 * German catalog), a refused package with its reason, and an imported one listed.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkPage, describeInBrowser } from '../support/browser.js';
import { h5pOf } from '../support/h5p-packages.js';
import { en, launchAs, startDemoInBrowser, type DemoInBrowser } from './demo-session.js';

const SUITE = 'the H5P import page, in Chromium';

describeInBrowser(SUITE, () => {
  let world: DemoInBrowser;
  let teacher: Page;

  beforeAll(async () => {
    world = await startDemoInBrowser();
    teacher = await launchAs(world, /^Launch as teacher/);
  });
  afterAll(() => world?.close());

  const t = (key: string, values?: Record<string, unknown>) =>
    en(`teacher-course:h5pImport.${key}`, values);

  it('is reached from the activities page and passes axe at 360 and 1280 px, in English and German', async () => {
    await teacher.goto(`${world.toolUrl}/course/activities`);
    await teacher.getByRole('link', { name: t('add') }).click();
    await expect
      .poll(() => teacher.getByRole('heading', { level: 1 }).textContent())
      .toBe(t('title'));
    expect(await checkPage(teacher, 'h5p-import-en')).toEqual([]);
    await teacher.goto(`${world.toolUrl}/course/activities/h5p?lang=de`);
    expect(await teacher.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Eine H5P-Aktivität importieren',
    );
    expect(await checkPage(teacher, 'h5p-import-de')).toEqual([]);
    await teacher.goto(`${world.toolUrl}/course/activities/h5p?lang=en`);
  });

  it('shows why a package is refused', async () => {
    await teacher.goto(`${world.toolUrl}/course/activities/h5p`);
    const zip = await h5pOf('true-false', { 'content/content.json': null });
    await teacher
      .getByLabel(t('form.file'))
      .setInputFiles({ name: 'broken.h5p', mimeType: 'application/zip', buffer: zip });
    await teacher.getByRole('button', { name: t('form.import') }).click();
    await expect
      .poll(() => teacher.getByRole('alert').textContent())
      .toContain(t('problems.noContentJson'));
    expect(await checkPage(teacher, 'h5p-import-refused')).toEqual([]);
  });

  it('imports a package and lists it with its content type', async () => {
    await teacher.goto(`${world.toolUrl}/course/activities/h5p`);
    await teacher.getByLabel(t('form.file')).setInputFiles({
      name: 'choices.h5p',
      mimeType: 'application/zip',
      buffer: await h5pOf('multi-choice'),
    });
    await teacher.getByRole('button', { name: t('form.import') }).click();
    await expect.poll(() => teacher.getByRole('status').textContent()).toBe(t('status.imported'));
    const table = await teacher.getByRole('table').textContent();
    expect(table).toContain('Photosynthesis: pick the inputs');
    expect(table).toContain('H5P.MultiChoice 1.16');
    expect(await checkPage(teacher, 'h5p-import-listed')).toEqual([]);
  });
});
