import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowser } from '../support/http-client.js';
import { platformXapiAuthorization, postStatements } from '../support/platform-xapi.js';
import { LTI_ROLES, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';

const QUIZ = 'https://courses.example.org/stats/quiz';

describe('grade passback through the outbox (LTI AGS 2.0)', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
  });
  afterAll(() => close?.());

  it('sends a score that first met a 503 once the platform is back, and only once', async () => {
    const teacher = createBrowser();
    await lms.launch({ browser: teacher, user: { id: 'teacher' }, roles: [LTI_ROLES.instructor] });
    const created = await teacher.request(`${tool.url}/api/achievements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Stats',
        description: 'Statistics basics.',
        criteria: 'Pass the quiz.',
        rule: { passed: QUIZ },
      }),
    });
    expect(created.response.status).toBe(201);
    await lms.launch({
      browser: createBrowser(),
      user: { id: 'learner' },
      roles: [LTI_ROLES.learner],
    });

    const authorization = await platformXapiAuthorization(tool, lms);
    lms.failNextScores(1, 503);
    const response = await postStatements(tool, authorization, {
      actor: { account: { homePage: lms.issuer, name: 'learner' } },
      verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
      object: { id: QUIZ },
    });
    expect(response.status).toBe(200);

    await tool.current().outbox.drain();
    expect(lms.scores).toHaveLength(0);

    const deadline = Date.now() + 15_000;
    while (lms.scores.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(lms.scores).toHaveLength(1);
    expect(lms.scores[0]?.body).toMatchObject({
      userId: 'learner',
      scoreGiven: 100,
      gradingProgress: 'FullyGraded',
    });
    await tool.current().outbox.drain();
    expect(lms.scores).toHaveLength(1);
  });
});
