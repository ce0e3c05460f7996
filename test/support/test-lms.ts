/**
 * The demo LMS (src/demo/demo-lms.ts) as tests use it: each test file starts its own on
 * 127.0.0.1 at a free port with `startTestLms()`, runs launches through the HTTP client of
 * http-client.ts, and ends it with `close()`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  DemoLms,
  generatePlatformSigningKey,
  type AuthRequest,
  type DemoLmsInit,
  type LaunchAnswerOptions,
} from '../../src/demo/demo-lms.js';
import type { Browser, BrowserResponse } from './http-client.js';

export {
  AGS_SCOPES,
  LTI_CLAIMS,
  LTI_ROLES,
  MEDIA_TYPES,
  NRPS_SCOPE,
  type LmsMember as TestMember,
} from '../../src/demo/demo-lms.js';

/** Options of {@link startTestLms}. */
export interface TestLmsOptions {
  /** The client_id the platform gave the tool. Defaults to `microcred-test-client`. */
  clientId?: string;
  /** The deployment of the tool on this platform. Defaults to `microcred-test-deployment`. */
  deploymentId?: string;
}

/** A complete launch by a user in a browser. */
export interface LaunchOptions extends LaunchAnswerOptions {
  browser: Browser;
  /**
   * How the browser sends the login initiation to the tool (LTI Core 1.3 section 4.1 allows
   * both). Defaults to POST, as Moodle and Canvas send it: an auto-submitted form.
   */
  loginMethod?: 'GET' | 'POST';
}

/** How a launch ended, from the browser's point of view. */
export interface LaunchResult {
  /** The last response; its body has been read into `text`. */
  readonly response: Response;
  readonly finalUrl: string;
  readonly text: string;
  /** Set when the platform answered the tool's authentication request. */
  readonly authRequest: AuthRequest | undefined;
  /** The platform's auto-posting form page, for replaying or submitting from another browser. */
  readonly authPage: { readonly url: string; readonly html: string } | undefined;
}

/** Starts a test platform on 127.0.0.1 at a free port. */
export async function startTestLms(options: TestLmsOptions = {}): Promise<TestLms> {
  const app = express();
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const lms = new TestLms(
    {
      issuer: `http://127.0.0.1:${port}`,
      clientId: options.clientId ?? 'microcred-test-client',
      deploymentId: options.deploymentId ?? 'microcred-test-deployment',
      signingKey: await generatePlatformSigningKey(),
    },
    server,
  );
  lms.mount(app);
  return lms;
}

/** A running test platform. */
export class TestLms extends DemoLms {
  readonly #server: Server;
  readonly #answeredAuthRequests = new Map<string, AuthRequest>();

  constructor(init: DemoLmsInit, server: Server) {
    super(init);
    this.#server = server;
  }

  protected override onAuthRequestAnswered(request: AuthRequest): void {
    this.#answeredAuthRequests.set(request.messageHint, request);
  }

  /**
   * Runs the three legs of a launch in `browser`: login initiation to the tool, the tool's
   * authentication request to the platform, and the auto-posted id_token back to the tool, with
   * every redirect followed. Returns the tool's last answer; when the tool does not reach the
   * authentication endpoint, or the platform refuses its request, it returns that answer instead.
   */
  async launch(options: LaunchOptions): Promise<LaunchResult> {
    const begun = await this.beginLaunch(options);
    if (!begun.authPage) return begun;
    const posted = await options.browser.submitForm(begun.authPage.html, begun.authPage.url);
    return { ...begun, ...(await readResult(posted)) };
  }

  /** The first two legs of {@link launch}: ends on the platform's auto-posting page. */
  async beginLaunch(options: LaunchOptions): Promise<LaunchResult> {
    const { browser, loginMethod = 'POST', ...launch } = options;
    const { loginUrl, messageHint, parameters } = this.initiateLogin(launch);
    const navigation =
      loginMethod === 'GET'
        ? await browser.request(`${loginUrl}?${parameters}`)
        : await browser.request(loginUrl, { method: 'POST', body: parameters });
    const result = await readResult(navigation);
    this.pendingAuthRequests.delete(messageHint);
    const authRequest = this.#answeredAuthRequests.get(messageHint);
    this.#answeredAuthRequests.delete(messageHint);
    // The platform answers an authentication request with a page, never a redirect, so when it
    // answered this one the navigation ended on that page.
    return {
      ...result,
      authRequest,
      authPage: authRequest && { url: result.finalUrl, html: result.text },
    };
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve, reject) =>
      this.#server.close((error) => (error ? reject(error) : resolve())),
    );
    this.#server.closeAllConnections();
    await closed;
  }
}

async function readResult(navigation: BrowserResponse) {
  return {
    response: navigation.response,
    finalUrl: navigation.finalUrl,
    text: await navigation.response.text(),
  };
}
