import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { launchPrechecks } from '../../src/lti/launch/launch-prechecks.js';
import { LtijsStorage } from '../../src/lti/ltijs-storage.js';
import { registerPlatform } from '../../src/lti/platform-registry.js';
import { openToolKeyring, type ToolKey } from '../../src/lti/tool-key.js';
import { createTestDatabase } from '../support/test-database.js';

const SECRET = 'a-test-secret-that-is-long-enough-123';

describe('LtijsStorage, the ltijs database plugin on our tables', () => {
  let database: Database;
  let storage: LtijsStorage;
  let toolKey: ToolKey;

  beforeAll(async () => {
    database = await createTestDatabase();
    const keyring = await openToolKeyring(database.db, SECRET);
    toolKey = await keyring.current();
    storage = new LtijsStorage({ db: database.db, secret: SECRET, keyring });
    await registerPlatform(database.db, {
      issuer: 'https://lms.example',
      clientId: 'client-1',
      deploymentId: 'dep-1',
      authUrl: 'https://lms.example/auth',
      tokenUrl: 'https://lms.example/token',
      jwksUrl: 'https://lms.example/jwks',
    });
  });
  afterAll(() => database.close());

  it('answers false when nothing matches', async () => {
    expect(await storage.Get(false, 'state', { state: 'unknown' })).toBe(false);
  });

  it('finds inserted records by any of their fields', async () => {
    await storage.Insert(false, 'state', { state: 's1', query: { a: '1' } });
    expect(await storage.Get(false, 'state', { state: 's1' })).toEqual([
      { state: 's1', query: { a: '1' } },
    ]);
  });

  it('replaces the records matching a query', async () => {
    const query = { contextId: 'c1', user: 'u1' };
    await storage.Replace(false, 'state', query, { ...query, path: '/first' });
    await storage.Replace(false, 'state', query, { ...query, path: '/second' });
    expect(await storage.Get(false, 'state', query)).toEqual([{ ...query, path: '/second' }]);
  });

  it('merges modifications into matching records', async () => {
    await storage.Insert(false, 'state', { state: 's2', user: 'u2', name: 'old' });
    await storage.Modify(false, 'state', { user: 'u2' }, { name: 'new' });
    expect(await storage.Get(false, 'state', { user: 'u2' })).toEqual([
      { state: 's2', user: 'u2', name: 'new' },
    ]);
  });

  it('deletes matching records', async () => {
    await storage.Insert(false, 'nonce', { nonce: 'n1' });
    await storage.Delete('nonce', { nonce: 'n1' });
    expect(await storage.Get(false, 'nonce', { nonce: 'n1' })).toBe(false);
  });

  it('stores records given with an encryption key sealed, and returns them opened with createdAt', async () => {
    const index = { platformUrl: 'https://lms.example', clientId: 'client-1', scopes: 'score' };
    await storage.Replace(
      'ltijs-key',
      'accesstoken',
      index,
      { token: { access_token: 'secret-token' } },
      index,
    );
    const [record] = (await storage.Get('ltijs-key', 'accesstoken', index)) || [];
    expect(record).toMatchObject({ token: { access_token: 'secret-token' } });
    expect(typeof record?.createdAt).toBe('number');
    const [raw] = (await storage.Get(false, 'accesstoken', index)) || [];
    expect(JSON.stringify(raw)).not.toContain('secret-token');
  });

  it('reads active platforms from the platforms table, signed for by the current tool key', async () => {
    const [platform] =
      (await storage.Get(false, 'platform', {
        platformUrl: 'https://lms.example',
        clientId: 'client-1',
      })) || [];
    expect(platform).toMatchObject({
      clientId: 'client-1',
      authEndpoint: 'https://lms.example/auth',
      kid: toolKey.kid,
      authConfig: { method: 'JWK_SET', key: 'https://lms.example/jwks' },
    });
  });

  it('signs client assertions for the token audience a platform names apart from its token URL', async () => {
    await registerPlatform(database.db, {
      issuer: 'https://brightspace.example',
      clientId: 'client-2',
      deploymentId: 'dep-2',
      authUrl: 'https://brightspace.example/auth',
      tokenUrl: 'https://auth.brightspace.example/core/connect/token',
      jwksUrl: 'https://brightspace.example/jwks',
      tokenAudience: 'https://api.brightspace.com/auth/token',
    });
    const [platform] =
      (await storage.Get(false, 'platform', { platformUrl: 'https://brightspace.example' })) || [];
    expect(platform?.authorizationServer).toBe('https://api.brightspace.com/auth/token');
  });

  it('gives ltijs the tool private key by kid', async () => {
    const [key] = (await storage.Get('ltijs-key', 'privatekey', { kid: toolKey.kid })) || [];
    expect(key?.key).toBe(toolKey.privateKeyPem);
  });

  it('keeps no id tokens or context tokens, which ltiaas mode never reads', async () => {
    await storage.Replace(false, 'idtoken', { user: 'u3' }, { user: 'u3', iss: 'i' });
    await storage.Replace(false, 'contexttoken', { user: 'u3' }, { user: 'u3', contextId: 'c' });
    expect(await storage.Get(false, 'idtoken', { user: 'u3' })).toBe(false);
    expect(await storage.Get(false, 'contexttoken', { user: 'u3' })).toBe(false);
  });

  it('refuses collections it does not store', async () => {
    await expect(storage.Insert(false, 'mystery', { a: 1 })).rejects.toThrow(TypeError);
  });

  it('hides expired records and deletes them on clean-up', async () => {
    await storage.Insert(false, 'state', { state: 'old' });
    const later = new Date(Date.now() + 3600 * 1000);
    expect(await storage.deleteExpired(later)).toBeGreaterThan(0);
    expect(await storage.Get(false, 'state', { state: 'old' })).toBe(false);
  });

  describe('during a launch microcred prechecked', () => {
    const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const prechecks = { nonce: 'n-checked', jwksUrl: 'https://lms.example/jwks', signingKey };

    it("gives ltijs the id_token's signing key instead of the key set URL to fetch", async () => {
      const [platform] =
        (await launchPrechecks.run(prechecks, () =>
          storage.Get(false, 'platform', { platformUrl: 'https://lms.example' }),
        )) || [];
      expect(platform?.authConfig).toEqual({ method: 'RSA_KEY', key: signingKey });
    });

    it('keeps the key set URL for a platform publishing its keys elsewhere', async () => {
      const [platform] =
        (await launchPrechecks.run({ ...prechecks, jwksUrl: 'https://other.example/jwks' }, () =>
          storage.Get(false, 'platform', { platformUrl: 'https://lms.example' }),
        )) || [];
      expect(platform?.authConfig).toEqual({ method: 'JWK_SET', key: 'https://lms.example/jwks' });
    });

    it('leaves the check of that launch nonce to microcred, and keeps every other nonce', async () => {
      await launchPrechecks.run(prechecks, async () => {
        await storage.Insert(false, 'nonce', { nonce: 'n-checked' });
        await storage.Insert(false, 'nonce', { nonce: 'n-other' });
        expect(await storage.Get(false, 'nonce', { nonce: 'n-checked' })).toBe(false);
      });
      expect(await storage.Get(false, 'nonce', { nonce: 'n-checked' })).toBe(false);
      expect(await storage.Get(false, 'nonce', { nonce: 'n-other' })).toEqual([
        { nonce: 'n-other' },
      ]);
    });
  });
});
