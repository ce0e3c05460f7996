import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformSigningKey } from '../../src/demo/lms/platform-signing-key.js';
import { deployments, issuerProfiles, platforms } from '../../src/db/schema.js';
import { registerPlatform } from '../../src/lti/platform-registry.js';
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

/**
 * The takeover of issue #14: anyone who sees a learner's launch knows an LMS's issuer and
 * client id, and ran dynamic registration claiming them, to replace its key set and URLs.
 */
describe('a second party claiming a registered LMS’s issuer and client id', () => {
  let tool: TestTool;
  let lms: TestLms;
  let attacker: ClaimingPlatform;

  beforeAll(async () => {
    [tool, lms] = await Promise.all([
      startTestTool({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } }),
      startTestLms(),
    ]);
    await registerPlatform(tool.current().database.db, {
      ...lms.platformRegistration(),
      awardingBody: 'University of Example',
    });
    lms.setToolEndpoints({
      loginUrl: `${tool.url}/lti/login`,
      launchUrl: `${tool.url}/lti/launch`,
    });
    lms.setToolJwksUrl(`${tool.url}/lti/keys`);
    attacker = await startClaimingPlatform({
      issuer: lms.issuer,
      clientId: lms.clientId,
      deploymentId: lms.deploymentId,
    });
  });
  afterAll(async () => {
    await Promise.all([tool?.close(), lms?.close(), attacker?.close()]);
  });

  const registrationRows = async () => {
    const db = tool.current().database.db;
    return {
      platforms: await db.select().from(platforms),
      deployments: await db.select().from(deployments),
      issuerProfiles: await db.select().from(issuerProfiles),
    };
  };
  const launchAsLearner = (signWith?: { key: PlatformSigningKey['privateKey']; kid?: string }) =>
    lms.launch({
      browser: createBrowser(),
      user: { id: 'learner-1' },
      roles: [LTI_ROLES.learner],
      ...(signWith && { signWith }),
    });

  it('is refused with and without an invitation, and the LMS keeps its registration and its launches', async () => {
    expect((await launchAsLearner()).finalUrl).toBe(`${tool.url}/course`);
    const before = await registrationRows();

    // Without an invitation: refused before the tool contacts anyone.
    const anonymous = await openRegistration(
      createBrowser(),
      `${tool.url}/lti/register`,
      attacker,
      `${attacker.url}/admin`,
    );
    expect(anonymous.response.status).toBe(401);
    expect(await anonymous.response.text()).toContain('LTI_REGISTRATION_INVITATION_REQUIRED');
    expect(attacker.requests).toEqual([]);

    // With a valid invitation (say, one meant for another LMS): refused, the LMS exists.
    const invitation = await inviteLms(tool.url, {
      awardingBody: 'University of Example',
      trustLevel: 'registered',
    });
    const browser = createBrowser();
    const form = await openRegistration(browser, invitation.url, attacker, `${attacker.url}/admin`);
    expect(form.response.status).toBe(200);
    const claimed = await confirmRegistration(
      browser,
      tool.url,
      registrationIdIn(await form.response.text()),
    );
    expect(claimed.response.status).toBe(409);
    expect(await claimed.response.text()).toContain('LTI_REGISTRATION_PLATFORM_EXISTS');

    expect(await registrationRows()).toEqual(before);
    expect((await launchAsLearner()).finalUrl).toBe(`${tool.url}/course`);

    const forgedWithOwnKid = await launchAsLearner({
      key: attacker.signingKey.privateKey,
      kid: attacker.signingKey.kid,
    });
    expect(forgedWithOwnKid.response.status).toBe(401);
    expect(forgedWithOwnKid.text).toContain('LTI_KEY_NOT_FOUND');
    const forgedWithLmsKid = await launchAsLearner({ key: attacker.signingKey.privateKey });
    expect(forgedWithLmsKid.response.status).toBe(401);
    expect(forgedWithLmsKid.text).toContain('LTI_INVALID_SIGNATURE');
  });
});
