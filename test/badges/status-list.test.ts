import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  STATUS_LIST_SIZE,
  allocateStatusIndexes,
  encodeBitstring,
  readBit,
} from '../../src/badges/status-list.js';
import type { Database } from '../../src/db/database.js';
import { issuerProfiles, statusLists } from '../../src/db/schema.js';
import { createTestDatabase } from '../support/test-database.js';

describe('Bitstring Status List', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
    await database.db.insert(issuerProfiles).values({ id: 'default', name: 'Example University' });
  });
  afterAll(async () => {
    await database.close();
  });

  it('encodes bits most significant first, GZIP, base64url with the multibase u prefix', () => {
    const encoded = encodeBitstring(STATUS_LIST_SIZE, [0, 9, 131_071]);
    expect(encoded.startsWith('u')).toBe(true);
    expect([0, 1, 8, 9, 131_071].map((index) => readBit(encoded, index))).toEqual([
      true,
      false,
      false,
      true,
      true,
    ]);
  });

  it('hands out distinct indexes to concurrent issuers from one 131,072-entry list', async () => {
    const entries = (
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          allocateStatusIndexes(database.db, 'default', 1 + (i % 3)),
        ),
      )
    ).flat();
    expect(entries).toHaveLength(39);
    expect(new Set(entries.map((entry) => entry.statusIndex)).size).toBe(39);
    expect(new Set(entries.map((entry) => entry.statusListId)).size).toBe(1);
  });

  it('hands out a batch in order and continues it in a new list when the open one fills', async () => {
    await database.db.insert(issuerProfiles).values({ id: 'full', name: 'Full University' });
    const [list] = await database.db
      .insert(statusLists)
      .values({ issuerProfileId: 'full', size: STATUS_LIST_SIZE, nextIndex: STATUS_LIST_SIZE - 2 })
      .returning();
    const entries = await allocateStatusIndexes(database.db, 'full', 5);
    expect(entries.slice(0, 2)).toEqual([
      { statusListId: list!.id, statusIndex: STATUS_LIST_SIZE - 2 },
      { statusListId: list!.id, statusIndex: STATUS_LIST_SIZE - 1 },
    ]);
    const next = entries[2]!.statusListId;
    expect(next).not.toBe(list!.id);
    expect(entries.slice(2)).toEqual(
      [0, 1, 2].map((statusIndex) => ({ statusListId: next, statusIndex })),
    );
    const [opened] = await database.db.select().from(statusLists).where(eq(statusLists.id, next));
    expect(opened).toMatchObject({ issuerProfileId: 'full', size: STATUS_LIST_SIZE, nextIndex: 3 });
  });
});
