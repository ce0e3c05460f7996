import { eq } from 'drizzle-orm';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHolderCredentialIssuer } from '../../src/badges/holder-credential.js';
import { createCredentialVerifier } from '../../src/badges/verify/verify-credential.js';
import type { Database } from '../../src/db/database.js';
import { awards } from '../../src/db/schema.js';
import { PUBLIC_URL, givenAward } from '../awards/award-fixtures.js';
import { createTestDatabase } from '../support/test-database.js';

const WALLET_DID = 'did:key:z6MkjMj6LWvHCZD8RGxV5WbXaFqFyvRwkYZ4Gxrt2uPatiTc';

describe('createHolderCredentialIssuer', () => {
  let database: Database;
  let issueHolderCredential: ReturnType<typeof createHolderCredentialIssuer>;
  let verify: ReturnType<typeof createCredentialVerifier>;

  beforeAll(async () => {
    database = await createTestDatabase();
    const deps = { db: database.db, secret: 'x'.repeat(40), publicUrl: PUBLIC_URL };
    issueHolderCredential = createHolderCredentialIssuer(deps);
    verify = createCredentialVerifier(deps);
  });
  afterAll(async () => {
    await database.close();
  });

  it('hands over the stored credential unchanged when no wallet DID is given', async () => {
    const award = await givenAward(database.db, 'as-issued');

    const handed = await issueHolderCredential({
      awardId: award.id,
      holderDid: null,
      format: 'data-integrity',
    });

    expect(handed).toEqual({ format: 'data-integrity', credential: award.credential });
  });

  it('signs a copy bound to the wallet DID that verifies, keeping id, evidence and status entry', async () => {
    const award = await givenAward(database.db, 'bound-di');

    const handed = await issueHolderCredential({
      awardId: award.id,
      holderDid: WALLET_DID,
      format: 'data-integrity',
    });

    if (handed.format !== 'data-integrity') throw new Error('expected a Data Integrity credential');
    const { credential } = handed;
    const stored = award.credential as typeof credential;
    expect(credential.credentialSubject.id).toBe(WALLET_DID);
    expect(credential.credentialSubject.identifier).toEqual(stored.credentialSubject.identifier);
    expect(credential.id).toBe(stored.id);
    expect(credential.credentialStatus).toEqual(stored.credentialStatus);
    expect(credential.evidence).toEqual(stored.evidence);
    expect(credential.proof[0]!.proofValue).not.toBe(stored.proof[0]!.proofValue);
    expect((await verify(credential)).verified).toBe(true);
  });

  it('signs a VC-JWT copy whose sub is the wallet DID', async () => {
    const award = await givenAward(database.db, 'bound-jwt');

    const handed = await issueHolderCredential({
      awardId: award.id,
      holderDid: WALLET_DID,
      format: 'vc-jwt',
    });

    if (handed.format !== 'vc-jwt') throw new Error('expected a VC-JWT');
    expect(decodeJwt(handed.jwt).sub).toBe(WALLET_DID);
    expect(decodeProtectedHeader(handed.jwt).alg).toBe('ES256');
    expect((await verify(handed.jwt)).verified).toBe(true);
  });

  it('refuses a revoked award with CONFLICT', async () => {
    const award = await givenAward(database.db, 'revoked');
    await database.db.update(awards).set({ revokedAt: new Date() }).where(eq(awards.id, award.id));

    await expect(
      issueHolderCredential({ awardId: award.id, holderDid: WALLET_DID, format: 'data-integrity' }),
    ).rejects.toMatchObject({ status: 409 });
  });

  it('refuses an unknown award with NOT_FOUND', async () => {
    await expect(
      issueHolderCredential({
        awardId: '00000000-0000-4000-8000-000000000000',
        holderDid: null,
        format: 'data-integrity',
      }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('refuses to bind to a DID whose key is not in the DID itself', async () => {
    const award = await givenAward(database.db, 'did-web-holder');

    await expect(
      issueHolderCredential({
        awardId: award.id,
        holderDid: 'did:web:wallet.example',
        format: 'data-integrity',
      }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
