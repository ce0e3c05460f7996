import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { credentialOffers, walletExchanges } from '../../src/db/schema.js';
import { deleteExpiredHandOffs } from '../../src/wallets/expired-hand-offs.js';
import { givenAward } from '../awards/award-fixtures.js';
import { createTestDatabase } from '../support/test-database.js';

const NOW = new Date('2026-11-29T12:00:00Z');
const HOUR = 3600_000;

describe('deleteExpiredHandOffs', () => {
  let database: Database;
  let awardId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    awardId = (await givenAward(database.db, 'sweep')).id;
  });
  afterAll(async () => {
    await database.close();
  });

  it('deletes expired hand-offs nobody used, and keeps used and live ones', async () => {
    const { db } = database;
    const exchange = (expiresAt: Date, completedAt: Date | null) =>
      db
        .insert(walletExchanges)
        .values({ awardId, protocol: 'vc-api', challenge: 'c', expiresAt, completedAt })
        .returning({ id: walletExchanges.id })
        .then(([row]) => row!.id);
    const offer = (code: string, expiresAt: Date, codeUsedAt: Date | null) =>
      db
        .insert(credentialOffers)
        .values({ awardId, preAuthorizedCodeHash: code, expiresAt, codeUsedAt })
        .returning({ id: credentialOffers.id })
        .then(([row]) => row!.id);
    const past = new Date(NOW.getTime() - HOUR);
    const future = new Date(NOW.getTime() + HOUR);
    const kept = [
      await exchange(past, past),
      await exchange(future, null),
      await offer('used', past, past),
      await offer('live', future, null),
    ];
    await exchange(past, null);
    await offer('unused', past, null);

    const deleted = await deleteExpiredHandOffs(db, NOW);

    expect(deleted).toBe(2);
    const remaining = [
      ...(await db.select({ id: walletExchanges.id }).from(walletExchanges)),
      ...(await db.select({ id: credentialOffers.id }).from(credentialOffers)),
    ].map((row) => row.id);
    expect(remaining.sort()).toEqual(kept.sort());
  });
});
