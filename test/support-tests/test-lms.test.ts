import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  SignJWT,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type CryptoKey,
  type JWTPayload,
} from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBrowser } from '../support/http-client.js';
import {
  AGS_SCOPES,
  LTI_CLAIMS,
  LTI_ROLES,
  MEDIA_TYPES,
  NRPS_SCOPE,
  startTestLms,
  type TestLms,
} from '../support/test-lms.js';

interface FakeTool {
  url: string;
  loginUrl: string;
  launchUrl: string;
  privateKey: CryptoKey;
  kid: string;
  loginMethods: string[];
  close(): Promise<void>;
}

/**
 * The smallest honest LTI tool: its login keeps state and nonce (the state also in a cookie),
 * its launch verifies the id_token against the platform's JWKS and the nonce it issued, then
 * redirects to an app page that shows the claims. It serves its own JWKS for client assertions.
 */
async function startFakeTool(lms: TestLms): Promise<FakeTool> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'tool-key-1';
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const platformKeys = createRemoteJWKSet(new URL(lms.jwksUrl));
  const noncesByState = new Map<string, string>();
  const claimsBySession = new Map<string, JWTPayload>();
  const loginMethods: string[] = [];
  const app = express();
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cookie = (header: string | undefined, name: string) =>
    header
      ?.split('; ')
      .find((pair) => pair.startsWith(`${name}=`))
      ?.slice(name.length + 1);

  app.use(express.urlencoded({ extended: false }));
  app.get('/jwks', (_req, res) => {
    res.json({ keys: [publicJwk] });
  });
  app.all('/login', (req, res) => {
    loginMethods.push(req.method);
    const params = { ...req.query, ...req.body } as Record<string, string>;
    if (params.iss !== lms.issuer || params.client_id !== lms.clientId) {
      res.status(400).json({ error: 'unknown platform' });
      return;
    }
    const state = randomUUID();
    const nonce = randomUUID();
    noncesByState.set(state, nonce);
    res.cookie('tool-state', state, { httpOnly: true, secure: true, sameSite: 'none' });
    const auth = new URL(lms.authUrl);
    auth.search = new URLSearchParams({
      response_type: 'id_token',
      response_mode: 'form_post',
      scope: 'openid',
      prompt: 'none',
      client_id: params.client_id,
      redirect_uri: `${url}/launch`,
      login_hint: params.login_hint ?? '',
      lti_message_hint: params.lti_message_hint ?? '',
      state,
      nonce,
    }).toString();
    res.redirect(302, auth.href);
  });
  app.post('/launch', async (req, res) => {
    const { id_token: idToken, state } = req.body as Record<string, string>;
    const nonce = noncesByState.get(state ?? '');
    noncesByState.delete(state ?? '');
    if (!state || !nonce || cookie(req.get('cookie'), 'tool-state') !== state) {
      res.status(401).json({ error: 'state' });
      return;
    }
    try {
      const { payload } = await jwtVerify(idToken ?? '', platformKeys, {
        issuer: lms.issuer,
        audience: lms.clientId,
        algorithms: ['RS256'],
      });
      if (payload.nonce !== nonce) {
        res.status(401).json({ error: 'nonce' });
        return;
      }
      const session = randomUUID();
      claimsBySession.set(session, payload);
      res.clearCookie('tool-state').cookie('tool-session', session).redirect(302, '/app');
    } catch (error) {
      if (!(error instanceof errors.JOSEError)) throw error;
      res.status(401).json({ error: 'id_token', code: error.code });
    }
  });
  app.get('/app', (req, res) => {
    const claims = claimsBySession.get(cookie(req.get('cookie'), 'tool-session') ?? '');
    if (claims) res.json(claims);
    else res.status(401).json({ error: 'session' });
  });

  return {
    url,
    loginUrl: `${url}/login`,
    launchUrl: `${url}/launch`,
    privateKey,
    kid,
    loginMethods,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let lms: TestLms;
let tool: FakeTool;

beforeAll(async () => {
  lms = await startTestLms();
  tool = await startFakeTool(lms);
  lms.setToolEndpoints({ loginUrl: tool.loginUrl, launchUrl: tool.launchUrl });
  lms.setToolJwksUrl(`${tool.url}/jwks`);
});

afterAll(async () => {
  await tool.close();
  await lms.close();
});

const learner = { id: 'learner-1', givenName: 'Ada', familyName: 'Lovelace' };

describe('test LMS: LTI 1.3 launch through OIDC third-party login', () => {
  it('runs the three legs so that the tool lands on its app page with the launch claims', async () => {
    const result = await lms.launch({
      browser: createBrowser(),
      user: learner,
      roles: [LTI_ROLES.learner],
      context: { id: 'course-42', title: 'Sustainability' },
      resourceLink: { id: 'link-7', title: 'Final quiz' },
      locale: 'fr',
    });

    expect(result.response.status).toBe(200);
    expect(result.finalUrl).toBe(`${tool.url}/app`);
    const claims = JSON.parse(result.text) as JWTPayload;
    const [lineItem] = lms.lineItems('course-42');
    expect(lineItem).toMatchObject({ label: 'Final quiz', resourceLinkId: 'link-7' });
    expect(claims).toMatchObject({
      iss: lms.issuer,
      aud: lms.clientId,
      azp: lms.clientId,
      sub: 'learner-1',
      nonce: result.authRequest?.nonce,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      email: 'learner-1@lms.test',
      [LTI_CLAIMS.messageType]: 'LtiResourceLinkRequest',
      [LTI_CLAIMS.version]: '1.3.0',
      [LTI_CLAIMS.deploymentId]: lms.deploymentId,
      [LTI_CLAIMS.targetLinkUri]: tool.launchUrl,
      [LTI_CLAIMS.resourceLink]: { id: 'link-7', title: 'Final quiz' },
      [LTI_CLAIMS.roles]: [LTI_ROLES.learner],
      [LTI_CLAIMS.context]: { id: 'course-42', title: 'Sustainability', label: 'COURSE-42' },
      [LTI_CLAIMS.launchPresentation]: { locale: 'fr', document_target: 'iframe' },
      [LTI_CLAIMS.agsEndpoint]: {
        scope: Object.values(AGS_SCOPES),
        lineitems: lms.lineItemsUrl('course-42'),
        lineitem: lineItem?.id,
      },
      [LTI_CLAIMS.namesRoleService]: { service_versions: ['2.0'] },
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300);
  });

  it('sends the login initiation as a form POST, or as a GET when asked', async () => {
    await lms.launch({ browser: createBrowser(), user: learner });
    expect(tool.loginMethods.at(-1)).toBe('POST');
    const result = await lms.launch({
      browser: createBrowser(),
      user: learner,
      loginMethod: 'GET',
    });
    expect(result.response.status).toBe(200);
    expect(tool.loginMethods.at(-1)).toBe('GET');
  });

  it('signs the id_token with the key its JWKS publishes, under its kid', async () => {
    const { authRequest } = await lms.beginLaunch({ browser: createBrowser(), user: learner });
    const idToken = authRequest?.idToken ?? '';
    expect(decodeProtectedHeader(idToken)).toMatchObject({ alg: 'RS256', kid: lms.kid });
    const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(lms.jwksUrl)));
    expect(payload.sub).toBe('learner-1');
  });

  it('adds, replaces and removes claims as the test asks', async () => {
    const result = await lms.launch({
      browser: createBrowser(),
      user: learner,
      claims: { email: undefined, [LTI_CLAIMS.custom]: { badge: 'b-1' }, name: 'Someone' },
    });
    const claims = JSON.parse(result.text) as JWTPayload;
    expect(claims).not.toHaveProperty('email');
    expect(claims).toMatchObject({ name: 'Someone', [LTI_CLAIMS.custom]: { badge: 'b-1' } });
  });

  it('answers a login initiation that a test sent by hand for a pending request it added', async () => {
    lms.pendingAuthRequests.set('hand-made', {
      loginHint: 'user-9',
      launch: { user: { id: 'user-9' } },
    });
    const browser = createBrowser();
    const initiation = new URLSearchParams({
      iss: lms.issuer,
      client_id: lms.clientId,
      login_hint: 'user-9',
      lti_message_hint: 'hand-made',
      target_link_uri: tool.launchUrl,
    });
    const authPage = await browser.request(`${tool.loginUrl}?${initiation}`);
    const landed = await browser.submitForm(await authPage.response.text(), authPage.finalUrl);
    expect(landed.finalUrl).toBe(`${tool.url}/app`);
    expect(((await landed.response.json()) as JWTPayload).sub).toBe('user-9');
  });

  it('lets a test sign its own id_token for the state and nonce the tool issued', async () => {
    const browser = createBrowser();
    const { authRequest } = await lms.beginLaunch({ browser, user: learner });
    const claims = lms.idTokenClaims(
      { user: learner, roles: [LTI_ROLES.instructor] },
      authRequest?.nonce ?? '',
    );
    const landed = await browser.request(authRequest?.redirectUri ?? '', {
      method: 'POST',
      body: new URLSearchParams({
        id_token: await lms.signIdToken(claims),
        state: authRequest?.state ?? '',
      }),
    });
    expect(landed.response.status).toBe(200);
    expect(await landed.response.json()).toMatchObject({
      [LTI_CLAIMS.roles]: [LTI_ROLES.instructor],
    });
  });

  describe('refusals at the authentication endpoint', () => {
    afterEach(() => lms.pendingAuthRequests.clear());

    const validRequest = () => ({
      response_type: 'id_token',
      response_mode: 'form_post',
      scope: 'openid',
      prompt: 'none',
      client_id: lms.clientId,
      redirect_uri: tool.launchUrl,
      login_hint: 'user-1',
      lti_message_hint: 'hint-1',
      state: 'state-1',
      nonce: 'nonce-1',
    });

    it.each([
      ['an unknown client_id', { client_id: 'someone-else' }, 'unauthorized_client'],
      [
        'an unregistered redirect_uri',
        { redirect_uri: 'http://127.0.0.1:1/evil' },
        'invalid_request',
      ],
      ['another login_hint', { login_hint: 'user-2' }, 'login_required'],
      ['an unknown lti_message_hint', { lti_message_hint: 'hint-2' }, 'login_required'],
      ['response_mode query', { response_mode: 'query' }, 'invalid_request'],
      ['response_type code', { response_type: 'code' }, 'unsupported_response_type'],
      ['no openid scope', { scope: 'profile' }, 'invalid_scope'],
      ['prompt login', { prompt: 'login' }, 'invalid_request'],
      ['no nonce', { nonce: '' }, 'invalid_request'],
    ])('refuses %s with 400 %s', async (_case, change, code) => {
      lms.pendingAuthRequests.set('hint-1', {
        loginHint: 'user-1',
        launch: { user: { id: 'user-1' } },
      });
      const query = new URLSearchParams({ ...validRequest(), ...change });
      const { response } = await createBrowser().request(`${lms.authUrl}?${query}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: code });
      expect(lms.pendingAuthRequests.has('hint-1')).toBe(true);
    });

    it('answers the same request, once valid, with a page posting id_token and state', async () => {
      lms.pendingAuthRequests.set('hint-1', {
        loginHint: 'user-1',
        launch: { user: { id: 'user-1' } },
      });
      const body = new URLSearchParams(validRequest());
      const { response } = await createBrowser().request(lms.authUrl, { method: 'POST', body });
      const html = await response.text();
      expect(response.status).toBe(200);
      expect(html).toContain(`action="${tool.launchUrl}" method="post"`);
      expect(html).toMatch(/name="id_token" value="[\w-]+\.[\w-]+\.[\w-]+"/);
      expect(html).toContain('name="state" value="state-1"');
      expect(lms.pendingAuthRequests.has('hint-1')).toBe(false);
    });
  });

  describe('forged and tampered launches, as the tool sees them', () => {
    it('lets a test sign with a key the platform does not publish', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const result = await lms.launch({
        browser: createBrowser(),
        user: learner,
        signWith: { key: privateKey },
      });
      expect(result.response.status).toBe(401);
      expect(JSON.parse(result.text)).toMatchObject({
        code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      });
    });

    it('lets a test send an unsecured token (alg none)', async () => {
      const result = await lms.launch({
        browser: createBrowser(),
        user: learner,
        signWith: { alg: 'none' },
      });
      expect(decodeProtectedHeader(result.authRequest?.idToken ?? '')).toEqual({ alg: 'none' });
      expect(result.response.status).toBe(401);
    });

    it('lets a test put another nonce in the id_token', async () => {
      const result = await lms.launch({
        browser: createBrowser(),
        user: learner,
        tamper: { nonce: 'forged' },
      });
      expect(result.response.status).toBe(401);
      expect(JSON.parse(result.text)).toEqual({ error: 'nonce' });
    });

    it('lets a test post another state', async () => {
      const result = await lms.launch({
        browser: createBrowser(),
        user: learner,
        tamper: { state: 'forged' },
      });
      expect(result.response.status).toBe(401);
      expect(JSON.parse(result.text)).toEqual({ error: 'state' });
    });

    it('returns the auto-posting page so that a test can replay it or post it from another browser', async () => {
      const browser = createBrowser();
      const first = await lms.launch({ browser, user: learner });
      expect(first.response.status).toBe(200);
      const page = first.authPage ?? { html: '', url: '' };
      const replayed = await browser.submitForm(page.html, page.url);
      expect(replayed.response.status).toBe(401);

      const begun = await lms.beginLaunch({ browser, user: learner });
      const page2 = begun.authPage ?? { html: '', url: '' };
      const elsewhere = await createBrowser().submitForm(page2.html, page2.url);
      expect(elsewhere.response.status).toBe(401);
    });

    it('returns the tool’s own answer when the tool refuses the login initiation', async () => {
      const other = await startTestLms();
      other.setToolEndpoints({ loginUrl: tool.loginUrl, launchUrl: tool.launchUrl });
      try {
        const result = await other.launch({ browser: createBrowser(), user: learner });
        expect(result.response.status).toBe(400);
        expect(result.finalUrl).toBe(tool.loginUrl);
        expect(result.authRequest).toBeUndefined();
        expect(other.pendingAuthRequests.size).toBe(0);
      } finally {
        await other.close();
      }
    });
  });
});

/** A client assertion as the tool signs it (LTI Security Framework 1.0 section 4.1.1). */
async function clientAssertion(
  change: {
    iss?: string;
    sub?: string;
    aud?: string;
    exp?: number;
    jti?: string;
    key?: CryptoKey;
  } = {},
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: tool.kid })
    .setIssuer(change.iss ?? lms.clientId)
    .setSubject(change.sub ?? lms.clientId)
    .setAudience(change.aud ?? lms.tokenUrl)
    .setIssuedAt()
    .setExpirationTime(change.exp ?? '1 minute')
    .setJti(change.jti ?? randomUUID())
    .sign(change.key ?? tool.privateKey);
}

async function requestToken(assertion: string, scope: string, grantType = 'client_credentials') {
  return fetch(lms.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: grantType,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope,
    }),
  });
}

async function accessToken(...scopes: string[]): Promise<string> {
  const response = await requestToken(await clientAssertion(), scopes.join(' '));
  return ((await response.json()) as { access_token: string }).access_token;
}

describe('test LMS: token endpoint (client credentials with a JWT client assertion)', () => {
  it('grants the requested scopes it knows and drops the others', async () => {
    const response = await requestToken(
      await clientAssertion(),
      `${AGS_SCOPES.score} https://example.test/unknown ${AGS_SCOPES.lineItem}`,
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: `${AGS_SCOPES.score} ${AGS_SCOPES.lineItem}`,
    });
  });

  it('accepts the issuer as the audience of the assertion', async () => {
    const response = await requestToken(
      await clientAssertion({ aud: lms.issuer }),
      AGS_SCOPES.score,
    );
    expect(response.status).toBe(200);
  });

  it('refuses a jti it has seen before', async () => {
    const assertion = await clientAssertion({ jti: 'once' });
    expect((await requestToken(assertion, AGS_SCOPES.score)).status).toBe(200);
    const replay = await requestToken(assertion, AGS_SCOPES.score);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: 'invalid_client' });
  });

  it.each([
    [
      'signed with another key',
      async () => ({ key: (await generateKeyPair('RS256')).privateKey }),
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    ],
    ['for another audience', async () => ({ aud: 'https://elsewhere.test/token' }), '"aud"'],
    ['whose iss is not the client_id', async () => ({ iss: 'someone-else' }), '"iss"'],
    ['whose sub is not the client_id', async () => ({ sub: 'someone-else' }), '"sub"'],
    ['that expired', async () => ({ exp: Math.floor(Date.now() / 1000) - 10 }), 'ERR_JWT_EXPIRED'],
  ])('refuses an assertion %s with 401 invalid_client', async (_case, change, reason) => {
    const response = await requestToken(await clientAssertion(await change()), AGS_SCOPES.score);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_client');
    expect(body.error_description).toContain(reason);
  });

  it('refuses another grant type, a missing assertion and unknown scopes with 400', async () => {
    const wrongGrant = await requestToken(await clientAssertion(), AGS_SCOPES.score, 'password');
    expect(await wrongGrant.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const noAssertion = await requestToken('', AGS_SCOPES.score);
    expect(await noAssertion.json()).toMatchObject({ error: 'invalid_request' });
    const unknownScope = await requestToken(await clientAssertion(), 'https://example.test/x');
    expect(unknownScope.status).toBe(400);
    expect(await unknownScope.json()).toMatchObject({ error: 'invalid_scope' });
  });
});

describe('test LMS: Assignment and Grade Services 2.0', () => {
  let lineItemUrl: string;
  const score = (change: Record<string, unknown> = {}) => ({
    userId: 'learner-1',
    scoreGiven: 80,
    scoreMaximum: 100,
    activityProgress: 'Completed',
    gradingProgress: 'FullyGraded',
    timestamp: new Date().toISOString(),
    ...change,
  });
  const postScore = (body: unknown, token?: string, contentType: string = MEDIA_TYPES.score) =>
    fetch(`${lineItemUrl}/scores`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        ...(token !== undefined && { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    const result = await lms.launch({
      browser: createBrowser(),
      user: learner,
      context: { id: 'ags-course' },
      resourceLink: { id: 'ags-link' },
    });
    const claims = JSON.parse(result.text) as JWTPayload;
    lineItemUrl = (claims[LTI_CLAIMS.agsEndpoint] as { lineitem: string }).lineitem;
  });

  it('refuses a score without a bearer token with 401', async () => {
    const response = await postScore(score());
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('refuses a score with an unknown token with 401', async () => {
    const response = await postScore(score(), 'not-a-token');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('refuses a score with a token lacking the score scope with 403', async () => {
    const response = await postScore(score(), await accessToken(AGS_SCOPES.lineItemReadonly));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'insufficient_scope' });
  });

  it('records a score posted with a score-scoped token and shows it as the result', async () => {
    const body = score({ userId: 'learner-rec', comment: 'Well done' });
    const response = await postScore(body, await accessToken(AGS_SCOPES.score));
    expect(response.status).toBe(204);
    expect(lms.scores.at(-1)).toEqual({ lineItemUrl, body, receivedAt: expect.any(Date) });

    const results = await fetch(`${lineItemUrl}/results?user_id=learner-rec`, {
      headers: { authorization: `Bearer ${await accessToken(AGS_SCOPES.resultReadonly)}` },
    });
    expect(results.headers.get('content-type')).toContain(MEDIA_TYPES.resultContainer);
    expect(await results.json()).toEqual([
      {
        id: `${lineItemUrl}/results/learner-rec`,
        scoreOf: lineItemUrl,
        userId: 'learner-rec',
        resultScore: 80,
        resultMaximum: 100,
        comment: 'Well done',
      },
    ]);
  });

  it('keeps the newest score as the result when an older one arrives later', async () => {
    const token = await accessToken(AGS_SCOPES.score, AGS_SCOPES.resultReadonly);
    await postScore(
      score({ userId: 'learner-late', scoreGiven: 90, timestamp: '2030-01-02T00:00:00.000Z' }),
      token,
    );
    await postScore(
      score({ userId: 'learner-late', scoreGiven: 10, timestamp: '2030-01-01T00:00:00.000Z' }),
      token,
    );
    const results = await fetch(`${lineItemUrl}/results?user_id=learner-late`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await results.json()).toMatchObject([{ resultScore: 90 }]);
    expect(lms.scores.filter((recorded) => recorded.body.userId === 'learner-late')).toHaveLength(
      2,
    );
  });

  it.each([
    ['scoreGiven above scoreMaximum', { scoreGiven: 101 }, 'scoreGiven exceeds scoreMaximum'],
    ['scoreGiven without scoreMaximum', { scoreMaximum: undefined }, 'scoreMaximum is required'],
    ['a negative scoreGiven', { scoreGiven: -1 }, 'scoreGiven must be'],
    ['no userId', { userId: undefined }, 'userId'],
    ['an unknown activityProgress', { activityProgress: 'Done' }, 'activityProgress'],
    ['an unknown gradingProgress', { gradingProgress: 'Graded' }, 'gradingProgress'],
    ['no timestamp', { timestamp: undefined }, 'timestamp'],
    ['a timestamp that is no date', { timestamp: 'yesterday' }, 'timestamp'],
  ])('refuses a score with %s with 400', async (_case, change, reason) => {
    const before = lms.scores.length;
    const response = await postScore(score(change), await accessToken(AGS_SCOPES.score));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toContain(reason);
    expect(lms.scores).toHaveLength(before);
  });

  it('refuses a score sent as plain JSON with 415', async () => {
    const response = await postScore(
      score(),
      await accessToken(AGS_SCOPES.score),
      'application/json',
    );
    expect(response.status).toBe(415);
  });

  it('fails the next score posts as told, then accepts again', async () => {
    const token = await accessToken(AGS_SCOPES.score);
    const before = lms.scores.length;
    lms.failNextScores(2, 503);
    expect((await postScore(score(), token)).status).toBe(503);
    expect((await postScore(score(), token)).status).toBe(503);
    expect((await postScore(score(), token)).status).toBe(204);
    expect(lms.scores).toHaveLength(before + 1);
  });

  it('creates, lists, reads, updates and deletes line items', async () => {
    const token = await accessToken(AGS_SCOPES.lineItem);
    const headers = { authorization: `Bearer ${token}`, 'content-type': MEDIA_TYPES.lineItem };
    const container = lms.lineItemsUrl('ags-course');
    const created = await fetch(container, {
      method: 'POST',
      headers,
      body: JSON.stringify({ label: 'Badge: Climate basics', scoreMaximum: 100, tag: 'badge-1' }),
    });
    expect(created.status).toBe(201);
    const item = (await created.json()) as { id: string };
    expect(item.id.startsWith(`${container}/`)).toBe(true);

    const listed = await fetch(`${container}?tag=badge-1`, { headers });
    expect(listed.headers.get('content-type')).toContain(MEDIA_TYPES.lineItemContainer);
    expect(await listed.json()).toEqual([{ ...item }]);
    const firstPage = await fetch(`${container}?limit=1`, { headers });
    expect(firstPage.headers.get('link')).toBe(`<${container}?limit=1&page=2>; rel="next"`);

    const updated = await fetch(item.id, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ ...item, label: 'Badge: Climate basics (v2)' }),
    });
    expect(await updated.json()).toMatchObject({
      id: item.id,
      label: 'Badge: Climate basics (v2)',
    });
    expect(await (await fetch(item.id, { headers })).json()).toMatchObject({ tag: 'badge-1' });

    expect((await fetch(item.id, { method: 'DELETE', headers })).status).toBe(204);
    expect((await fetch(item.id, { headers })).status).toBe(404);
  });

  it('refuses to create a line item with a read-only token or without a label', async () => {
    const body = JSON.stringify({ scoreMaximum: 10, label: 'x' });
    const readOnly = await fetch(lms.lineItemsUrl('ags-course'), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await accessToken(AGS_SCOPES.lineItemReadonly)}`,
        'content-type': MEDIA_TYPES.lineItem,
      },
      body,
    });
    expect(readOnly.status).toBe(403);
    const noLabel = await fetch(lms.lineItemsUrl('ags-course'), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await accessToken(AGS_SCOPES.lineItem)}`,
        'content-type': MEDIA_TYPES.lineItem,
      },
      body: JSON.stringify({ scoreMaximum: 10 }),
    });
    expect(noLabel.status).toBe(400);
  });
});

describe('test LMS: Names and Role Provisioning Services 2.0', () => {
  it('lists the users who launched in a context with their roles', async () => {
    await lms.launch({
      browser: createBrowser(),
      user: { id: 'teacher-1' },
      roles: [LTI_ROLES.instructor],
      context: { id: 'nrps-course' },
    });
    const response = await fetch(`${lms.issuer}/contexts/nrps-course/memberships`, {
      headers: { authorization: `Bearer ${await accessToken(NRPS_SCOPE)}` },
    });
    expect(response.headers.get('content-type')).toContain(MEDIA_TYPES.membershipContainer);
    expect(await response.json()).toMatchObject({
      context: { id: 'nrps-course' },
      members: [{ user_id: 'teacher-1', status: 'Active', roles: [LTI_ROLES.instructor] }],
    });
  });

  it('pages a roster by its page size with next links, and lists added members after those before', async () => {
    lms.addMembers('paged-nrps-course', [
      { user: { id: 'member-1' }, roles: [LTI_ROLES.learner] },
      { user: { id: 'member-2', name: 'Two' }, roles: [LTI_ROLES.learner], status: 'Inactive' },
      { user: { id: 'member-3' }, roles: [LTI_ROLES.mentor] },
    ]);
    lms.removeMembers('paged-nrps-course', ['member-3']);
    lms.addMembers('paged-nrps-course', [{ user: { id: 'member-4' }, roles: [LTI_ROLES.learner] }]);
    lms.setMembershipPageSize(2);
    try {
      const token = await accessToken(NRPS_SCOPE);
      const first = await fetch(`${lms.issuer}/contexts/paged-nrps-course/memberships`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const next = /^<([^>]+)>; rel="next"$/.exec(first.headers.get('link') ?? '')?.[1];
      expect(next).toBe(`${lms.issuer}/contexts/paged-nrps-course/memberships?page=2`);
      expect(await first.json()).toMatchObject({
        members: [
          { user_id: 'member-1', name: 'Test member-1', email: 'member-1@lms.test' },
          { user_id: 'member-2', name: 'Two', status: 'Inactive' },
        ],
      });
      const second = await fetch(next ?? '', { headers: { authorization: `Bearer ${token}` } });
      expect(second.headers.get('link')).toBeNull();
      expect(await second.json()).toMatchObject({ members: [{ user_id: 'member-4' }] });
      expect(lms.membershipRequests.slice(-2)).toEqual([
        `${lms.issuer}/contexts/paged-nrps-course/memberships`,
        next,
      ]);
    } finally {
      lms.setMembershipPageSize(undefined);
    }
  });
});
