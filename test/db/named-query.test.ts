import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { buildQuery, executeBuilt } from '../../src/db/named-query.js';
import { rowsOf } from '../../src/db/raw-rows.js';
import { createTestDatabase } from '../support/test-database.js';

describe('queries built once', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  const doubled = buildQuery(sql`select ${sql.placeholder('value')}::int * 2 as doubled`);
  const runDoubled = (tx: Parameters<typeof executeBuilt>[0], name: string, value: number) =>
    executeBuilt(tx, doubled, { value }, { name });

  it('answer each call with the rows for its own parameters', async () => {
    const answers = await database.db.transaction(async (tx) => [
      rowsOf<{ doubled: number }>(await runDoubled(tx, 'test_doubled', 2)),
      rowsOf<{ doubled: number }>(await runDoubled(tx, 'test_doubled', 21)),
    ]);
    expect(answers).toEqual([[{ doubled: 4 }], [{ doubled: 42 }]]);
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'are prepared once on the connection, under their name (PostgreSQL)',
    async () => {
      const prepared = await database.db.transaction(async (tx) => {
        await runDoubled(tx, 'test_prepared_once', 1);
        await runDoubled(tx, 'test_prepared_once', 2);
        return rowsOf<{ name: string }>(
          await tx.execute(sql`select name from pg_prepared_statements where not from_sql`),
        ).map(({ name }) => name);
      });
      expect(prepared.filter((name) => name === 'test_prepared_once')).toHaveLength(1);
    },
  );
});
