import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/database.js';
import {
  deleteExpiredIssuedNonces,
  findIssuedLogin,
  recordIssuedNonce,
} from '../../../src/lti/launch/issued-nonces.js';
import { createTestDatabase } from '../../support/test-database.js';

describe('nonces the tool issued in authentication requests', () => {
  let database: Database;
  const login = { iss: 'https://lms.example', login_hint: 'u1' };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('gives back the login a nonce was issued for, with its own state only', async () => {
    await recordIssuedNonce(database.db, { nonce: 'nonce-1', state: 'state-1', login });
    expect(await findIssuedLogin(database.db, 'nonce-1', 'state-1')).toEqual(login);
    expect(await findIssuedLogin(database.db, 'nonce-1', 'other-state')).toBeNull();
    expect(await findIssuedLogin(database.db, 'never-issued', 'state-1')).toBeNull();
  });

  it('refuses the same nonce twice', async () => {
    await recordIssuedNonce(database.db, { nonce: 'nonce-2', state: 'state-2', login });
    await expect(
      recordIssuedNonce(database.db, { nonce: 'nonce-2', state: 'state-x', login }),
    ).rejects.toThrow();
    expect(await findIssuedLogin(database.db, 'nonce-2', 'state-2')).toEqual(login);
  });

  it('deletes nonces whose login was abandoned after ten minutes', async () => {
    await recordIssuedNonce(database.db, { nonce: 'nonce-3', state: 'state-3', login });
    const inNineMinutes = new Date(Date.now() + 9 * 60_000);
    const inElevenMinutes = new Date(Date.now() + 11 * 60_000);
    await deleteExpiredIssuedNonces(database.db, inNineMinutes);
    expect(await findIssuedLogin(database.db, 'nonce-3', 'state-3')).toEqual(login);
    expect(await deleteExpiredIssuedNonces(database.db, inElevenMinutes)).toBeGreaterThan(0);
    expect(await findIssuedLogin(database.db, 'nonce-3', 'state-3')).toBeNull();
  });
});
