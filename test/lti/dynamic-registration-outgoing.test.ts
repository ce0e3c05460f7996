import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.js';
import { listPlatforms } from '../../src/lti/platform-registry.js';
import {
  ADMIN_TOKEN,
  confirmRegistration,
  inviteLms,
  openRegistration,
  registrationIdIn,
} from '../support/dynamic-registration.js';
import { createBrowser } from '../support/http-client.js';
import { freePort, startTestTool, type TestTool } from '../support/test-tool.js';

const GENERIC_MESSAGE =
  'microcred could not get an answer from the other server. Check the address, or try again later.';

/**
 * Dynamic registration fetches only through the outgoing request module: an LMS at an address
 * that is not allowed (here 127.0.0.2, loopback but not the listed 127.0.0.1) is never
 * contacted, and the administrator sees the same page as for an LMS that does not answer.
 */
describe('dynamic registration: outgoing requests to addresses that are not allowed', () => {
  let tool: TestTool;
  const log: string[] = [];
  let lms: Server;
  let lmsRequests: string[];
  let lmsOrigin: string;

  beforeAll(async () => {
    tool = await startTestTool({
      logger: createLogger('debug', (line) => log.push(line)),
      env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    lmsRequests = [];
    lms = createServer((req, res) => {
      lmsRequests.push(`${req.method} ${req.url}`);
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
    await new Promise<void>((resolve) => lms.listen(0, '127.0.0.2', resolve));
    lmsOrigin = `http://127.0.0.2:${(lms.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => lms?.close(resolve));
    await tool?.close();
  });

  /** Invites, opens the registration as the LMS at `origin` would, then completes it; the final page. */
  async function register(origin: string) {
    const admin = createBrowser();
    const invitation = await inviteLms(tool.url, {
      awardingBody: 'University of Testing',
      trustLevel: 'registered',
    });
    const form = await openRegistration(
      admin,
      invitation.url,
      {
        openIdConfigurationUrl: `${origin}/.well-known/openid-configuration`,
        registrationToken: 'one-time-token',
      },
      `${origin}/admin`,
    );
    expect(form.response.status).toBe(200);
    const { response } = await confirmRegistration(
      admin,
      tool.url,
      registrationIdIn(await form.response.text()),
    );
    return { status: response.status, page: await response.text() };
  }

  it('answers the generic error page, contacts nothing, stores nothing and logs the reason', async () => {
    const { status, page } = await register(lmsOrigin);

    expect(status).toBe(502);
    expect(page).toContain('OUTGOING_REQUEST_FAILED');
    expect(page).toContain(GENERIC_MESSAGE);
    expect(page).not.toContain('127.0.0.2');
    expect(lmsRequests).toEqual([]);
    expect(await listPlatforms(tool.current().database.db)).toEqual([]);
    expect(log.join('')).toContain('address 127.0.0.2 is not public and not allowed');
  });

  it('shows the same page for an allowed address where nothing listens', async () => {
    const closedPort = await freePort();
    const refused = await register(lmsOrigin);
    const unanswered = await register(`http://127.0.0.1:${closedPort}`);

    expect(unanswered.status).toBe(refused.status);
    expect(unanswered.page).toContain('OUTGOING_REQUEST_FAILED');
    expect(unanswered.page).toContain(GENERIC_MESSAGE);
    expect(log.join('')).toContain('ECONNREFUSED');
    expect(await listPlatforms(tool.current().database.db)).toEqual([]);
  });
});
