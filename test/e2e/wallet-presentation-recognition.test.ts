/**
 * Issue 20, by wallet: a learner earns a credential at university B (its own instance of the
 * tool, database and DIDs), receives it in a wallet as its subject (VC-API with DIDAuth), and
 * presents it to university A, which asks for it in a VC-API exchange, verifies the
 * presentation's signature, challenge and domain, and recognises the credential bound by the
 * presentation its subject's key signed. A's alliance stack then counts it with one of A's own
 * courses, issues its micro-credential and sends its grade to A's LMS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALLIANCE_STACK,
  SEMINAR_AT_A,
  startAllianceUniversities,
  type AllianceUniversities,
} from '../support/alliance-universities.js';
import type { Browser } from '../support/http-client.js';
import {
  invitationOf,
  mintWalletProfile,
  postJson,
  signCredentialPresentation,
  signDidAuth,
  type WalletProfile,
} from '../wallets/lcw/lcw-wallet.js';
import { csrfTokenOf, getPage, postForm } from '../web/teacher-course-world.js';

describe('alliance recognition of a credential presented from a wallet', () => {
  let alliance: AllianceUniversities;
  const atA: Record<string, Browser> = {};

  const urlOfA = () => alliance.worldA.tool.url;
  const recognisedAtA = (name: string) => alliance.recognisedAtA(name);

  beforeAll(async () => {
    alliance = await startAllianceUniversities();
  }, 240_000);

  afterAll(async () => {
    await alliance?.close();
  });

  describe('a credential presented from a wallet, bound to it at B', () => {
    let wallet: WalletProfile;
    let boundCredential: Record<string, unknown>;
    let exchangeAtA: string;
    let request: { challenge: string; domain: string; query: unknown };

    /** The learner's wallet receives her credential from B as its subject (VC-API, DIDAuth). */
    const receiveAtB = async ({ id, learner }: { id: string; learner: Browser }) => {
      const { response } = await learner.request(
        `${alliance.worldB.tool.url}/api/credentials/${id}/wallet-exchanges`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ protocol: 'vc-api', bindToHolder: true }),
        },
      );
      const { deepLink } = (await response.json()) as { deepLink: string };
      const exchange = invitationOf(deepLink).protocols.vcapi;
      const { json } = await postJson(exchange, {});
      const asked = json.verifiablePresentationRequest as { challenge: string; domain: string };
      const didAuth = await signDidAuth(wallet, asked);
      const handed = await postJson(exchange, { verifiablePresentation: didAuth });
      const presentation = handed.json.verifiablePresentation as {
        verifiableCredential: Record<string, unknown>[];
      };
      return presentation.verifiableCredential[0]!;
    };

    const present = (presentation: unknown) =>
      postJson(exchangeAtA, { verifiablePresentation: presentation });

    beforeAll(async () => {
      const earned = await alliance.earnAtB('gina');
      wallet = await mintWalletProfile();
      boundCredential = await receiveAtB(earned);
      // At A her LMS knows another address than the one B hashed into the credential.
      atA.gina = await alliance.lmsA.launch(
        { id: 'gina', name: 'gina', email: 'gina@university-a.example' },
        'learner',
      );
      await alliance.lmsA.send('gina', [{ activity: SEMINAR_AT_A, verb: 'passed' }]);
      const { html } = await getPage(atA.gina, `${urlOfA()}/course/recognitions`);
      const { response } = await postForm(
        atA.gina,
        `${urlOfA()}/course/recognitions/wallet-requests`,
        { _csrf: csrfTokenOf(html) },
      );
      const page = await response.text();
      const link = (/href="([^"]+)" data-wallet-presentation/.exec(page)?.[1] ?? '')
        .replaceAll('&quot;', '"')
        .replaceAll('&#39;', "'")
        .replaceAll('&amp;', '&');
      exchangeAtA = invitationOf(link).protocols.vcapi;
      const { json } = await postJson(exchangeAtA, {});
      request = json.verifiablePresentationRequest as typeof request;
    }, 120_000);

    it('asks the wallet for Open Badges by example, for a challenge and A’s origin', () => {
      expect(request).toMatchObject({
        query: [
          {
            type: 'QueryByExample',
            credentialQuery: [{ example: { type: 'OpenBadgeCredential' } }],
          },
        ],
        domain: new URL(urlOfA()).origin,
      });
      expect(boundCredential.credentialSubject).toMatchObject({ id: wallet.did });
    });

    it('opens a request for no one without a session (401)', async () => {
      const anonymous = await fetch(`${urlOfA()}/course/recognitions/wallet-requests`, {
        method: 'POST',
        redirect: 'manual',
      });
      expect(anonymous.status).toBe(401);
    });

    it('opens a request for a learner only with the form token (403)', async () => {
      const url = `${urlOfA()}/course/recognitions/wallet-requests`;
      const { response } = await postForm(atA.gina!, url, {});
      expect(response.status).toBe(403);
    });

    it('refuses a presentation without a credential (400), storing nothing', async () => {
      const empty = await signDidAuth(wallet, request);
      const answer = await present(empty);
      expect([answer.status, JSON.stringify(answer.json)]).toEqual([
        400,
        expect.stringContaining('WALLET_PRESENTATION_INVALID'),
      ]);
      expect(await recognisedAtA('gina')).toEqual([]);
    });

    it('refuses a presentation signed for another challenge (401), storing nothing', async () => {
      const answer = await present(
        await signCredentialPresentation(wallet, {
          credentials: [boundCredential],
          challenge: 'a-challenge-of-another-exchange',
          domain: request.domain,
        }),
      );
      expect(answer.status).toBe(401);
      expect(await recognisedAtA('gina')).toEqual([]);
    });

    it('refuses a presentation signed by another key than its holder’s (401), storing nothing', async () => {
      const answer = await present(
        await signCredentialPresentation(wallet, {
          credentials: [boundCredential],
          ...request,
          signedBy: await mintWalletProfile(),
        }),
      );
      expect(answer.status).toBe(401);
      expect(await recognisedAtA('gina')).toEqual([]);
    });

    it('issues no alliance micro-credential for A’s own seminar alone', async () => {
      expect(await alliance.allianceAwardsOf('gina')).toEqual([]);
    });

    it('recognises the credential, bound by the presentation its subject’s key signed', async () => {
      const answer = await present(
        await signCredentialPresentation(wallet, { credentials: [boundCredential], ...request }),
      );
      expect(answer.status, JSON.stringify(answer.json)).toBe(200);
      expect(answer.json.recognised).toEqual([
        expect.objectContaining({ status: 'recognised', binding: 'presentation' }),
      ]);
      expect(await recognisedAtA('gina')).toEqual([
        expect.objectContaining({ status: 'recognised', binding: 'presentation', countedEcts: 2 }),
      ]);
    });

    it('answers once: the same request presented again is refused (409)', async () => {
      const again = await present(
        await signCredentialPresentation(wallet, { credentials: [boundCredential], ...request }),
      );
      expect(again.status).toBe(409);
    });

    it('then makes A issue its alliance micro-credential, once', async () => {
      expect(await alliance.allianceAwardsOf('gina')).toHaveLength(1);
      const credential = await alliance.allianceCredentialOf('gina');
      expect(credential.credentialSubject.achievement.name).toBe(ALLIANCE_STACK);
    });

    it('names the presented credential in its evidence: its id, B as its issuer and the 2 ECTS counted', async () => {
      const credential = await alliance.allianceCredentialOf('gina');
      expect(credential.evidence).toContainEqual(
        expect.objectContaining(alliance.recognisedEvidenceOf(boundCredential as { id: string })),
      );
    });

    it('carries the ECTS its components give under the cap: 4 from A’s seminar, 2 counted for B’s', async () => {
      const credential = await alliance.allianceCredentialOf('gina');
      expect(credential.credentialSubject.creditsEarned).toBe(4 + 2);
    });

    it('sends one grade to A’s LMS, in the alliance stack’s column', async () => {
      expect(await alliance.allianceGradesOf('gina')).toEqual([
        expect.objectContaining({ userId: 'gina', gradingProgress: 'FullyGraded' }),
      ]);
    });
  });
});
