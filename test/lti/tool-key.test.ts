import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { openToolKeyring, RETIRED_KEY_PUBLISHED_SECONDS } from '../../src/lti/tool-key.js';
import { createTestDatabase } from '../support/test-database.js';

const SECRET = 'a-test-secret-that-is-long-enough-123';

describe('the LTI tool keyring', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('creates one live key however many processes open the keyring at once', async () => {
    const keyrings = await Promise.all([1, 2, 3].map(() => openToolKeyring(database.db, SECRET)));
    const kids = await Promise.all(keyrings.map(async (keyring) => (await keyring.current()).kid));
    expect(new Set(kids).size).toBe(1);
    expect(await keyrings[0]?.publishedJwks()).toHaveLength(1);
  });

  it('keeps the private key sealed: another secret cannot open it', async () => {
    await expect(
      openToolKeyring(database.db, 'another-secret-that-is-long-enough-9'),
    ).rejects.toThrow();
  });

  it('signs with the new key after a rotation and keeps publishing the old one for a while', async () => {
    const keyring = await openToolKeyring(database.db, SECRET);
    const before = await keyring.current();
    const rotatedAt = new Date();
    const after = await keyring.rotate(rotatedAt);
    expect(after.kid).not.toBe(before.kid);
    expect((await keyring.current()).kid).toBe(after.kid);

    const published = (await keyring.publishedJwks(rotatedAt)).map((jwk) => jwk.kid);
    expect(published).toEqual([after.kid, before.kid]);

    const later = new Date(rotatedAt.getTime() + (RETIRED_KEY_PUBLISHED_SECONDS + 1) * 1000);
    expect((await keyring.publishedJwks(later)).map((jwk) => jwk.kid)).toEqual([after.kid]);
  });

  it('rotates as often as asked when rotations come at the same moment, one key live after', async () => {
    const keyrings = await Promise.all([1, 2].map(() => openToolKeyring(database.db, SECRET)));
    const before = await keyrings[0]!.current();
    const rotated = await Promise.all(keyrings.map((keyring) => keyring.rotate()));
    const live = await keyrings[0]!.publishedJwks(
      new Date(Date.now() + (RETIRED_KEY_PUBLISHED_SECONDS + 1) * 1000),
    );
    expect(new Set(rotated.map((key) => key.kid)).size).toBe(2);
    expect(rotated.map((key) => key.kid)).not.toContain(before.kid);
    expect(live).toHaveLength(1);
  });

  it('publishes public keys only', async () => {
    const keyring = await openToolKeyring(database.db, SECRET);
    for (const jwk of await keyring.publishedJwks()) {
      expect(jwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(jwk).not.toHaveProperty('d');
    }
  });
});
