import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from '../support/http-client.js';
import {
  ANNEX_I_ACHIEVEMENT,
  CIRCULAR_ECONOMY_QUIZ,
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
  type WorldPlatform,
} from '../support/course-world.js';
import { createTestTls, trustInThisProcess } from '../support/test-tls.js';
import { csrfTokenOf, getPage, postForm } from './teacher-course-world.js';

const decode = (text: string) =>
  text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");

/** Every button link of the hand-off page, in page order. */
const buttonLinks = (html: string) =>
  [...html.matchAll(/<a class="button" href="([^"]+)"/g)].map((match) => decode(match[1]!));

const qrCodeCount = (html: string) =>
  [...html.matchAll(/<img src="data:image\/svg\+xml;base64,[^"]+"/g)].length;

describe('the wallet hand-off page: POST /course/credentials/:id/wallet', () => {
  let world: CourseWorld;
  let registered: WorldPlatform;
  let teacher: Browser;
  let learner: Browser;
  let awardId: string;

  /** Posts the learner page's wallet form of the award, as `browser`, with its form token. */
  const sendToWallet = async (fields: Record<string, string>, browser: Browser = learner) => {
    const { html } = await getPage(browser, `${world.tool.url}/course`);
    return postForm(browser, `${world.tool.url}/course/credentials/${awardId}/wallet`, {
      _csrf: csrfTokenOf(html),
      ...fields,
    });
  };

  beforeAll(async () => {
    // Wallets fetch credentials over https only, so the tool offers them only there.
    const tls = await createTestTls();
    trustInThisProcess(tls);
    world = await startCourseWorld({ tls });
    registered = await world.platform('registered');
    teacher = await registered.launch({ id: 'teacher-1', name: 'Grace Hopper' }, 'teacher');
    await createAchievementAs(teacher, world.tool.url, ANNEX_I_ACHIEVEMENT);
    learner = await registered.launch({ id: 'learner-1', name: 'Ada Lovelace' }, 'learner');
    await registered.send('learner-1', [
      { activity: CIRCULAR_ECONOMY_QUIZ, verb: 'scored', scaled: 0.9 },
    ]);
    const { html } = await getPage(learner, `${world.tool.url}/course`);
    const action = /action="\/course\/credentials\/([0-9a-f-]{36})\/wallet"/.exec(html);
    expect(action, 'a wallet form on the learner page').not.toBeNull();
    awardId = action![1]!;
  });
  afterAll(async () => {
    await world.close();
  });

  it('offers both wallet hand-offs from the learner page, binding to the wallet by default', async () => {
    const { html } = await getPage(learner, `${world.tool.url}/course`);

    expect(html).toContain('Send to Learner Credential Wallet');
    expect(html).toContain('Send to another wallet (OpenID4VCI)');
    expect(html).toMatch(/<input type="checkbox" name="bind" checked>/);
  });

  describe('for the Learner Credential Wallet', () => {
    let response: Response;
    let html: string;

    beforeAll(async () => {
      ({ response } = await sendToWallet({ wallet: 'lcw', bind: 'on' }));
      html = await response.text();
    });

    it('shows a QR code and a button for the direct link first, then for the VC-API exchange', () => {
      expect(response.status).toBe(200);
      expect(qrCodeCount(html)).toBe(2);
      const [direct, vcApi] = buttonLinks(html);
      expect(vcApi).toMatch(/^https:\/\/lcw\.app\/request\?request=/);
      expect(direct).toMatch(/^https:\/\/lcw\.app\/request\.html\?/);
      expect(html).toContain('works once, for the next 15 minutes');
    });

    it('keeps the page, which carries single-use links, out of caches', () => {
      expect(response.headers.get('cache-control')).toBe('no-store');
    });

    it('links to a live VC-API exchange of the tool that asks the wallet to authenticate', async () => {
      const invitation = JSON.parse(
        new URL(buttonLinks(html)[1]!).searchParams.get('request') ?? '{}',
      ) as { credentialRequestOrigin: string; protocols: { vcapi: string } };
      expect(invitation.credentialRequestOrigin).toBe(world.tool.url);

      const exchange = await fetch(invitation.protocols.vcapi, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });

      expect(exchange.status).toBe(200);
      const { verifiablePresentationRequest } = (await exchange.json()) as {
        verifiablePresentationRequest: { query: { type: string }[]; challenge: string };
      };
      expect(verifiablePresentationRequest.query[0]!.type).toBe('DIDAuthentication');
      expect(verifiablePresentationRequest.challenge).toEqual(expect.any(String));
    });

    it('gives the direct link the challenge and the tool’s request URL', () => {
      const direct = new URL(buttonLinks(html)[0]!).searchParams;
      expect(direct.get('auth_type')).toBe('bearer');
      expect(direct.get('challenge')).toEqual(expect.any(String));
      expect(direct.get('vc_request_url')?.startsWith(`${world.tool.url}/`)).toBe(true);
    });
  });

  describe('for OpenID4VCI wallets', () => {
    it('shows the credential offer as a QR code and a button, with the one-time code asked for', async () => {
      const { response } = await sendToWallet({ wallet: 'openid4vci', txCode: 'on' });
      const html = await response.text();

      expect(response.status).toBe(200);
      expect(qrCodeCount(html)).toBe(1);
      const [offerUri] = buttonLinks(html);
      expect(offerUri).toMatch(/^openid-credential-offer:\/\/\?credential_offer=/);
      const offer = JSON.parse(new URL(offerUri!).searchParams.get('credential_offer') ?? '{}') as {
        credential_issuer: string;
        grants: Record<string, { tx_code?: { length: number } }>;
      };
      expect(offer.credential_issuer).toBe(world.tool.url);
      const grant = offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'];
      expect(grant?.tx_code?.length).toBe(6);
      expect(html).toMatch(/<strong class="tx-code">\d{6}<\/strong>/);
    });

    it('asks for no code when the learner did not want one', async () => {
      const { response } = await sendToWallet({ wallet: 'openid4vci' });
      const html = await response.text();

      const [offerUri] = buttonLinks(html);
      const offer = JSON.parse(new URL(offerUri!).searchParams.get('credential_offer') ?? '{}') as {
        grants: Record<string, { tx_code?: unknown }>;
      };
      expect(offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']?.tx_code).toBe(
        undefined,
      );
      expect(html).not.toContain('class="tx-code"');
    });
  });

  it('refuses a form without its token', async () => {
    const { response } = await postForm(
      learner,
      `${world.tool.url}/course/credentials/${awardId}/wallet`,
      { wallet: 'lcw' },
    );

    expect(response.status).toBe(403);
  });

  it('refuses another learner’s credential', async () => {
    const other = await registered.launch({ id: 'learner-2', name: 'Emmy Noether' }, 'learner');
    await registered.send('learner-2', [
      { activity: CIRCULAR_ECONOMY_QUIZ, verb: 'scored', scaled: 0.85 },
    ]);

    const { response } = await sendToWallet({ wallet: 'lcw' }, other);

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('belongs to another learner: only they can send it');
  });

  it('asks which wallet when the choice is missing', async () => {
    const { response } = await sendToWallet({ wallet: 'carrier-pigeon' });

    expect(response.status).toBe(400);
  });

  it('refuses to send a revoked credential, posted from a page shown before it was revoked', async () => {
    const { html } = await getPage(learner, `${world.tool.url}/course`);
    const revoked = await teacher.request(`${world.tool.url}/api/credentials/${awardId}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Awarded by mistake' }),
    });
    expect(revoked.response.status).toBe(200);

    const { response } = await postForm(
      learner,
      `${world.tool.url}/course/credentials/${awardId}/wallet`,
      { _csrf: csrfTokenOf(html), wallet: 'openid4vci' },
    );

    expect(response.status).toBe(409);
    expect(await response.text()).toContain('This credential has been revoked');
  });
});

describe('the learner page of a tool served over plain http', () => {
  let world: CourseWorld;
  let html: string;

  beforeAll(async () => {
    world = await startCourseWorld();
    const registered = await world.platform('registered');
    const teacher = await registered.launch({ id: 'teacher-1', name: 'Grace Hopper' }, 'teacher');
    await createAchievementAs(teacher, world.tool.url, ANNEX_I_ACHIEVEMENT);
    const learner = await registered.launch({ id: 'learner-1', name: 'Ada Lovelace' }, 'learner');
    await registered.send('learner-1', [
      { activity: CIRCULAR_ECONOMY_QUIZ, verb: 'scored', scaled: 0.9 },
    ]);
    ({ html } = await getPage(learner, `${world.tool.url}/course`));
  });
  afterAll(() => world?.close());

  it('offers no wallet buttons, which wallets would refuse, and says why and what to do instead', () => {
    expect(html).not.toContain('class="wallet-form"');
    expect(decode(html)).toContain(
      'Wallet apps take credentials only from a site served over HTTPS, and this one is served over plain HTTP.',
    );
    expect(html).toContain('Or add it to a wallet from a file');
  });
});
