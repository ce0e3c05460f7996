import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { rowsOf } from '../../src/db/raw-rows.js';
import { issuerProfiles } from '../../src/db/schema.js';
import { createTestStorage, type TestStorage } from '../support/test-database.js';

describe('openDatabase', () => {
  let storage: TestStorage;
  let database: Database;

  beforeAll(async () => {
    storage = await createTestStorage();
    database = await openDatabase(storage);
  });
  afterAll(async () => {
    await database.close();
    await storage.drop();
  });

  it('uses PostgreSQL when a URL is given and PGlite otherwise', () => {
    expect(database.mode).toBe(storage.databaseUrl ? 'postgresql' : 'pglite');
  });

  it.skipIf(Boolean(process.env.DATABASE_URL))(
    'keeps the embedded database buffer cache small, the files being cached by the system anyway (PGlite)',
    async () => {
      const result = await database.db.execute(sql`show shared_buffers`);
      expect(rowsOf<{ shared_buffers: string }>(result)[0]?.shared_buffers).toBe('32MB');
    },
  );

  it('applies the migrations, and applying them again changes nothing', async () => {
    await database.migrate();
    await database.migrate();
    const result = await database.db.execute(
      sql`select count(*)::int as n from information_schema.tables where table_name = 'statements'`,
    );
    expect(rowsOf<{ n: number }>(result)[0]?.n).toBe(1);
  });

  it('keeps rows after the database is closed and opened again', async () => {
    await database.db.insert(issuerProfiles).values({ id: 'kept', name: 'Kept University' });
    await database.close();
    database = await openDatabase(storage);
    const rows = await database.db.select().from(issuerProfiles);
    expect(rows.map((row) => row.name)).toContain('Kept University');
  });
});
