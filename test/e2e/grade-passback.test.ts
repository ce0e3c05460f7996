import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeJob } from '../../src/awards/award-jobs.js';
import { outbox } from '../../src/db/schema.js';
import { createBrowser } from '../support/http-client.js';
import { platformXapiAuthorization, postStatements } from '../support/platform-xapi.js';
import { AGS_SCOPES, LTI_CLAIMS, LTI_ROLES, type TestLms } from '../support/test-lms.js';
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
        publish: true,
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
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
    });
    // A pass without a score is no grade of 100.
    expect(lms.scores[0]?.body).not.toHaveProperty('scoreGiven');
    await tool.current().outbox.drain();
    expect(lms.scores).toHaveLength(1);
  });

  it('sends no request to a line items service at an address outgoing requests may not reach, and keeps only the generic error', async () => {
    // 127.0.0.2 is loopback, but the test tool may fetch from 127.0.0.1 only.
    const requests: string[] = [];
    const gradebook: Server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => gradebook.listen(0, '127.0.0.2', resolve));
    const lineItemsUrl = `http://127.0.0.2:${(gradebook.address() as AddressInfo).port}/lineitems`;
    try {
      const teacher = createBrowser();
      await lms.launch({
        browser: teacher,
        user: { id: 'teacher' },
        roles: [LTI_ROLES.instructor],
        context: { id: 'elsewhere-gradebook' },
      });
      const created = await teacher.request(`${tool.url}/api/achievements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'Stats elsewhere',
          description: 'Statistics basics.',
          criteria: 'Pass the quiz.',
          rule: { passed: `${QUIZ}/elsewhere` },
          publish: true,
        }),
      });
      expect(created.response.status).toBe(201);
      await lms.launch({
        browser: createBrowser(),
        user: { id: 'learner-elsewhere' },
        roles: [LTI_ROLES.learner],
        context: { id: 'elsewhere-gradebook' },
        claims: {
          [LTI_CLAIMS.agsEndpoint]: {
            scope: [AGS_SCOPES.score, AGS_SCOPES.lineItem],
            lineitems: lineItemsUrl,
          },
        },
      });
      const scoresBefore = lms.scores.length;
      const response = await postStatements(tool, await platformXapiAuthorization(tool, lms), {
        actor: { account: { homePage: lms.issuer, name: 'learner-elsewhere' } },
        verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
        object: { id: `${QUIZ}/elsewhere` },
      });
      expect(response.status).toBe(200);

      await tool.current().outbox.drain();
      const jobs = await tool
        .current()
        .database.db.select()
        .from(outbox)
        .where(eq(outbox.kind, gradeJob.name));
      const failed = jobs.find((job) => job.lastError?.includes('127.0.0.2'));
      expect(failed).toMatchObject({ status: 'pending' });
      expect(failed?.lastError).toContain('could not get an answer from the other server');
      expect(failed?.lastError).not.toMatch(/ECONNREFUSED|ETIMEDOUT|not allowed/);
      expect(requests).toEqual([]);
      expect(lms.scores).toHaveLength(scoresBefore);
    } finally {
      await new Promise((resolve) => gradebook.close(resolve));
    }
  });
});
