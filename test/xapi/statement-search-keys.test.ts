import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { statements as statementsTable } from '../../src/db/schema.js';
import type { LrsStatement } from '../../src/xapi/statement.js';
import { identifierKey, searchKeysOf } from '../../src/xapi/statement-search-keys.js';
import { validateStatement } from '../../src/xapi/validate/statement.js';
import { createTestDatabase } from '../support/test-database.js';
import { changed, fullStatement, minimalStatement } from './statement-examples.js';
import { storeAsPlatform } from './xapi-factories.js';

const AUTHORITY = {
  objectType: 'Agent' as const,
  account: { homePage: 'https://t.example', name: 'k' },
};

function lrsStatement(value: Record<string, unknown>): LrsStatement {
  return {
    ...validateStatement(changed(value, 'id', randomUUID())),
    stored: '2024-06-01T08:00:00.000Z',
    timestamp: '2024-06-01T08:00:00.000Z',
    authority: AUTHORITY,
    version: '2.0.0',
  } as LrsStatement;
}

/** Statements with every place an agent or activity can stand. */
function variedStatements(): Record<string, unknown>[] {
  const group = {
    objectType: 'Group',
    mbox_sha1sum: 'a'.repeat(40),
    member: [{ openid: 'https://id.example.org/m1' }, { mbox: 'mailto:m2@example.org' }],
  };
  return [
    fullStatement(),
    minimalStatement(),
    { ...minimalStatement(), actor: group },
    { ...minimalStatement(), actor: { objectType: 'Group', member: group.member } },
    { ...minimalStatement(), object: { objectType: 'Agent', mbox: 'mailto:obj@example.org' } },
    { ...minimalStatement(), object: { objectType: 'StatementRef', id: randomUUID() } },
    {
      ...minimalStatement(),
      context: {
        contextAgents: [{ objectType: 'contextAgent', agent: { mbox: 'mailto:ca@example.org' } }],
        contextGroups: [{ objectType: 'contextGroup', group }],
        contextActivities: {
          other: [{ id: 'https://example.org/other' }, { id: 'https://example.org/other' }],
        },
      },
    },
    {
      ...minimalStatement(),
      object: {
        objectType: 'SubStatement',
        actor: group,
        verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
        object: { objectType: 'Agent', account: { homePage: 'https://lms.example', name: 'o' } },
        context: {
          instructor: { mbox: 'mailto:si@example.org' },
          team: group,
          contextActivities: { grouping: [{ id: 'https://example.org/sub-grouping' }] },
        },
      },
    },
    {
      ...minimalStatement(),
      object: {
        objectType: 'SubStatement',
        actor: { mbox: 'mailto:sa@example.org' },
        verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
        object: { id: 'https://example.org/sub-activity' },
      },
    },
  ];
}

describe('statement search keys', () => {
  it('keys an identifier exactly as sent, by its kind', () => {
    expect(identifierKey({ mbox: 'mailto:Ann@Example.org' })).toBe('mbox mailto:Ann@Example.org');
    expect(identifierKey({ account: { homePage: 'https://lms.example/', name: 'a b' } })).toBe(
      'account https://lms.example/ a b',
    );
    expect(identifierKey({})).toBeNull();
  });

  it('keeps the actor and an agent object apart from the agents only related_agents finds', () => {
    const keys = searchKeysOf(lrsStatement(fullStatement()));
    expect(keys.agentKeys).toEqual(['mbox mailto:ann@example.org']);
    expect(keys.relatedAgentKeys).toEqual([
      'account https://t.example k',
      'account https://lms.example.org t1',
      'mbox mailto:bob@example.org',
    ]);
    expect(keys.relatedActivityIds).toEqual([
      'https://courses.example.org/course/1',
      'https://w3id.org/xapi/cmi5/context/categories/cmi5',
    ]);
    expect(keys.objectStatementId).toBeNull();
  });

  it('takes a group actor with its members, and a sub-statement into the related keys', () => {
    const [, , groupActor, , , , , subStatement] = variedStatements().map((value) =>
      searchKeysOf(lrsStatement(value)),
    );
    expect(groupActor?.agentKeys).toEqual([
      `mbox_sha1sum ${'a'.repeat(40)}`,
      'openid https://id.example.org/m1',
      'mbox mailto:m2@example.org',
    ]);
    expect(subStatement?.agentKeys).toEqual(['mbox mailto:ann@example.org']);
    expect(subStatement?.relatedAgentKeys).toContain('account https://lms.example o');
    expect(subStatement?.relatedActivityIds).toEqual(['https://example.org/sub-grouping']);
  });

  it("gives the actor's own key apart, none for an anonymous group", () => {
    const [, minimal, groupActor, anonymousGroupActor, agentObject] = variedStatements().map(
      (value) => searchKeysOf(lrsStatement(value)),
    );
    expect(minimal?.actorAgentKey).toBe(minimal?.agentKeys[0]);
    expect(groupActor?.actorAgentKey).toBe(`mbox_sha1sum ${'a'.repeat(40)}`);
    expect(anonymousGroupActor?.actorAgentKey).toBeNull();
    expect(anonymousGroupActor?.agentKeys).toHaveLength(2);
    expect(agentObject?.agentKeys).toEqual([
      agentObject?.actorAgentKey,
      'mbox mailto:obj@example.org',
    ]);
    expect(
      [minimal, groupActor, anonymousGroupActor, agentObject].map(
        (keys) => keys?.hasOtherAgentKeys,
      ),
    ).toEqual([false, true, true, true]);
  });
});

describe('the migration that added the search keys fills them for stored statements', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('gives every StatementRef the keys of its target the store gives it, none without one', async () => {
    const { db } = database;
    const target = validateStatement(changed(fullStatement(), 'id', randomUUID()));
    const referringTo = (id: string) =>
      validateStatement(
        changed(changed(minimalStatement(), 'id', randomUUID()), 'object', {
          objectType: 'StatementRef',
          id,
        }),
      );
    const referring = referringTo(target.id as string);
    const referringToUnknown = referringTo(randomUUID());
    for (const statement of [target, referring, referringToUnknown]) {
      await storeAsPlatform(db, [statement]);
    }
    const ids = [referring.id as string, referringToUnknown.id as string];
    const targetKeys = async () =>
      Object.fromEntries(
        (
          await db
            .select({ id: statementsTable.id, targetKeys: statementsTable.targetKeys })
            .from(statementsTable)
            .where(inArray(statementsTable.id, ids))
        ).map((row) => [row.id, row.targetKeys]),
      );
    const asStored = await targetKeys();

    await db.transaction(async (tx) => {
      await tx
        .update(statementsTable)
        .set({ targetKeys: null })
        .where(inArray(statementsTable.id, ids));
      for (const statement of backfillStatements('-- hand-written: fill the target keys')) {
        await tx.execute(sql.raw(statement));
      }
    });

    expect(asStored[referring.id as string]).toContain(`verb ${target.verb.id}`);
    expect(asStored[referringToUnknown.id as string]).toEqual([]);
    expect(await targetKeys()).toEqual(asStored);
  });

  it('gives a StatementRef left without keys those of its target stored since (migration 0029)', async () => {
    const { db } = database;
    const target = validateStatement(changed(fullStatement(), 'id', randomUUID()));
    const referring = validateStatement(
      changed(changed(minimalStatement(), 'id', randomUUID()), 'object', {
        objectType: 'StatementRef',
        id: target.id,
      }),
    );
    await storeAsPlatform(db, [target, referring]);
    const targetKeys = async () =>
      (
        await db
          .select({ targetKeys: statementsTable.targetKeys })
          .from(statementsTable)
          .where(eq(statementsTable.id, referring.id as string))
      )[0]?.targetKeys;
    const asStored = await targetKeys();

    await db.transaction(async (tx) => {
      await tx
        .update(statementsTable)
        .set({ targetKeys: [] })
        .where(eq(statementsTable.id, referring.id as string));
      const marker = '-- hand-written: give the target keys to StatementRefs stored without them';
      for (const statement of backfillStatements(marker)) await tx.execute(sql.raw(statement));
    });

    expect(asStored).toContain(`verb ${target.verb.id}`);
    expect(await targetKeys()).toEqual(asStored);
  });

  /** Stores the varied statements through the store; gives their ids. */
  function storeVariedStatements(): Promise<string[]> {
    return storeAsPlatform(
      database.db,
      variedStatements().map((value) => validateStatement(changed(value, 'id', randomUUID()))),
    );
  }

  /** The hand-written part, from `marker` on, of the migration that has it. */
  function backfillStatements(marker = '-- hand-written: fill the search keys'): string[] {
    const folder = path.join(import.meta.dirname, '../../drizzle');
    const migration = readdirSync(folder)
      .filter((name) => name.endsWith('.sql'))
      .map((name) => readFileSync(path.join(folder, name), 'utf8'))
      .find((text) => text.includes(marker));
    if (!migration) throw new Error(`no migration has "${marker}"`);
    return migration
      .slice(migration.indexOf(marker))
      .split('--> statement-breakpoint')
      .map((part) => part.trim())
      .filter((part) => part.length > 0);
  }

  it('gives every statement the keys the store gives it', async () => {
    const { db } = database;
    const ids = await storeVariedStatements();
    const keysOfRows = async () =>
      (
        await db
          .select({
            id: statementsTable.id,
            agentKeys: statementsTable.agentKeys,
            relatedAgentKeys: statementsTable.relatedAgentKeys,
            relatedActivityIds: statementsTable.relatedActivityIds,
            objectStatementId: statementsTable.objectStatementId,
          })
          .from(statementsTable)
          .where(inArray(statementsTable.id, ids))
      )
        .map((row) => ({
          ...row,
          agentKeys: [...row.agentKeys].sort(),
          relatedAgentKeys: [...row.relatedAgentKeys].sort(),
          relatedActivityIds: [...row.relatedActivityIds].sort(),
        }))
        .sort((a, b) => a.id.localeCompare(b.id));
    const asStored = await keysOfRows();

    await db.transaction(async (tx) => {
      await tx
        .update(statementsTable)
        .set({
          agentKeys: [],
          relatedAgentKeys: [],
          relatedActivityIds: [],
          objectStatementId: null,
        })
        .where(inArray(statementsTable.id, ids));
      for (const statement of backfillStatements()) await tx.execute(sql.raw(statement));
    });

    expect(asStored.some((row) => row.relatedAgentKeys.length > 2)).toBe(true);
    expect(await keysOfRows()).toEqual(asStored);
  });

  it("gives every statement the actor's key, and whether it has others, as the store gives them", async () => {
    const { db } = database;
    const ids = await storeVariedStatements();
    const actorKeysOfRows = async () =>
      (
        await db
          .select({
            id: statementsTable.id,
            actorAgentKey: statementsTable.actorAgentKey,
            hasOtherAgentKeys: statementsTable.hasOtherAgentKeys,
          })
          .from(statementsTable)
          .where(inArray(statementsTable.id, ids))
      ).sort((a, b) => a.id.localeCompare(b.id));
    const asStored = await actorKeysOfRows();

    await db.transaction(async (tx) => {
      await tx
        .update(statementsTable)
        .set({ actorAgentKey: null, hasOtherAgentKeys: false })
        .where(inArray(statementsTable.id, ids));
      const [fillKey, fillOthers] = backfillStatements(
        "-- hand-written: fill the actor's agent key",
      );
      for (const statement of [fillKey!, fillOthers!]) await tx.execute(sql.raw(statement));
    });

    expect(asStored.filter((row) => row.actorAgentKey === null)).toHaveLength(1);
    expect(asStored.filter((row) => row.hasOtherAgentKeys)).toHaveLength(3);
    expect(await actorKeysOfRows()).toEqual(asStored);
  });
});
