import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/dynamic-registration.js';
import { createBrowser } from '../support/http-client.js';
import { startTestLms, type TestLms } from '../support/test-lms.js';
import { startTestTool, type TestTool } from '../support/test-tool.js';

const isPostgres = Boolean(process.env.DATABASE_URL);

/**
 * Launches read registrations from a cache kept for a minute (lti/registered-platforms.ts);
 * an administrator's change must count in every process at once. On PostgreSQL two instances
 * share one database, as two processes behind a load balancer do; PGlite has one process.
 */
describe(`registration changes reach every running instance at once (${isPostgres ? 'two instances on PostgreSQL' : 'one instance on PGlite'})`, () => {
  let changedThrough: TestTool;
  let launchedAt: TestTool;
  let lms: TestLms;

  beforeAll(async () => {
    changedThrough = await startTestTool({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } });
    [launchedAt, lms] = await Promise.all([
      isPostgres
        ? startTestTool({
            env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN },
            storage: changedThrough.storage,
          })
        : changedThrough,
      startTestLms(),
    ]);
    const registered = await fetch(`${changedThrough.url}/api/admin/platforms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...lms.platformRegistration(),
        awardingBody: 'University of Example',
      }),
    });
    expect(registered.status).toBe(201);
    lms.setToolEndpoints({
      loginUrl: `${launchedAt.url}/lti/login`,
      launchUrl: `${launchedAt.url}/lti/launch`,
    });
    lms.setToolJwksUrl(`${launchedAt.url}/lti/keys`);
  });
  afterAll(async () => {
    if (launchedAt !== changedThrough) await launchedAt?.close();
    await Promise.all([changedThrough?.close(), lms?.close()]);
  });

  const launch = () => lms.launch({ browser: createBrowser(), user: { id: 'learner-1' } });

  it('refuses launches of a platform deactivated through another instance within a second', async () => {
    // The launch keeps the registration in the launching instance's cache.
    expect((await launch()).finalUrl).toBe(`${launchedAt.url}/course`);
    const listed = (await (
      await fetch(`${changedThrough.url}/api/admin/platforms`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json()) as { platforms: { id: string }[] };

    const deactivated = await fetch(
      `${changedThrough.url}/api/admin/platforms/${listed.platforms[0]?.id}`,
      {
        method: 'PATCH',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ isActive: false }),
      },
    );
    expect(deactivated.status).toBe(200);
    const deactivatedAt = Date.now();

    // The first launch started within the second after the change that is refused by the
    // cache (a stale cache would let the login through: it is refused later, by the database).
    let refusal: string | undefined;
    while (refusal === undefined && Date.now() - deactivatedAt < 1000) {
      const attempt = await launch();
      if (attempt.response.status >= 400) refusal = attempt.text;
    }
    expect(refusal).toContain('LTI_PLATFORM_UNKNOWN');
  });

  it('gives LMSs registered through both instances at the same moment, naming one new awarding body, that one body', async () => {
    const registrations = Array.from({ length: 8 }, async (_, index) => {
      const issuer = `https://moodle-${index + 1}.alliance-hosting.example.org`;
      const through = index % 2 === 0 ? changedThrough : launchedAt;
      const registered = await fetch(`${through.url}/api/admin/platforms`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          issuer,
          clientId: 'microcred',
          deploymentId: '1',
          authUrl: `${issuer}/mod/lti/auth.php`,
          tokenUrl: `${issuer}/mod/lti/token.php`,
          jwksUrl: `${issuer}/mod/lti/certs.php`,
          awardingBody: 'Alliance Hosting',
        }),
      });
      const answer = (await registered.json()) as { platform: { awardingBody: string } };
      expect(registered.status, JSON.stringify(answer)).toBe(201);
      return answer.platform.awardingBody;
    });

    expect(new Set(await Promise.all(registrations))).toEqual(new Set(['alliance-hosting']));
  });
});
