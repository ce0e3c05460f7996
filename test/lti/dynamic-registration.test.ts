import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuerProfiles, platforms, registrationInvitations } from '../../src/db/schema.js';
import { listPlatforms } from '../../src/lti/platform-registry.js';
import { startClaimingPlatform, type ClaimingPlatform } from '../support/claiming-platform.js';
import {
  ADMIN_TOKEN,
  confirmRegistration,
  inviteLms,
  openRegistration,
  registrationIdIn,
} from '../support/dynamic-registration.js';
import { createBrowser } from '../support/http-client.js';
import { LTI_ROLES, startTestLms, type TestLms } from '../support/test-lms.js';
import { startTestTool, type TestTool } from '../support/test-tool.js';

const frameAncestorsOf = (response: Response) =>
  /frame-ancestors ([^;]*)/.exec(response.headers.get('content-security-policy') ?? '')?.[1];

describe('LTI Dynamic Registration 1.0, tool side, by invitation', () => {
  let tool: TestTool;
  let lms: TestLms;
  let probe: ClaimingPlatform;

  beforeAll(async () => {
    [tool, lms, probe] = await Promise.all([
      startTestTool({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } }),
      startTestLms(),
      startClaimingPlatform({ clientId: 'probe-client', deploymentId: 'probe-deployment' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([tool?.close(), lms?.close(), probe?.close()]);
  });

  const db = () => tool.current().database.db;
  const registerWith = async (registrationUrl: string, platform: TestLms | ClaimingPlatform) => {
    const admin = createBrowser();
    const referer = `${'issuer' in platform ? platform.issuer : platform.url}/admin`;
    const form = await openRegistration(admin, registrationUrl, platform, referer);
    const html = await form.response.text();
    if (form.response.status !== 200) return { form, html, done: null };
    const done = await confirmRegistration(admin, tool.url, registrationIdIn(html));
    return { form, html, done };
  };

  it('registers the tool with the platform and the platform with the tool, then launches', async () => {
    const invitation = await inviteLms(tool.url, {
      awardingBody: 'Open University of Testing',
      trustLevel: 'self-study',
    });
    expect(invitation.awardingBody).toEqual({
      id: null,
      name: 'Open University of Testing',
      isNew: true,
    });
    const { form, html, done } = await registerWith(invitation.url, lms);
    expect(form.response.status).toBe(200);
    expect(html).toContain('Open University of Testing');
    expect(done?.response.status).toBe(200);
    expect(await done?.response.text()).toContain('<script src="/static/lti-close.js"></script>');

    expect(lms.registrations).toHaveLength(1);
    expect(lms.registrations[0]).toMatchObject({
      initiate_login_uri: `${tool.url}/lti/login`,
      redirect_uris: [`${tool.url}/lti/launch`],
      jwks_uri: `${tool.url}/lti/keys`,
      token_endpoint_auth_method: 'private_key_jwt',
      scope: expect.stringContaining('https://purl.imsglobal.org/spec/lti-ags/scope/score'),
    });
    const registered = await listPlatforms(db());
    expect(registered).toEqual([
      expect.objectContaining({
        issuer: lms.issuer,
        clientId: lms.clientId,
        deploymentIds: [lms.deploymentId],
        trustLevel: 'self-study',
        issuerProfileId: 'open-university-of-testing',
      }),
    ]);
    const [used] = await db()
      .select()
      .from(registrationInvitations)
      .where(eq(registrationInvitations.id, invitation.id));
    expect(used).toMatchObject({ platformId: registered[0]?.id, usedAt: expect.any(Date) });

    const launch = await lms.launch({
      browser: createBrowser(),
      user: { id: 'learner' },
      roles: [LTI_ROLES.learner],
    });
    expect(launch.finalUrl).toBe(`${tool.url}/course`);
  });

  describe('where LMSs show it', () => {
    it('may be framed by any origin under a valid invitation, from the first page to the last', async () => {
      const invitation = await inviteLms(tool.url, {
        awardingBody: 'Framed University',
        trustLevel: 'registered',
      });
      const platform = await startClaimingPlatform({ clientId: 'framed', deploymentId: '1' });
      try {
        const { form, done } = await registerWith(invitation.url, platform);
        expect(frameAncestorsOf(form.response)).toBe('*');
        expect(done?.response.status).toBe(200);
        expect(frameAncestorsOf(done!.response)).toBe('*');
      } finally {
        await platform.close();
      }
    });

    it('keeps the frame-ancestors policy of every other page, and of a refused registration', async () => {
      // The policy lists the registered LMSs and is read again when the database's notice of a
      // registration arrives (the test before registered one): compare it once it holds still.
      const policyOfAnotherPage = async () => frameAncestorsOf(await fetch(`${tool.url}/verify`));
      let refused: Awaited<ReturnType<typeof openRegistration>>;
      let other: string | undefined;
      for (let attempt = 1; ; attempt += 1) {
        const before = await policyOfAnotherPage();
        refused = await openRegistration(
          createBrowser(),
          `${tool.url}/lti/register`,
          probe,
          probe.url,
        );
        other = await policyOfAnotherPage();
        if (before === other) break;
        if (attempt === 20) throw new Error('the frame-ancestors policy kept changing');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(other).toMatch(/^'self'( http:\/\/127\.0\.0\.1:\d+)+$/);
      expect(frameAncestorsOf(refused.response)).toBe(other);
    });
  });

  describe('awarding bodies', () => {
    it('links the platform to the existing body an invitation names, with its keys', async () => {
      const invitation = await inviteLms(tool.url, {
        awardingBody: 'Open University of Testing',
        trustLevel: 'registered',
      });
      expect(invitation.awardingBody).toEqual({
        id: 'open-university-of-testing',
        name: 'Open University of Testing',
        isNew: false,
      });
      const second = await startClaimingPlatform({ clientId: 'second', deploymentId: '1' });
      try {
        const { done } = await registerWith(invitation.url, second);
        expect(done?.response.status).toBe(200);
        const [platform] = await db()
          .select()
          .from(platforms)
          .where(eq(platforms.issuer, second.url));
        expect(platform?.issuerProfileId).toBe('open-university-of-testing');
      } finally {
        await second.close();
      }
    });

    it('gives a body of its own to an invitation naming no existing body, even a look-alike', async () => {
      const invitation = await inviteLms(tool.url, {
        awardingBody: 'open university of testing',
        trustLevel: 'registered',
      });
      expect(invitation.awardingBody.isNew).toBe(true);
      const third = await startClaimingPlatform({ clientId: 'third', deploymentId: '1' });
      try {
        const { done } = await registerWith(invitation.url, third);
        expect(done?.response.status).toBe(200);
        const [platform] = await db()
          .select()
          .from(platforms)
          .where(eq(platforms.issuer, third.url));
        expect(platform?.issuerProfileId).toBe('open-university-of-testing-2');
        const [body] = await db()
          .select()
          .from(issuerProfiles)
          .where(eq(issuerProfiles.id, 'open-university-of-testing-2'));
        expect(body?.name).toBe('open university of testing');
      } finally {
        await third.close();
      }
    });
  });

  describe('refusals: a page with the reason code, nothing fetched or stored', () => {
    const expectRefused = async (registrationUrl: string, status: number, code: string) => {
      const before = {
        requests: probe.requests.length,
        platforms: (await listPlatforms(db())).length,
      };
      const { form, html } = await registerWith(registrationUrl, probe);
      expect(form.response.status).toBe(status);
      expect(html).toContain(code);
      expect(probe.requests).toHaveLength(before.requests);
      expect(await listPlatforms(db())).toHaveLength(before.platforms);
    };

    it('a registration URL without an invitation', async () => {
      await expectRefused(`${tool.url}/lti/register`, 401, 'LTI_REGISTRATION_INVITATION_REQUIRED');
    });

    it('an invitation the tool never issued', async () => {
      await expectRefused(
        `${tool.url}/lti/register?invitation=made-up`,
        403,
        'LTI_REGISTRATION_INVITATION_UNKNOWN',
      );
    });

    it('an invitation used already', async () => {
      const invitation = await inviteLms(tool.url, {
        awardingBody: 'Once',
        trustLevel: 'registered',
      });
      const first = await startClaimingPlatform({ clientId: 'once', deploymentId: '1' });
      try {
        expect((await registerWith(invitation.url, first)).done?.response.status).toBe(200);
      } finally {
        await first.close();
      }
      await expectRefused(invitation.url, 410, 'LTI_REGISTRATION_INVITATION_USED');
    });

    it('an expired invitation', async () => {
      const invitation = await inviteLms(tool.url, {
        awardingBody: 'Late',
        trustLevel: 'registered',
      });
      await db()
        .update(registrationInvitations)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(registrationInvitations.id, invitation.id));
      await expectRefused(invitation.url, 410, 'LTI_REGISTRATION_INVITATION_EXPIRED');
    });

    it('a withdrawn invitation', async () => {
      const invitation = await inviteLms(tool.url, {
        awardingBody: 'Gone',
        trustLevel: 'registered',
      });
      const withdrawn = await fetch(
        `${tool.url}/api/admin/registration-invitations/${invitation.id}`,
        {
          method: 'DELETE',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        },
      );
      expect(withdrawn.status).toBe(204);
      await expectRefused(invitation.url, 410, 'LTI_REGISTRATION_INVITATION_WITHDRAWN');
    });

    it('a configuration URL on another host than the LMS that opened the page', async () => {
      const invitation = await inviteLms(tool.url, {
        awardingBody: 'Elsewhere',
        trustLevel: 'registered',
      });
      const { response } = await openRegistration(
        createBrowser(),
        invitation.url,
        {
          openIdConfigurationUrl: 'http://169.254.169.254/latest/meta-data',
          registrationToken: 'x',
        },
        `${lms.issuer}/admin`,
      );
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('must come from the LMS that opened this page');
    });

    it('a configuration URL that is not http(s)', async () => {
      const invitation = await inviteLms(tool.url, {
        awardingBody: 'Files',
        trustLevel: 'registered',
      });
      const { response } = await openRegistration(
        createBrowser(),
        invitation.url,
        { openIdConfigurationUrl: 'file:///etc/passwd', registrationToken: 'x' },
        null,
      );
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('LTI_REGISTRATION_FAILED');
    });

    it('a registration opened without a Referer', async () => {
      const invitation = await inviteLms(tool.url, {
        awardingBody: 'Nowhere',
        trustLevel: 'registered',
      });
      const { response } = await openRegistration(createBrowser(), invitation.url, probe, null);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('Start the registration from your LMS');
      expect(probe.requests).toEqual([]);
    });

    it('a registration completed twice', async () => {
      const invitation = await inviteLms(tool.url, {
        awardingBody: 'Twice',
        trustLevel: 'registered',
      });
      const platform = await startClaimingPlatform({ clientId: 'twice', deploymentId: '1' });
      try {
        const admin = createBrowser();
        const form = await openRegistration(admin, invitation.url, platform, platform.url);
        const id = registrationIdIn(await form.response.text());
        expect((await confirmRegistration(admin, tool.url, id)).response.status).toBe(200);
        const { response } = await confirmRegistration(admin, tool.url, id);
        expect(response.status).toBe(400);
        expect(await response.text()).toContain('expired or was already completed');
      } finally {
        await platform.close();
      }
    });
  });

  it('registers one platform when two LMSs complete the same invitation at once', async () => {
    const invitation = await inviteLms(tool.url, {
      awardingBody: 'Race',
      trustLevel: 'registered',
    });
    const racers = await Promise.all(
      ['racer-a', 'racer-b'].map((clientId) =>
        startClaimingPlatform({ clientId, deploymentId: '1' }),
      ),
    );
    try {
      const pages = await Promise.all(
        racers.map(async (racer) => {
          const admin = createBrowser();
          const form = await openRegistration(admin, invitation.url, racer, racer.url);
          return { admin, id: registrationIdIn(await form.response.text()) };
        }),
      );
      const results = await Promise.all(
        pages.map(({ admin, id }) => confirmRegistration(admin, tool.url, id)),
      );
      const statuses = results.map(({ response }) => response.status).sort();
      expect(statuses).toEqual([200, 410]);
      const loser = results.find(({ response }) => response.status === 410)!;
      expect(await loser.response.text()).toContain('LTI_REGISTRATION_INVITATION_USED');
      const stored = await db()
        .select()
        .from(platforms)
        .where(eq(platforms.clientId, 'racer-a'))
        .union(db().select().from(platforms).where(eq(platforms.clientId, 'racer-b')));
      expect(stored).toHaveLength(1);
    } finally {
      await Promise.all(racers.map((racer) => racer.close()));
    }
  });
});
