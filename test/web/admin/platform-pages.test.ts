/**
 * Issue #16, item 1: the administrator's LMS pages — registered platforms deactivated and
 * activated again, registration invitations created (the address shown once) and withdrawn, an
 * LMS registered by hand, how its xAPI plugin names learners — with forms that name each wrong
 * field, and no change by anyone but a signed-in administrator.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployments, platforms } from '../../../src/db/schema.js';
import { listRegistrationInvitations } from '../../../src/lti/registration-invitations.js';
import { createBrowser } from '../../support/http-client.js';
import { startTestTool, type TestTool } from '../../support/test-tool.js';
import { buildPlatform } from '../../xapi/xapi-factories.js';
import { ADMIN_TOKEN, csrfTokenIn, liveToolKid, postForm, signedInAdmin } from './admin-browser.js';

const PAGE = '/admin/platforms';

describe('admin pages: LMS platforms and invitations', () => {
  let tool: TestTool;
  let platformId: string;
  let issuer: string;

  beforeAll(async () => {
    tool = await startTestTool({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } });
    const { db } = tool.current().database;
    ({ id: platformId, issuer } = await buildPlatform(db));
    await db.insert(deployments).values([
      { platformId, deploymentId: 'site:1' },
      { platformId, deploymentId: 'category:7' },
    ]);
  });
  afterAll(async () => {
    await tool?.close();
  });

  const platformRow = async (id: string) => {
    const [row] = await tool
      .current()
      .database.db.select()
      .from(platforms)
      .where(eq(platforms.id, id));
    return row;
  };

  it('lists the platforms; deactivates one and activates it again', async () => {
    const { browser, html } = await signedInAdmin(tool, PAGE);
    expect(html).toContain(`data-platform="${platformId}"`);
    expect(html).toContain('Example LMS');
    const deactivated = await postForm(tool, browser, `${PAGE}/${platformId}/active`, {
      _csrf: csrfTokenIn(html),
      isActive: 'no',
    });
    expect(deactivated.response.headers.get('location')).toBe(`${PAGE}?status=deactivated`);
    expect((await platformRow(platformId))?.isActive).toBe(false);
    const shown = await (
      await browser.request(`${tool.url}${PAGE}?status=deactivated`)
    ).response.text();
    expect(shown).toContain('its launches are refused from now on');
    await postForm(tool, browser, `${PAGE}/${platformId}/active`, {
      _csrf: csrfTokenIn(html),
      isActive: 'yes',
    });
    expect((await platformRow(platformId))?.isActive).toBe(true);
  });

  const deploymentStates = async () =>
    Object.fromEntries(
      (
        await tool
          .current()
          .database.db.select()
          .from(deployments)
          .where(eq(deployments.platformId, platformId))
      ).map((row) => [row.deploymentId, row.isActive]),
    );

  it('deactivates one deployment of an LMS, the others still active, and activates it again', async () => {
    const page = `${PAGE}/${platformId}`;
    const { browser, html } = await signedInAdmin(tool, page);
    expect(html).toContain('data-deployment="site:1"');
    expect(html).toContain('data-deployment="category:7"');
    const deactivated = await postForm(tool, browser, `${page}/deployments/active`, {
      _csrf: csrfTokenIn(html),
      deploymentId: 'category:7',
      isActive: 'no',
    });
    expect(deactivated.response.headers.get('location')).toBe(
      `${page}?status=deploymentDeactivated`,
    );
    expect(await deploymentStates()).toEqual({ 'site:1': true, 'category:7': false });
    expect((await platformRow(platformId))?.isActive).toBe(true);
    const shown = await (
      await browser.request(`${tool.url}${page}?status=deploymentDeactivated`)
    ).response.text();
    expect(shown).toContain('other deployments still work');
    await setDeploymentActive(browser, csrfTokenIn(html), 'category:7', 'yes');
    expect(await deploymentStates()).toEqual({ 'site:1': true, 'category:7': true });
  });

  /** Activates or deactivates one deployment of the example LMS through its page's form. */
  const setDeploymentActive = (
    browser: Parameters<typeof postForm>[1],
    csrfToken: string,
    deploymentId: string,
    isActive: 'yes' | 'no',
  ) =>
    postForm(tool, browser, `${PAGE}/${platformId}/deployments/active`, {
      _csrf: csrfToken,
      deploymentId,
      isActive,
    });

  /** Registers the example LMS with this deployment again through the form, as an admin would. */
  const registerByHandAgain = (
    browser: Parameters<typeof postForm>[1],
    csrfToken: string,
    deploymentId: string,
  ) =>
    postForm(tool, browser, `${PAGE}/new`, {
      _csrf: csrfToken,
      name: 'Example LMS',
      issuer,
      clientId: 'client-1',
      deploymentId,
      authUrl: `${issuer}/auth`,
      tokenUrl: `${issuer}/token`,
      jwksUrl: `${issuer}/jwks`,
      trustLevel: 'registered',
      awardingBody: '',
    });

  it('keeps a deployment an administrator deactivated so when it is registered by hand again, and says so next to its control', async () => {
    const page = `${PAGE}/${platformId}`;
    const { browser, html } = await signedInAdmin(tool, page);
    await setDeploymentActive(browser, csrfTokenIn(html), 'category:7', 'no');
    const again = await registerByHandAgain(browser, csrfTokenIn(html), 'category:7');
    expect(again.response.status).toBe(303);
    expect(again.response.headers.get('location')).toBe(
      `${page}?status=deploymentStaysDeactivated&deployment=category%3A7`,
    );
    expect(await deploymentStates()).toEqual({ 'site:1': true, 'category:7': false });

    const shown = await (
      await browser.request(`${tool.url}${again.response.headers.get('location')}`)
    ).response.text();
    expect(shown).toContain(
      'its deployment category:7 stays deactivated: an administrator deactivated it, and registering it again does not undo that.',
    );
    expect(shown).toContain('choose “Activate again” next to it under Deployments below');
    const row = /<tr data-deployment="category:7">[\s\S]*?<\/tr>/.exec(shown)?.[0] ?? '';
    expect(row).toContain('name="isActive" value="yes"');
    expect(row).toContain('Activate again');

    await setDeploymentActive(browser, csrfTokenIn(html), 'category:7', 'yes');
    expect(await deploymentStates()).toEqual({ 'site:1': true, 'category:7': true });
    const reloaded = await (
      await browser.request(`${tool.url}${again.response.headers.get('location')}`)
    ).response.text();
    expect(reloaded).not.toContain('stays deactivated');
  });

  it('keeps an LMS an administrator deactivated so when it is registered by hand again, and says so above its control', async () => {
    const { browser, html } = await signedInAdmin(tool, PAGE);
    await postForm(tool, browser, `${PAGE}/${platformId}/active`, {
      _csrf: csrfTokenIn(html),
      isActive: 'no',
    });
    const again = await registerByHandAgain(browser, csrfTokenIn(html), 'site:1');
    expect(again.response.status).toBe(303);
    const location = again.response.headers.get('location');
    expect(location).toBe(`${PAGE}?status=platformStaysDeactivated&platform=${platformId}`);
    expect((await platformRow(platformId))?.isActive).toBe(false);

    const shown = await (await browser.request(`${tool.url}${location}`)).response.text();
    expect(shown).toContain(
      'The LMS is registered, but it stays deactivated: an administrator deactivated it, and registering it again does not undo that.',
    );
    expect(shown).toContain('choose “Activate again” next to it under Registered LMSs below');
    const row =
      new RegExp(`<tr data-platform="${platformId}">[\\s\\S]*?</tr>`).exec(shown)?.[0] ?? '';
    expect(row).toContain('name="isActive" value="yes"');

    await postForm(tool, browser, `${PAGE}/${platformId}/active`, {
      _csrf: csrfTokenIn(html),
      isActive: 'yes',
    });
    expect((await platformRow(platformId))?.isActive).toBe(true);
    const reloaded = await (await browser.request(`${tool.url}${location}`)).response.text();
    expect(reloaded).not.toContain('stays deactivated');
  });

  it('says, when an LMS and one of its deployments both stay deactivated on registering it by hand again, that the deployment stays refused after the LMS is activated again', async () => {
    const page = `${PAGE}/${platformId}`;
    const { browser, html } = await signedInAdmin(tool, page);
    await setDeploymentActive(browser, csrfTokenIn(html), 'category:7', 'no');
    await postForm(tool, browser, `${PAGE}/${platformId}/active`, {
      _csrf: csrfTokenIn(html),
      isActive: 'no',
    });
    const again = await registerByHandAgain(browser, csrfTokenIn(html), 'category:7');
    const location = again.response.headers.get('location') ?? '';
    const shown = await (await browser.request(`${tool.url}${location}`)).response.text();
    const notice = /<p class="notice-error" role="status">([\s\S]*?)<\/p>/.exec(shown)?.[1] ?? '';

    await postForm(tool, browser, `${PAGE}/${platformId}/active`, {
      _csrf: csrfTokenIn(html),
      isActive: 'yes',
    });
    await setDeploymentActive(browser, csrfTokenIn(html), 'category:7', 'yes');
    expect(notice).toContain('The LMS is registered, but it stays deactivated');
    expect(notice).toContain(
      'Its deployment category:7 was also deactivated on its own, and activating the LMS again does not change that',
    );
  });

  it('answers 404 for a deployment the LMS does not have', async () => {
    const page = `${PAGE}/${platformId}`;
    const { browser, html } = await signedInAdmin(tool, page);
    const unknown = await postForm(tool, browser, `${page}/deployments/active`, {
      _csrf: csrfTokenIn(html),
      deploymentId: 'site:404',
      isActive: 'no',
    });
    expect(unknown.response.status).toBe(404);
  });

  it('creates an invitation, shows its address once, and withdraws it', async () => {
    const { browser, html } = await signedInAdmin(tool, PAGE);
    const { response } = await postForm(tool, browser, '/admin/invitations', {
      _csrf: csrfTokenIn(html),
      awardingBody: 'Université Exemple',
      trustLevel: 'self-study',
      expires: '30d',
    });
    expect(response.status).toBe(201);
    const created = await response.text();
    const url = /id="invitation-url">([^<]+)</.exec(created)?.[1] ?? '';
    expect(url).toMatch(new RegExp(`^${tool.url}/lti/register\\?invitation=`));
    const [invitation] = await listRegistrationInvitations(tool.current().database.db);
    expect(invitation).toMatchObject({
      status: 'open',
      trustLevel: 'self-study',
      awardingBody: { name: 'Université Exemple' },
    });
    const listed = await (await browser.request(`${tool.url}${PAGE}`)).response.text();
    expect(listed).toContain('Waiting to be used');
    expect(listed).not.toContain(url);
    const withdrawn = await postForm(
      tool,
      browser,
      `/admin/invitations/${invitation!.id}/withdraw`,
      {
        _csrf: csrfTokenIn(html),
      },
    );
    expect(withdrawn.response.headers.get('location')).toBe(`${PAGE}?status=withdrawn`);
    const [after] = await listRegistrationInvitations(tool.current().database.db);
    expect(after?.status).toBe('withdrawn');
  });

  it('names the invitation fields left wrong', async () => {
    const { browser, html } = await signedInAdmin(tool, PAGE);
    const { response } = await postForm(tool, browser, '/admin/invitations', {
      _csrf: csrfTokenIn(html),
      awardingBody: '',
      trustLevel: 'everyone',
      expires: '5y',
    });
    expect(response.status).toBe(422);
    const text = await response.text();
    for (const field of ['awardingBody', 'trustLevel', 'expires']) {
      expect(text).toContain(`href="#field-${field}"`);
    }
    expect(text).toContain('Name the awarding body');
  });

  it('registers an LMS by hand, after naming the fields left wrong', async () => {
    const { browser } = await signedInAdmin(tool, `${PAGE}/new`);
    const form = await (await browser.request(`${tool.url}${PAGE}/new`)).response.text();
    expect(form).toContain(`${tool.url}/lti/login`);
    const fields = {
      _csrf: csrfTokenIn(form),
      name: 'Canvas of Example',
      issuer: 'https://canvas.example.edu',
      clientId: '10000000000042',
      deploymentId: '7:abc',
      authUrl: 'https://canvas.example.edu/api/lti/authorize_redirect',
      tokenUrl: 'https://canvas.example.edu/login/oauth2/token',
      jwksUrl: 'not a url',
      trustLevel: 'registered',
      awardingBody: '',
    };
    const refused = await postForm(tool, browser, `${PAGE}/new`, fields);
    expect(refused.response.status).toBe(422);
    const refusedText = await refused.response.text();
    expect(refusedText).toContain('href="#field-jwksUrl"');
    expect(refusedText).toContain('value="Canvas of Example"');
    const registered = await postForm(tool, browser, `${PAGE}/new`, {
      ...fields,
      jwksUrl: 'https://canvas.example.edu/api/lti/security/jwks',
    });
    expect(registered.response.headers.get('location')).toBe(`${PAGE}?status=registered`);
    const listed = await (await browser.request(`${tool.url}${PAGE}`)).response.text();
    expect(listed).toContain('Canvas of Example');
  });

  it('sets how the LMS xAPI plugin names learners', async () => {
    const page = `${PAGE}/${platformId}`;
    const { browser, html } = await signedInAdmin(tool, page);
    const refused = await postForm(tool, browser, `${page}/xapi-actors`, {
      _csrf: csrfTokenIn(html),
      xapiAccountName: 'username',
      xapiAccountHomePage: 'moodle',
    });
    expect(refused.response.status).toBe(422);
    expect(await refused.response.text()).toContain('href="#field-xapiAccountHomePage"');
    const saved = await postForm(tool, browser, `${page}/xapi-actors`, {
      _csrf: csrfTokenIn(html),
      xapiAccountName: 'username',
      xapiAccountHomePage: 'https://moodle.example.org',
    });
    expect(saved.response.headers.get('location')).toBe(`${page}?status=xapiActorsSaved`);
    expect(await platformRow(platformId)).toMatchObject({
      xapiAccountName: 'username',
      xapiAccountHomePage: 'https://moodle.example.org',
    });
  });

  it('changes the trust level once confirmed, after naming the box left unticked', async () => {
    const page = `${PAGE}/${platformId}`;
    const { browser, html } = await signedInAdmin(tool, page);
    expect(html).toContain(`action="${page}/trust-level"`);
    const unconfirmed = await postForm(tool, browser, `${page}/trust-level`, {
      _csrf: csrfTokenIn(html),
      trustLevel: 'self-study',
    });
    expect(unconfirmed.response.status).toBe(422);
    expect(await unconfirmed.response.text()).toContain(
      '<a href="#field-confirm">Tick the box to confirm the change.</a>',
    );
    expect((await platformRow(platformId))?.trustLevel).toBe('registered');
    const saved = await postForm(tool, browser, `${page}/trust-level`, {
      _csrf: csrfTokenIn(html),
      trustLevel: 'self-study',
      confirm: 'yes',
    });
    expect(saved.response.headers.get('location')).toBe(`${page}?status=trustLevelSaved`);
    expect((await platformRow(platformId))?.trustLevel).toBe('self-study');
    await postForm(tool, browser, `${page}/trust-level`, {
      _csrf: csrfTokenIn(html),
      trustLevel: 'registered',
      confirm: 'yes',
    });
    expect((await platformRow(platformId))?.trustLevel).toBe('registered');
  });

  it('rotates the tool key once confirmed: a new key signs, the old one stays published', async () => {
    const { browser, html } = await signedInAdmin(tool, PAGE);
    const before = /id="tool-key-id">([^<]+)</.exec(html)?.[1];
    expect(before).toBeDefined();
    const unconfirmed = await postForm(tool, browser, '/admin/tool-key/rotate', {
      _csrf: csrfTokenIn(html),
    });
    expect(unconfirmed.response.status).toBe(422);
    expect(await unconfirmed.response.text()).toContain('href="#field-toolKeyConfirm"');
    expect(await liveToolKid(tool)).toBe(before);
    const rotated = await postForm(tool, browser, '/admin/tool-key/rotate', {
      _csrf: csrfTokenIn(html),
      confirm: 'yes',
    });
    expect(rotated.response.headers.get('location')).toBe(`${PAGE}?status=toolKeyRotated`);
    const after = await liveToolKid(tool);
    expect(after).not.toBe(before);
    const published = (await (await fetch(`${tool.url}/lti/keys`)).json()) as {
      keys: { kid: string }[];
    };
    expect(published.keys.map((key) => key.kid)).toEqual(expect.arrayContaining([before, after]));
  });

  describe('refusals', () => {
    it('refuses every change without an admin session, and without its form token', async () => {
      const stranger = createBrowser();
      const { browser } = await signedInAdmin(tool, PAGE);
      for (const [path, fields] of [
        [`${PAGE}/${platformId}/active`, { isActive: 'no' }],
        [`${PAGE}/${platformId}/deployments/active`, { deploymentId: 'site:1', isActive: 'no' }],
        ['/admin/invitations', { awardingBody: 'X', trustLevel: 'registered', expires: '7d' }],
        [`${PAGE}/new`, { name: 'X' }],
        [`${PAGE}/${platformId}/xapi-actors`, { xapiAccountName: 'username' }],
        [`${PAGE}/${platformId}/trust-level`, { trustLevel: 'self-study', confirm: 'yes' }],
        ['/admin/tool-key/rotate', { confirm: 'yes' }],
      ] as const) {
        expect((await postForm(tool, stranger, path, fields)).response.status, path).toBe(401);
        expect((await postForm(tool, browser, path, fields)).response.status, path).toBe(403);
      }
      expect(await platformRow(platformId)).toMatchObject({
        isActive: true,
        trustLevel: 'registered',
      });
      expect(await deploymentStates()).toEqual({ 'site:1': true, 'category:7': true });
    });
  });
});
