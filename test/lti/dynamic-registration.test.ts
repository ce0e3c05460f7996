import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listPlatforms } from '../../src/lti/platform-registry.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import { LTI_ROLES, startTestLms, type TestLms } from '../support/test-lms.js';
import { startTestTool, type TestTool } from '../support/test-tool.js';

describe('LTI Dynamic Registration 1.0, tool side', () => {
  let tool: TestTool;
  let lms: TestLms;

  beforeAll(async () => {
    [tool, lms] = await Promise.all([startTestTool(), startTestLms()]);
  });
  afterAll(async () => {
    await Promise.all([tool?.close(), lms?.close()]);
  });

  const open = (
    browser: Browser,
    configurationUrl: string,
    referer: string | null = `${lms.issuer}/admin`,
  ) => {
    const url = new URL('/lti/register', tool.url);
    url.searchParams.set('openid_configuration', configurationUrl);
    url.searchParams.set('registration_token', lms.registrationToken);
    return browser.request(url.href, { headers: referer ? { referer } : {} });
  };
  const complete = (browser: Browser, registration: string, fields: Record<string, string>) =>
    browser.request(`${tool.url}/lti/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ registration, ...fields }).toString(),
    });
  const registrationIdOf = async (response: Response) =>
    /name="registration" value="([^"]+)"/.exec(await response.text())?.[1] ?? '';

  it('registers the tool with the platform and the platform with the tool, then launches', async () => {
    const admin = createBrowser();
    const form = await open(admin, lms.openIdConfigurationUrl);
    expect(form.response.status).toBe(200);
    const done = await complete(admin, await registrationIdOf(form.response), {
      awardingBody: 'Open University of Testing',
      trustLevel: 'self-study',
    });
    expect(done.response.status).toBe(200);
    expect(await done.response.text()).toContain('/static/lti-close.js');

    expect(lms.registrations).toHaveLength(1);
    expect(lms.registrations[0]).toMatchObject({
      initiate_login_uri: `${tool.url}/lti/login`,
      redirect_uris: [`${tool.url}/lti/launch`],
      jwks_uri: `${tool.url}/lti/keys`,
      token_endpoint_auth_method: 'private_key_jwt',
      scope: expect.stringContaining('https://purl.imsglobal.org/spec/lti-ags/scope/score'),
    });
    const platforms = await listPlatforms(tool.current().database.db);
    expect(platforms).toEqual([
      expect.objectContaining({
        issuer: lms.issuer,
        clientId: lms.clientId,
        deploymentIds: [lms.deploymentId],
        trustLevel: 'self-study',
        issuerProfileId: 'open-university-of-testing',
      }),
    ]);

    const launch = await lms.launch({
      browser: createBrowser(),
      user: { id: 'learner' },
      roles: [LTI_ROLES.learner],
    });
    expect(launch.finalUrl).toBe(`${tool.url}/course`);
  });

  describe('refusals: a 400 page with the reason, nothing fetched or stored', () => {
    it('a configuration URL on another host than the LMS that opened the page', async () => {
      const { response } = await open(createBrowser(), 'http://169.254.169.254/latest/meta-data');
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('must come from the LMS that opened this page');
    });

    it('a configuration URL that is not http(s)', async () => {
      const { response } = await open(createBrowser(), 'file:///etc/passwd', null);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('LTI_REGISTRATION_FAILED');
    });

    it('a registration opened without a Referer', async () => {
      const { response } = await open(createBrowser(), lms.openIdConfigurationUrl, null);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('Start the registration from your LMS');
    });

    it('a trust level that is neither choice, before the LMS is contacted', async () => {
      const before = lms.registrations.length;
      const admin = createBrowser();
      const form = await open(admin, lms.openIdConfigurationUrl);
      const { response } = await complete(admin, await registrationIdOf(form.response), {
        trustLevel: 'everyone',
      });
      expect(response.status).toBe(400);
      expect(lms.registrations).toHaveLength(before);
    });

    it('a registration completed twice', async () => {
      const admin = createBrowser();
      const form = await open(admin, lms.openIdConfigurationUrl);
      const id = await registrationIdOf(form.response);
      await complete(admin, id, { trustLevel: 'registered' });
      const { response } = await complete(admin, id, { trustLevel: 'registered' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('expired or was already completed');
    });
  });
});
