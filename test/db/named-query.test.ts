import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { executeNamed } from '../../src/db/named-query.js';
import { rowsOf } from '../../src/db/raw-rows.js';
import { createTestDatabase } from '../support/test-database.js';

describe('named queries', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  const doubled = (value: number) => sql`select ${value}::int * 2 as doubled`;

  it('answer each call with the rows for its own parameters', async () => {
    const answers = await database.db.transaction(async (tx) => [
      rowsOf<{ doubled: number }>(await executeNamed(tx, 'test_doubled', doubled(2))),
      rowsOf<{ doubled: number }>(await executeNamed(tx, 'test_doubled', doubled(21))),
    ]);
    expect(answers).toEqual([[{ doubled: 4 }], [{ doubled: 42 }]]);
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'are prepared once on the connection, under their name (PostgreSQL)',
    async () => {
      const prepared = await database.db.transaction(async (tx) => {
        await executeNamed(tx, 'test_prepared_once', doubled(1));
        await executeNamed(tx, 'test_prepared_once', doubled(2));
        return rowsOf<{ name: string }>(
          await tx.execute(sql`select name from pg_prepared_statements where not from_sql`),
        ).map(({ name }) => name);
      });
      expect(prepared.filter((name) => name === 'test_prepared_once')).toHaveLength(1);
    },
  );
});
