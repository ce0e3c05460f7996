import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
} from '../support/course-world.js';
import { csrfTokenOf, getPage, postForm } from './teacher-course-world.js';

const QUIZ = 'https://example.org/verify-page/quiz';

describe('the verify page: GET and POST /verify', () => {
  let world: CourseWorld;
  let credentialUrl: string;
  let revokedCredentialUrl: string;

  beforeAll(async () => {
    world = await startCourseWorld();
    const platform = await world.platform('registered');
    const teacher = await platform.launch({ id: 'teacher-1' }, 'teacher');
    await createAchievementAs(teacher, world.tool.url, {
      name: 'Open data basics',
      description: 'Finds, reads and cites open data sets.',
      criteria: 'Pass the quiz.',
      ects: 1,
      eqfLevel: 4,
      rule: { passed: QUIZ },
    });
    const learner = await platform.launch(
      { id: 'learner-1', name: 'Rosalind Franklin' },
      'learner',
    );
    await platform.send('learner-1', [{ activity: QUIZ, verb: 'passed' }]);
    const course = await (await learner.request(`${world.tool.url}/course`)).response.text();
    credentialUrl = `${world.tool.url}${/\/credentials\/[0-9a-f-]{36}/.exec(course)?.[0] ?? ''}`;

    const revokedLearner = await platform.launch(
      { id: 'learner-2', name: 'Alan Turing' },
      'learner',
    );
    await platform.send('learner-2', [{ activity: QUIZ, verb: 'passed' }]);
    const revokedCourse = await (
      await revokedLearner.request(`${world.tool.url}/course`)
    ).response.text();
    const revokedPath = /\/credentials\/[0-9a-f-]{36}/.exec(revokedCourse)?.[0] ?? '';
    revokedCredentialUrl = `${world.tool.url}${revokedPath}`;
    const { html: awardsPage } = await getPage(teacher, `${world.tool.url}/course/awards`);
    const { response } = await postForm(
      teacher,
      `${world.tool.url}/course/awards/${revokedPath.split('/').at(-1)}/revoke`,
      { _csrf: csrfTokenOf(awardsPage), reason: 'Assessment irregularity' },
    );
    expect(response.status).toBeLessThan(400);
  }, 120_000);
  afterAll(() => world?.close());

  const download = async (format: string) =>
    Buffer.from(await (await fetch(`${credentialUrl}.${format}`)).arrayBuffer());

  /** Submits the verify form as a browser does: multipart, with a file or a pasted text. */
  const submit = async (
    parts: { file?: { bytes: Buffer; name: string; type: string }; pasted?: string },
    language = 'en',
  ) => {
    const form = new FormData();
    if (parts.file) {
      form.append(
        'credential',
        new Blob([parts.file.bytes], { type: parts.file.type }),
        parts.file.name,
      );
    }
    form.append('pasted', parts.pasted ?? '');
    const response = await fetch(`${world.tool.url}/verify`, {
      method: 'POST',
      body: form,
      headers: { accept: 'text/html', 'accept-language': language },
    });
    return { status: response.status, html: await response.text() };
  };

  it('offers a form with a file input, a paste field and the drag-and-drop script', async () => {
    const response = await fetch(`${world.tool.url}/verify`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(
      /<form[^>]*method="post" action="\/verify" enctype="multipart\/form-data"/,
    );
    expect(html).toContain('<label for="credential-file">Credential file</label>');
    expect(html).toMatch(/<input type="file" id="credential-file" name="credential"/);
    expect(html).toContain('<label for="pasted">Or paste the credential</label>');
    expect(html).toContain('<script src="/static/js/verify-drop.js" defer></script>');
    expect((await fetch(`${world.tool.url}/static/js/verify-drop.js`)).status).toBe(200);
  });

  it.each([
    ['json', 'application/json', 'JSON'],
    ['jwt', 'application/jwt', 'JWT'],
    ['png', 'image/png', 'PNG image'],
    ['svg', 'image/svg+xml', 'SVG image'],
  ])('verifies an uploaded %s form of an issued credential', async (format, type, shown) => {
    const { status, html } = await submit({
      file: { bytes: await download(format), name: `credential.${format}`, type },
    });
    expect(status).toBe(200);
    expect(html).toMatch(/<h2 id="result-heading" role="status"[^>]*>Valid credential<\/h2>/);
    expect(html).toContain(`<dd>credential.${format}</dd>`);
    expect(html).toContain(`<dd>${shown}</dd>`);
    expect(html).toContain('<dd>Open data basics</dd>');
    expect(html).toMatch(
      /<span class="check-outcome">Passed<\/span>\s*<strong>Signature<\/strong>/,
    );
    expect(html).not.toMatch(/<span class="check-outcome">Failed<\/span>/);
  });

  it('names whom the credential was awarded to, for what, by whom, before any check', async () => {
    const { html } = await submit({
      file: { bytes: await download('json'), name: 'credential.json', type: 'application/json' },
    });
    const verdict = html.slice(0, html.indexOf('<details class="technical-details">'));
    expect(verdict).toContain('<dt>Awarded to</dt><dd>Rosalind Franklin</dd>');
    expect(verdict).toContain('<dd>Open data basics</dd>');
    expect(verdict).toContain('<dt>Awarding body</dt>');
    expect(verdict).not.toContain('class="check ');
  });

  it.each([
    ['JSON that is no credential', '{"hello": "world"}'],
    ['a sentence', 'this is not a credential at all'],
  ])(
    'answers %s with “Not a credential”, and no check reads as passed after the format',
    async (_, junk) => {
      const { html } = await submit({ pasted: junk });
      expect(html).toContain('>Not a credential</h2>');
      expect(html).not.toMatch(
        /<span class="check-outcome">Passed<\/span>\s*<strong>(Validity|Revocation status|Signature)/,
      );
      expect(html).not.toContain('undefined');
    },
  );

  it('answers a revoked credential with “Revoked” and the issuer’s reason', async () => {
    const bytes = Buffer.from(await (await fetch(`${revokedCredentialUrl}.json`)).arrayBuffer());
    const { html } = await submit({
      file: { bytes, name: 'revoked.json', type: 'application/json' },
    });
    expect(html).toContain('>Revoked</h2>');
    expect(html).toContain('Assessment irregularity');
    expect(html).toContain('<dd>Alan Turing</dd>');
  });

  it('verifies a pasted JWT', async () => {
    const { html } = await submit({ pasted: (await download('jwt')).toString('utf8') });
    expect(html).toContain('>Valid credential</h2>');
  });

  it('rejects a tampered credential and says which check failed and why', async () => {
    const credential = JSON.parse((await download('json')).toString('utf8')) as {
      credentialSubject: { achievement: { name: string } };
    };
    credential.credentialSubject.achievement.name = 'Open data mastery';
    const { status, html } = await submit({
      file: {
        bytes: Buffer.from(JSON.stringify(credential)),
        name: 'tampered.json',
        type: 'application/json',
      },
    });
    expect(status).toBe(200);
    expect(html).toContain('>Signature invalid</h2>');
    expect(html).toContain(
      'Why: The Data Integrity proof does not verify: the signature is invalid',
    );
    expect(html).toMatch(
      /<span class="check-outcome">Failed<\/span>\s*<strong>Signature<\/strong>\s*<span class="check-reason">The Data Integrity proof does not verify: the signature is invalid<\/span>/,
    );
  });

  it('states the checks and their reasons in the language of the page', async () => {
    const { html } = await submit(
      {
        file: { bytes: await download('json'), name: 'credential.json', type: 'application/json' },
      },
      'de',
    );
    expect(html).toMatch(
      /<span class="check-outcome">Bestanden<\/span>\s*<strong>Widerrufsstatus<\/strong>\s*<span class="check-reason">Nicht widerrufen \(geprüft anhand der Statusliste des Ausstellers\)<\/span>/,
    );
    expect(html).toMatch(
      /<strong>Aussteller<\/strong>\s*<span class="check-reason">Ausgestellt von did:web:[^<]+<\/span>/,
    );
    expect(html).not.toContain('<span class="check-reason" lang="en">');
  });

  it('refuses an empty form with 422 and the message on the file field', async () => {
    const { status, html } = await submit({});
    expect(status).toBe(422);
    expect(html).toMatch(/<div class="error-summary" role="alert"/);
    expect(html).toContain(
      '<a href="#credential-file">Choose a credential file or paste a credential.</a>',
    );
    expect(html).toContain(
      'aria-describedby="credential-file-hint credential-file-error" aria-invalid="true"',
    );
  });

  it('refuses a file over 5 MB with 413', async () => {
    const { status, html } = await submit({
      file: {
        bytes: Buffer.alloc(5 * 1024 * 1024 + 1, 32),
        name: 'big.json',
        type: 'application/json',
      },
    });
    expect(status).toBe(413);
    expect(html).toContain('The file is larger than 5 MB.');
  });

  it('still answers API clients that send the raw credential with the JSON report', async () => {
    const response = await fetch(`${world.tool.url}/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/jwt' },
      body: await download('jwt'),
    });
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toMatchObject({ verified: true, format: 'jwt' });
  });

  it('shows the result in German', async () => {
    const { html } = await submit(
      { file: { bytes: await download('png'), name: 'badge.png', type: 'image/png' } },
      'de',
    );
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('>Gültiger Nachweis</h2>');
    expect(html).toContain('<dt>Verliehen an</dt>');
    expect(html).toContain('<strong>Signatur</strong>');
  });

  it('answers a megabyte of repeated credential openings in an SVG with the reason, not a stall', async () => {
    const hostile = `<svg xmlns="http://www.w3.org/2000/svg">${'<openbadges:credential>'.repeat(45_000)}</svg>`;
    const { status, html } = await submit({
      file: { bytes: Buffer.from(hostile), name: 'hostile.svg', type: 'image/svg+xml' },
    });
    expect(status).toBe(200);
    expect(html).toContain('>Not a credential</h2>');
    expect(html).toMatch(
      /<span class="check-outcome">Failed<\/span>\s*<strong>Format<\/strong>\s*<span class="check-reason">Not a readable SVG image: The openbadges:credential element has no end tag<\/span>/,
    );
  });

  it('answers API clients that send deeply nested JSON that it nests too deep', async () => {
    const response = await fetch(`${world.tool.url}/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      verified: false,
      checks: [{ check: 'format', outcome: 'failed', reasonCode: 'jsonTooDeep' }],
    });
  });
});
