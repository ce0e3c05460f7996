import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { outbox } from '../../src/db/schema.js';
import {
  credentialRecognisedJob,
  enqueueCredentialRecognised,
} from '../../src/jobs/credential-recognised-job.js';
import { createTestDatabase } from '../support/test-database.js';

describe('enqueueCredentialRecognised', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  const payloadsQueued = async () =>
    (
      await database.db
        .select({ payload: outbox.payload })
        .from(outbox)
        .where(eq(outbox.kind, credentialRecognisedJob.name))
        .orderBy(outbox.id)
    ).map((row) => row.payload);

  it('queues one job per recognition, with its learner, however often it is called', async () => {
    const recognition = { id: randomUUID(), userId: randomUUID() };
    const { db } = database;
    await db.transaction((tx) => enqueueCredentialRecognised(tx, recognition));
    await db.transaction((tx) => enqueueCredentialRecognised(tx, recognition));
    expect(await payloadsQueued()).toEqual([{ userId: recognition.userId }]);
  });

  it('queues a job for each recognition of a learner', async () => {
    const userId = randomUUID();
    const { db } = database;
    const before = (await payloadsQueued()).length;
    await db.transaction((tx) => enqueueCredentialRecognised(tx, { id: randomUUID(), userId }));
    await db.transaction((tx) => enqueueCredentialRecognised(tx, { id: randomUUID(), userId }));
    expect((await payloadsQueued()).slice(before)).toEqual([{ userId }, { userId }]);
  });

  it('queues nothing when the transaction that recognises rolls back', async () => {
    const recognition = { id: randomUUID(), userId: randomUUID() };
    const before = await payloadsQueued();
    await expect(
      database.db.transaction(async (tx) => {
        await enqueueCredentialRecognised(tx, recognition);
        throw new Error('the recognition failed');
      }),
    ).rejects.toThrow('the recognition failed');
    expect(await payloadsQueued()).toEqual(before);
  });
});
