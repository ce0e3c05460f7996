import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyChange, watchChanges } from '../../src/db/change-notifications.js';
import type { Database } from '../../src/db/database.js';
import { createTestDatabase } from '../support/test-database.js';

describe('change notifications (PostgreSQL LISTEN/NOTIFY, on PGlite too)', () => {
  let database: Database;
  let heard = 0;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    database = await createTestDatabase();
    stop = await watchChanges(database, 'platforms', () => {
      heard += 1;
    });
  });
  afterAll(async () => {
    await stop?.();
    await database?.close();
  });

  const heardAfter = async (change: () => Promise<unknown>) => {
    const before = heard;
    await change().catch(() => undefined);
    // PGlite calls the watcher when the transaction commits; a PostgreSQL server a moment later.
    const deadline = Date.now() + 1000;
    while (heard === before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return heard - before;
  };

  it('tells the watcher when the notifying transaction commits', async () => {
    expect(
      await heardAfter(() => database.db.transaction((tx) => notifyChange(tx, 'platforms'))),
    ).toBe(1);
  });

  it('tells no one about a transaction that rolled back', async () => {
    expect(
      await heardAfter(() =>
        database.db.transaction(async (tx) => {
          await notifyChange(tx, 'platforms');
          throw new Error('rolled back');
        }),
      ),
    ).toBe(0);
  });
});
