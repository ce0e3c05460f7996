import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCredential, type CredentialInput } from '../../../src/badges/build-credential.js';
import { issuerDid, type DidDocument } from '../../../src/badges/did-web.js';
import { createToolDocumentLoader } from '../../../src/badges/tool-document-loader.js';
import { loadIssuerDidDocument } from '../../../src/badges/issuer-did-document.js';
import { ensureIssuerKey, type IssuerSigningKey } from '../../../src/badges/issuer-keys.js';
import {
  microcredentialContext,
  microcredentialContextUrl,
  microcredentialSchemaUrl,
} from '../../../src/badges/microcredential-context.js';
import { createFastDataIntegritySigner } from '../../../src/badges/sign/data-integrity-fast.js';
import { signDataIntegrity } from '../../../src/badges/sign/data-integrity.js';
import type { Database } from '../../../src/db/database.js';
import { issuerProfiles } from '../../../src/db/schema.js';
import { verifyDataIntegrity } from '../../support/independent-verifier.js';
import { createTestDatabase } from '../../support/test-database.js';

const PUBLIC_URL = 'https://badges.uni.example';
const DID = issuerDid(PUBLIC_URL, 'default');

function input(learner: string, score: number): CredentialInput {
  return {
    credentialId: randomUUID(),
    issuedAt: new Date('2026-01-02T03:04:05Z'),
    issuer: { did: DID, name: 'Example University', url: 'https://uni.example', email: null },
    achievement: {
      id: `${PUBLIC_URL}/achievements/5b0c1e2a-0000-4000-8000-000000000001/versions/1`,
      name: 'Circular economy basics',
      description: 'Explains the principles of the circular economy.',
      criteria: 'Pass the final quiz.',
      ects: 2,
      eqfLevel: 5,
      language: 'en',
      microCredential: {
        learningOutcomes: [{ text: 'Explains material loops.', escoSkills: [] }],
        qualityAssurance: 'Internal QA',
        supervision: 'unsupervised-id',
      },
    },
    recipient: {
      subjectId: `urn:uuid:${randomUUID()}`,
      platformIssuer: 'https://moodle.uni.example',
      sub: learner,
      name: `Learner ${learner}`,
      hashedEmail: null,
    },
    scoreScaled: score,
    evidence: [],
    extension: {
      contextUrl: microcredentialContextUrl(PUBLIC_URL),
      schemaUrl: microcredentialSchemaUrl(PUBLIC_URL),
    },
    status: { statusListCredential: `${PUBLIC_URL}/status-lists/x`, statusListIndex: 7 },
  };
}

describe('createFastDataIntegritySigner', () => {
  let database: Database;
  let key: IssuerSigningKey;
  let didDocument: DidDocument;
  const documents = { [microcredentialContextUrl(PUBLIC_URL)]: microcredentialContext(PUBLIC_URL) };

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.db.insert(issuerProfiles).values({ id: 'default', name: 'Example University' });
    key = await ensureIssuerKey({
      db: database.db,
      secret: 'test-secret-test-secret-test-secret',
      issuerProfileId: 'default',
      did: DID,
    });
    didDocument = (await loadIssuerDidDocument({
      db: database.db,
      publicUrl: PUBLIC_URL,
      issuerProfileId: 'default',
    })) as DidDocument;
  });
  afterAll(async () => {
    await database.close();
  });

  it('makes proofs @digitalbazaar/vc verifies, for the first and later credentials of a shape', async () => {
    const sign = createFastDataIntegritySigner({
      documentLoader: createToolDocumentLoader({ db: database.db, publicUrl: PUBLIC_URL }),
    });
    const now = new Date('2026-01-02T03:04:05Z');
    for (const [learner, score] of [
      ['1', 0.5],
      ['2', 0.75],
      ['3 "quoted" \\ and ünïcode', 1],
    ] as const) {
      const signed = await sign({ credential: buildCredential(input(learner, score)), key, now });
      const result = await verifyDataIntegrity(
        signed as unknown as Record<string, unknown>,
        didDocument,
        documents,
      );
      expect(result.verified).toBe(true);
    }
  });

  it('gives the same proof value as the library for the same credential and time', async () => {
    const documentLoader = createToolDocumentLoader({ db: database.db, publicUrl: PUBLIC_URL });
    const sign = createFastDataIntegritySigner({ documentLoader });
    const now = new Date('2026-01-02T03:04:05Z');
    await sign({ credential: buildCredential(input('warm-up', 0.1)), key, now });
    const credential = buildCredential(input('9', 0.9));
    const fast = await sign({ credential, key, now });
    const plain = await signDataIntegrity({ credential, key, documentLoader, now });
    expect(fast.proof[0]?.proofValue).toBe(plain.proof[0]?.proofValue);
  });

  it('refuses a key the issuer does not control', async () => {
    const sign = createFastDataIntegritySigner({
      documentLoader: createToolDocumentLoader({ db: database.db, publicUrl: PUBLIC_URL }),
    });
    const credential = buildCredential(input('1', 0.5));
    await expect(
      sign({
        credential: {
          ...credential,
          issuer: { ...credential.issuer, id: 'did:web:other.example' },
        },
        key,
        now: new Date(),
      }),
    ).rejects.toThrow(TypeError);
  });
});
