import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { defaultDocumentLoader, verifyCredential, type DocumentLoader } from '@digitalbazaar/vc';
import { eq } from 'drizzle-orm';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCredential } from '../../../src/badges/build-credential.js';
import { didToDocumentUrl, issuerDid, type DidDocument } from '../../../src/badges/did-web.js';
import { createDocumentLoader } from '../../../src/badges/document-loader.js';
import { createIssuerDidResolver } from '../../../src/badges/issuer-did-document.js';
import { ensureIssuerKey, type IssuerSigningKey } from '../../../src/badges/issuer-keys.js';
import type { OpenBadgeCredential } from '../../../src/badges/open-badge-credential.js';
import { signDataIntegrity } from '../../../src/badges/sign/data-integrity.js';
import { validateCredential } from '../../../src/badges/validate-credential.js';
import { createLogger } from '../../../src/config/logger.js';
import type { Database } from '../../../src/db/database.js';
import { issuerProfiles, signingKeys } from '../../../src/db/schema.js';
import { createToolDocumentLoader } from '../../../src/badges/tool-document-loader.js';
import { createIssuerRouter } from '../../../src/web/issuer-routes.js';
import { jsonErrorHandler } from '../../../src/web/http/json-error-handler.js';
import { createTestDatabase } from '../../support/test-database.js';

const SECRET = 'test-secret-test-secret-test-secret';
const SIGNED_AT = new Date('2025-05-06T07:08:09Z');
const OB_CONTEXT_FILES: Record<string, string> = {
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'ob-v3p0-context-3.0.3.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json': 'ob-v3p0-extensions.json',
};

/**
 * A verifier's loader, independent of the tool's: the DID document as fetched over HTTP, the OB
 * contexts from their files, and everything else from @digitalbazaar/vc's own bundled contexts.
 */
function verifierLoader(didDocument: DidDocument): DocumentLoader {
  return async (url) => {
    if (url === didDocument.id)
      return { contextUrl: null, documentUrl: url, document: didDocument };
    const method = didDocument.verificationMethod.find((candidate) => candidate.id === url);
    if (method) {
      const document = { '@context': 'https://w3id.org/security/multikey/v1', ...method };
      return { contextUrl: null, documentUrl: url, document };
    }
    const file = OB_CONTEXT_FILES[url];
    if (file) {
      const path = new URL(`../../../src/badges/contexts/${file}`, import.meta.url);
      return {
        contextUrl: null,
        documentUrl: url,
        document: JSON.parse(readFileSync(path, 'utf8')),
      };
    }
    return defaultDocumentLoader(url);
  };
}

describe('signDataIntegrity (Data Integrity, eddsa-rdfc-2022)', () => {
  let database: Database;
  let server: Server;
  let did: string;
  let key: IssuerSigningKey;
  let documentLoader: ReturnType<typeof createDocumentLoader>;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const app = express();
    app.use(
      createIssuerRouter({
        db: database.db,
        publicUrl,
        secret: 'test-secret-test-secret-test-secret',
        documentLoader: createToolDocumentLoader({ db: database.db, publicUrl }),
      }),
    );
    app.use(jsonErrorHandler(createLogger('error', () => {})));
    server.on('request', app);

    await database.db.insert(issuerProfiles).values({ id: 'default', name: 'Example University' });
    did = issuerDid(publicUrl, 'default');
    key = await ensureIssuerKey({
      db: database.db,
      secret: SECRET,
      issuerProfileId: 'default',
      did,
    });
    documentLoader = createDocumentLoader({
      resolveDid: createIssuerDidResolver({ db: database.db, publicUrl }),
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await database.close();
  });

  function unsignedCredential(issuer = did): OpenBadgeCredential {
    return buildCredential({
      credentialId: randomUUID(),
      issuedAt: new Date('2025-05-06T07:00:00Z'),
      issuer: { did: issuer, name: 'Example University', url: null, email: null },
      achievement: {
        id: 'http://127.0.0.1/achievements/1/versions/1',
        name: 'Circular economy basics',
        description: 'Explains the principles of the circular economy.',
        criteria: 'Pass the final quiz.',
        ects: 1,
        eqfLevel: 5,
      },
      recipient: {
        platformIssuer: 'https://lms.example',
        sub: 'u1',
        name: 'Ada',
        hashedEmail: null,
      },
      scoreScaled: 0.9,
      evidence: [
        {
          statementId: 's1',
          url: 'http://127.0.0.1/xapi/statements?statementId=s1',
          narrative: 'Quiz',
        },
      ],
    });
  }

  /** What a verifier does: resolve the issuer's did:web over HTTP, then verify offline. */
  async function verify(credential: Record<string, unknown>, issuer = did) {
    const response = await fetch(didToDocumentUrl(issuer));
    expect(response.status).toBe(200);
    const didDocument = (await response.json()) as DidDocument;
    return verifyCredential({
      credential,
      suite: new DataIntegrityProof({ cryptosuite }),
      documentLoader: verifierLoader(didDocument),
    });
  }

  it('adds one DataIntegrityProof, in a proof array, made with the issuer key at `now`', async () => {
    const signed = await signDataIntegrity({
      credential: unsignedCredential(),
      key,
      documentLoader,
      now: SIGNED_AT,
    });
    expect(signed.proof).toEqual([
      {
        type: 'DataIntegrityProof',
        cryptosuite: 'eddsa-rdfc-2022',
        created: '2025-05-06T07:08:09Z',
        proofPurpose: 'assertionMethod',
        verificationMethod: key.id,
        proofValue: expect.stringMatching(/^z[1-9A-HJ-NP-Za-km-z]{80,90}$/),
      },
    ]);
  });

  it('gives a credential the official schema accepts', async () => {
    const signed = await signDataIntegrity({
      credential: unsignedCredential(),
      key,
      documentLoader,
    });
    expect(validateCredential(signed)).toEqual({ valid: true, errors: [] });
  });

  it('gives a credential @digitalbazaar/vc verifies from the published DID document', async () => {
    const signed = await signDataIntegrity({
      credential: unsignedCredential(),
      key,
      documentLoader,
    });
    const result = await verify(signed);
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
  });

  it('leaves the unsigned credential untouched', async () => {
    const credential = unsignedCredential();
    const copy = structuredClone(credential);
    await signDataIntegrity({ credential, key, documentLoader });
    expect(credential).toEqual(copy);
  });

  it('keeps credentials verifiable after the key is retired and a new one signs', async () => {
    await database.db
      .insert(issuerProfiles)
      .values({ id: 'rotating', name: 'Rotating University' });
    const rotatingDid = did.replace(/default$/, 'rotating');
    const oldKey = await ensureIssuerKey({
      db: database.db,
      secret: SECRET,
      issuerProfileId: 'rotating',
      did: rotatingDid,
    });
    const signedBefore = await signDataIntegrity({
      credential: unsignedCredential(rotatingDid),
      key: oldKey,
      documentLoader,
    });
    await database.db
      .update(signingKeys)
      .set({ retiredAt: new Date() })
      .where(eq(signingKeys.kid, oldKey.kid));
    const newKey = await ensureIssuerKey({
      db: database.db,
      secret: SECRET,
      issuerProfileId: 'rotating',
      did: rotatingDid,
    });
    const signedAfter = await signDataIntegrity({
      credential: unsignedCredential(rotatingDid),
      key: newKey,
      documentLoader,
    });
    expect((await verify(signedBefore, rotatingDid)).verified).toBe(true);
    expect((await verify(signedAfter, rotatingDid)).verified).toBe(true);
  });

  describe('negative tests', () => {
    it('a credential whose name was changed after signing does not verify', async () => {
      const signed = await signDataIntegrity({
        credential: unsignedCredential(),
        key,
        documentLoader,
      });
      expect((await verify(signed)).verified).toBe(true);
      const result = await verify({ ...signed, name: 'Quantum physics mastery' });
      expect(result.verified).toBe(false);
    });

    it('a credential whose credits were raised after signing does not verify', async () => {
      const signed = await signDataIntegrity({
        credential: unsignedCredential(),
        key,
        documentLoader,
      });
      const tampered = structuredClone(signed);
      tampered.credentialSubject.creditsEarned = 30;
      expect((await verify(tampered)).verified).toBe(false);
    });

    it('refuses to sign with a key the issuer does not control, with TypeError', async () => {
      const credential = unsignedCredential('did:web:other.example');
      await expect(signDataIntegrity({ credential, key, documentLoader })).rejects.toThrow(
        TypeError,
      );
    });

    it('refuses to sign a credential with a term no context defines', async () => {
      const credential = { ...unsignedCredential(), undefinedTerm: 'x' } as OpenBadgeCredential;
      await expect(signDataIntegrity({ credential, key, documentLoader })).rejects.toThrow(
        /safe mode/i,
      );
    });

    it('refuses to sign a credential that needs a context we do not bundle', async () => {
      const credential = unsignedCredential();
      credential['@context'].push('https://example.org/remote-context.jsonld');
      await expect(signDataIntegrity({ credential, key, documentLoader })).rejects.toMatchObject({
        code: 'BADGE_DOCUMENT_NOT_BUNDLED',
      });
    });
  });
});
