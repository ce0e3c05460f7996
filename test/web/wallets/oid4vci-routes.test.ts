import { Openid4vciVersion, setGlobalConfig } from '@openid4vc/openid4vci';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCredentialNonce } from '../../../src/wallets/oid4vci/credential-nonces.js';
import {
  ANNEX_I_ACHIEVEMENT,
  CIRCULAR_ECONOMY_QUIZ,
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
} from '../../support/course-world.js';
import type { Browser } from '../../support/http-client.js';
import {
  didJwkHolder,
  didKeyHolder,
  JWT_VC_JSON,
  LDP_VC,
  redeem,
  refusal,
  requestCredential,
  walletOf,
  type CreatedOffer,
  type Holder,
  type Redeemed,
} from '../../support/oid4vci-wallet.js';

// The tool under test answers on http://127.0.0.1; the library accepts only https URLs unless
// told otherwise, on the wallet's side and (in this one process) on the tool's.
setGlobalConfig({ allowInsecureUrls: true });

describe('OpenID4VCI 1.0, pre-authorized code flow, taken by the wallet client of @openid4vc/openid4vci', () => {
  let world: CourseWorld;
  let teacher: Browser;
  let ada: Browser;
  let alan: Browser;
  let adasAward: string;
  let alansAward: string;
  let url: string;

  /** The learner's JSON API call for an offer; returns the status and body. */
  async function postOffer(
    browser: Browser,
    awardId: string,
    body: string,
    contentType = 'application/json',
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const { response } = await browser.request(
      `${url}/api/credentials/${awardId}/credential-offers`,
      { method: 'POST', headers: { 'content-type': contentType }, body },
    );
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  async function offerFor(browser: Browser, awardId: string, txCode: boolean) {
    const { status, json } = await postOffer(browser, awardId, JSON.stringify({ txCode }));
    expect(status, JSON.stringify(json)).toBe(201);
    return json as unknown as CreatedOffer;
  }

  beforeAll(async () => {
    world = await startCourseWorld();
    url = world.tool.url;
    const registered = await world.platform('registered');
    teacher = await registered.launch({ id: 'teacher-1', name: 'Grace Hopper' }, 'teacher');
    await createAchievementAs(teacher, url, ANNEX_I_ACHIEVEMENT);
    ada = await registered.launch({ id: 'learner-1', name: 'Ada Lovelace' }, 'learner');
    alan = await registered.launch({ id: 'learner-2', name: 'Alan Turing' }, 'learner');
    for (const learner of ['learner-1', 'learner-2']) {
      await registered.send(learner, [
        { activity: CIRCULAR_ECONOMY_QUIZ, verb: 'passed', scaled: 0.9 },
      ]);
    }
    const { response } = await teacher.request(`${url}/api/awards`);
    const { awards } = (await response.json()) as { awards: { id: string; learner: string }[] };
    const idOf = (name: string) => awards.find((award) => award.learner === name)?.id ?? '';
    adasAward = idOf('Ada Lovelace');
    alansAward = idOf('Alan Turing');
    expect(adasAward).not.toBe('');
    expect(alansAward).not.toBe('');
  }, 120_000);
  afterAll(() => world?.close());

  it('publishes issuer metadata that the wallet client reads as 1.0, with both configurations', async () => {
    const wallet = walletOf(await didJwkHolder());
    const metadata = await wallet.resolveIssuerMetadata(url);
    expect(metadata.originalDraftVersion).toBe(Openid4vciVersion.V1);
    expect(Object.keys(metadata.knownCredentialConfigurations).sort()).toEqual([
      JWT_VC_JSON,
      LDP_VC,
    ]);
    expect(metadata.credentialIssuer.nonce_endpoint).toBe(`${url}/oid4vci/nonce`);
    expect(metadata.authorizationServers[0]).toMatchObject({
      issuer: url,
      token_endpoint: `${url}/oid4vci/token`,
      'pre-authorized_grant_anonymous_access_supported': true,
    });
  });

  it('lets web wallets read the metadata from any origin, without credentials', async () => {
    for (const path of [
      '/.well-known/openid-credential-issuer',
      '/.well-known/oauth-authorization-server',
    ]) {
      const response = await fetch(`${url}${path}`, {
        headers: { origin: 'https://wallet.example' },
      });
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  describe('an offer without a transaction code, taken in both formats', () => {
    let created: CreatedOffer;
    let didKey: Holder;
    let didJwk: Holder;
    let redeemed: Redeemed;
    let ldpCredential: unknown;
    let vcJwt: unknown;

    beforeAll(async () => {
      didKey = await didKeyHolder();
      didJwk = await didJwkHolder();
      created = await offerFor(ada, adasAward, false);
      redeemed = await redeem(walletOf(didKey), created.offerUri);
      ldpCredential = await requestCredential(walletOf(didKey), didKey, redeemed, LDP_VC);
      vcJwt = await requestCredential(walletOf(didJwk), didJwk, redeemed, JWT_VC_JSON);
    }, 60_000);

    it('offers both configurations with a pre-authorized code, by value, for ten minutes', () => {
      const { offer, offerUri, txCode, expiresAt } = created;
      expect(offer.credential_issuer).toBe(url);
      expect(offer.credential_configuration_ids).toEqual([LDP_VC, JWT_VC_JSON]);
      const grant = offer.grants?.['urn:ietf:params:oauth:grant-type:pre-authorized_code'];
      expect(grant?.['pre-authorized_code']).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(grant?.tx_code).toBeUndefined();
      expect(txCode).toBeUndefined();
      expect(offerUri).toBe(
        `openid-credential-offer://?credential_offer=${encodeURIComponent(JSON.stringify(offer))}`,
      );
      const minutesLeft = (Date.parse(expiresAt) - Date.now()) / 60_000;
      expect(minutesLeft).toBeGreaterThan(9);
      expect(minutesLeft).toBeLessThanOrEqual(10);
    });

    it('delivers the Data Integrity credential bound to the wallet’s did:key', () => {
      const credential = ldpCredential as { id: string; credentialSubject: { id: string } };
      expect(credential.id).toBe(`urn:uuid:${adasAward}`);
      expect(credential.credentialSubject.id).toBe(didKey.did);
    });

    it('the Data Integrity credential verifies with the tool’s own verifier', async () => {
      const response = await fetch(`${url}/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ldpCredential),
      });
      const report = (await response.json()) as { verified: boolean; format: string };
      expect(report.verified, JSON.stringify(report)).toBe(true);
    });

    it('delivers the VC-JWT bound to the wallet’s did:jwk, signed with a key of the tool’s JWKS', async () => {
      const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
      const { payload, protectedHeader } = await jwtVerify(String(vcJwt), createLocalJWKSet(jwks), {
        algorithms: ['ES256'],
      });
      expect(protectedHeader.alg).toBe('ES256');
      expect(payload.sub).toBe(didJwk.did);
      expect(payload.jti).toBe(`urn:uuid:${adasAward}`);
      expect((payload.credentialSubject as { id: string }).id).toBe(didJwk.did);
    });

    it('delivers each configuration once per offer', async () => {
      expect(await refusal(requestCredential(walletOf(didKey), didKey, redeemed, LDP_VC))).toBe(
        'credential_request_denied',
      );
    });
  });

  describe('an offer with a transaction code', () => {
    it('asks the wallet for a 6-digit numeric code and gives the learner that code', async () => {
      const { offer, txCode } = await offerFor(ada, adasAward, true);
      expect(txCode).toMatch(/^\d{6}$/);
      expect(
        offer.grants?.['urn:ietf:params:oauth:grant-type:pre-authorized_code']?.tx_code,
      ).toEqual({
        input_mode: 'numeric',
        length: 6,
        description: expect.stringMatching(/code/) as unknown,
      });
    });

    it('gives the credential to a wallet that sends the right code', async () => {
      const holder = await didJwkHolder();
      const { offerUri, txCode } = await offerFor(ada, adasAward, true);
      const redeemed = await redeem(walletOf(holder), offerUri, txCode);
      const jwt = await requestCredential(walletOf(holder), holder, redeemed, JWT_VC_JSON);
      const [, payload = ''] = String(jwt).split('.');
      expect(
        (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub: string }).sub,
      ).toBe(holder.did);
    });
  });

  describe('refusals', () => {
    describe('at the token endpoint', () => {
      it('refuses a pre-authorized code used already with invalid_grant', async () => {
        const wallet = walletOf(await didJwkHolder());
        const { offerUri } = await offerFor(ada, adasAward, false);
        const { credentialOffer, issuerMetadata } = await redeem(wallet, offerUri);
        expect(
          await refusal(
            wallet.retrievePreAuthorizedCodeAccessTokenFromOffer({
              credentialOffer,
              issuerMetadata,
            }),
          ),
        ).toBe('invalid_grant');
      });

      it('refuses a wrong transaction code with invalid_grant, and spends the offer after three', async () => {
        const wallet = walletOf(await didJwkHolder());
        const { offerUri, txCode = '' } = await offerFor(ada, adasAward, true);
        const credentialOffer = await wallet.resolveCredentialOffer(offerUri);
        const issuerMetadata = await wallet.resolveIssuerMetadata(url);
        const wrong = txCode === '000000' ? '111111' : '000000';
        const attempt = (code: string) =>
          refusal(
            wallet.retrievePreAuthorizedCodeAccessTokenFromOffer({
              credentialOffer,
              issuerMetadata,
              txCode: code,
            }),
          );
        for (let i = 0; i < 3; i += 1) expect(await attempt(wrong)).toBe('invalid_grant');
        expect(await attempt(txCode)).toBe('invalid_grant');
      });

      it('refuses a token request without the transaction code the offer needs with invalid_request', async () => {
        const { offer } = await offerFor(ada, adasAward, true);
        const code =
          offer.grants?.['urn:ietf:params:oauth:grant-type:pre-authorized_code']?.[
            'pre-authorized_code'
          ];
        const response = await fetch(`${url}/oid4vci/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
            'pre-authorized_code': code ?? '',
          }),
        });
        expect(response.status).toBe(400);
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
      });
    });

    describe('at the credential endpoint', () => {
      let holder: Holder;
      let redeemed: Redeemed;

      beforeAll(async () => {
        holder = await didKeyHolder();
        redeemed = await redeem(walletOf(holder), (await offerFor(ada, adasAward, false)).offerUri);
      });

      const credentialRequest = (authorization: string | null, body: unknown) =>
        fetch(`${url}/oid4vci/credential`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(authorization === null ? {} : { authorization }),
          },
          body: JSON.stringify(body),
        });

      it('refuses a proof over a nonce it never issued with invalid_nonce', async () => {
        expect(
          await refusal(
            requestCredential(walletOf(holder), holder, redeemed, LDP_VC, {
              nonce: 'not-issued-here',
            }),
          ),
        ).toBe('invalid_nonce');
      });

      it('refuses a proof over an expired nonce with invalid_nonce', async () => {
        const { nonce } = await issueCredentialNonce(
          world.tool.current().database.db,
          new Date(Date.now() - 10 * 60_000),
        );
        expect(
          await refusal(requestCredential(walletOf(holder), holder, redeemed, LDP_VC, { nonce })),
        ).toBe('invalid_nonce');
      });

      it('refuses a nonce used already with invalid_nonce', async () => {
        const wallet = walletOf(holder);
        const fresh = await redeem(wallet, (await offerFor(ada, adasAward, false)).offerUri);
        const { c_nonce: nonce } = await wallet.requestNonce({
          issuerMetadata: fresh.issuerMetadata,
        });
        await requestCredential(wallet, holder, fresh, LDP_VC, { nonce });
        expect(
          await refusal(requestCredential(wallet, holder, fresh, JWT_VC_JSON, { nonce })),
        ).toBe('invalid_nonce');
      });

      it('refuses a proof not signed by the key its kid names with invalid_proof', async () => {
        const forger = walletOf(holder, (await didKeyHolder()).privateKey);
        expect(await refusal(requestCredential(forger, holder, redeemed, LDP_VC))).toBe(
          'invalid_proof',
        );
      });

      it('refuses an unknown credential configuration with unknown_credential_configuration', async () => {
        const response = await credentialRequest(`Bearer ${redeemed.accessToken}`, {
          credential_configuration_id: 'UniversityDegreeCredential',
          proofs: { jwt: ['e30.e30.c2ln'] },
        });
        expect(response.status).toBe(400);
        expect(((await response.json()) as { error: string }).error).toBe(
          'unknown_credential_configuration',
        );
      });

      it('refuses a request without an access token with 401 and a bare Bearer challenge', async () => {
        const response = await credentialRequest(null, { credential_configuration_id: LDP_VC });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer');
      });

      it('refuses an unknown access token with 401 invalid_token', async () => {
        const response = await credentialRequest('Bearer not-a-token-we-issued', {
          credential_configuration_id: LDP_VC,
        });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
        expect(((await response.json()) as { error: string }).error).toBe('invalid_token');
      });

      it('answers a web wallet’s preflight for the bearer token and JSON', async () => {
        const response = await fetch(`${url}/oid4vci/credential`, {
          method: 'OPTIONS',
          headers: {
            origin: 'https://wallet.example',
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization, content-type',
          },
        });
        expect(response.status).toBe(204);
        expect(response.headers.get('access-control-allow-origin')).toBe('*');
        expect(response.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
      });
    });

    describe('for a revoked credential', () => {
      it('denies the credential to an offer taken before the revocation, and makes no new offer', async () => {
        const holder = await didJwkHolder();
        const redeemed = await redeem(
          walletOf(holder),
          (await offerFor(alan, alansAward, false)).offerUri,
        );
        const { response } = await teacher.request(`${url}/api/credentials/${alansAward}/revoke`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ reason: 'Exam taken by someone else.' }),
        });
        expect(response.status).toBe(200);
        expect(
          await refusal(requestCredential(walletOf(holder), holder, redeemed, JWT_VC_JSON)),
        ).toBe('credential_request_denied');
        expect((await postOffer(alan, alansAward, JSON.stringify({ txCode: false }))).status).toBe(
          409,
        );
      });
    });

    describe('at the learner’s offer API', () => {
      it('needs the launch session', async () => {
        const response = await fetch(`${url}/api/credentials/${adasAward}/credential-offers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        expect(response.status).toBe(401);
      });

      it('makes offers for the learner’s own credentials only', async () => {
        const { status, json } = await postOffer(
          alan,
          adasAward,
          JSON.stringify({ txCode: false }),
        );
        expect(status).toBe(403);
        expect((json.error as { code: string }).code).toBe('CREDENTIAL_NOT_YOURS');
      });

      it('takes JSON only, so that a cross-site form cannot ask for an offer', async () => {
        const { status } = await postOffer(
          ada,
          adasAward,
          'txCode=false',
          'application/x-www-form-urlencoded',
        );
        expect(status).toBe(400);
      });

      it('answers 404 for a credential that was never issued', async () => {
        const { status } = await postOffer(
          ada,
          '00000000-0000-4000-8000-000000000000',
          JSON.stringify({ txCode: false }),
        );
        expect(status).toBe(404);
      });
    });
  });
});
