import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { changeCredentialStatus, readBit } from '../../src/badges/status-list.js';
import { openDatabase } from '../../src/db/database.js';
import { issuerProfiles } from '../../src/db/schema.js';
import { givenIssuingCourse } from '../support/issuing-course.js';
import {
  readPublished,
  runMicrocred,
  type PublishedCredential,
} from '../support/published-credentials.js';
import { createTestStorage, type TestStorage } from '../support/test-database.js';
import { freePort, startTestTool } from '../support/test-tool.js';

// Each step starts the CLI (or the server) as a Node process of its own, compiling TypeScript as it
// loads: on a loaded CI machine that alone can take tens of seconds.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 240_000 });

const SECRET = 'move-up-test-secret-'.padEnd(40, 's');
const PUBLIC_URL = 'https://tool.example';

/** The move needs a PostgreSQL server to move to: the one DATABASE_URL names. */
describe.skipIf(!process.env.DATABASE_URL)('microcred move-to-postgresql', () => {
  let embedded: TestStorage;
  let postgres: TestStorage;
  let env: Record<string, string>;
  let port: number;
  let course: Awaited<ReturnType<typeof givenIssuingCourse>>;
  let credentialIds: string[];
  let before: PublishedCredential[];

  beforeAll(async () => {
    embedded = {
      databaseUrl: undefined,
      dataDir: await mkdtemp(path.join(os.tmpdir(), 'microcred-embedded-')),
      drop: () => Promise.resolve(),
    };
    postgres = await createTestStorage();
    port = await freePort();
    env = { PORT: String(port), MICROCRED_PUBLIC_URL: PUBLIC_URL, MICROCRED_SECRET: SECRET };
    const tool = await startTestTool({ storage: embedded, env });
    course = await givenIssuingCourse(tool.current().database.db);
    credentialIds = [await course.award('ada'), await course.award('grace')];
    before = await Promise.all(
      credentialIds.map((id) => readPublished(`http://127.0.0.1:${port}`, PUBLIC_URL, id)),
    );
    await tool.close();
  });
  afterAll(async () => {
    await postgres?.drop();
    await rm(embedded.dataDir, { recursive: true, force: true });
  });

  it('copies everything, after which credentials verify and revocation continues where it stopped', async () => {
    const moved = await runMicrocred(
      embedded,
      env,
      'move-to-postgresql',
      '--to',
      postgres.databaseUrl!,
    );
    expect(JSON.parse(moved.stdout)).toMatchObject({
      moved: { rows: expect.any(Number) },
      next: expect.stringContaining('DATABASE_URL='),
    });

    const tool = await startTestTool({ storage: postgres, env });
    try {
      const baseUrl = `http://127.0.0.1:${port}`;
      const after = await Promise.all(
        credentialIds.map((id) => readPublished(baseUrl, PUBLIC_URL, id)),
      );
      expect(after).toEqual(before);
      expect(after.map((published) => published.verified)).toEqual([
        { json: true, jwt: true },
        { json: true, jwt: true },
      ]);

      const { db } = tool.current().database;
      const third = await readPublished(baseUrl, PUBLIC_URL, await course.award('hopper', db));
      expect(third.statusList.id).toBe(before[0]!.statusList.id);
      expect(third.statusListIndex).toBe(Math.max(...before.map((p) => p.statusListIndex)) + 1);

      await changeCredentialStatus(db, {
        credentialId: credentialIds[1]!,
        action: 'revoke',
        reason: 'Exam fraud',
        actor: null,
      });
      const revoked = await readPublished(baseUrl, PUBLIC_URL, credentialIds[1]!);
      expect(readBit(revoked.statusList.encodedList, revoked.statusListIndex)).toBe(true);
      expect(revoked.verified).toEqual({ json: false, jwt: false });
    } finally {
      await tool.close();
    }
  });

  it('refuses a PostgreSQL database that already holds data, and says so', async () => {
    const filled = await createTestStorage();
    try {
      const database = await openDatabase(filled);
      await database.migrate();
      await database.db.insert(issuerProfiles).values({ id: 'there-before', name: 'Other' });
      await database.close();
      const refused = await runMicrocred(
        embedded,
        env,
        'move-to-postgresql',
        '--to',
        filled.databaseUrl!,
      ).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      );
      expect(refused?.code).toBe(2);
      expect(refused?.stderr).toMatch(/already holds data \(tables issuer_profiles\)/);
    } finally {
      await filled.drop();
    }
  });
});
