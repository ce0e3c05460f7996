import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  STATUS_LIST_SIZE,
  allocateStatusIndex,
  encodeBitstring,
  readBit,
} from '../../src/badges/status-list.js';
import type { Database } from '../../src/db/database.js';
import { issuerProfiles } from '../../src/db/schema.js';
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
    const entries = await Promise.all(
      Array.from({ length: 20 }, () => allocateStatusIndex(database.db, 'default')),
    );
    expect(new Set(entries.map((entry) => entry.statusIndex)).size).toBe(20);
    expect(new Set(entries.map((entry) => entry.statusListId)).size).toBe(1);
  });
});
