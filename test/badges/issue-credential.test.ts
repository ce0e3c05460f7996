import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { verifyCredential } from '@digitalbazaar/vc';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuerDid } from '../../src/badges/did-web.js';
import { createDocumentLoader } from '../../src/badges/document-loader.js';
import { hashEmailIdentity } from '../../src/badges/hash-email-identity.js';
import {
  createCredentialIssuer,
  type CredentialIssueRequest,
} from '../../src/badges/issue-credential.js';
import { loadIssuerDidDocument } from '../../src/badges/issuer-did-document.js';
import {
  microcredentialContext,
  microcredentialContextUrl,
} from '../../src/badges/microcredential-context.js';
import { validateCredential } from '../../src/badges/validate-credential.js';
import type { Database } from '../../src/db/database.js';
import { createLogger } from '../../src/config/logger.js';
import { decryptText, encryptText } from '../../src/db/encryption.js';
import { credentialRecords, issuerProfiles, signingKeys } from '../../src/db/schema.js';
import { createTestDatabase } from '../support/test-database.js';

const PUBLIC_URL = 'https://badges.uni.example';
const SECRET = 'test-secret-test-secret-test-secret';

function request(overrides: Partial<CredentialIssueRequest> = {}): CredentialIssueRequest {
  return {
    awardId: randomUUID(),
    issuedAt: new Date('2025-06-07T08:09:10Z'),
    issuerProfileId: 'default',
    achievement: {
      id: '7d0c7a4e-3a7e-4b53-9a3c-0c5b8f8f2d11',
      version: 2,
      name: 'Sustainable supply chains',
      description: 'Analyses the environmental footprint of a supply chain.',
      criteria: 'Pass the core module and two electives.',
      ects: 3,
      eqfLevel: 6,
    },
    recipient: {
      platformIssuer: 'https://moodle.uni.example',
      sub: '77',
      name: 'Grace Hopper',
      email: 'Grace.Hopper@uni.example',
    },
    evidenceStatementIds: ['0b8a4e3c-8a1f-4c2e-9a61-1d2c3b4a5f60'],
    scoreScaled: 0.92,
    ...overrides,
  };
}

describe('createCredentialIssuer', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.db.insert(issuerProfiles).values({
      id: 'default',
      name: 'Example University',
      url: 'https://uni.example',
      email: 'registry@uni.example',
    });
  });
  afterAll(async () => {
    await database.close();
  });

  it('issues a signed credential that matches the official schema and verifies', async () => {
    const issue = createCredentialIssuer({
      db: database.db,
      secret: SECRET,
      publicUrl: PUBLIC_URL,
    });
    const { awardId, ...rest } = request();
    const credential = await issue({ awardId, ...rest });

    expect(validateCredential(credential)).toEqual({ valid: true, errors: [] });
    const did = issuerDid(PUBLIC_URL, 'default');
    expect(credential).toMatchObject({
      id: `urn:uuid:${awardId}`,
      issuer: { id: did, name: 'Example University', url: 'https://uni.example' },
      validFrom: '2025-06-07T08:09:10Z',
      credentialSubject: {
        achievement: {
          id: `${PUBLIC_URL}/achievements/7d0c7a4e-3a7e-4b53-9a3c-0c5b8f8f2d11/versions/2`,
          achievementType: 'MicroCredential',
        },
        creditsEarned: 3,
      },
      evidence: [
        {
          id: `${PUBLIC_URL}/xapi/statements?statementId=0b8a4e3c-8a1f-4c2e-9a61-1d2c3b4a5f60`,
        },
      ],
    });
    expect(credential.proof).toHaveLength(1);
    expect(credential.proof[0]?.created).toBe('2025-06-07T08:09:10Z');

    const didDocument = await loadIssuerDidDocument({
      db: database.db,
      publicUrl: PUBLIC_URL,
      issuerProfileId: 'default',
    });
    const result = await verifyCredential({
      credential,
      suite: new DataIntegrityProof({ cryptosuite }),
      // The status list is checked on its own (status-list tests); here only the proof.
      checkStatus: async () => ({ verified: true }),
      documentLoader: createDocumentLoader({
        resolveDid: async (candidate) => (candidate === did ? didDocument : null),
        documents: new Map([
          [microcredentialContextUrl(PUBLIC_URL), microcredentialContext(PUBLIC_URL)],
        ]),
      }),
    });
    expect(result.verified).toBe(true);
  });

  it('publishes the email only as a salted hash a verifier who knows it can check', async () => {
    const issue = createCredentialIssuer({
      db: database.db,
      secret: SECRET,
      publicUrl: PUBLIC_URL,
    });
    const credential = await issue(request());
    expect(JSON.stringify(credential).toLowerCase()).not.toContain('grace.hopper@uni.example');
    const emailIdentity = credential.credentialSubject.identifier.find(
      (identity) => identity.identityType === 'emailAddress',
    );
    expect(emailIdentity?.hashed).toBe(true);
    expect(emailIdentity?.identityHash).toBe(
      hashEmailIdentity('grace.hopper@uni.example', emailIdentity?.salt).identityHash,
    );
  });

  it('signs every credential of a profile with the same key', async () => {
    const issue = createCredentialIssuer({
      db: database.db,
      secret: SECRET,
      publicUrl: PUBLIC_URL,
    });
    const [first, second] = await Promise.all([issue(request()), issue(request())]);
    expect(first.proof[0]?.verificationMethod).toBe(second.proof[0]?.verificationMethod);
  });

  it('refuses an unknown issuer profile with NOT_FOUND', async () => {
    const issue = createCredentialIssuer({
      db: database.db,
      secret: SECRET,
      publicUrl: PUBLIC_URL,
    });
    await expect(issue(request({ issuerProfileId: 'nobody' }))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('issues nothing, and logs BADGE_SIGNATURE_SELF_CHECK_FAILED, when its proof would not verify', async () => {
    // A profile whose stored private key is not the one its DID document publishes.
    await database.db.insert(issuerProfiles).values({ id: 'mismatched', name: 'Mismatched' });
    const loggedLines: string[] = [];
    const issue = createCredentialIssuer({
      db: database.db,
      secret: SECRET,
      publicUrl: PUBLIC_URL,
      logger: createLogger('error', (line) => loggedLines.push(line)),
    });
    await issue(request({ issuerProfileId: 'mismatched' }));
    const [row] = await database.db
      .select()
      .from(signingKeys)
      .where(eq(signingKeys.issuerProfileId, 'mismatched'));
    const storedJwk = JSON.parse(decryptText(row!.privateKeyEncrypted, SECRET)) as {
      d: string;
    };
    const { d: otherSecret } = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    await database.db
      .update(signingKeys)
      .set({
        privateKeyEncrypted: encryptText(JSON.stringify({ ...storedJwk, d: otherSecret }), SECRET),
      })
      .where(eq(signingKeys.kid, row!.kid));
    const freshIssue = createCredentialIssuer({
      db: database.db,
      secret: SECRET,
      publicUrl: PUBLIC_URL,
      logger: createLogger('error', (line) => loggedLines.push(line)),
    });

    const refused = request({ issuerProfileId: 'mismatched' });
    await expect(freshIssue(refused)).rejects.toMatchObject({
      code: 'BADGE_SIGNATURE_SELF_CHECK_FAILED',
    });
    const stored = await database.db
      .select()
      .from(credentialRecords)
      .where(eq(credentialRecords.id, refused.awardId));
    expect(stored).toEqual([]);
    expect(loggedLines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({
        level: 'error',
        code: 'BADGE_SIGNATURE_SELF_CHECK_FAILED',
        awardId: refused.awardId,
        issuerProfileId: 'mismatched',
      }),
    ]);
  });
});
