import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DidDocument } from '../../src/badges/did-web.js';
import {
  ADMIN_TOKEN,
  confirmRegistration,
  inviteLms,
  openRegistration,
  registrationIdIn,
} from '../support/dynamic-registration.js';
import { createBrowser } from '../support/http-client.js';
import {
  validateAgainstOfficialSchema,
  verifyDataIntegrity,
} from '../support/independent-verifier.js';
import { platformXapiAuthorization, postStatements } from '../support/platform-xapi.js';
import { LTI_ROLES, startTestLms, type TestLms } from '../support/test-lms.js';
import { startTestTool, type TestTool } from '../support/test-tool.js';

const QUIZ = 'https://courses.example.org/data-literacy/final-quiz';
const COURSE = { id: 'data-literacy-2026', title: 'Data Literacy' };
const LEARNER = { id: 'learner-7', name: 'Ada Lovelace', email: 'ada@example.org' };

function passingStatement(id: string, actorName = LEARNER.id, homePage?: string) {
  return {
    id,
    actor: { objectType: 'Agent', account: { homePage, name: actorName } },
    verb: { id: 'http://adlnet.gov/expapi/verbs/passed', display: { 'en-US': 'passed' } },
    object: { objectType: 'Activity', id: QUIZ, definition: { name: { 'en-US': 'Final quiz' } } },
    result: { score: { scaled: 0.92, raw: 92, min: 0, max: 100 }, success: true, completion: true },
    timestamp: '2026-11-28T10:00:00Z',
  };
}

describe('the first slice: LTI launch → xAPI result → Open Badges 3.0 credential → grade in the LMS', () => {
  let tool: TestTool;
  let lms: TestLms;

  beforeAll(async () => {
    [tool, lms] = await Promise.all([
      startTestTool({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } }),
      startTestLms(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([tool?.close(), lms?.close()]);
  });

  it('issues exactly one verifiable credential for a passing statement and posts the grade once, keeping everything across a restart', async () => {
    // The tool's administrator invites the LMS, whose administrator registers it by LTI
    // Dynamic Registration.
    const invitation = await inviteLms(tool.url, {
      awardingBody: 'University of Example',
      trustLevel: 'registered',
    });
    const admin = createBrowser();
    const form = await openRegistration(admin, invitation.url, lms, `${lms.issuer}/admin/tools`);
    expect(form.response.status).toBe(200);
    const registration = await confirmRegistration(
      admin,
      tool.url,
      registrationIdIn(await form.response.text()),
    );
    expect(registration.response.status).toBe(200);
    expect(await registration.response.text()).toContain('lti-close.js');

    // A teacher launches the tool and defines the course's achievement.
    const teacher = createBrowser();
    const teacherLaunch = await lms.launch({
      browser: teacher,
      user: { id: 'teacher-1', name: 'Grace Hopper' },
      roles: [LTI_ROLES.instructor],
      context: COURSE,
    });
    expect(teacherLaunch.finalUrl).toBe(`${tool.url}/course`);
    const created = await teacher.request(`${tool.url}/api/achievements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Data Literacy Basics',
        description: 'Reads, questions and presents data responsibly.',
        criteria: 'Score at least 80% in the final quiz.',
        ects: 2,
        eqfLevel: 5,
        rule: { scoreAtLeast: { activity: QUIZ, scaled: 0.8 } },
        publish: true,
      }),
    });
    expect(created.response.status).toBe(201);

    // The learner launches through the full three-leg OIDC flow and sees what is missing.
    const learner = createBrowser();
    const learnerLaunch = await lms.launch({
      browser: learner,
      user: LEARNER,
      roles: [LTI_ROLES.learner],
      context: COURSE,
    });
    expect(learnerLaunch.response.status).toBe(200);
    expect(learnerLaunch.text).toContain('Not done yet');

    // The LMS sends the passing result, twice, and then another passing attempt.
    const authorization = await platformXapiAuthorization(tool, lms);
    const statementId = '6690e6c9-3ef0-4ed3-8b37-7f3964730bee';
    for (const body of [
      passingStatement(statementId, LEARNER.id, lms.issuer),
      passingStatement(statementId, LEARNER.id, lms.issuer),
      passingStatement('0f5c7b3e-6c1a-4c55-9a55-2d8a3a1f9d11', LEARNER.id, lms.issuer),
    ]) {
      const response = await postStatements(tool, authorization, body);
      expect(response.status).toBe(200);
    }
    await tool.current().outbox.drain();

    // Exactly one credential, shown on the learner's page with its public link.
    const page = await learner.request(`${tool.url}/course`);
    const html = await page.response.text();
    expect(html).toContain('Earned on');
    const links = [...new Set(html.match(/\/credentials\/[0-9a-f-]{36}/g))];
    expect(links).toHaveLength(1);

    const credentialResponse = await fetch(`${tool.url}${links[0]}`);
    expect(credentialResponse.status).toBe(200);
    const credential = (await credentialResponse.json()) as Record<string, unknown> & {
      issuer: { id: string };
      credentialSubject: { achievement: { achievementType: string }; creditsEarned?: number };
      evidence: { id: string }[];
    };
    expect(credential.credentialSubject.achievement.achievementType).toBe('MicroCredential');
    expect(html).toContain(`href="${tool.url}${links[0]}.json"`);
    expect(await (await fetch(`${tool.url}${links[0]}.json`)).json()).toEqual(credential);
    expect(credential.evidence.map((evidence) => evidence.id).join()).toContain(statementId);

    // It validates against the official schema and verifies with a verifier we did not write,
    // resolving the issuer's did:web document from the tool over HTTP.
    const schema = validateAgainstOfficialSchema(credential);
    expect(schema.errors).toBeNull();
    const didDocumentUrl = `${tool.url}/issuers/${credential.issuer.id.split(':').at(-1)}/did.json`;
    const didDocument = (await (await fetch(didDocumentUrl)).json()) as DidDocument;
    expect(didDocument.id).toBe(credential.issuer.id);
    const verification = await verifyDataIntegrity(credential, didDocument);
    expect(verification.verified).toBe(true);

    // The grade reached the LMS gradebook once.
    expect(lms.scores).toHaveLength(1);
    expect(lms.scores[0]?.body).toMatchObject({
      userId: LEARNER.id,
      scoreGiven: 92,
      scoreMaximum: 100,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
    });

    // After a restart on the same data: the platform, the statement and the credential remain.
    await tool.restart();
    const again = await lms.launch({
      browser: createBrowser(),
      user: LEARNER,
      roles: [LTI_ROLES.learner],
      context: COURSE,
    });
    expect(again.text).toContain('Earned on');
    expect(await (await fetch(`${tool.url}${links[0]}`)).json()).toEqual(credential);
    const stored = await fetch(`${tool.url}/xapi/statements?statementId=${statementId}`, {
      headers: { authorization, 'x-experience-api-version': '2.0.0' },
    });
    expect(stored.status).toBe(200);
  });
});
