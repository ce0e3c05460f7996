import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learnerNoticeJob } from '../../../src/awards/award-jobs.js';
import { jobStatuses } from '../../../src/jobs/enqueue-job.js';
import { createSmtpMailer } from '../../../src/web/mail/smtp-mailer.js';
import type { Browser } from '../../support/http-client.js';
import {
  ANNEX_I_ACHIEVEMENT,
  CIRCULAR_ECONOMY_QUIZ,
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
  type WorldPlatform,
} from '../../support/course-world.js';
import { startSmtpInbox, type SmtpInbox } from '../../support/smtp-inbox.js';
import { csrfTokenOf, getPage, postForm } from '../teacher-course-world.js';

const SENDER = 'microcred <badges@uni.example>';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('the email that tells a learner a credential was awarded or revoked', () => {
  let inbox: SmtpInbox;
  let world: CourseWorld;
  let registered: WorldPlatform;
  let teacher: Browser;
  let url: string;

  /** Launches a learner, has them pass the quiz and returns their browser and award id. */
  const earn = async (
    user: { id: string; name: string; email: string },
    locale: string,
  ): Promise<{ learner: Browser; awardId: string }> => {
    const learner = await registered.launch(user, 'learner', { locale });
    await registered.send(user.id, [
      { activity: CIRCULAR_ECONOMY_QUIZ, verb: 'scored', scaled: 0.9 },
    ]);
    await world.tool.current().outbox.drain();
    const { html } = await getPage(learner, `${url}/course`);
    const awardId = /action="\/course\/credentials\/([0-9a-f-]{36})\/visibility"/.exec(html)?.[1];
    expect(awardId, `${user.id} holds a credential`).toBeDefined();
    return { learner, awardId: awardId! };
  };

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    world = await startCourseWorld({
      env: {
        MICROCRED_SMTP_HOST: '127.0.0.1',
        MICROCRED_SMTP_PORT: String(inbox.port),
        MICROCRED_SMTP_TLS: 'none',
        MICROCRED_MAIL_FROM: SENDER,
      },
    });
    url = world.tool.url;
    registered = await world.platform('registered');
    teacher = await registered.launch({ id: 'teacher-1', name: 'Grace Hopper' }, 'teacher');
    await createAchievementAs(teacher, url, ANNEX_I_ACHIEVEMENT);
  });
  afterAll(async () => {
    await world.close();
    await inbox.stop();
  });

  describe('on award, to a learner who launched in German', () => {
    let awardId: string;
    let mail: (typeof inbox.messages)[number];

    beforeAll(async () => {
      ({ awardId } = await earn(
        { id: 'learner-de', name: 'Lena Fischer', email: 'lena@uni.example' },
        'de-DE',
      ));
      mail = inbox.to('lena@uni.example')[0]!;
    });

    it('arrives once, from the configured sender, in German', () => {
      expect(inbox.to('lena@uni.example')).toHaveLength(1);
      expect(mail.from?.value).toEqual([{ name: 'microcred', address: 'badges@uni.example' }]);
      expect(mail.headers.get('content-language')).toBe('de');
      expect(mail.subject).toBe('Sie haben „Circular economy in practice“ erworben');
      expect(mail.text).toContain('Hallo Lena Fischer,');
      expect(mail.text).toContain('University of Example hat Ihnen am');
    });

    it('links the public page and the LMS the course page opens from', () => {
      expect(mail.text).toContain(`${url}/credentials/${awardId}`);
      expect(mail.html).toContain(`href="${url}/credentials/${awardId}"`);
      expect(mail.html).toContain(`href="${registered.lms.issuer}"`);
      expect(mail.text).toContain('„Sustainability 101“');
    });

    it('shows the badge image inline, as a PNG the HTML names by its content id', () => {
      const [image] = mail.attachments;
      expect(image?.contentType).toBe('image/png');
      expect(image?.content.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(mail.html).toContain(`src="cid:${image?.cid}"`);
      expect(mail.html).toContain('alt="Abzeichen von „Circular economy in practice“"');
    });
  });

  it('speaks Finnish to a learner who launched in Finnish', async () => {
    await earn({ id: 'learner-fi', name: 'Aino Virtanen', email: 'aino@uni.example' }, 'fi');
    const [mail] = inbox.to('aino@uni.example');
    expect(mail?.headers.get('content-language')).toBe('fi');
    expect(mail?.subject).toBe('Ansaitsit osaamismerkinnän ”Circular economy in practice”');
  });

  it('is not sent to a learner who unticked it on their page', async () => {
    const learner = await registered.launch(
      { id: 'learner-quiet', name: 'Mateo García', email: 'mateo@uni.example' },
      'learner',
      { locale: 'es' },
    );
    const { html } = await getPage(learner, `${url}/course`);
    expect(html).toMatch(/<input type="checkbox" name="email" checked>/);
    const { response } = await postForm(learner, `${url}/course/notices`, {
      _csrf: csrfTokenOf(html),
    });
    expect(response.status).toBe(303);
    expect((await getPage(learner, `${url}/course`)).html).toMatch(
      /<input type="checkbox" name="email">/,
    );

    await registered.send('learner-quiet', [
      { activity: CIRCULAR_ECONOMY_QUIZ, verb: 'scored', scaled: 0.9 },
    ]);
    await world.tool.current().outbox.drain();

    expect((await getPage(learner, `${url}/course`)).html).toMatch(/\/visibility"/);
    expect(inbox.to('mateo@uni.example')).toHaveLength(0);
  });

  it('refuses to change the choice without the page’s form token (403 CSRF_TOKEN_INVALID)', async () => {
    const learner = await registered.launch({ id: 'learner-de', name: 'Lena Fischer' }, 'learner');
    const { response } = await postForm(learner, `${url}/course/notices`, {});
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('CSRF_TOKEN_INVALID');
  });

  it('tells of a revocation, with its reason, and no public link while the learner hides it', async () => {
    const { learner, awardId } = await earn(
      { id: 'learner-sv', name: 'Sara Lind', email: 'sara@uni.example' },
      'sv',
    );
    const { html } = await getPage(learner, `${url}/course`);
    await postForm(learner, `${url}/course/credentials/${awardId}/visibility`, {
      _csrf: csrfTokenOf(html),
      visibility: 'hidden',
    });
    const { response } = await teacher.request(`${url}/api/credentials/${awardId}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Plagiarism found in the final quiz' }),
    });
    expect(response.status).toBe(200);
    await world.tool.current().outbox.drain();

    const [awarded, revoked] = inbox.to('sara@uni.example');
    expect(awarded?.subject).toBe('Du har fått ”Circular economy in practice”');
    expect(revoked?.subject).toBe('Ditt intyg ”Circular economy in practice” har återkallats');
    expect(revoked?.text).toContain('Angivet skäl: Plagiarism found in the final quiz');
    expect(revoked?.text).toContain('Du håller intyget dolt');
    expect(revoked?.text).not.toContain(`/credentials/${awardId}`);
  });

  it('waits for a mail server that is down, without holding up the award', async () => {
    await inbox.stop();
    try {
      // `earn` finds the credential on the learner's page.
      const { awardId } = await earn(
        { id: 'learner-nl', name: 'Daan de Vries', email: 'daan@uni.example' },
        'nl',
      );
      const { db } = world.tool.current().database;
      const statuses = await jobStatuses(db, learnerNoticeJob, [`awarded:${awardId}`]);
      expect(statuses.get(`awarded:${awardId}`)).toBe('pending');
      expect(inbox.to('daan@uni.example')).toHaveLength(0);
    } finally {
      await inbox.start();
    }
    // The first retry comes 2 s after the failure.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await world.tool.current().outbox.drain();
    expect(inbox.to('daan@uni.example')[0]?.subject).toBe(
      'Je hebt „Circular economy in practice” behaald',
    );
  });
});

describe('the SMTP connection with MICROCRED_SMTP_TLS=starttls', () => {
  it('sends nothing in the clear to a server that offers no STARTTLS', async () => {
    const inbox = await startSmtpInbox();
    const mailer = createSmtpMailer({
      host: '127.0.0.1',
      port: inbox.port,
      tls: 'starttls',
      user: undefined,
      password: undefined,
      from: SENDER,
    });
    try {
      await expect(
        mailer.send({
          to: 'ada@uni.example',
          subject: 'Secret',
          language: 'en',
          text: 'Secret',
          html: '<p>Secret</p>',
          inlineImages: [],
        }),
      ).rejects.toThrow(/STARTTLS/);
      expect(inbox.messages).toHaveLength(0);
    } finally {
      mailer.close();
      await inbox.stop();
    }
  });
});
