import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    });
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
