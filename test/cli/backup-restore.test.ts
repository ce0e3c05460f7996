import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { restore } from '../../src/cli/restore.js';
import { changeCredentialStatus } from '../../src/badges/status-list.js';
import { loadSettings } from '../../src/config/settings.js';
import { openDatabase } from '../../src/db/database.js';
import { rowsOf } from '../../src/db/raw-rows.js';
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

const SECRET = 'backup-test-secret-'.padEnd(40, 's');
const PUBLIC_URL = 'https://tool.example';
const storageKind = process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded';

describe(`microcred backup and restore (${storageKind})`, () => {
  const storages: TestStorage[] = [];
  let port: number;
  let env: Record<string, string>;
  let folder: string;
  let backupFile: string;
  let credentialIds: string[];
  let before: PublishedCredential[];

  const freshStorage = async () => {
    const storage = await createTestStorage();
    storages.push(storage);
    return storage;
  };
  const restoreInProcess = async (storage: TestStorage, secret: string, file = backupFile) => {
    const settings = loadSettings({
      DATABASE_URL: storage.databaseUrl,
      MICROCRED_DATA_DIR: storage.dataDir,
      MICROCRED_SECRET: secret,
    });
    return restore(settings, [file], () => {}).then(
      () => null,
      (error: { code: string; message: string }) => error,
    );
  };
  /** Has anything been written there: a migrated schema on PostgreSQL, a database folder on PGlite? */
  const isUntouched = async (storage: TestStorage) => {
    if (!storage.databaseUrl) return !existsSync(path.join(storage.dataDir, 'pgdata'));
    const database = await openDatabase(storage);
    try {
      const [counted] = rowsOf<{ tables: number }>(
        await database.db.execute(
          sql`select count(*)::int as tables from information_schema.tables where table_schema in ('public', 'drizzle')`,
        ),
      );
      return counted?.tables === 0;
    } finally {
      await database.close();
    }
  };

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'microcred-backup-'));
    backupFile = path.join(folder, 'microcred.backup');
    port = await freePort();
    env = { PORT: String(port), MICROCRED_PUBLIC_URL: PUBLIC_URL, MICROCRED_SECRET: SECRET };
    const source = await freshStorage();
    const tool = await startTestTool({ storage: source, env });
    const { db } = tool.current().database;
    const course = await givenIssuingCourse(db);
    credentialIds = [await course.award('ada'), await course.award('grace')];
    await changeCredentialStatus(db, {
      credentialId: credentialIds[1]!,
      action: 'revoke',
      reason: 'Exam fraud',
      actor: null,
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    before = await Promise.all(credentialIds.map((id) => readPublished(baseUrl, PUBLIC_URL, id)));
    // PostgreSQL: the backup reads one snapshot beside the serving tool. Embedded: the tool
    // holds the database, so it stops first (test/cli/embedded-database-lock.test.ts).
    if (source.databaseUrl) {
      await runMicrocred(source, env, 'backup', backupFile);
      await tool.close();
    } else {
      await tool.close();
      await runMicrocred(source, env, 'backup', backupFile);
    }
  });
  afterAll(async () => {
    await Promise.all(storages.map((storage) => storage.drop()));
    await rm(folder, { recursive: true, force: true });
  });

  it('restores into fresh storage a tool whose DID documents, credentials and status lists are byte-identical', async () => {
    expect(before.map((published) => published.verified)).toEqual([
      { json: true, jwt: true },
      { json: false, jwt: false },
    ]);
    const target = await freshStorage();
    const restored = await runMicrocred(target, env, 'restore', backupFile);
    expect(JSON.parse(restored.stdout)).toMatchObject({
      rows: expect.any(Number),
      toolVersion: expect.any(String),
      migration: expect.stringMatching(/^\d{4}_/),
    });

    const tool = await startTestTool({ storage: target, env });
    try {
      const after = await Promise.all(
        credentialIds.map((id) => readPublished(`http://127.0.0.1:${port}`, PUBLIC_URL, id)),
      );
      expect(after).toEqual(before);
    } finally {
      await tool.close();
    }
  });

  it('says in the file which tool version and migration wrote it, and keeps the secret out', async () => {
    const { gunzipSync } = await import('node:zlib');
    const text = gunzipSync(await readFile(backupFile)).toString('utf8');
    const [format, header] = JSON.parse(text.slice(0, text.indexOf('\n'))) as [string, object];
    expect(format).toBe('microcred-backup');
    expect(header).toMatchObject({
      formatVersion: 1,
      toolVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
      migration: expect.stringMatching(/^\d{4}_/),
    });
    expect(text).not.toContain(SECRET);
  });

  describe('refusals, before anything is written', () => {
    it('refuses a wrong secret', async () => {
      const target = await freshStorage();
      const refused = await restoreInProcess(target, 'another-secret-'.padEnd(40, 'x'));
      expect(refused).toMatchObject({ code: 'SECRET_MISMATCH' });
      expect(await isUntouched(target)).toBe(true);
    });

    it('refuses a database that already holds data', async () => {
      const refused = await restoreInProcess(storages[0]!, SECRET);
      expect(refused).toMatchObject({
        code: 'DATABASE_NOT_EMPTY',
        message: expect.stringContaining('already holds data'),
      });
    });

    it('refuses a file cut short, and restores nothing of it', async () => {
      const whole = await readFile(backupFile);
      const cut = path.join(folder, 'cut.backup');
      await writeFile(cut, whole.subarray(0, Math.floor(whole.length * 0.8)));
      const target = await freshStorage();
      expect(await restoreInProcess(target, SECRET, cut)).toMatchObject({
        code: 'BACKUP_FILE_INVALID',
      });
      expect(await restoreInProcess(target, SECRET)).toBeNull();
    });
  });
});
