import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPngChunks } from '../../src/badges/bake.js';
import { listIssuerProfiles, updateIssuerProfile } from '../../src/badges/issuer-profile.js';
import { achievements } from '../../src/db/schema.js';
import { dataUri, PNG } from '../support/badge-images.js';
import type { Browser } from '../support/http-client.js';
import type { TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import {
  createAchievement,
  csrfTokenOf,
  getPage,
  launchInto,
  postForm,
} from './teacher-course-world.js';

const QUIZ = 'https://courses.example.org/green/final-quiz';

describe('the badge designer (GET/POST /course/achievements/:id/badge)', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;
  let achievementId: string;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    teacher = await launchInto(lms, 'course-green', { id: 'teacher-grace' }, 'teacher');
    achievementId = await createAchievement(tool, teacher, {
      name: 'Circular Economy',
      rule: { passed: QUIZ },
      ects: 5,
    });
  });
  afterAll(() => close?.());

  const designerUrl = () => `${tool.url}/course/achievements/${achievementId}/badge`;

  const storedImage = async () => {
    const db = tool.current().database.db;
    const [row] = await db
      .select({ image: achievements.image, version: achievements.version })
      .from(achievements)
      .where(eq(achievements.id, achievementId));
    return row!;
  };

  const design = (token: string, fields: Record<string, string> = {}) => ({
    _csrf: token,
    template: 'hexagon',
    title: 'Circular Economy',
    background: '#0b6e4f',
    accent: '#f2c14e',
    ribbon: 'credits',
    intent: 'save',
    ...fields,
  });

  /** Posts the designer form asking for a JSON answer, whose error code says why it was refused. */
  const postJsonAccepting = async (browser: Browser, fields: Record<string, string>) => {
    const { response } = await browser.request(designerUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(fields).toString(),
      followRedirects: false,
    });
    return response;
  };

  const errorCodeOf = async (response: Response) =>
    ((await response.json()) as { error: { code: string } }).error.code;

  const svgOfDataUri = (uri: string) =>
    Buffer.from(uri.replace(/^data:image\/svg\+xml;base64,/, ''), 'base64').toString('utf8');

  it('offers the templates, the ribbon with the credit, and a preview of the badge', async () => {
    const { status, html } = await getPage(teacher, designerUrl());
    expect(status).toBe(200);
    for (const template of ['circle', 'shield', 'hexagon']) {
      expect(html).toContain(`id="template-${template}" name="template" value="${template}"`);
    }
    expect(html).toContain('“5 ECTS”');
    const preview =
      /<img class="badge-image badge-image-large" src="(data:image\/svg\+xml;base64,[^"]+)"/.exec(
        html,
      )?.[1];
    expect(svgOfDataUri(preview!)).toContain('<title id="badge-title">Circular Economy</title>');
  });

  it('previews a design without storing it', async () => {
    const before = await storedImage();
    const token = csrfTokenOf((await getPage(teacher, designerUrl())).html);
    const response = await postForm(
      teacher,
      designerUrl(),
      design(token, { intent: 'preview', title: 'Loops & Cycles' }),
    );
    expect(response.response.status).toBe(200);
    const html = await response.response.text();
    const preview = /src="(data:image\/svg\+xml;base64,[^"]+)"/.exec(html)?.[1];
    expect(svgOfDataUri(preview!)).toContain('<title id="badge-title">Loops &#38; Cycles</title>');
    expect(await storedImage()).toEqual(before);
  });

  it('saves the design as the achievement image: accessible SVG, and a PNG drawn from it', async () => {
    const token = csrfTokenOf((await getPage(teacher, designerUrl())).html);
    const response = await postForm(teacher, designerUrl(), design(token));
    expect(response.response.status).toBe(303);
    expect(response.response.headers.get('location')).toBe('/course?saved=badge');

    const { image, version } = await storedImage();
    expect(image).toMatch(/^data:image\/svg\+xml;base64,/);
    const svg = svgOfDataUri(image!);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-labelledby="badge-title badge-desc"');
    expect(svg).toContain('<title id="badge-title">Circular Economy</title>');
    expect(svg).toContain('5 ECTS</text>');
    expect(svg).toContain('<polygon points="256,10 469,133');

    const png = await fetch(
      `${tool.url}/achievements/${achievementId}/versions/${version}/image.png`,
    );
    expect(png.headers.get('content-type')).toBe('image/png');
    const header = readPngChunks(Buffer.from(await png.arrayBuffer()))[0]!;
    expect(header.data.readUInt32BE(0)).toBe(512);
  });

  it('opens again with the saved design, not the defaults', async () => {
    const { html } = await getPage(teacher, designerUrl());
    expect(html).toContain('id="template-hexagon" name="template" value="hexagon" checked');
    expect(html).not.toContain('value="shield" checked');
    expect(html).toContain('id="field-background" name="background" type="color" value="#0b6e4f"');
    expect(html).toContain('id="ribbon-credits" name="ribbon" value="credits" checked');
  });

  it("embeds the awarding body's logo from the issuer profile when asked to, ticked for a new design", async () => {
    const db = tool.current().database.db;
    const [profile] = await listIssuerProfiles(db);
    await updateIssuerProfile(db, profile!.id, { image: dataUri('image/png', PNG) });
    const fresh = await createAchievement(tool, teacher, { name: 'Fresh', rule: { passed: QUIZ } });
    const freshPage = await getPage(teacher, `${tool.url}/course/achievements/${fresh}/badge`);
    expect(freshPage.html).toContain('id="field-showLogo" name="showLogo" checked');
    const page = await getPage(teacher, designerUrl());
    const token = csrfTokenOf(page.html);
    await postForm(teacher, designerUrl(), design(token, { showLogo: 'on' }));
    const svg = svgOfDataUri((await storedImage()).image!);
    expect(svg).toContain(`xlink:href="${dataUri('image/png', PNG)}"`);
    expect(svg).toContain(
      `<desc id="badge-desc">Circular Economy · 5 ECTS · ${profile!.name}</desc>`,
    );
  });

  it('opens with the defaults again once another image replaced the designed one', async () => {
    const { response } = await teacher.request(`${tool.url}/api/achievements/${achievementId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Circular Economy',
        description: 'Circular Economy, described.',
        criteria: 'Do the activities.',
        ects: 5,
        rule: { passed: QUIZ },
        image: dataUri('image/png', PNG),
      }),
    });
    expect(response.status).toBe(200);
    const { html } = await getPage(teacher, designerUrl());
    expect(html).toContain('id="template-shield" name="template" value="shield" checked');
    expect(html).toContain('id="field-background" name="background" type="color" value="#1d4e89"');
  });

  it('answers a colour that is not one with 422 and the message on the field, storing nothing', async () => {
    const before = await storedImage();
    const token = csrfTokenOf((await getPage(teacher, designerUrl())).html);
    const response = await postForm(teacher, designerUrl(), design(token, { background: 'green' }));
    expect(response.response.status).toBe(422);
    expect(await response.response.text()).toContain(
      'id="error-background">Choose a colour (such as #1d4e89).',
    );
    expect(await storedImage()).toEqual(before);
  });

  describe('who may save a design', () => {
    it('refuses a learner of the course with 403, storing nothing', async () => {
      const before = await storedImage();
      const learner = await launchInto(lms, 'course-green', { id: 'learner-ada' }, 'learner');
      const response = await postJsonAccepting(learner, design('no-form-for-learners'));
      expect(response.status).toBe(403);
      // Refused as a learner, before the form token is even looked at.
      expect(await errorCodeOf(response)).toBe('FORBIDDEN');
      expect(await storedImage()).toEqual(before);
    });

    it("refuses a teacher of another course with 404, as if the achievement weren't there", async () => {
      const before = await storedImage();
      const other = await launchInto(lms, 'course-other', { id: 'teacher-other' }, 'teacher');
      const token = csrfTokenOf((await getPage(other, `${tool.url}/course/achievements/new`)).html);
      const response = await postJsonAccepting(other, design(token));
      expect(response.status).toBe(404);
      expect(await errorCodeOf(response)).toBe('NOT_FOUND');
      expect(await storedImage()).toEqual(before);
    });

    it('refuses a form without the session’s token (CSRF) with 403, storing nothing', async () => {
      const before = await storedImage();
      const response = await postJsonAccepting(teacher, design('forged'));
      expect(response.status).toBe(403);
      expect(await errorCodeOf(response)).toBe('CSRF_TOKEN_INVALID');
      expect(await storedImage()).toEqual(before);
    });

    it('refuses a visitor without a session with 401', async () => {
      const response = await fetch(designerUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(design('none')).toString(),
        redirect: 'manual',
      });
      expect(response.status).toBe(401);
    });
  });
});
