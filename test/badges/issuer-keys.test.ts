import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuerDid } from '../../src/badges/did-web.js';
import { loadIssuerDidDocument } from '../../src/badges/issuer-did-document.js';
import {
  ensureIssuerKey,
  listIssuerPublicKeys,
  loadIssuerSigningKey,
} from '../../src/badges/issuer-keys.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { decryptText } from '../../src/db/encryption.js';
import { issuerProfiles, signingKeys } from '../../src/db/schema.js';
import { MicrocredError, NotFoundError } from '../../src/errors.js';
import { createTestStorage, type TestStorage } from '../support/test-database.js';

const SECRET = 'test-secret-test-secret-test-secret';
const PUBLIC_URL = 'http://localhost:3000';

describe('issuer keys (signing_keys, purpose issuer, Ed25519)', () => {
  let storage: TestStorage;
  let database: Database;

  beforeAll(async () => {
    storage = await createTestStorage();
    database = await openDatabase(storage);
    await database.migrate();
  });
  afterAll(async () => {
    await database.close();
    await storage.drop();
  });

  async function createProfile(id: string) {
    await database.db.insert(issuerProfiles).values({ id, name: `University ${id}` });
    return { issuerProfileId: id, did: issuerDid(PUBLIC_URL, id), secret: SECRET };
  }

  async function keyRows(issuerProfileId: string) {
    return database.db
      .select()
      .from(signingKeys)
      .where(eq(signingKeys.issuerProfileId, issuerProfileId));
  }

  it('creates a key for a profile that has none, with its private half sealed', async () => {
    const profile = await createProfile('creates');
    const key = await ensureIssuerKey({ db: database.db, ...profile });

    const [row, ...others] = await keyRows('creates');
    expect(others).toEqual([]);
    expect(row).toMatchObject({ purpose: 'issuer', algorithm: 'Ed25519', retiredAt: null });
    expect(row?.publicJwk).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: expect.stringMatching(/^[\w-]{43}$/),
      kid: row?.kid,
      alg: 'EdDSA',
    });
    expect(row?.privateKeyEncrypted).not.toContain(row?.publicJwk.x);
    const privateJwk = JSON.parse(decryptText(row?.privateKeyEncrypted ?? '', SECRET));
    expect(privateJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', x: row?.publicJwk.x });
    expect(privateJwk.d).toMatch(/^[\w-]{43}$/);

    expect(key.kid).toBe(row?.kid);
    expect(key.id).toBe(`${profile.did}#${row?.kid}`);
    expect(key.controller).toBe(profile.did);
    expect(key.signer()).toMatchObject({ id: key.id, algorithm: 'Ed25519' });
  });

  it('returns the same key when called again', async () => {
    const profile = await createProfile('again');
    const first = await ensureIssuerKey({ db: database.db, ...profile });
    const second = await ensureIssuerKey({ db: database.db, ...profile });
    expect(second.id).toBe(first.id);
    expect(second.publicKeyMultibase).toBe(first.publicKeyMultibase);
    expect(await keyRows('again')).toHaveLength(1);
  });

  it('creates exactly one key when two callers race', async () => {
    const profile = await createProfile('race');
    const keys = await Promise.all([
      ensureIssuerKey({ db: database.db, ...profile }),
      ensureIssuerKey({ db: database.db, ...profile }),
      ensureIssuerKey({ db: database.db, ...profile }),
    ]);
    expect(new Set(keys.map((key) => key.id)).size).toBe(1);
    expect(await keyRows('race')).toHaveLength(1);
  });

  it('keeps the key after the database is closed and opened again', async () => {
    const profile = await createProfile('kept');
    const before = await ensureIssuerKey({ db: database.db, ...profile });
    await database.close();
    database = await openDatabase(storage);

    const after = await loadIssuerSigningKey({ db: database.db, ...profile });
    expect(after.id).toBe(before.id);
    expect(after.publicKeyMultibase).toBe(before.publicKeyMultibase);
    const data = new TextEncoder().encode('signed before, verified after');
    const signature = await after.signer().sign({ data });
    expect(await before.verifier().verify({ data, signature })).toBe(true);
  });

  it('signs with the newest unretired key and lists retired ones too', async () => {
    const profile = await createProfile('rotates');
    const old = await ensureIssuerKey({ db: database.db, ...profile });
    await database.db
      .update(signingKeys)
      .set({ retiredAt: new Date() })
      .where(eq(signingKeys.kid, old.kid));
    const current = await ensureIssuerKey({ db: database.db, ...profile });
    expect(current.kid).not.toBe(old.kid);
    expect((await loadIssuerSigningKey({ db: database.db, ...profile })).kid).toBe(current.kid);

    const listed = await listIssuerPublicKeys({ db: database.db, issuerProfileId: 'rotates' });
    expect(listed.map(({ kid, isRetired }) => ({ kid, isRetired }))).toEqual([
      { kid: old.kid, isRetired: true },
      { kid: current.kid, isRetired: false },
    ]);
    expect(listed[0]?.publicKeyMultibase).toBe(old.publicKeyMultibase);

    const didDocument = await loadIssuerDidDocument({
      db: database.db,
      publicUrl: PUBLIC_URL,
      issuerProfileId: 'rotates',
    });
    expect(didDocument?.assertionMethod).toEqual([old.id, current.id]);
    expect(didDocument?.authentication).toEqual([current.id]);
  });

  it('lists nothing and publishes no DID document for an unknown profile', async () => {
    const db = database.db;
    expect(await listIssuerPublicKeys({ db, issuerProfileId: 'nobody' })).toEqual([]);
    expect(
      await loadIssuerDidDocument({ db, publicUrl: PUBLIC_URL, issuerProfileId: 'nobody' }),
    ).toBeNull();
  });

  describe('refuses', () => {
    it('to create a key for an unknown profile, with NOT_FOUND', async () => {
      const failure = ensureIssuerKey({
        db: database.db,
        secret: SECRET,
        issuerProfileId: 'missing',
        did: issuerDid(PUBLIC_URL, 'missing'),
      });
      await expect(failure).rejects.toBeInstanceOf(NotFoundError);
      await expect(failure).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('to load a key for a profile that has none', async () => {
      const profile = await createProfile('keyless');
      await expect(loadIssuerSigningKey({ db: database.db, ...profile })).rejects.toBeInstanceOf(
        MicrocredError,
      );
    });

    it('to open a key with the wrong secret', async () => {
      const profile = await createProfile('secret');
      await ensureIssuerKey({ db: database.db, ...profile });
      await expect(
        loadIssuerSigningKey({ db: database.db, ...profile, secret: `${SECRET}-other` }),
      ).rejects.toThrow();
    });
  });
});
