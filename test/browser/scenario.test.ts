/**
 * Issue 7, "Done when" 1: the whole flow in a real browser through the demo LMS. The steps
 * run in order on one demo and build on each other.
 */
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_COURSE } from '../../src/demo/demo-course.js';
import { checkPage, describeInBrowser } from '../support/browser.js';
import {
  activityIri,
  createPractitioner,
  demoActivity,
  en,
  formField,
  launchAs,
  launchLinkName,
  passQuiz,
  PRACTITIONER,
  startDemoInBrowser,
  type DemoInBrowser,
  waitForCredential,
} from './demo-session.js';

const LEARNER = 'Mateo García';
const REVOCATION_REASON = 'Issued in error: the quiz answers were shared in a chat group.';
const core = demoActivity('sustainability-basics');
const environmental = demoActivity('climate-and-ecosystems');
const economic = demoActivity('circular-economy');
const societal = demoActivity('fair-work-and-inclusion');

const SUITE =
  'Done when 1: a teacher sets up a micro-credential, a learner earns it, anyone verifies it, the teacher revokes it';

describeInBrowser(SUITE, () => {
  let world: DemoInBrowser;
  let teacher: Page;
  let learner: Page;
  let visitor: Page;
  let achievementId = '';
  let credentialUrl = '';
  let credentialFile = '';

  beforeAll(async () => {
    world = await startDemoInBrowser();
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  /** The learner's card of the new achievement. */
  const practitionerCard = () => learner.getByRole('article', { name: PRACTITIONER.name });
  const conditionOf = (card: Locator, activityTitle: string) =>
    card
      .locator('li.condition')
      .filter({ has: learner.locator(':scope > .condition-text', { hasText: activityTitle }) });

  it('the teacher launches from the demo LMS and creates an achievement with every EU element', async () => {
    teacher = await launchAs(world, /^Launch as teacher/);
    await teacher.getByRole('link', { name: en('teacher-achievements:list.create') }).click();
    await teacher.waitForURL(/\/course\/achievements\/new$/);

    achievementId = await createPractitioner(teacher, activityIri(world.demo, core));

    await expect(teacher.getByRole('status').textContent()).resolves.toBe(
      en('teacher-achievements:rule.created'),
    );
    await teacher.goto(`${world.toolUrl}/course/achievements/${achievementId}/edit`);
    const stored = {
      name: await formField(teacher, 'name').inputValue(),
      ects: await formField(teacher, 'ects').inputValue(),
      outcome: await formField(teacher, 'outcomes.1.escoSkills').inputValue(),
      supervision: await formField(teacher, 'supervision').inputValue(),
      qualityAssuranceType: await formField(teacher, 'qualityAssuranceType').inputValue(),
      translation: await formField(teacher, 'translations.0.name').inputValue(),
      stacksInto: await formField(teacher, 'stacksInto').inputValue(),
    };
    expect(stored).toEqual({
      name: PRACTITIONER.name,
      ects: PRACTITIONER.ects,
      outcome: PRACTITIONER.outcomes[1].escoSkill,
      supervision: PRACTITIONER.supervision,
      qualityAssuranceType: PRACTITIONER.qualityAssuranceType,
      translation: PRACTITIONER.translation.name,
      stacksInto: PRACTITIONER.stacksInto,
    });
  }, 90_000);

  it('the teacher sets the pillar rule with the rule form: the core quiz and electives from two pillars', async () => {
    const rulePage = `${world.toolUrl}/course/achievements/${achievementId}/rule`;
    await teacher.goto(rulePage);
    // The electives with the form's "covering several groups" shape …
    await teacher.locator('#shape-distinctGroups').check();
    for (const [index, elective] of [environmental, economic, societal].entries()) {
      await formField(teacher, `conditions.${index}.kind`).selectOption('passed');
      await formField(teacher, `conditions.${index}.activity`).fill(
        activityIri(world.demo, elective),
      );
    }
    await formField(teacher, 'groups').fill('2');
    await formField(teacher, 'tag').fill('pillar');
    await teacher.getByRole('button', { name: en('teacher-achievements:rule.preview') }).click();
    const preview = teacher.locator('section.rule-preview');
    // Nobody has met the electives yet; the total is the learners the tool knows so far.
    const summary = en('teacher-achievements:preview.summary', { awarded: 0, total: 999 });
    await expect(preview.getByRole('status').textContent()).resolves.toMatch(
      new RegExp(`^${summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('999', '\\d+')}$`),
    );
    await Promise.all([
      teacher.waitForURL(/\/course\?saved=draft$/),
      teacher.getByRole('button', { name: en('teacher-achievements:rule.saveDraft') }).click(),
    ]);

    // … then, in the JSON view, which shows the saved rule, combined with the core quiz.
    await teacher.goto(rulePage);
    const pillars = JSON.parse(await formField(teacher, 'json').inputValue()) as Record<
      string,
      unknown
    >;
    expect(pillars).toEqual({
      distinctGroupsAtLeast: {
        n: 2,
        tag: 'pillar',
        of: [environmental, economic, societal].map((elective) => ({
          passed: activityIri(world.demo, elective),
        })),
      },
    });
    await teacher.locator('#shape-json').check();
    await teacher.locator('details.technical-details:has([id="field-json"]) > summary').click();
    await formField(teacher, 'json').fill(
      JSON.stringify({ allOf: [{ passed: activityIri(world.demo, core) }, pillars] }, null, 2),
    );
    // The draft is published from the preview of the rule it publishes.
    await teacher.getByRole('button', { name: en('teacher-achievements:rule.preview') }).click();
    await Promise.all([
      teacher.waitForURL(/\/course\?saved=published$/),
      teacher.getByRole('button', { name: en('teacher-achievements:preview.publish') }).click(),
    ]);
    await expect(teacher.getByRole('status').textContent()).resolves.toBe(
      en('teacher-achievements:list.saved.published'),
    );
    const row = teacher.getByRole('row').filter({ hasText: PRACTITIONER.name });
    await expect(row.locator('.rule-summary').textContent()).resolves.toMatch(
      new RegExp(`${core.title}[\\s\\S]*pillar`, 'i'),
    );
  }, 90_000);

  it('a learner launches, passes the core quiz and one elective, and sees what is done and what is missing', async () => {
    learner = await launchAs(world, new RegExp(`^Launch as ${LEARNER}$`));
    const card = practitionerCard();
    await expect(card.locator('.status').textContent()).resolves.toBe(en('learner:inProgress'));
    await expect(card.locator('li.condition.missing').count()).resolves.toBeGreaterThan(3);

    await passQuiz(learner, core);
    await passQuiz(learner, environmental);
    await learner.reload();

    const coreLine = conditionOf(card, core.title);
    await expect(coreLine.getAttribute('class')).resolves.toContain('met');
    await expect(coreLine.locator('> .condition-state').textContent()).resolves.toBe(
      en('learner:condition.done'),
    );
    await expect(
      conditionOf(card, environmental.title).locator('> .condition-state').textContent(),
    ).resolves.toBe(en('learner:condition.done'));
    for (const open of [economic, societal]) {
      const line = conditionOf(card, open.title);
      await expect(line.locator('> .condition-state').textContent()).resolves.toBe(
        en('learner:condition.missing'),
      );
      await expect(line.getByRole('link', { name: launchLinkName(open) }).count()).resolves.toBe(1);
    }
    await expect(card.textContent()).resolves.toContain(
      en('learner:condition.groupsCovered', { groups: 'environmental' }),
    );
    await expect(card.locator('.status').textContent()).resolves.toBe(en('learner:inProgress'));
    expect(await checkPage(learner, 'scenario-learner-progress')).toEqual([]);
  }, 120_000);

  it('a second pillar earns the learner the credential, with downloads, a public link, a QR code and LinkedIn', async () => {
    await passQuiz(learner, economic);
    const card = practitionerCard();
    credentialUrl = await waitForCredential(learner, PRACTITIONER.name);
    await expect(card.locator('.status-earned').count()).resolves.toBe(1);
    expect(credentialUrl).toMatch(new RegExp(`^${world.toolUrl}/credentials/[0-9a-f-]+$`));
    await expect(card.locator('.qr-code img').getAttribute('src')).resolves.toMatch(
      /^data:image\/(png|svg\+xml);base64,/,
    );
    await expect(
      card
        .getByRole('link', { name: en('learner:credential.linkedIn'), exact: false })
        .getAttribute('href'),
    ).resolves.toContain('https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME');

    const [download] = await Promise.all([
      learner.waitForEvent('download'),
      card.getByRole('link', { name: en('learner:credential.json') }).click(),
    ]);
    credentialFile = (await download.path()) ?? '';
    const credential = JSON.parse(await readFile(credentialFile, 'utf8')) as {
      credentialSubject: { achievement: { name: string } };
    };
    expect(credential.credentialSubject.achievement.name).toBe(PRACTITIONER.name);
    expect(await checkPage(learner, 'scenario-learner-earned')).toEqual([]);
  }, 120_000);

  it('the public page of the credential shows every element and a passing live verification', async () => {
    visitor = await world.browser.newPage();
    await visitor.goto(credentialUrl);

    await expect(visitor.locator('h1').textContent()).resolves.toBe(PRACTITIONER.name);
    await expect(visitor.locator('.status-valid').textContent()).resolves.toContain(
      en('public:status.valid'),
    );
    const element = (id: string) =>
      visitor
        .locator('dl.elements > .element')
        .filter({ has: visitor.locator('dt', { hasText: en(`public:element.${id}`) }) })
        .locator('dd');
    const shown = async (id: string) =>
      (await element(id).allTextContents()).map((text) => text.trim());
    const term = (uri: string) => uri.slice(uri.lastIndexOf('/') + 1);

    expect(await shown('learner')).toEqual([LEARNER]);
    expect(await shown('title')).toEqual([PRACTITIONER.name]);
    expect((await shown('awardingBody'))[0]).toBe('Demo University');
    expect(await shown('learningOutcomes')).toEqual(
      expect.arrayContaining([
        ...PRACTITIONER.outcomes.map((outcome) => outcome.text),
        ...PRACTITIONER.outcomes.map((outcome) =>
          en('public:value.escoSkill', { uri: outcome.escoSkill }),
        ),
      ]),
    );
    expect(await shown('workload')).toEqual(
      expect.arrayContaining([
        en('public:value.ects', { ects: PRACTITIONER.ects }),
        en('public:value.hours', { hours: PRACTITIONER.workloadHours }),
      ]),
    );
    expect(await shown('level')).toContain(
      en('public:value.eqfLevel', { level: PRACTITIONER.eqfLevel }),
    );
    expect(await shown('assessment')).toEqual(
      expect.arrayContaining([
        en(`public:assessment.${term(PRACTITIONER.assessmentType)}`),
        PRACTITIONER.assessmentDescription,
      ]),
    );
    expect(await shown('participation')).toContain(
      en(`public:participation.${term(PRACTITIONER.participationForm)}`),
    );
    expect(await shown('qualityAssurance')).toEqual(
      expect.arrayContaining([
        en(`public:qualityAssuranceType.${term(PRACTITIONER.qualityAssuranceType)}`),
        PRACTITIONER.qualityAssurance,
      ]),
    );
    expect((await shown('qualityAssurance')).join(' ')).toContain(PRACTITIONER.qualityAssuranceUrl);
    expect(await shown('prerequisites')).toEqual([PRACTITIONER.prerequisites]);
    expect(await shown('supervision')).toEqual([en('public:supervision.unsupervised-no-id')]);
    expect((await shown('grade')).join(' ')).toContain(PRACTITIONER.gradingScheme);
    expect(await shown('stackability')).toEqual(
      expect.arrayContaining([
        en('public:value.stackable'),
        PRACTITIONER.stackabilityDescription,
        en('public:value.stacksInto', { url: PRACTITIONER.stacksInto }),
      ]),
    );
    expect(await shown('fieldOfStudy')).toEqual([PRACTITIONER.fieldOfStudy]);
    expect((await shown('furtherInformation')).join(' ')).toContain(
      PRACTITIONER.furtherInformation,
    );
    expect((await shown('furtherInformation')).join(' ')).toContain(
      PRACTITIONER.furtherInformationUrl,
    );
    expect(await shown('criteria')).toEqual([PRACTITIONER.criteria]);
    const reports = visitor.locator('section.verification');
    await expect(reports.count()).resolves.toBeGreaterThan(0);
    await expect(visitor.locator('section.verification-failed').count()).resolves.toBe(0);
    await expect(visitor.locator('section.verification li.check-failed').count()).resolves.toBe(0);
    expect(await checkPage(visitor, 'scenario-credential-valid')).toEqual([]);
    const notStated = await visitor
      .locator('dl.elements > .element')
      .filter({ has: visitor.locator('dd', { hasText: en('public:credential.notStated') }) })
      .locator('dt')
      .allTextContents();
    // The EU's mandatory elements must all have a value.
    expect(notStated, 'elements the public page shows as not stated').toEqual([]);
  }, 60_000);

  it('the verify page verifies the downloaded credential file', async () => {
    await visitor.goto(`${world.toolUrl}/verify`);
    await visitor.getByLabel(en('public:verify.fileLabel')).setInputFiles({
      name: 'credential.json',
      mimeType: 'application/json',
      buffer: await readFile(credentialFile),
    });
    await visitor.getByRole('button', { name: en('public:verify.submit'), exact: true }).click();
    await expect(visitor.locator('#result-heading').textContent()).resolves.toBe(
      en('public:verdict.valid.title'),
    );
    await expect(visitor.locator('.verify-result').textContent()).resolves.toContain(
      PRACTITIONER.name,
    );
    expect(await checkPage(visitor, 'scenario-verify-passed')).toEqual([]);
  }, 60_000);

  it('the teacher revokes the credential on the awards page, giving a reason', async () => {
    await teacher.goto(`${world.toolUrl}/course/awards`);
    const row = teacher
      .getByRole('row')
      .filter({ hasText: LEARNER })
      .filter({ hasText: PRACTITIONER.name });
    await row.locator('summary', { hasText: en('teacher-course:awards.revoke.open') }).click();
    await row.getByLabel(en('teacher-course:awards.revoke.reason')).fill(REVOCATION_REASON);
    await row.getByRole('button', { name: en('teacher-course:awards.revoke.submit') }).click();
    await expect(teacher.getByRole('status').textContent()).resolves.toBe(
      en('teacher-course:awards.status.revoked'),
    );
    await expect(
      teacher
        .getByRole('row')
        .filter({ hasText: LEARNER })
        .filter({ hasText: PRACTITIONER.name })
        .locator('.tc-badge-revoked')
        .textContent(),
    ).resolves.toBe(en('teacher-course:awards.state.revoked'));
    expect(await checkPage(teacher, 'scenario-awards-revoked')).toEqual([]);
  }, 60_000);

  it('the public page then shows the credential revoked, with the reason, and its verification fails on revocation', async () => {
    await visitor.goto(credentialUrl);
    const status = visitor.locator('.status-revoked');
    await expect(status.textContent()).resolves.toContain(
      en('public:status.revokedReason', { reason: REVOCATION_REASON }),
    );
    await expect(visitor.locator('.status-valid').count()).resolves.toBe(0);
    await expect(visitor.locator('section.verification-passed').count()).resolves.toBe(0);
    const failedChecks = visitor.locator('section.verification li.check-failed');
    await expect(failedChecks.count()).resolves.toBeGreaterThan(0);
    const failedNames = await failedChecks.locator('strong').allTextContents();
    expect(new Set(failedNames)).toEqual(new Set([en('public:check.status')]));
    expect(await checkPage(visitor, 'scenario-credential-revoked')).toEqual([]);

    await learner.reload();
    await expect(practitionerCard().locator('.status-revoked').count()).resolves.toBe(1);
    await expect(learner.locator('h1').textContent()).resolves.toBe(DEMO_COURSE.title);
  }, 60_000);
});
