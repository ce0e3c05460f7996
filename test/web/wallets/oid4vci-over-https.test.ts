import { CompactSign, createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANNEX_I_ACHIEVEMENT,
  CIRCULAR_ECONOMY_QUIZ,
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
} from '../../support/course-world.js';
import type { Browser } from '../../support/http-client.js';
import type { DidDocument } from '../../../src/badges/did-web.js';
import { verifyDataIntegrity } from '../../support/independent-verifier.js';
import {
  didJwkHolder,
  didKeyHolder,
  JWT_VC_JSON,
  LDP_VC,
  redeem,
  requestCredential,
  walletOf,
  type CreatedOffer,
  type Holder,
} from '../../support/oid4vci-wallet.js';
import { createTestTls, trustInThisProcess } from '../../support/test-tls.js';

describe('Wallets collect credentials over https, whichever OpenID4VCI version they speak', () => {
  let world: CourseWorld;
  let url: string;
  let ada: Browser;
  let awardId: string;

  async function newOffer(): Promise<CreatedOffer> {
    const { response } = await ada.request(`${url}/api/credentials/${awardId}/credential-offers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ txCode: false }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as CreatedOffer;
  }

  async function verifiesIndependently(credential: unknown): Promise<boolean> {
    const issuerId = (credential as { issuer: { id: string } }).issuer.id;
    const didDocument = (await (
      await fetch(`${url}/issuers/${issuerId.split(':').at(-1)}/did.json`)
    ).json()) as DidDocument;
    const result = await verifyDataIntegrity(credential as Record<string, unknown>, didDocument);
    return result.verified;
  }

  async function vcJwtPayload(jwt: unknown) {
    const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(String(jwt), createLocalJWKSet(jwks), {
      algorithms: ['ES256'],
    });
    return payload;
  }

  beforeAll(async () => {
    const tls = await createTestTls();
    trustInThisProcess(tls);
    world = await startCourseWorld({ tls });
    url = world.tool.url;
    const registered = await world.platform('registered');
    const teacher = await registered.launch({ id: 'teacher-1', name: 'Grace Hopper' }, 'teacher');
    await createAchievementAs(teacher, url, ANNEX_I_ACHIEVEMENT);
    ada = await registered.launch({ id: 'learner-1', name: 'Ada Lovelace' }, 'learner');
    await registered.send('learner-1', [
      { activity: CIRCULAR_ECONOMY_QUIZ, verb: 'passed', scaled: 0.9 },
    ]);
    const { response } = await teacher.request(`${url}/api/awards`);
    const { awards } = (await response.json()) as { awards: { id: string }[] };
    awardId = awards[0]?.id ?? '';
    expect(awardId).not.toBe('');
  }, 120_000);
  afterAll(() => world?.close());

  it('serves the tool on https', () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('gives a 1.0 wallet (proofs) the Data Integrity credential, which an independent verifier accepts', async () => {
    const holder = await didKeyHolder();
    const redeemed = await redeem(walletOf(holder), (await newOffer()).offerUri);
    const credential = await requestCredential(walletOf(holder), holder, redeemed, LDP_VC);
    expect((credential as { credentialSubject: { id: string } }).credentialSubject.id).toBe(
      holder.did,
    );
    expect(await verifiesIndependently(credential)).toBe(true);
  });

  it('gives a draft-15 wallet (a single proof) the VC-JWT, signed with a key of the tool’s JWKS', async () => {
    const holder = await didJwkHolder();
    const redeemed = await redeem(walletOf(holder), (await newOffer()).offerUri);
    const jwt = await requestCredential(walletOf(holder), holder, redeemed, JWT_VC_JSON, {
      speaks: 'draft 15',
    });
    const payload = await vcJwtPayload(jwt);
    expect(payload.sub).toBe(holder.did);
    expect(payload.jti).toBe(`urn:uuid:${awardId}`);
  });

  it('gives a draft-15 wallet the Data Integrity credential too, which verifies', async () => {
    const holder = await didKeyHolder();
    const redeemed = await redeem(walletOf(holder), (await newOffer()).offerUri);
    const credential = await requestCredential(walletOf(holder), holder, redeemed, LDP_VC, {
      speaks: 'draft 15',
    });
    expect(await verifiesIndependently(credential)).toBe(true);
  });

  describe('a draft-13 wallet, which asks by format and signs over the token response’s c_nonce', () => {
    let holder: Holder;
    let body: Record<string, unknown>;

    beforeAll(async () => {
      holder = await didKeyHolder();
      const { offer } = await newOffer();
      const grant = offer.grants?.['urn:ietf:params:oauth:grant-type:pre-authorized_code'];
      const token = (await (
        await fetch(`${url}/oid4vci/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
            'pre-authorized_code': String(grant?.['pre-authorized_code']),
          }),
        })
      ).json()) as { access_token: string; c_nonce: string };
      const proof = await new CompactSign(
        new TextEncoder().encode(
          JSON.stringify({ aud: url, iat: Math.floor(Date.now() / 1000), nonce: token.c_nonce }),
        ),
      )
        .setProtectedHeader({
          alg: holder.signer.alg,
          typ: 'openid4vci-proof+jwt',
          kid: holder.signer.didUrl,
        })
        .sign(holder.privateKey);
      const response = await fetch(`${url}/oid4vci/credential`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token.access_token}`,
        },
        body: JSON.stringify({
          format: 'ldp_vc',
          credential_definition: {
            '@context': ['https://www.w3.org/ns/credentials/v2'],
            type: ['VerifiableCredential', 'OpenBadgeCredential'],
          },
          proof: { proof_type: 'jwt', jwt: proof },
        }),
      });
      expect(response.status).toBe(200);
      body = (await response.json()) as Record<string, unknown>;
    });

    it('gets the credential in `credential`, where that draft reads it, bound to its key', () => {
      expect(body.credential).toMatchObject({ credentialSubject: { id: holder.did } });
    });

    it('gets it also in `credentials`, as later versions read it', () => {
      expect(body.credentials).toEqual([{ credential: body.credential }]);
    });

    it('gets a credential that verifies independently', async () => {
      expect(await verifiesIndependently(body.credential)).toBe(true);
    });
  });
});
