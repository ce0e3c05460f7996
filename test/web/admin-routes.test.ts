import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataUri, GIF, HOSTILE_SVG, HOSTILE_SVG_SANITIZED } from '../support/badge-images.js';
import {
  confirmRegistration,
  openRegistration,
  registrationIdIn,
} from '../support/dynamic-registration.js';
import { createBrowser } from '../support/http-client.js';
import { LTI_ROLES, startTestLms, type TestLms } from '../support/test-lms.js';
import { startTestTool, type TestTool } from '../support/test-tool.js';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789abcdef';

describe('the admin JSON API: manual platform registration', () => {
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

  const register = (body: unknown, token = ADMIN_TOKEN) =>
    fetch(`${tool.url}/api/admin/platforms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('registers a platform that can then launch the tool', async () => {
    const response = await register({
      ...lms.platformRegistration(),
      awardingBody: 'University of Testing',
      trustLevel: 'self-study',
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { platform: unknown; pasteIntoYourLms: unknown };
    expect(body.platform).toMatchObject({
      trustLevel: 'self-study',
      awardingBody: 'university-of-testing',
      deployments: [{ deploymentId: lms.deploymentId, isActive: true }],
    });
    expect(body).not.toHaveProperty('notice');
    expect(body.pasteIntoYourLms).toMatchObject({
      loginUrl: `${tool.url}/lti/login`,
      jwksUrl: `${tool.url}/lti/keys`,
    });

    lms.setToolEndpoints({
      loginUrl: `${tool.url}/lti/login`,
      launchUrl: `${tool.url}/lti/launch`,
    });
    lms.setToolJwksUrl(`${tool.url}/lti/keys`);
    const launch = await lms.launch({
      browser: createBrowser(),
      user: { id: 'learner' },
      roles: [LTI_ROLES.learner],
    });
    expect(launch.finalUrl).toBe(`${tool.url}/course`);

    const listed = await fetch(`${tool.url}/api/admin/platforms`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(await listed.json()).toMatchObject({
      platforms: [{ issuer: lms.issuer, deploymentIds: [lms.deploymentId] }],
    });
  });

  /** PATCH `{ isActive }` to a platform or deployment of the admin API, as the admin. */
  const setActiveAt = (path: string, isActive: boolean) =>
    fetch(`${tool.url}${path}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ isActive }),
    });

  it('keeps a deployment an administrator deactivated so when it is registered again, and says so and where to activate it', async () => {
    const registration = { ...lms.platformRegistration(), awardingBody: 'University of Testing' };
    const { platform } = (await (await register(registration)).json()) as {
      platform: { id: string };
    };
    const deployment = `/api/admin/platforms/${platform.id}/deployments/${encodeURIComponent(lms.deploymentId)}`;
    const setActive = (isActive: boolean) => setActiveAt(deployment, isActive);
    const launch = () => lms.launch({ browser: createBrowser(), user: { id: 'learner' } });
    expect((await setActive(false)).status).toBe(200);

    const again = await register(registration);
    expect(again.status).toBe(201);
    const body = (await again.json()) as { platform: unknown; notice: string };
    expect(body.platform).toMatchObject({
      id: platform.id,
      isActive: true,
      deployments: [{ deploymentId: lms.deploymentId, isActive: false }],
    });
    expect(body.notice).toBe(
      `Deployment "${lms.deploymentId}" stays deactivated: an administrator deactivated it, and registering it again does not activate it, so its launches are still refused. To let it launch, choose "Activate again" for it on ${tool.url}/admin/platforms/${platform.id}, or send {"isActive": true} to PATCH ${tool.url}${deployment}.`,
    );
    const refused = await launch();
    expect(refused.response.status).toBe(403);
    expect(refused.text).toContain('LTI_DEPLOYMENT_INACTIVE');

    expect((await setActive(true)).status).toBe(200);
    expect((await launch()).finalUrl).toBe(`${tool.url}/course`);
  });

  it('keeps an LMS an administrator deactivated so when it is registered again, and says so and where to activate it', async () => {
    const registration = { ...lms.platformRegistration(), awardingBody: 'University of Testing' };
    const { platform } = (await (await register(registration)).json()) as {
      platform: { id: string };
    };
    const path = `/api/admin/platforms/${platform.id}`;
    const setActive = (isActive: boolean) => setActiveAt(path, isActive);
    const launch = () => lms.launch({ browser: createBrowser(), user: { id: 'learner' } });
    expect((await setActive(false)).status).toBe(200);

    const again = await register(registration);
    expect(again.status).toBe(201);
    const body = (await again.json()) as { platform: unknown; notice: string };
    expect(body.platform).toMatchObject({
      id: platform.id,
      isActive: false,
      deployments: [{ deploymentId: lms.deploymentId, isActive: true }],
    });
    expect(body.notice).toBe(
      `The LMS stays deactivated: an administrator deactivated it, and registering it again does not activate it, so all its launches are still refused. To let it launch, choose "Activate again" for it on ${tool.url}/admin/platforms, or send {"isActive": true} to PATCH ${tool.url}${path}.`,
    );
    const refused = await launch();
    expect(refused.response.status).toBe(400);
    expect(refused.text).toContain('LTI_PLATFORM_UNKNOWN');

    expect((await setActive(true)).status).toBe(200);
    expect((await launch()).finalUrl).toBe(`${tool.url}/course`);
  });

  it('rotates the signing keys of an awarding body that exists, for the admin token only', async () => {
    const rotate = (id: string, token = ADMIN_TOKEN) =>
      fetch(`${tool.url}/api/admin/issuer-profiles/${id}/rotate-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
    const rotated = await rotate('university-of-testing');
    expect(rotated.status).toBe(200);
    expect(await rotated.json()).toEqual({ retiredKeys: [] });
    expect((await rotate('no-such-body')).status).toBe(404);
    expect((await rotate('university-of-testing', 'not-the-token')).status).toBe(401);
  });

  it('edits the awarding body of a registered platform', async () => {
    const response = await fetch(`${tool.url}/api/admin/issuer-profiles/university-of-testing`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://testing.example', email: 'registry@testing.example' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      issuerProfile: { id: 'university-of-testing', url: 'https://testing.example' },
    });
  });

  it('stores an awarding body logo given as an SVG data: URI sanitized', async () => {
    const response = await fetch(`${tool.url}/api/admin/issuer-profiles/university-of-testing`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ image: dataUri('image/svg+xml', HOSTILE_SVG) }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      issuerProfile: { image: dataUri('image/svg+xml', HOSTILE_SVG_SANITIZED) },
    });
  });

  describe('refusals', () => {
    it('answers 401 to a wrong token', async () => {
      const response = await register({}, 'wrong-token-wrong-token-wrong-token-00');
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    });

    it('answers 400 naming a bad awarding body field', async () => {
      const response = await fetch(`${tool.url}/api/admin/issuer-profiles/university-of-testing`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'not-an-email' }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { code: 'BAD_REQUEST', message: expect.stringContaining('email') },
      });
    });

    it('answers 400 BADGE_IMAGE_INVALID to a logo that is a GIF named PNG', async () => {
      const response = await fetch(`${tool.url}/api/admin/issuer-profiles/university-of-testing`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ image: dataUri('image/png', GIF) }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          code: 'BADGE_IMAGE_INVALID',
          message: 'image must be a PNG, JPEG or SVG image (this is GIF)',
        },
      });
    });

    it('answers 400 naming an awarding body text with a lone surrogate, and keeps the profile', async () => {
      const patch = (body: unknown) =>
        fetch(`${tool.url}/api/admin/issuer-profiles/university-of-testing`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const response = await patch({
        description: 'Kept description',
        address: { streetAddress: 'Rue \udc00 de la Paix' },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: {
          code: 'BAD_REQUEST',
          message: expect.stringMatching(/^address\.streetAddress .*lone surrogate, U\+DC00/),
        },
      });
      const listed = await fetch(`${tool.url}/api/admin/issuer-profiles`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const { issuerProfiles } = (await listed.json()) as {
        issuerProfiles: { id: string; description: string | null }[];
      };
      const profile = issuerProfiles.find((candidate) => candidate.id === 'university-of-testing');
      expect(profile?.description).not.toBe('Kept description');
    });

    it('answers 400 naming the bad field', async () => {
      const response = await register({ issuer: 'ftp://lms.example' });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { message: 'issuer must be an http(s) URL' },
      });
    });

    it('reflects no foreign origin in CORS headers', async () => {
      for (const path of ['/api/admin/platforms', '/lti/login', '/lti/keys', '/course']) {
        const response = await fetch(`${tool.url}${path}`, {
          headers: { origin: 'https://evil.example' },
        });
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      }
    });
  });
});

describe('the admin JSON API without MICROCRED_ADMIN_TOKEN', () => {
  let tool: TestTool;

  beforeAll(async () => {
    tool = await startTestTool();
  });
  afterAll(() => tool?.close());

  it('does not exist', async () => {
    const response = await fetch(`${tool.url}/api/admin/platforms`, {
      headers: { authorization: 'Bearer anything' },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { message: expect.stringContaining('MICROCRED_ADMIN_TOKEN') },
    });
  });
});

describe('the admin JSON API: registration invitations and platform changes', () => {
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

  const admin = (
    method: string,
    path: string,
    body?: unknown,
    token: string | null = ADMIN_TOKEN,
  ) =>
    fetch(`${tool.url}${path}`, {
      method,
      headers: {
        ...(token !== null && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const invite = async (body: unknown) => {
    const response = await admin('POST', '/api/admin/registration-invitations', body);
    return {
      response,
      body: (await response.json()) as {
        invitation: { id: string; url: string; expiresAt: string };
      },
    };
  };
  const listed = async () =>
    (
      (await (await admin('GET', '/api/admin/registration-invitations')).json()) as {
        invitations: { id: string; status: string }[];
      }
    ).invitations;

  it('creates an invitation good for seven days, with its registration URL, and lists it open', async () => {
    const before = Date.now();
    const { response, body } = await invite({
      awardingBody: 'University of Invitations',
      trustLevel: 'registered',
    });
    expect(response.status).toBe(201);
    const { invitation } = body;
    expect(invitation.url).toMatch(
      new RegExp(`^${tool.url}/lti/register\\?invitation=[\\w-]{43}$`),
    );
    const createdAt = Date.parse(invitation.expiresAt) - 7 * 86_400_000;
    expect(createdAt).toBeGreaterThanOrEqual(before);
    expect(createdAt).toBeLessThanOrEqual(Date.now());
    expect((await listed()).find((entry) => entry.id === invitation.id)).toMatchObject({
      status: 'open',
      awardingBody: { id: null, name: 'University of Invitations' },
      trustLevel: 'registered',
      platform: null,
    });
    expect(JSON.stringify(await listed())).not.toContain(
      new URL(invitation.url).searchParams.get('invitation'),
    );
  });

  it('takes the lifetime as a duration or in seconds, and refuses nonsense', async () => {
    const halfDay = await invite({ awardingBody: 'A', trustLevel: 'self-study', expires: '12h' });
    const halfDayLeft = Date.parse(halfDay.body.invitation.expiresAt) - Date.now();
    expect(halfDayLeft).toBeLessThanOrEqual(12 * 3_600_000);
    expect(halfDayLeft).toBeGreaterThan(12 * 3_600_000 - 60_000);
    const minutes = await invite({
      awardingBody: 'A',
      trustLevel: 'self-study',
      expiresInSeconds: 600,
    });
    expect(minutes.response.status).toBe(201);
    for (const [body, words] of [
      [{ awardingBody: 'A', trustLevel: 'registered', expires: 'soon' }, 'such as 7d'],
      [{ awardingBody: 'A', trustLevel: 'registered', expires: '400d' }, 'at most 90 days'],
      [{ awardingBody: 'A', trustLevel: 'everyone' }, 'trustLevel'],
      [{ trustLevel: 'registered' }, 'awardingBody is required'],
    ] as const) {
      const { response, body: answer } = await invite(body);
      expect(response.status).toBe(400);
      expect(answer).toMatchObject({
        error: { code: 'BAD_REQUEST', message: expect.stringContaining(words) },
      });
    }
  });

  it('withdraws an open invitation, and refuses to withdraw a used one', async () => {
    const open = (await invite({ awardingBody: 'Withdrawn', trustLevel: 'registered' })).body
      .invitation;
    expect((await admin('DELETE', `/api/admin/registration-invitations/${open.id}`)).status).toBe(
      204,
    );
    expect((await listed()).find((entry) => entry.id === open.id)?.status).toBe('withdrawn');

    const used = (await invite({ awardingBody: 'Used', trustLevel: 'registered' })).body.invitation;
    const browser = createBrowser();
    const form = await openRegistration(browser, used.url, lms, `${lms.issuer}/admin`);
    await confirmRegistration(browser, tool.url, registrationIdIn(await form.response.text()));
    expect((await listed()).find((entry) => entry.id === used.id)).toMatchObject({
      status: 'used',
      platform: { issuer: lms.issuer, clientId: lms.clientId },
    });
    const refused = await admin('DELETE', `/api/admin/registration-invitations/${used.id}`);
    expect(refused.status).toBe(409);
    expect((await admin('DELETE', '/api/admin/registration-invitations/not-an-id')).status).toBe(
      404,
    );
  });

  it('deactivates a platform, whose launches are refused at once, and activates it again', async () => {
    const platforms = (await (await admin('GET', '/api/admin/platforms')).json()) as {
      platforms: { id: string; issuer: string }[];
    };
    const platform = platforms.platforms.find((entry) => entry.issuer === lms.issuer)!;
    const launch = () => lms.launch({ browser: createBrowser(), user: { id: 'learner' } });
    expect((await launch()).finalUrl).toBe(`${tool.url}/course`);

    const off = await admin('PATCH', `/api/admin/platforms/${platform.id}`, { isActive: false });
    expect(off.status).toBe(200);
    expect(await off.json()).toMatchObject({ platform: { id: platform.id, isActive: false } });
    const refused = await launch();
    expect(refused.response.status).toBe(400);
    expect(refused.text).toContain('LTI_PLATFORM_UNKNOWN');

    const on = await admin('PATCH', `/api/admin/platforms/${platform.id}`, { isActive: true });
    expect(on.status).toBe(200);
    expect((await launch()).finalUrl).toBe(`${tool.url}/course`);
  });

  it('deactivates one deployment, whose launches are refused with their own reason, and activates it again', async () => {
    const platforms = (await (await admin('GET', '/api/admin/platforms')).json()) as {
      platforms: { id: string; issuer: string }[];
    };
    const platform = platforms.platforms.find((entry) => entry.issuer === lms.issuer)!;
    const path = `/api/admin/platforms/${platform.id}/deployments/${encodeURIComponent(lms.deploymentId)}`;
    const launch = () => lms.launch({ browser: createBrowser(), user: { id: 'learner' } });

    const off = await admin('PATCH', path, { isActive: false });
    expect(off.status).toBe(200);
    expect(await off.json()).toMatchObject({
      platform: {
        id: platform.id,
        isActive: true,
        deployments: [{ deploymentId: lms.deploymentId, isActive: false }],
      },
    });
    const refused = await launch();
    expect(refused.response.status).toBe(403);
    expect(refused.text).toContain('LTI_DEPLOYMENT_INACTIVE');
    expect(refused.text).toContain('deactivated by an administrator');

    expect((await admin('PATCH', path, { isActive: true })).status).toBe(200);
    expect((await launch()).finalUrl).toBe(`${tool.url}/course`);
  });

  it('names the body a deployment change wants, and answers 404 for a deployment the platform lacks', async () => {
    const platforms = (await (await admin('GET', '/api/admin/platforms')).json()) as {
      platforms: { id: string; issuer: string }[];
    };
    const platform = platforms.platforms.find((entry) => entry.issuer === lms.issuer)!;
    const wrongBody = await admin(
      'PATCH',
      `/api/admin/platforms/${platform.id}/deployments/${encodeURIComponent(lms.deploymentId)}`,
      { isActive: 'no' },
    );
    expect(wrongBody.status).toBe(400);
    expect(await wrongBody.json()).toMatchObject({
      error: {
        message: 'Send {"isActive": false} to deactivate the deployment, true to activate it again',
      },
    });
    const unknown = await admin(
      'PATCH',
      `/api/admin/platforms/${platform.id}/deployments/no-such-deployment`,
      { isActive: false },
    );
    expect(unknown.status).toBe(404);
  });

  it('changes the trust level of a platform, and names the body it wants otherwise', async () => {
    const platforms = (await (await admin('GET', '/api/admin/platforms')).json()) as {
      platforms: { id: string; issuer: string }[];
    };
    const platform = platforms.platforms.find((entry) => entry.issuer === lms.issuer)!;
    const changed = await admin('PATCH', `/api/admin/platforms/${platform.id}`, {
      trustLevel: 'self-study',
    });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ platform: { trustLevel: 'self-study' } });
    const refused = await admin('PATCH', `/api/admin/platforms/${platform.id}`, {
      trustLevel: 'trusted',
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      error: { message: 'Send {"trustLevel": "registered"} or {"trustLevel": "self-study"}' },
    });
    await admin('PATCH', `/api/admin/platforms/${platform.id}`, { trustLevel: 'registered' });
  });

  describe('xAPI credentials of server-side emitters', () => {
    const statementsWith = (key: string, secret: string) =>
      fetch(`${tool.url}/xapi/statements`, {
        headers: {
          authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
          'x-experience-api-version': '1.0.3',
        },
      });

    it('creates one for a platform, answering its secret once, lists it without, and revokes it', async () => {
      const platforms = (await (await admin('GET', '/api/admin/platforms')).json()) as {
        platforms: { id: string; issuer: string }[];
      };
      const platform = platforms.platforms.find((entry) => entry.issuer === lms.issuer)!;
      const created = await admin('POST', '/api/admin/xapi-credentials', {
        name: 'Moodle logstore',
        platformId: platform.id,
      });
      expect(created.status).toBe(201);
      const { xapiCredential } = (await created.json()) as {
        xapiCredential: { key: string; secret: string; endpoint: string };
      };
      expect(xapiCredential).toMatchObject({
        name: 'Moodle logstore',
        platformId: platform.id,
        endpoint: `${tool.url}/xapi/`,
      });
      expect((await statementsWith(xapiCredential.key, xapiCredential.secret)).status).toBe(200);

      const listed = await (await admin('GET', '/api/admin/xapi-credentials')).text();
      expect(listed).toContain(xapiCredential.key);
      expect(listed).not.toContain(xapiCredential.secret);
      expect(JSON.parse(listed)).toMatchObject({
        xapiCredentials: [
          { key: xapiCredential.key, platform: { id: platform.id }, revokedAt: null },
        ],
      });

      const revoked = await admin(
        'POST',
        `/api/admin/xapi-credentials/${xapiCredential.key}/revoke`,
      );
      expect(revoked.status).toBe(200);
      expect((await statementsWith(xapiCredential.key, xapiCredential.secret)).status).toBe(401);
      const again = await admin('POST', `/api/admin/xapi-credentials/${xapiCredential.key}/revoke`);
      expect(again.status).toBe(404);
    });

    it('creates one bound to no platform, whose statements count as content', async () => {
      const created = await admin('POST', '/api/admin/xapi-credentials', {
        name: 'H5P server',
        platformId: null,
      });
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({
        xapiCredential: { name: 'H5P server', platformId: null },
      });
    });

    it.each([
      [{ name: '  ' }, 'name is required'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'X', platformId: 'moodle' }, 'platformId'],
      [
        { name: 'X', platformId: '00000000-0000-4000-8000-000000000000' },
        'names no registered platform',
      ],
      [{ name: 'X', scope: 'content' }, 'scope'],
    ])('refuses %j, naming what is wrong, and creates nothing', async (body, words) => {
      const before = await (await admin('GET', '/api/admin/xapi-credentials')).json();
      const refused = await admin('POST', '/api/admin/xapi-credentials', body);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({
        error: { message: expect.stringContaining(words) },
      });
      expect(await (await admin('GET', '/api/admin/xapi-credentials')).json()).toEqual(before);
    });
  });

  it('rotates the tool key: a new key signs, the old one stays published', async () => {
    const rotated = await admin('POST', '/api/admin/tool-key/rotate');
    expect(rotated.status).toBe(200);
    const { previousKid, currentKid } = (await rotated.json()) as Record<string, string>;
    expect(currentKid).not.toBe(previousKid);
    const published = (await (await fetch(`${tool.url}/lti/keys`)).json()) as {
      keys: { kid: string }[];
    };
    expect(published.keys.map((key) => key.kid)).toEqual([currentKid, previousKid]);
  });

  describe('who may: only the bearer of the admin token', () => {
    const WRONG_TOKEN = 'wrong-token-wrong-token-wrong-token-00';
    it.each([null, WRONG_TOKEN])(
      'answers 401 with token %s, and changes nothing',
      async (token) => {
        const invitationsBefore = await listed();
        const [someone] = invitationsBefore;
        const platformsBefore = await (await admin('GET', '/api/admin/platforms')).json();
        const platformId = (platformsBefore as { platforms: { id: string }[] }).platforms[0]?.id;
        const attempts = [
          admin(
            'POST',
            '/api/admin/registration-invitations',
            { awardingBody: 'X', trustLevel: 'registered' },
            token,
          ),
          admin('GET', '/api/admin/registration-invitations', undefined, token),
          admin('DELETE', `/api/admin/registration-invitations/${someone?.id}`, undefined, token),
          admin('PATCH', `/api/admin/platforms/${platformId}`, { isActive: false }, token),
          admin(
            'PATCH',
            `/api/admin/platforms/${platformId}/deployments/${encodeURIComponent(lms.deploymentId)}`,
            { isActive: false },
            token,
          ),
          admin('PATCH', `/api/admin/platforms/${platformId}`, { trustLevel: 'self-study' }, token),
          admin('POST', '/api/admin/tool-key/rotate', undefined, token),
          admin('GET', '/api/admin/xapi-credentials', undefined, token),
          admin('POST', '/api/admin/xapi-credentials', { name: 'Intruder' }, token),
          admin('POST', '/api/admin/xapi-credentials/some-key/revoke', undefined, token),
        ];
        for (const response of await Promise.all(attempts)) {
          expect(response.status).toBe(401);
          expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
        }
        expect(await listed()).toEqual(invitationsBefore);
        expect(await (await admin('GET', '/api/admin/platforms')).json()).toEqual(platformsBefore);
        const credentials = (await (await admin('GET', '/api/admin/xapi-credentials')).json()) as {
          xapiCredentials: { name: string }[];
        };
        expect(credentials.xapiCredentials.map((entry) => entry.name)).not.toContain('Intruder');
      },
    );
  });
});
