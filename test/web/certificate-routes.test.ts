import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractText, getDocumentProxy } from 'unpdf';
import { listIssuerProfiles } from '../../src/badges/issuer-profile.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import { LTI_ROLES, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';
import { createAchievementAs } from '../support/course-world.js';
import { getPage, launchInto, reportPassed } from './teacher-course-world.js';

const COURSE = 'course-green';
const QUIZ = 'https://courses.example.org/green/final-quiz';

/** The text of every page of a PDF, as a PDF reader extracts it (pdf.js through unpdf). */
async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { text } = await extractText(pdf, { mergePages: true });
  return text.replace(/\s+/g, ' ');
}

interface StructNode {
  role?: string;
  alt?: string;
  lang?: string;
  children?: StructNode[];
}

function rolesOf(node: StructNode): StructNode[] {
  return [node, ...(node.children ?? []).flatMap(rolesOf)];
}

describe('the PDF certificate: GET /course/credentials/:id/certificate.pdf', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let teacher: Browser;
  let learner: Browser;
  let awardingBody: string;
  let awardId: string;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    teacher = await launchInto(lms, COURSE, { id: 'teacher-grace' }, 'teacher');
    await createAchievementAs(teacher, tool.url, {
      name: 'Circular Economy',
      description: 'Designs products and services for reuse.',
      criteria: 'Pass the final quiz.',
      rule: { passed: QUIZ },
      ects: 5,
      eqfLevel: 6,
    });
    learner = createBrowser();
    await lms.launch({
      browser: learner,
      user: { id: 'learner-ada', name: 'Ada Lovelace' },
      roles: [LTI_ROLES.learner],
      context: { id: COURSE },
      locale: 'de-DE',
    });
    await reportPassed(tool, lms, 'learner-ada', QUIZ);
    const page = await getPage(learner, `${tool.url}/course`);
    awardId = /\/course\/credentials\/([0-9a-f-]{36})\/certificate\.pdf/.exec(page.html)![1]!;
    const [profile] = await listIssuerProfiles(tool.current().database.db);
    awardingBody = profile!.name;
  });
  afterAll(() => close?.());

  const certificateUrl = () => `${tool.url}/course/credentials/${awardId}/certificate.pdf`;

  const download = async (browser: Browser, query = '') => {
    const { response } = await browser.request(`${certificateUrl()}${query}`);
    return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
  };

  it("gives the learner an A4 PDF in the learner's language with everything a verifier needs", async () => {
    const { response, bytes } = await download(learner);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename=Circular-Economy-${awardId.slice(0, 8)}.pdf`,
    );
    const text = await pdfText(bytes);
    expect(text).toContain('Circular Economy');
    expect(text).toContain('Ada Lovelace');
    expect(text).toContain(awardingBody);
    expect(text).toContain('5 ECTS');
    expect(text).toContain('EQR-Niveau 6');
    expect(text).toContain(`${tool.url}/credentials/${awardId}/verification`);
    expect(text).toContain('ZERTIFIKAT');
    expect(text).toContain('verliehen an');

    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    const page = await pdf.getPage(1);
    const [width, height] = [page.view[2]!, page.view[3]!];
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
  });

  it('is a tagged PDF: marked, with its language, title, structure tree, alt texts and PDF/UA id', async () => {
    const { bytes } = await download(learner);
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    expect(await pdf.getMarkInfo()).toMatchObject({ Marked: true });
    const { info, metadata } = await pdf.getMetadata();
    expect(info).toMatchObject({ Language: 'de', Title: 'Zertifikat: Circular Economy' });
    expect(metadata?.get('pdfuaid:part')).toBe('1');
    const catalog = Buffer.from(bytes).toString('latin1');
    expect(catalog).toMatch(/\/StructTreeRoot \d+ 0 R/);
    expect(catalog).toMatch(/\/DisplayDocTitle true/);

    const pages = await Promise.all(
      Array.from({ length: pdf.numPages }, (_, index) => pdf.getPage(index + 1)),
    );
    const trees = await Promise.all(pages.map((page) => page.getStructTree()));
    const nodes = trees.flatMap((tree) => rolesOf(tree as StructNode));
    const roles = nodes.map((node) => node.role);
    for (const role of ['Document', 'H1', 'H2', 'P', 'L', 'LI', 'Lbl', 'LBody', 'Figure', 'Link']) {
      expect(roles).toContain(role);
    }
    const figures = nodes.filter((node) => node.role === 'Figure').map((node) => node.alt);
    expect(figures).toEqual([
      'Abzeichen „Circular Economy“',
      `QR-Code der Prüfseite ${tool.url}/credentials/${awardId}/verification`,
    ]);
  });

  it("gives the course's teacher the certificate in the learner's language", async () => {
    const { response, bytes } = await download(teacher);
    expect(response.status).toBe(200);
    const text = await pdfText(bytes);
    expect(text).toContain('Ada Lovelace');
    expect(text).toContain('verliehen an');
  });

  describe('who may download it', () => {
    const expectRefused = async (browser: Browser, status: number, code: string) => {
      const { response } = await browser.request(certificateUrl(), {
        headers: { accept: 'application/json' },
      });
      expect(response.status).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    };

    it('refuses another learner of the course with 403 CREDENTIAL_NOT_YOURS', async () => {
      const other = await launchInto(lms, COURSE, { id: 'learner-bob' }, 'learner');
      await expectRefused(other, 403, 'CREDENTIAL_NOT_YOURS');
    });

    it('refuses a teacher of another course with 403 CREDENTIAL_NOT_YOURS', async () => {
      const other = await launchInto(lms, 'course-other', { id: 'teacher-other' }, 'teacher');
      await expectRefused(other, 403, 'CREDENTIAL_NOT_YOURS');
    });

    it('refuses a visitor without a session with 401 SESSION_REQUIRED', async () => {
      await expectRefused(createBrowser(), 401, 'SESSION_REQUIRED');
    });
  });
});
