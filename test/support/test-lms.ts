/**
 * The demo LMS (src/demo/demo-lms.ts) as tests use it: each test file starts its own on
 * 127.0.0.1 at a free port with `startTestLms()`, runs launches through the HTTP client of
 * http-client.ts, and ends it with `close()`. What only tests of the tool's refusals need lives
 * here, not in the demo: id_tokens signed with another key or algorithm (`signWith`), a
 * tampered nonce or state (`tamper`), score posts that fail on purpose (`failNextScores`), and
 * pending logins and membership requests a test can see.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';
import { SignJWT, UnsecuredJWT, type JWTPayload, type KeyInput } from 'jose';
import {
  DemoLms,
  type AuthAnswer,
  type AuthRequest,
  type DemoLmsInit,
  type LaunchClaimsOptions,
  type PendingAuthRequest,
} from '../../src/demo/demo-lms.js';
import {
  generatePlatformSigningKey,
  type PlatformSigningKey,
} from '../../src/demo/lms/platform-signing-key.js';
import { createBrowser, type Browser, type BrowserResponse } from './http-client.js';
import { LTI_ROLES } from '../../src/demo/lms/lti-vocabulary.js';

export {
  AGS_SCOPES,
  LTI_CLAIMS,
  LTI_ROLES,
  MEDIA_TYPES,
  NRPS_SCOPE,
} from '../../src/demo/lms/lti-vocabulary.js';
export type { LmsMember as TestMember } from '../../src/demo/lms/roster.js';

/** How to sign an id_token other than with the platform's key, for forged-token tests. */
export interface SignWith {
  /** Defaults to the platform's private key. */
  key?: KeyInput;
  /** Defaults to RS256; `none` produces an unsecured JWT. */
  alg?: string;
  /** Defaults to the platform's `kid`; `null` leaves the header without a kid. */
  kid?: string | null;
}

/** What the platform signs and posts for a launch, beyond its claims. */
export interface LaunchAnswerOptions extends LaunchClaimsOptions {
  signWith?: SignWith;
  /** Values the platform puts in place of the ones the tool sent, to test the tool's checks. */
  tamper?: {
    /** The nonce written into the id_token. */
    nonce?: string;
    /** The state posted back with the id_token. */
    state?: string;
  };
}

/** An authentication request the platform answered, with the id_token it answered with. */
export interface AnsweredAuthRequest extends AuthRequest {
  readonly idToken: string;
}

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
  readonly authRequest: AnsweredAuthRequest | undefined;
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
export class TestLms extends DemoLms<LaunchAnswerOptions> {
  /** The URLs of the membership requests, oldest first. */
  readonly membershipRequests: string[] = [];
  readonly #server: Server;
  readonly #signingKey: PlatformSigningKey;
  readonly #answeredAuthRequests = new Map<string, AnsweredAuthRequest>();
  #scoreFailures = { remaining: 0, status: 500 };

  constructor(init: DemoLmsInit, server: Server) {
    super(init);
    this.#server = server;
    this.#signingKey = init.signingKey;
  }

  /**
   * Logins the platform initiated whose authentication request has not arrived yet, by
   * `lti_message_hint`. A test that sends the login initiation by hand adds an entry here so
   * that the platform answers it.
   */
  get pendingAuthRequests(): Map<string, PendingAuthRequest<LaunchAnswerOptions>> {
    return this.pendingLogins;
  }

  /** Makes the next `count` score posts fail with `status`. */
  failNextScores(count: number, status: number): void {
    this.#scoreFailures = { remaining: count, status };
  }

  /** The demo LMS's routes, behind the score failures and membership requests tests ask for. */
  override mount(app: Router): void {
    app.post('/contexts/:contextId/lineitems/:lineItemNumber/scores', (_req, res, next) => {
      if (this.#scoreFailures.remaining === 0) return next();
      this.#scoreFailures.remaining -= 1;
      res
        .status(this.#scoreFailures.status)
        .json({ error: 'simulated_failure', error_description: 'failNextScores' });
    });
    app.get('/contexts/:contextId/memberships', (req, _res, next) => {
      this.membershipRequests.push(new URL(req.originalUrl, this.issuer).href);
      next();
    });
    super.mount(app);
  }

  /** Signs a payload as a JWT with the platform's key, or as `signWith` says. */
  async signIdTokenWith(payload: JWTPayload, signWith: SignWith): Promise<string> {
    const alg = signWith.alg ?? 'RS256';
    if (alg === 'none') return new UnsecuredJWT(payload).encode();
    const kid = signWith.kid === undefined ? this.kid : signWith.kid;
    return new SignJWT(payload)
      .setProtectedHeader({ alg, typ: 'JWT', ...(kid !== null && { kid }) })
      .sign(signWith.key ?? this.#signingKey.privateKey);
  }

  /** Answers as the launch's `signWith` and `tamper` say, and keeps the answer for the test. */
  protected override async answerAuthRequest(
    request: AuthRequest,
    launch: LaunchAnswerOptions,
    claims: JWTPayload,
  ): Promise<AuthAnswer> {
    const signed = {
      ...claims,
      ...(launch.tamper?.nonce !== undefined && { nonce: launch.tamper.nonce }),
    };
    const idToken = await this.signIdTokenWith(signed, launch.signWith ?? {});
    this.#answeredAuthRequests.set(request.messageHint, { ...request, idToken });
    return { idToken, state: launch.tamper?.state ?? request.state };
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

/** A first launch of `userId` into `context` in a new browser, as a teacher or a learner. */
export async function launchAs(
  lms: TestLms,
  context: { id: string; title: string },
  userId: string,
  role: 'teacher' | 'learner',
) {
  const browser = createBrowser();
  const result = await lms.launch({
    browser,
    user: { id: userId, name: userId },
    roles: [role === 'teacher' ? LTI_ROLES.instructor : LTI_ROLES.learner],
    context,
  });
  return { browser, result };
}
