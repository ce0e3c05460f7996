/**
 * Issue 20, by wallet: a learner earns a credential at university B (its own instance of the
 * tool, database and DIDs), receives it in a wallet as its subject (VC-API with DIDAuth), and
 * presents it to university A, which asks for it in a VC-API exchange, verifies the
 * presentation's signature, challenge and domain, and recognises the credential bound by the
 * presentation its subject's key signed.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recognisedCredentials, users } from '../../src/db/schema.js';
import type { Browser } from '../support/http-client.js';
import {
  ANNEX_I_ACHIEVEMENT,
  CIRCULAR_ECONOMY_QUIZ,
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
  type WorldPlatform,
} from '../support/course-world.js';
import {
  invitationOf,
  mintWalletProfile,
  postJson,
  signCredentialPresentation,
  signDidAuth,
  type WalletProfile,
} from '../wallets/lcw/lcw-wallet.js';
import { csrfTokenOf, getPage, postForm } from '../web/teacher-course-world.js';

const ADMIN_TOKEN = 'admin-token-of-university-a-for-tests';

describe('alliance recognition of a credential presented from a wallet', () => {
  let worldA: CourseWorld;
  let worldB: CourseWorld;
  let lmsA: WorldPlatform;
  let lmsB: WorldPlatform;
  const atA: Record<string, Browser> = {};
  const fromB: Record<string, { id: string }> = {};

  const dbOfA = () => worldA.tool.current().database.db;

  const recognisedAtA = async (name: string) =>
    dbOfA()
      .select({
        status: recognisedCredentials.status,
        binding: recognisedCredentials.binding,
        countedEcts: recognisedCredentials.countedEcts,
      })
      .from(recognisedCredentials)
      .innerJoin(users, eq(users.id, recognisedCredentials.userId))
      .where(eq(users.sub, name));

  /** A learner at B earns the credential of the quiz; returns the award id. */
  const earnAtB = async (name: string, quiz: string) => {
    const learner = await lmsB.launch(
      { id: name, name, email: `${name}@alliance.example` },
      'learner',
    );
    await lmsB.send(name, [{ activity: quiz, verb: 'scored', scaled: 0.9 }]);
    const { html } = await getPage(learner, `${worldB.tool.url}/course`);
    const id = /\/credentials\/([0-9a-f-]{36})/.exec(html)?.[1];
    if (!id) throw new Error(`${name} earned no credential at B`);
    fromB[name] = { id };
  };

  beforeAll(async () => {
    [worldA, worldB] = await Promise.all([
      startCourseWorld({ env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN } }),
      startCourseWorld(),
    ]);
    [lmsA, lmsB] = await Promise.all([
      worldA.platform('registered'),
      worldB.platform('registered'),
    ]);
    const teacherB = await lmsB.launch({ id: 'teacher-b', name: 'Teacher at B' }, 'teacher');
    await createAchievementAs(teacherB, worldB.tool.url, ANNEX_I_ACHIEVEMENT);
    await earnAtB('gina', CIRCULAR_ECONOMY_QUIZ);
    const issuerOfB = await fetch(`${worldB.tool.url}/credentials/${fromB.gina!.id}.json`)
      .then((response) => response.json() as Promise<{ issuer: { id: string } }>)
      .then((credential) => credential.issuer.id);

    const platforms = await fetch(`${worldA.tool.url}/api/admin/platforms`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const [platform] = ((await platforms.json()) as { platforms: { awardingBody: string }[] })
      .platforms;
    const added = await fetch(
      `${worldA.tool.url}/api/admin/issuer-profiles/${platform!.awardingBody}/partners`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          issuerId: issuerOfB,
          name: 'University B',
          countryCode: 'FI',
          qualityAssurance: 'Una Europa alliance agreement: mutual trust in quality assurance.',
          maxEcts: 2,
        }),
      },
    );
    expect(added.status).toBe(201);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([worldA?.close(), worldB?.close()]);
  });

  describe('a credential presented from a wallet, bound to it at B', () => {
    let wallet: WalletProfile;
    let boundCredential: Record<string, unknown>;
    let exchangeAtA: string;
    let request: { challenge: string; domain: string; query: unknown };

    /** The learner's wallet receives the credential from B as its subject (VC-API, DIDAuth). */
    const receiveAtB = async () => {
      const learner = await lmsB.launch(
        { id: 'gina', name: 'gina', email: 'gina@alliance.example' },
        'learner',
      );
      const { response } = await learner.request(
        `${worldB.tool.url}/api/credentials/${fromB.gina!.id}/wallet-exchanges`,
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
      await earnAtB('gina', CIRCULAR_ECONOMY_QUIZ);
      wallet = await mintWalletProfile();
      boundCredential = await receiveAtB();
      // At A her LMS knows another address than the one B hashed into the credential.
      atA.gina = await lmsA.launch(
        { id: 'gina', name: 'gina', email: 'gina@university-a.example' },
        'learner',
      );
      const { html } = await getPage(atA.gina, `${worldA.tool.url}/course/recognitions`);
      const { response } = await postForm(
        atA.gina,
        `${worldA.tool.url}/course/recognitions/wallet-requests`,
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
        domain: new URL(worldA.tool.url).origin,
      });
      expect(boundCredential.credentialSubject).toMatchObject({ id: wallet.did });
    });

    it('opens a request for no one without a session (401)', async () => {
      const anonymous = await fetch(`${worldA.tool.url}/course/recognitions/wallet-requests`, {
        method: 'POST',
        redirect: 'manual',
      });
      expect(anonymous.status).toBe(401);
    });

    it('opens a request for a learner only with the form token (403)', async () => {
      const url = `${worldA.tool.url}/course/recognitions/wallet-requests`;
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
  });
});
