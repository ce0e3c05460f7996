import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config/project-root.js';
import { openDatabase } from '../../src/db/database.js';
import { statements as statementsTable } from '../../src/db/schema.js';
import { createXapiCredential } from '../../src/xapi/credentials.js';
import { createTestStorage, type TestStorage } from '../support/test-database.js';
import { basicAuthorization } from './lrs-test-server.js';

const CLIENTS = 4;
const ACKNOWLEDGED_BEFORE_KILL = 60;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe(`durability: statements acknowledged survive kill -9 (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  let storage: TestStorage;
  let authorization: string;

  beforeAll(async () => {
    storage = await createTestStorage();
    const database = await openDatabase(storage);
    await database.migrate();
    const { key, secret } = await createXapiCredential({ db: database.db, name: 'durability' });
    authorization = basicAuthorization(key, secret);
    await database.close();
  });
  afterAll(async () => {
    await storage.drop();
  });

  it('finds every statement answered 200 stored after the server is killed with SIGKILL', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const tool = spawn(process.execPath, ['--import', 'tsx', path.join('src', 'main.ts')], {
      cwd: projectRoot,
      env: {
        ...process.env,
        ...(storage.databaseUrl ? { DATABASE_URL: storage.databaseUrl } : {}),
        MICROCRED_DATA_DIR: storage.dataDir,
        MICROCRED_SECRET: randomBytes(32).toString('hex'),
        MICROCRED_LOG_LEVEL: 'error',
        PORT: String(port),
        MICROCRED_PUBLIC_URL: url,
      },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => tool.once('exit', resolve));
    // A loaded machine can take half a minute to start tsx and migrate; the test's own limit is 120 s.
    for (const startedAt = Date.now(); ;) {
      if (Date.now() - startedAt > 75_000) throw new Error('the tool did not start');
      const isUp = await fetch(`${url}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (isUp) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const acknowledged: string[] = [];
    let isKilled = false;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_unused, client) => {
        while (!isKilled) {
          const batch = Array.from({ length: 1 + (client % 3) }, () => ({
            id: randomUUID(),
            actor: { mbox: `mailto:learner-${client}@example.org` },
            verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
            object: { id: 'https://content.example.org/quiz' },
            result: { score: { scaled: 0.5 } },
          }));
          const response = await fetch(`${url}/xapi/statements`, {
            method: 'POST',
            headers: {
              Authorization: authorization,
              'X-Experience-API-Version': '2.0.0',
              'Content-Type': 'application/json',
            },
            body: JSON.stringify(batch),
          }).catch(() => null);
          if (response?.status === 200) {
            acknowledged.push(...batch.map((statement) => statement.id));
            if (acknowledged.length >= ACKNOWLEDGED_BEFORE_KILL && !isKilled) {
              isKilled = true;
              tool.kill('SIGKILL');
            }
          }
        }
      }),
    );
    await exited;

    const database = await openDatabase(storage);
    try {
      const rows = await database.db
        .select({ id: statementsTable.id })
        .from(statementsTable)
        .where(inArray(statementsTable.id, acknowledged));
      expect(acknowledged.length).toBeGreaterThanOrEqual(ACKNOWLEDGED_BEFORE_KILL);
      expect(rows.length).toBe(acknowledged.length);
    } finally {
      await database.close();
    }
  }, 120_000);
});
