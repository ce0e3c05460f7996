import { randomBytes } from 'node:crypto';
import { count } from 'drizzle-orm';
import { generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolments, sessions, users } from '../../src/db/schema.js';
import { createBrowser, type Browser } from '../support/http-client.js';
import { LTI_CLAIMS, LTI_ROLES, type LaunchResult, type TestLms } from '../support/test-lms.js';
import type { TestTool } from '../support/test-tool.js';
import { startToolWithLms } from '../support/tool-with-lms.js';

const LEARNER = { id: 'learner-1', name: 'Ada Lovelace' };
const now = () => Math.floor(Date.now() / 1000);

describe('LTI 1.3 launch (OIDC third-party login, LTI Core 1.3 section 5)', () => {
  let tool: TestTool;
  let lms: TestLms;

  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
  });
  afterAll(() => close?.());

  async function storedRows() {
    const db = tool.current().database.db;
    const [u] = await db.select({ n: count() }).from(users);
    const [e] = await db.select({ n: count() }).from(enrolments);
    const [s] = await db.select({ n: count() }).from(sessions);
    return { users: u?.n, enrolments: e?.n, sessions: s?.n };
  }

  async function expectSession(browser: Browser, status: number) {
    const { response } = await browser.request(`${tool.url}/course`);
    expect(response.status).toBe(status);
  }

  describe('accepted launches', () => {
    it('opens the learner view for a learner, with a session', async () => {
      const browser = createBrowser();
      const result = await lms.launch({ browser, user: LEARNER, roles: [LTI_ROLES.learner] });
      expect(result.finalUrl).toBe(`${tool.url}/course`);
      expect(result.text).toContain('Signed in as Ada Lovelace.');
    });

    it('opens the teacher view for an instructor', async () => {
      const result = await lms.launch({
        browser: createBrowser(),
        user: { id: 'teacher-1' },
        roles: [LTI_ROLES.instructor],
      });
      expect(result.text).toContain('(teacher)');
    });

    it('accepts a login initiated with GET', async () => {
      const result = await lms.launch({
        browser: createBrowser(),
        user: LEARNER,
        loginMethod: 'GET',
      });
      expect(result.finalUrl).toBe(`${tool.url}/course`);
    });

    it('accepts a token issued 30 s ago by a platform whose clock is behind', async () => {
      const result = await lms.launch({
        browser: createBrowser(),
        user: LEARNER,
        claims: { iat: now() - 30 },
      });
      expect(result.finalUrl).toBe(`${tool.url}/course`);
    });

    it('sets a session cookie that scripts cannot read', () => {
      const browser = createBrowser();
      return lms.launch({ browser, user: LEARNER }).then(() => {
        const cookie = browser.cookies().find((candidate) => candidate.name === 'mc_session');
        expect(cookie?.isHttpOnly).toBe(true);
      });
    });
  });

  describe('refused launches: 4xx, an HTML page with the reason, no session, nothing stored', () => {
    async function expectRefused(
      attempt: (browser: Browser) => Promise<LaunchResult | { response: Response; text: string }>,
      code: string,
    ) {
      const before = await storedRows();
      const browser = createBrowser();
      const result = await attempt(browser);
      expect(result.response.status).toBeGreaterThanOrEqual(400);
      expect(result.response.status).toBeLessThan(500);
      expect(result.response.headers.get('content-type')).toContain('text/html');
      expect(result.text).toContain(code);
      await expectSession(browser, 401);
      expect(await storedRows()).toEqual(before);
    }

    const launch =
      (overrides: Omit<Parameters<TestLms['launch']>[0], 'browser' | 'user'>) =>
      (browser: Browser) =>
        lms.launch({ browser, user: LEARNER, ...overrides });

    it('a bad signature', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      await expectRefused(launch({ signWith: { key: privateKey } }), 'LTI_INVALID_SIGNATURE');
    });

    it('an unknown kid', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      await expectRefused(
        launch({ signWith: { key: privateKey, kid: 'unknown-kid' } }),
        'LTI_KEY_NOT_FOUND',
      );
    });

    it('alg none', async () => {
      await expectRefused(launch({ signWith: { alg: 'none' } }), 'LTI_');
    });

    it('alg HS256', async () => {
      await expectRefused(
        launch({ signWith: { alg: 'HS256', key: new Uint8Array(randomBytes(32)) } }),
        'LTI_',
      );
    });

    it('a wrong aud', async () => {
      await expectRefused(
        launch({ claims: { aud: 'someone-else', azp: undefined } }),
        'LTI_DEPLOYMENT_UNKNOWN',
      );
    });

    it('an aud array with a wrong azp', async () => {
      await expectRefused(
        launch({ claims: { aud: [lms.clientId, 'other'], azp: 'other' } }),
        'LTI_DEPLOYMENT_UNKNOWN',
      );
    });

    it('an expired token', async () => {
      await expectRefused(
        launch({ claims: { iat: now() - 50, exp: now() - 5 } }),
        'LTI_JWT_EXPIRED',
      );
    });

    it('a token issued 5 minutes ago', async () => {
      await expectRefused(launch({ claims: { iat: now() - 300 } }), 'LTI_TOKEN_TOO_OLD');
    });

    it('a token issued 10 minutes in the future', async () => {
      await expectRefused(launch({ claims: { iat: now() + 600 } }), 'LTI_IAT_IN_FUTURE');
    });

    it('a wrong iss', async () => {
      await expectRefused(
        launch({ claims: { iss: 'https://evil.example' } }),
        'LTI_DEPLOYMENT_UNKNOWN',
      );
    });

    it('a nonce the tool never issued', async () => {
      await expectRefused(launch({ tamper: { nonce: 'never-issued' } }), 'LTI_NONCE_NOT_ISSUED');
    });

    it('a replayed nonce, id_token and state', async () => {
      const first = await lms.launch({ browser: createBrowser(), user: LEARNER });
      expect(first.finalUrl).toBe(`${tool.url}/course`);
      await expectRefused(async (browser) => {
        const replay = await browser.submitForm(
          first.authPage?.html ?? '',
          first.authPage?.url ?? '',
        );
        return { response: replay.response, text: await replay.response.text() };
      }, 'LTI_NONCE_NOT_ISSUED');
    });

    it('the same id_token and state posted twice at once: one launch opens, the other is refused', async () => {
      const browser = createBrowser();
      const begun = await lms.beginLaunch({ browser, user: { id: 'learner-twice' } });
      const before = await storedRows();
      const posted = await Promise.all(
        [1, 2].map(async () => {
          const { response } = await browser.submitForm(
            begun.authPage?.html ?? '',
            begun.authPage?.url ?? '',
            { followRedirects: false },
          );
          return { status: response.status, text: await response.text() };
        }),
      );
      expect(posted.map(({ status }) => status).sort()).toEqual([303, 401]);
      expect(posted.find(({ status }) => status === 401)?.text).toContain('LTI_NONCE_NOT_ISSUED');
      expect((await storedRows()).sessions).toBe((before.sessions ?? 0) + 1);
    });

    it('a wrong state', async () => {
      await expectRefused(launch({ tamper: { state: 'not-the-state' } }), 'LTI_NONCE_NOT_ISSUED');
    });

    it('a missing state', async () => {
      await expectRefused(launch({ tamper: { state: '' } }), 'LTI_STATE_MISSING');
    });

    it('a missing state cookie (the id_token posted from another browser)', async () => {
      await expectRefused(async (browser) => {
        const begun = await lms.beginLaunch({ browser: createBrowser(), user: LEARNER });
        const posted = await browser.submitForm(
          begun.authPage?.html ?? '',
          begun.authPage?.url ?? '',
        );
        return { response: posted.response, text: await posted.response.text() };
      }, 'LTI_MISSING_VALIDATION_COOKIE');
    });

    it('offers to open the tool in a new window when the frame blocked its cookie', async () => {
      const begun = await lms.beginLaunch({ browser: createBrowser(), user: LEARNER });
      const blocked = createBrowser();
      const posted = await blocked.submitForm(
        begun.authPage?.html ?? '',
        begun.authPage?.url ?? '',
      );
      const page = await posted.response.text();
      const href = /href="([^"]+)" target="_blank"/.exec(page)?.[1]?.replaceAll('&amp;', '&');
      expect(href).toMatch(new RegExp(`^${tool.url}/lti/login\\?`));
      expect(new URL(href ?? '').searchParams.get('login_hint')).toBe(LEARNER.id);
    });

    it('a missing id_token', async () => {
      await expectRefused(async (browser) => {
        const { response } = await browser.request(`${tool.url}/lti/launch`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'state=abc',
        });
        return { response, text: await response.text() };
      }, 'LTI_ID_TOKEN_MISSING');
    });

    it('an unknown deployment', async () => {
      await expectRefused(
        launch({ claims: { [LTI_CLAIMS.deploymentId]: 'not-registered' } }),
        'LTI_DEPLOYMENT_UNKNOWN',
      );
    });

    it('a missing deployment id', async () => {
      await expectRefused(
        launch({ claims: { [LTI_CLAIMS.deploymentId]: undefined } }),
        'LTI_DEPLOYMENT_MISSING',
      );
    });

    it('a wrong message type', async () => {
      await expectRefused(
        launch({ claims: { [LTI_CLAIMS.messageType]: 'LtiSomethingElse' } }),
        'LTI_NO_MESSAGE_TYPE_CLAIM',
      );
    });

    it('a missing message type', async () => {
      await expectRefused(
        launch({ claims: { [LTI_CLAIMS.messageType]: undefined } }),
        'LTI_NO_MESSAGE_TYPE_CLAIM',
      );
    });

    it('a wrong LTI version', async () => {
      await expectRefused(
        launch({ claims: { [LTI_CLAIMS.version]: '1.1' } }),
        'LTI_WRONG_LTI_VERSION_CLAIM',
      );
    });

    it('a missing sub', async () => {
      await expectRefused(launch({ claims: { sub: undefined } }), 'LTI_NO_SUB_CLAIM');
    });

    it('missing roles', async () => {
      await expectRefused(
        launch({ claims: { [LTI_CLAIMS.roles]: undefined } }),
        'LTI_NO_ROLES_CLAIM',
      );
    });

    it('a missing resource link', async () => {
      await expectRefused(
        launch({ claims: { [LTI_CLAIMS.resourceLink]: undefined } }),
        'LTI_NO_RESOURCE_LINK_ID_CLAIM',
      );
    });

    it('a login from an unregistered platform', async () => {
      await expectRefused(async (browser) => {
        const { response } = await browser.request(`${tool.url}/lti/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            iss: 'https://unknown-lms.example',
            login_hint: 'x',
            target_link_uri: `${tool.url}/lti/launch`,
          }).toString(),
        });
        return { response, text: await response.text() };
      }, 'LTI_PLATFORM_UNKNOWN');
    });
  });
});
