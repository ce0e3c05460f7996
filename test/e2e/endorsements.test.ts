import { readFileSync } from 'node:fs';
import { Ajv2019 } from 'ajv/dist/2019.js';
import ajvFormats from 'ajv-formats';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReceivedEndorsement } from '../../src/badges/endorsements/check-received-endorsement.js';
import { createPublishedJsonFetcher } from '../../src/badges/verify/published-documents.js';
import { createDatabaseLookups } from '../../src/badges/verify/verifier-lookups.js';
import {
  validateAgainstOfficialSchema,
  verifyDataIntegrity,
} from '../support/independent-verifier.js';
import {
  adminApi,
  endorseAchievement,
  fetchDidDocument,
  startEndorsingTools,
} from '../support/endorsing-tools.js';

/** The official 1EdTech EndorsementCredential schema, as bundled unmodified (draft 2019-09). */
function officialEndorsementSchema() {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  ajvFormats.default(ajv);
  const file = new URL(
    '../../src/badges/schemas/ob_v3p0_endorsementcredential_schema.json',
    import.meta.url,
  );
  return ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
}

describe('endorsements between two instances of the tool (issue 20, item 4)', () => {
  let tools: Awaited<ReturnType<typeof startEndorsingTools>>;

  beforeAll(async () => {
    tools = await startEndorsingTools();
  });
  afterAll(async () => {
    await tools?.close();
  });

  const attachAtB = (endorsement: unknown, achievementId: string | null = tools.achievementId) =>
    adminApi(tools.b, `/api/admin/issuer-profiles/${tools.bodyB}/received-endorsements`, {
      body: { achievementId, endorsement },
    });

  it("A's endorsement of B's achievement matches the official EndorsementCredential schema", async () => {
    const { url } = await endorseAchievement(tools);
    const published = await (await fetch(url)).json();
    const validate = officialEndorsementSchema();

    expect(validate(published), JSON.stringify(validate.errors)).toBe(true);
    expect(published).toMatchObject({
      type: ['VerifiableCredential', 'EndorsementCredential'],
      issuer: { name: 'Alliance Quality Board' },
      credentialSubject: {
        id: `${tools.b.url}/achievements/${tools.achievementId}/versions/1`,
        type: ['EndorsementSubject'],
        endorsementComment: 'Assessed to the alliance standard of quality assurance.',
      },
    });
  });

  it("A's endorsement carries a Data Integrity proof an independent verifier accepts with A's published DID", async () => {
    const { url } = await endorseAchievement(tools);
    const published = (await (await fetch(url)).json()) as {
      issuer: { id: string };
      proof: { cryptosuite: string }[];
    };
    const didUrl = `${tools.a.url}/issuers/quality-board/did.json`;
    const didDocument = await fetchDidDocument(didUrl);

    expect(didDocument.id).toBe(published.issuer.id);
    expect(published.proof[0]?.cryptosuite).toBe('eddsa-rdfc-2022');
    const result = await verifyDataIntegrity(published, didDocument);
    expect(result.verified, JSON.stringify(result.error ?? result)).toBe(true);
  });

  it("A's endorsement is also a VC-JWT signed with a key of A's DID", async () => {
    const { id } = await endorseAchievement(tools);
    const jwt = await (await fetch(`${tools.a.url}/endorsements/${id}.jwt`)).text();
    const didDocument = await fetchDidDocument(`${tools.a.url}/issuers/quality-board/did.json`);
    const { kid } = decodeProtectedHeader(jwt);
    const method = didDocument.verificationMethod.find((candidate) => candidate.id === kid);

    expect(method && 'publicKeyJwk' in method).toBe(true);
    const key = await importJWK(
      (method as { publicKeyJwk: Record<string, string> }).publicKeyJwk,
      'ES256',
    );
    const { payload } = await jwtVerify(jwt, key);
    expect(payload).toMatchObject({
      iss: didDocument.id,
      type: ['VerifiableCredential', 'EndorsementCredential'],
    });
  });

  it('B accepts it, and the credentials B issues after embed it and stay valid and verifiable', async () => {
    const { credential } = await endorseAchievement(tools, 'Recognised by the alliance board.');
    const attached = await attachAtB(credential);
    expect(attached.status, await attached.clone().text()).toBe(201);

    const awardId = await tools.awardAtB('learner-after-endorsement');
    const issued = (await (await fetch(`${tools.b.url}/credentials/${awardId}.json`)).json()) as {
      issuer: { id: string };
      credentialSubject: { achievement: { endorsement?: { credentialSubject: unknown }[] } };
    };
    expect(issued.credentialSubject.achievement.endorsement).toContainEqual(
      expect.objectContaining({
        credentialSubject: expect.objectContaining({
          endorsementComment: 'Recognised by the alliance board.',
        }),
      }),
    );
    expect(validateAgainstOfficialSchema(issued)).toMatchObject({ valid: true });
    const didOfB = await fetchDidDocument(`${tools.b.url}/issuers/${tools.bodyB}/did.json`);
    const result = await verifyDataIntegrity(issued, didOfB);
    expect(result.verified, JSON.stringify(result.error ?? result)).toBe(true);
  });

  describe('refusals, each with its own reason', () => {
    it('refuses a document that is not an endorsement', async () => {
      const response = await attachAtB({ type: ['VerifiableCredential', 'OpenBadgeCredential'] });
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({
        error: { code: 'ENDORSEMENT_NOT_AN_ENDORSEMENT' },
      });
    });

    it('refuses an endorsement changed after signing', async () => {
      const { credential } = await endorseAchievement(tools);
      const tampered = structuredClone(credential) as {
        credentialSubject: { endorsementComment: string };
      };
      tampered.credentialSubject.endorsementComment = 'The best course in the world.';
      const response = await attachAtB(tampered);
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({
        error: { code: 'ENDORSEMENT_SIGNATURE_INVALID' },
      });
    });

    it('refuses an endorsement the endorser revoked', async () => {
      const { id, credential } = await endorseAchievement(tools);
      const revoked = await adminApi(
        tools.a,
        `/api/admin/issuer-profiles/quality-board/endorsements/${id}/revoke`,
        { body: { reason: 'Issued by mistake' } },
      );
      expect(revoked.status).toBe(200);
      const response = await attachAtB(credential);
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({ error: { code: 'ENDORSEMENT_REVOKED' } });
    });

    it('refuses an endorsement of the achievement attached to the awarding body instead', async () => {
      const { credential } = await endorseAchievement(tools);
      const response = await attachAtB(credential, null);
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({
        error: { code: 'ENDORSEMENT_OF_SOMETHING_ELSE' },
      });
    });

    it('refuses an endorsement attached twice', async () => {
      const { credential } = await endorseAchievement(tools);
      expect((await attachAtB(credential)).status).toBe(201);
      const response = await attachAtB(credential);
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({
        error: { code: 'ENDORSEMENT_ALREADY_ATTACHED' },
      });
    });

    it('refuses an endorsement not valid yet, and one expired', async () => {
      const { credential } = await endorseAchievement(tools);
      const deps = (now: Date) => ({
        publicUrl: tools.b.url,
        lookups: createDatabaseLookups({
          db: tools.b.current().database.db,
          publicUrl: tools.b.url,
        }),
        fetchPublishedJson: createPublishedJsonFetcher(fetch as never),
        now,
      });
      const target = { issuerProfileId: tools.bodyB, achievementId: tools.achievementId };
      await expect(
        checkReceivedEndorsement(credential, target, deps(new Date('2020-01-01T00:00:00Z'))),
      ).rejects.toMatchObject({ code: 'ENDORSEMENT_NOT_YET_VALID' });
      const expiring = { ...credential, validUntil: '2021-01-01T00:00:00Z' };
      await expect(
        checkReceivedEndorsement(expiring, target, deps(new Date())),
      ).rejects.toMatchObject({ code: 'ENDORSEMENT_EXPIRED' });
    });
  });

  describe('who may do this', () => {
    it('refuses to issue an endorsement without the admin token', async () => {
      const response = await fetch(
        `${tools.a.url}/api/admin/issuer-profiles/quality-board/endorsements`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer not-the-token' },
          body: JSON.stringify({
            subjectKind: 'profile',
            subjectId: 'did:web:x',
            subjectName: 'X',
            comment: 'y',
          }),
        },
      );
      expect(response.status).toBe(401);
    });

    it('refuses to revoke an endorsement without the admin token', async () => {
      const { id } = await endorseAchievement(tools);
      const response = await fetch(
        `${tools.a.url}/api/admin/issuer-profiles/quality-board/endorsements/${id}/revoke`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reason":"x"}' },
      );
      expect(response.status).toBe(401);
    });

    it('refuses to attach or detach a received endorsement without the admin token', async () => {
      const { credential } = await endorseAchievement(tools);
      const base = `${tools.b.url}/api/admin/issuer-profiles/${tools.bodyB}/received-endorsements`;
      const attach = await fetch(base, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ achievementId: tools.achievementId, endorsement: credential }),
      });
      const detach = await fetch(`${base}/00000000-0000-4000-8000-000000000000`, {
        method: 'DELETE',
      });
      expect([attach.status, detach.status]).toEqual([401, 401]);
    });

    it("refuses to attach to another awarding body's achievement", async () => {
      const { credential } = await endorseAchievement(tools);
      const response = await adminApi(
        tools.a,
        '/api/admin/issuer-profiles/quality-board/received-endorsements',
        {
          body: { achievementId: tools.achievementId, endorsement: credential },
        },
      );
      expect(response.status).toBe(404);
    });

    it('refuses a teacher without a session to attach to an achievement', async () => {
      const { credential } = await endorseAchievement(tools);
      const response = await fetch(
        `${tools.b.url}/api/course/achievements/${tools.achievementId}/endorsements`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(credential),
        },
      );
      expect(response.status).toBe(401);
    });
  });
});
