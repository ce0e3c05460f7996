import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.js';

/**
 * Where a test keeps its data: a fresh PostgreSQL database on the server named by
 * DATABASE_URL when it is set, else a fresh PGlite data folder. `drop()` removes it.
 */
export interface TestStorage {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  drop(): Promise<void>;
}

export async function createTestStorage(): Promise<TestStorage> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'microcred-test-'));
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    return {
      databaseUrl: undefined,
      dataDir,
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `microcred_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`create database ${name}`));
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${name}`;
  return {
    databaseUrl: databaseUrl.href,
    dataDir,
    drop: async () => {
      await withAdminClient(serverUrl, (client) =>
        client.query(`drop database if exists ${name} with (force)`),
      );
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A migrated database on fresh test storage, for tests below the HTTP layer. */
export async function createTestDatabase(): Promise<Database & { storage: TestStorage }> {
  const storage = await createTestStorage();
  const database = await openDatabase(storage);
  await database.migrate();
  return {
    ...database,
    storage,
    close: async () => {
      await database.close();
      await storage.drop();
    },
  };
}

async function withAdminClient(serverUrl: string, run: (client: pg.Client) => Promise<unknown>) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}
