import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { statements } from '../../src/db/schema.js';
import {
  claimPendingStatements,
  countPendingStatements,
} from '../../src/xapi/pending-statements.js';
import { createActorResolver } from '../../src/xapi/resolve-actor.js';
import type { Actor } from '../../src/xapi/statement.js';
import { storeStatements } from '../../src/xapi/statement-store.js';
import { createTestDatabase } from '../support/test-database.js';
import { buildPlatform, buildUser } from './xapi-factories.js';

const isPostgres = process.env.DATABASE_URL !== undefined;

describe('statements waiting for their learner (pending-statements)', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  async function send(
    platformId: string | null,
    actors: Actor[],
    onStatementsStored: () => Promise<boolean> = async () => false,
  ) {
    const { ids } = await storeStatements({
      db: database.db,
      statements: actors.map((actor) => ({
        actor,
        verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
        object: { id: 'https://lms.example.org/mod/quiz/view.php?id=1' },
      })),
      credential: { key: 'lms-key' },
      source: 'platform',
      publicUrl: 'https://tool.example',
      resolveActors: createActorResolver(platformId),
      pendingPlatformId: platformId,
      onStatementsStored,
    });
    return ids;
  }

  it('keeps a statement of an unknown actor for its platform and gives it to the user once', async () => {
    const platform = await buildPlatform(database.db);
    const [id] = await send(platform.id, [
      { account: { homePage: `${platform.issuer}/`, name: '42' } },
    ]);
    expect((await countPendingStatements(database.db)).get(platform.id)).toBe(1);

    const userId = await buildUser(database.db, { platformId: platform.id, sub: '42' });
    const claimed = await claimPendingStatements(database.db, [userId]);
    expect(claimed.map((statement) => [statement.id, statement.userId])).toEqual([[id, userId]]);
    expect(await claimPendingStatements(database.db, [userId])).toEqual([]);
    expect((await countPendingStatements(database.db)).get(platform.id)).toBeUndefined();
    const [row] = await database.db.select().from(statements).where(eq(statements.id, id!));
    expect(row).toMatchObject({ userId, pendingPlatformId: null, pendingActorKey: null });
  });

  it.runIf(isPostgres)(
    "gives the learner a statement stored while their first launch made them known, once that launch's claim runs",
    async () => {
      const platform = await buildPlatform(database.db);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let opened!: () => void;
      const isOpen = new Promise<void>((resolve) => (opened = resolve));
      const sent = send(
        platform.id,
        [{ account: { homePage: `${platform.issuer}/`, name: '42' } }],
        async () => {
          opened();
          await released;
          return false;
        },
      );
      await isOpen;
      const userId = await buildUser(database.db, { platformId: platform.id, sub: '42' });
      const claiming = database.db.transaction((tx) => claimPendingStatements(tx, [userId]));
      await new Promise((resolve) => setTimeout(resolve, 300));
      release();
      const [claimed, [id]] = await Promise.all([claiming, sent]);
      expect(claimed.map((statement) => [statement.id, statement.userId])).toEqual([[id, userId]]);
    },
  );

  it('gives mbox statements only to a user whose email no other user of the platform has', async () => {
    const platform = await buildPlatform(database.db);
    await send(platform.id, [
      { mbox: 'mailto:Twin@Example.org' },
      { mbox: 'mailto:solo@example.org' },
    ]);
    const twins = await Promise.all(
      ['t1', 't2'].map((sub) =>
        buildUser(database.db, { platformId: platform.id, sub, email: 'twin@example.org' }),
      ),
    );
    const solo = await buildUser(database.db, {
      platformId: platform.id,
      sub: 's',
      email: 'SOLO@example.org',
    });
    expect(await claimPendingStatements(database.db, twins)).toEqual([]);
    expect((await claimPendingStatements(database.db, [solo])).map((s) => s.userId)).toEqual([
      solo,
    ]);
    expect((await countPendingStatements(database.db)).get(platform.id)).toBe(1);
  });

  it('counts statements no user can ever answer to (groups, openids), and keeps none for unbound credentials', async () => {
    const platform = await buildPlatform(database.db);
    await send(platform.id, [
      { objectType: 'Group', member: [{ mbox: 'mailto:a@example.org' }] },
      { openid: 'https://id.example.org/a' },
    ]);
    const [unbound] = await send(null, [{ mbox: 'mailto:nobody@example.org' }]);
    expect((await countPendingStatements(database.db)).get(platform.id)).toBe(2);
    const [row] = await database.db.select().from(statements).where(eq(statements.id, unbound!));
    expect(row).toMatchObject({ userId: null, pendingPlatformId: null, pendingActorKey: null });
  });

  it('does not give a statement to a user of another platform with the same account name', async () => {
    const [one, other] = await Promise.all([
      buildPlatform(database.db),
      buildPlatform(database.db),
    ]);
    await send(one.id, [{ account: { homePage: one.issuer, name: 'same' } }]);
    const stranger = await buildUser(database.db, { platformId: other.id, sub: 'same' });
    expect(await claimPendingStatements(database.db, [stranger])).toEqual([]);
  });
});
