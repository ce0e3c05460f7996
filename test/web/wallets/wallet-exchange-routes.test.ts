import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awards, users, walletExchanges } from '../../../src/db/schema.js';
import { createBrowser, type Browser } from '../../support/http-client.js';
import {
  ANNEX_I_ACHIEVEMENT,
  CIRCULAR_ECONOMY_QUIZ,
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
} from '../../support/course-world.js';
import { lcwFixture, shapeOf } from '../../wallets/lcw/lcw-fixtures.js';
import { checksOf, verifyLikeLcw } from '../../wallets/lcw/lcw-verifier.js';
import {
  directLinkParams,
  invitationOf,
  mintWalletProfile,
  postJson,
  signDidAuth,
  unsignedPresentation,
  type WalletProfile,
} from '../../wallets/lcw/lcw-wallet.js';

type Credential = Record<string, unknown> & { id: string; credentialSubject: { id: string } };
type Created = { id: string; expiresAt: string; deepLink: string };

describe('Learner Credential Wallet hand-off: learner API, direct link and VC-API exchange', () => {
  let world: CourseWorld;
  let teacher: Browser;
  let ada: Browser;
  let bob: Browser;
  let adaAwardId: string;
  let bobAwardId: string;
  let issued: Credential;
  let wallet: WalletProfile;

  const openExchange = async (
    browser: Browser,
    awardId: string,
    body: unknown,
    contentType = 'application/json',
  ) => {
    const { response } = await browser.request(
      `${world.tool.url}/api/credentials/${awardId}/wallet-exchanges`,
      { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) },
    );
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  /** A new exchange of Ada's credential; returns its deep link. */
  const adaExchange = async (protocol: 'lcw-direct' | 'vc-api', bindToHolder = true) => {
    const { status, json } = await openExchange(ada, adaAwardId, { protocol, bindToHolder });
    expect(status).toBe(201);
    return json as Created;
  };

  const awardOf = async (sub: string) => {
    const [award] = await world.tool
      .current()
      .database.db.select({ id: awards.id, credential: awards.credential })
      .from(awards)
      .innerJoin(users, eq(users.id, awards.userId))
      .where(eq(users.sub, sub));
    if (!award) throw new Error(`${sub} has no award`);
    return award;
  };

  beforeAll(async () => {
    world = await startCourseWorld();
    const platform = await world.platform('registered');
    teacher = await platform.launch({ id: 'teacher-1', name: 'Grace Hopper' }, 'teacher');
    await createAchievementAs(teacher, world.tool.url, ANNEX_I_ACHIEVEMENT);
    ada = await platform.launch({ id: 'ada', name: 'Ada Lovelace' }, 'learner');
    bob = await platform.launch({ id: 'bob', name: 'Bob Kahn' }, 'learner');
    await platform.send('ada', [{ activity: CIRCULAR_ECONOMY_QUIZ, verb: 'passed', scaled: 0.9 }]);
    await platform.send('bob', [{ activity: CIRCULAR_ECONOMY_QUIZ, verb: 'passed', scaled: 0.85 }]);
    const adaAward = await awardOf('ada');
    adaAwardId = adaAward.id;
    issued = adaAward.credential as Credential;
    bobAwardId = (await awardOf('bob')).id;
    wallet = await mintWalletProfile();
  }, 120_000);
  afterAll(() => world?.close());

  describe('POST /api/credentials/:id/wallet-exchanges', () => {
    it('opens a direct-link exchange for 15 minutes, with the lcw.app link LCW takes for a credential request', async () => {
      const before = Date.now();
      const created = await adaExchange('lcw-direct');
      const expiresInMs = Date.parse(created.expiresAt) - before;
      expect(expiresInMs).toBeGreaterThan(14 * 60_000);
      expect(expiresInMs).toBeLessThanOrEqual(15 * 60_000 + 5_000);
      expect(created.deepLink.startsWith('https://lcw.app/request.html?')).toBe(true);
      expect(directLinkParams(created.deepLink)).toEqual({
        issuer: new URL(world.tool.url).host,
        auth_type: 'bearer',
        challenge: expect.stringMatching(/^[0-9a-f-]{36}$/),
        vc_request_url: `${world.tool.url}/wallet/credential-requests/${created.id}`,
      });
    });

    it('opens a VC-API exchange whose link carries the invitation to POST to the exchange', async () => {
      const created = await adaExchange('vc-api');
      expect(created.deepLink.startsWith('https://lcw.app/request?request=')).toBe(true);
      expect(invitationOf(created.deepLink)).toEqual({
        credentialRequestOrigin: world.tool.url,
        protocols: { vcapi: `${world.tool.url}/wallet/exchanges/${created.id}` },
      });
    });

    describe('refusals', () => {
      it('refuses without a session (401)', async () => {
        const { status, json } = await openExchange(createBrowser(), adaAwardId, {
          protocol: 'lcw-direct',
        });
        expect(status).toBe(401);
        expect(json.error).toMatchObject({ code: 'SESSION_REQUIRED' });
      });

      it("refuses another learner's credential (403)", async () => {
        const { status, json } = await openExchange(ada, bobAwardId, { protocol: 'lcw-direct' });
        expect(status).toBe(403);
        expect(json.error).toMatchObject({ code: 'CREDENTIAL_NOT_YOURS' });
      });

      it('refuses a credential that was never issued (404)', async () => {
        const { status } = await openExchange(ada, '00000000-0000-4000-8000-000000000000', {
          protocol: 'lcw-direct',
        });
        expect(status).toBe(404);
      });

      it('refuses a body that is not JSON (400)', async () => {
        const { status, json } = await openExchange(
          ada,
          adaAwardId,
          { protocol: 'lcw-direct' },
          'text/plain',
        );
        expect(status).toBe(400);
        expect(json.error).toMatchObject({ message: expect.stringContaining('application/json') });
      });

      it('refuses an unknown protocol (400)', async () => {
        const { status, json } = await openExchange(ada, adaAwardId, { protocol: 'oid4vci' });
        expect(status).toBe(400);
        expect(json.error).toMatchObject({ message: expect.stringContaining('protocol') });
      });

      it('refuses a bindToHolder that is not a boolean (400)', async () => {
        const { status, json } = await openExchange(ada, adaAwardId, {
          protocol: 'vc-api',
          bindToHolder: 'yes',
        });
        expect(status).toBe(400);
        expect(json.error).toMatchObject({ message: expect.stringContaining('bindToHolder') });
      });

      it('refuses a revoked credential (409)', async () => {
        const { response } = await teacher.request(
          `${world.tool.url}/api/credentials/${bobAwardId}/revoke`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ reason: 'Awarded by mistake.' }),
          },
        );
        expect(response.status).toBe(200);
        const { status } = await openExchange(bob, bobAwardId, { protocol: 'lcw-direct' });
        expect(status).toBe(409);
      });
    });
  });

  describe('the direct link: POST vc_request_url with the DIDAuth presentation', () => {
    it('answers with the credential bound to the wallet DID, which verifier-core verifies offline', async () => {
      const link = directLinkParams((await adaExchange('lcw-direct', true)).deepLink);
      const presentation = await signDidAuth(wallet, { challenge: link.challenge });
      const { status, json } = await postJson(link.vc_request_url, presentation);
      expect(status).toBe(200);
      const credential = json as Credential;
      expect(credential.id).toBe(issued.id);
      expect(credential.credentialSubject.id).toBe(wallet.did);
      const result = await verifyLikeLcw(world.tool.url, credential);
      expect(result.errors).toBeUndefined();
      expect(checksOf(result)).toMatchObject({
        valid_signature: true,
        revocation_status: true,
        expiration: true,
      });
    });

    it('answers with the credential as issued when the learner did not ask for binding', async () => {
      const link = directLinkParams((await adaExchange('lcw-direct', false)).deepLink);
      const presentation = await signDidAuth(wallet, { challenge: link.challenge });
      const { status, json } = await postJson(link.vc_request_url, presentation);
      expect(status).toBe(200);
      expect(json).toEqual(issued);
      const result = await verifyLikeLcw(world.tool.url, json);
      expect(checksOf(result)).toMatchObject({ valid_signature: true, revocation_status: true });
    });

    it('lets web wallets call it: any origin, no cookies', async () => {
      const link = directLinkParams((await adaExchange('lcw-direct')).deepLink);
      const preflight = await fetch(link.vc_request_url, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://wallet.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
      expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
      expect(preflight.headers.get('access-control-allow-headers')).toBe('Content-Type');
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    });
  });

  describe('the VC-API exchange: POST {}, then POST { verifiablePresentation }', () => {
    it('opens with a DIDAuth request in the shape LCW reads, for our challenge, domain and exchange', async () => {
      const invitation = invitationOf((await adaExchange('vc-api')).deepLink);
      const { status, json } = await postJson(invitation.protocols.vcapi, {});
      expect(status).toBe(200);
      expect(shapeOf(json)).toEqual(shapeOf(lcwFixture('vpr.didauth.json')));
      const request = json.verifiablePresentationRequest as Record<string, unknown>;
      expect(request).toMatchObject({
        query: [
          {
            type: 'DIDAuthentication',
            acceptedMethods: [{ method: 'key' }],
            acceptedCryptosuites: [{ cryptosuite: 'Ed25519Signature2020' }],
          },
        ],
        domain: world.tool.url,
        interact: {
          service: [
            {
              type: 'UnmediatedHttpPresentationService2021',
              serviceEndpoint: invitation.protocols.vcapi,
            },
          ],
        },
      });
    });

    it('answers the signed presentation with { verifiablePresentation: { verifiableCredential: [VC] } }, the VC bound and verifying offline', async () => {
      const exchangeUrl = invitationOf((await adaExchange('vc-api', true)).deepLink).protocols
        .vcapi;
      const { json: opening } = await postJson(exchangeUrl, {});
      const { challenge, domain } = opening.verifiablePresentationRequest as {
        challenge: string;
        domain: string;
      };
      const verifiablePresentation = await signDidAuth(wallet, { challenge, domain });
      const { status, json } = await postJson(exchangeUrl, { verifiablePresentation });
      expect(status).toBe(200);
      const expected = lcwFixture('exchange-response.vcapi.json').verifiablePresentation as {
        '@context': string[];
        type: string[];
      };
      expect(Object.keys(json)).toEqual(['verifiablePresentation']);
      const presentation = json.verifiablePresentation as typeof expected & {
        verifiableCredential: Credential[];
      };
      expect(Object.keys(presentation).sort()).toEqual(Object.keys(expected).sort());
      expect(presentation['@context']).toEqual(expected['@context']);
      expect(presentation.type).toEqual(expected.type);
      expect(presentation.verifiableCredential).toHaveLength(1);
      const [credential] = presentation.verifiableCredential;
      expect(credential?.credentialSubject.id).toBe(wallet.did);
      const result = await verifyLikeLcw(world.tool.url, credential!);
      expect(result.errors).toBeUndefined();
      expect(checksOf(result)).toMatchObject({
        valid_signature: true,
        revocation_status: true,
        expiration: true,
      });
    });
  });

  describe('refusals: nothing is handed out', () => {
    const expectRefusal = (
      answer: { status: number; json: Record<string, unknown> },
      status: number,
      code: string,
    ) => {
      expect(answer.status).toBe(status);
      expect(answer.json).toEqual({ error: { code, message: expect.any(String) } });
    };

    it('refuses the same presentation sent again (409): the exchange is single use', async () => {
      const link = directLinkParams((await adaExchange('lcw-direct')).deepLink);
      const presentation = await signDidAuth(wallet, { challenge: link.challenge });
      expect((await postJson(link.vc_request_url, presentation)).status).toBe(200);
      expectRefusal(await postJson(link.vc_request_url, presentation), 409, 'WALLET_EXCHANGE_USED');
    });

    it('hands the credential to one of two wallets presenting at once, refusing the other (409)', async () => {
      const link = directLinkParams((await adaExchange('lcw-direct')).deepLink);
      const other = await mintWalletProfile();
      const answers = await Promise.all([
        signDidAuth(wallet, { challenge: link.challenge }).then((vp) =>
          postJson(link.vc_request_url, vp),
        ),
        signDidAuth(other, { challenge: link.challenge }).then((vp) =>
          postJson(link.vc_request_url, vp),
        ),
      ]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    });

    it('refuses a presentation signed for another challenge (401)', async () => {
      const link = directLinkParams((await adaExchange('lcw-direct')).deepLink);
      const presentation = await signDidAuth(wallet, { challenge: randomUUID() });
      expectRefusal(
        await postJson(link.vc_request_url, presentation),
        401,
        'WALLET_DID_AUTH_FAILED',
      );
    });

    it('refuses an expired exchange (410)', async () => {
      const created = await adaExchange('lcw-direct');
      await world.tool
        .current()
        .database.db.update(walletExchanges)
        .set({ expiresAt: sql`now() - interval '1 minute'` })
        .where(eq(walletExchanges.id, created.id));
      const link = directLinkParams(created.deepLink);
      const presentation = await signDidAuth(wallet, { challenge: link.challenge });
      expectRefusal(
        await postJson(link.vc_request_url, presentation),
        410,
        'WALLET_EXCHANGE_EXPIRED',
      );
    });

    it('refuses an unsigned presentation (401)', async () => {
      const link = directLinkParams((await adaExchange('lcw-direct')).deepLink);
      expectRefusal(
        await postJson(link.vc_request_url, unsignedPresentation(wallet)),
        401,
        'WALLET_DID_AUTH_FAILED',
      );
    });

    it("refuses a presentation signed by another key than its holder's (401)", async () => {
      const link = directLinkParams((await adaExchange('lcw-direct')).deepLink);
      const presentation = await signDidAuth(wallet, {
        challenge: link.challenge,
        signedBy: await mintWalletProfile(),
      });
      expectRefusal(
        await postJson(link.vc_request_url, presentation),
        401,
        'WALLET_DID_AUTH_FAILED',
      );
    });

    it('refuses a VC-API presentation signed without the exchange domain (401)', async () => {
      const exchangeUrl = invitationOf((await adaExchange('vc-api')).deepLink).protocols.vcapi;
      const { json: opening } = await postJson(exchangeUrl, {});
      const { challenge } = opening.verifiablePresentationRequest as { challenge: string };
      const verifiablePresentation = await signDidAuth(wallet, { challenge });
      expectRefusal(
        await postJson(exchangeUrl, { verifiablePresentation }),
        401,
        'WALLET_DID_AUTH_FAILED',
      );
    });

    it('refuses a direct-link exchange at the VC-API endpoint (404)', async () => {
      const created = await adaExchange('lcw-direct');
      expectRefusal(
        await postJson(`${world.tool.url}/wallet/exchanges/${created.id}`, {}),
        404,
        'WALLET_EXCHANGE_UNKNOWN',
      );
    });
  });
});
