import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { xapiCredentials } from '../../src/db/schema.js';
import { XapiAuthError } from '../../src/errors.js';
import {
  authenticateBasic,
  createXapiCredential,
  revokeXapiCredential,
  watchXapiCredentials,
} from '../../src/xapi/credentials.js';
import { createTestDatabase, type TestStorage } from '../support/test-database.js';
import { buildPlatform } from './xapi-factories.js';

function basic(key: string, secret: string): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
}

async function refusal(promise: Promise<unknown>): Promise<XapiAuthError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  if (!(error instanceof XapiAuthError))
    throw new Error(`expected XapiAuthError, got ${String(error)}`);
  return error;
}

describe('xAPI Basic credentials (xAPI Communication 4.0)', () => {
  let database: Database & { storage: TestStorage };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('stores a salted scrypt hash, never the secret', async () => {
    const { key, secret } = await createXapiCredential({ db: database.db, name: 'Moodle' });
    const [row] = await database.db
      .select()
      .from(xapiCredentials)
      .where(eq(xapiCredentials.key, key));
    expect(row?.secretHash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(row?.secretHash).not.toContain(secret);
    expect(secret.length).toBeGreaterThanOrEqual(43);
  });

  it('creates a different key and secret each time', async () => {
    const first = await createXapiCredential({ db: database.db, name: 'A' });
    const second = await createXapiCredential({ db: database.db, name: 'A' });
    expect(first.key).not.toBe(second.key);
    expect(first.secret).not.toBe(second.secret);
  });

  it('binds the credential to a platform when asked', async () => {
    const platform = await buildPlatform(database.db);
    const { key, secret } = await createXapiCredential({
      db: database.db,
      name: 'LMS',
      platformId: platform.id,
    });
    const credential = await authenticateBasic(database.db, basic(key, secret));
    expect(credential.platformId).toBe(platform.id);
  });

  it('refuses an empty name as caller misuse', async () => {
    await expect(createXapiCredential({ db: database.db, name: ' ' })).rejects.toThrow(TypeError);
  });

  it('authenticates the key and secret it created, again and again', async () => {
    const { key, secret } = await createXapiCredential({ db: database.db, name: 'Moodle' });
    expect((await authenticateBasic(database.db, basic(key, secret))).key).toBe(key);
    expect((await authenticateBasic(database.db, basic(key, secret))).name).toBe('Moodle');
  });

  it('accepts the scheme name in any case', async () => {
    const { key, secret } = await createXapiCredential({ db: database.db, name: 'Moodle' });
    const header = basic(key, secret).replace('Basic', 'basic');
    expect((await authenticateBasic(database.db, header)).key).toBe(key);
  });

  describe('refusals (401 XAPI_CREDENTIALS_INVALID)', () => {
    it('refuses a wrong secret, also after the right one was accepted', async () => {
      const { key, secret } = await createXapiCredential({ db: database.db, name: 'Moodle' });
      const error = await refusal(authenticateBasic(database.db, basic(key, `${secret}x`)));
      expect([error.status, error.code]).toEqual([401, 'XAPI_CREDENTIALS_INVALID']);
      await authenticateBasic(database.db, basic(key, secret));
      await refusal(authenticateBasic(database.db, basic(key, secret.slice(0, -1))));
    });

    it('refuses an unknown key with the same message as a wrong secret', async () => {
      const { key, secret } = await createXapiCredential({ db: database.db, name: 'Moodle' });
      const unknown = await refusal(authenticateBasic(database.db, basic('nobody', secret)));
      const wrong = await refusal(authenticateBasic(database.db, basic(key, 'wrong')));
      expect(unknown.message).toBe(wrong.message);
    });

    it('refuses a revoked credential at once, even one verified a moment ago', async () => {
      const { key, secret } = await createXapiCredential({ db: database.db, name: 'Moodle' });
      await authenticateBasic(database.db, basic(key, secret));
      expect(await revokeXapiCredential({ db: database.db, key })).toBe(true);
      await refusal(authenticateBasic(database.db, basic(key, secret)));
      expect(await revokeXapiCredential({ db: database.db, key })).toBe(false);
    });

    it.runIf(process.env.DATABASE_URL)(
      'refuses, within a second, a credential another process revoked after verifying it',
      async () => {
        const other = await openDatabase({
          databaseUrl: database.storage.databaseUrl,
          dataDir: null,
        });
        const stopWatching = await watchXapiCredentials(other);
        try {
          const { key, secret } = await createXapiCredential({ db: database.db, name: 'Moodle' });
          await authenticateBasic(other.db, basic(key, secret));

          await revokeXapiCredential({ db: database.db, key });
          await new Promise((resolve) => setTimeout(resolve, 1000));

          await refusal(authenticateBasic(other.db, basic(key, secret)));
        } finally {
          await stopWatching();
          await other.close();
        }
      },
    );

    it.each([
      ['no header', undefined],
      ['an empty header', ''],
      ['a Bearer token', 'Bearer abc'],
      ['Basic without credentials', 'Basic '],
      ['Basic without a colon', `Basic ${Buffer.from('keyonly').toString('base64')}`],
      ['Basic with an empty key', `Basic ${Buffer.from(':secret').toString('base64')}`],
    ])('refuses %s', async (_name, header) => {
      await refusal(authenticateBasic(database.db, header));
    });
  });
});
