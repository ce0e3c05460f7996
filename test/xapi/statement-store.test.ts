import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Executor } from '../../src/db/database.js';
import { issuerProfiles, statements as statementsTable } from '../../src/db/schema.js';
import { XapiStatementConflictError, XapiStatementInvalidError } from '../../src/errors.js';
import { createActorResolver, type ResolveActors } from '../../src/xapi/resolve-actor.js';
import type { Statement } from '../../src/xapi/statement.js';
import {
  createStatementWriter,
  getStatement,
  queryStatements,
  storeStatements,
  type OnStatementsStored,
  type StoredStatement,
} from '../../src/xapi/statement-store.js';
import { validateStatement } from '../../src/xapi/validate/statement.js';
import { createTestDatabase } from '../support/test-database.js';
import {
  QUIZ_ID,
  REGISTRATION,
  changed,
  fullStatement,
  minimalStatement,
} from './statement-examples.js';
import { buildPlatform, buildUser } from './xapi-factories.js';

const PUBLIC_URL = 'https://tool.example.org';
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';
const NOW = new Date('2024-06-01T08:00:00.000Z');
const isPostgres = process.env.DATABASE_URL !== undefined;

describe('statement store', () => {
  let database: Database;
  let db: Executor;
  let platformId: string;
  let annId: string;
  const credential = { key: 'store-test-key' };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    const platform = await buildPlatform(db, { issuer: 'https://moodle.example.org' });
    platformId = platform.id;
    annId = await buildUser(db, { platformId, sub: 'ann-sub', email: 'ann@example.org' });
  });
  afterAll(async () => {
    await database.close();
  });

  /** A valid statement with a fresh id, from the full example with `changes` applied. */
  function statement(changes: Record<string, unknown> = {}, base = fullStatement()): Statement {
    let value = changed(base, 'id', randomUUID());
    for (const [path, item] of Object.entries(changes)) value = changed(value, path, item);
    return validateStatement(value);
  }

  function store(
    statements: Statement[],
    onStatementsStored: OnStatementsStored = async () => {},
    now = NOW,
  ) {
    return storeStatements({
      db,
      statements,
      credential,
      source: 'platform',
      publicUrl: PUBLIC_URL,
      resolveActors: createActorResolver(platformId),
      onStatementsStored,
      now,
    });
  }

  async function rowsWithIds(ids: string[]) {
    return db.select().from(statementsTable).where(inArray(statementsTable.id, ids));
  }

  async function refusal(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      () => {
        throw new Error('the batch was accepted');
      },
      (error: unknown) => error,
    );
  }

  describe('storeStatements', () => {
    it('stores a statement with the properties the LRS assigns (xAPI Data 2.4.7-2.4.10)', async () => {
      const sent = statement({ timestamp: undefined, version: undefined });
      const { ids } = await store([sent]);
      const stored = await getStatement(db, ids[0] as string);
      expect(stored).toMatchObject({
        id: sent.id,
        actor: sent.actor,
        stored: NOW.toISOString(),
        timestamp: NOW.toISOString(),
        version: '2.0.0',
        authority: { objectType: 'Agent', account: { homePage: PUBLIC_URL, name: credential.key } },
      });
    });

    it('takes stored from the database clock when no time is fixed: the same in the row, the statement, its missing timestamp and what onStatementsStored receives', async () => {
      const withoutTimestamp = statement({ timestamp: undefined, stored: '2000-01-01T00:00:00Z' });
      const withTimestamp = statement();
      let received: StoredStatement[] = [];
      const before = Date.now();
      await storeStatements({
        db,
        statements: [withoutTimestamp, withTimestamp],
        credential,
        source: 'platform',
        publicUrl: PUBLIC_URL,
        resolveActors: createActorResolver(platformId),
        onStatementsStored: async (_tx, stored) => {
          received = [...stored];
        },
      });
      const after = Date.now();

      const [first, second] = await Promise.all(
        [withoutTimestamp, withTimestamp].map((sent) => getStatement(db, sent.id as string)),
      );
      const stored = first!.stored;
      // The database and this process read one machine's clock; a second of slack either way.
      expect(Date.parse(stored)).toBeGreaterThanOrEqual(before - 1_000);
      expect(Date.parse(stored)).toBeLessThanOrEqual(after + 1_000);
      expect(stored).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(first!.timestamp).toBe(stored);
      expect(second!.stored).toBe(stored);
      expect(second!.timestamp).toBe(withTimestamp.timestamp);
      const rows = await rowsWithIds([withoutTimestamp.id as string]);
      expect(rows[0]!.stored.toISOString()).toBe(stored);
      expect(received.map((one) => [one.stored.toISOString(), one.statement])).toEqual([
        [stored, first],
        [stored, second],
      ]);
    });

    it('keeps the timestamp and version the client sent, and overwrites its authority', async () => {
      const sent = statement({
        version: '1.0.0',
        authority: { mbox: 'mailto:forger@example.org' },
        stored: '2000-01-01T00:00:00Z',
      });
      const { ids } = await store([sent]);
      const stored = await getStatement(db, ids[0] as string);
      expect(stored?.timestamp).toBe(sent.timestamp);
      expect(stored?.version).toBe('1.0.0');
      expect(stored?.stored).toBe(NOW.toISOString());
      expect(stored?.authority.account?.name).toBe(credential.key);
    });

    it('gives a statement without an id a new UUID (xAPI Data 2.4.1)', async () => {
      const { ids } = await store([
        validateStatement(minimalStatement()),
        validateStatement(minimalStatement()),
      ]);
      expect(ids).toHaveLength(2);
      expect(ids[0]).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(ids[0]).not.toBe(ids[1]);
      expect(await rowsWithIds(ids)).toHaveLength(2);
    });

    it('fills the indexed columns, resolving the actor to the learner', async () => {
      const sent = statement();
      await store([sent]);
      const [row] = await rowsWithIds([sent.id as string]);
      expect(row).toMatchObject({
        userId: annId,
        verbId: 'http://adlnet.gov/expapi/verbs/passed',
        activityId: QUIZ_ID,
        registration: REGISTRATION,
        scoreScaled: 0.8,
        success: true,
        completion: true,
        source: 'platform',
        credentialKey: credential.key,
        isVoided: false,
      });
      expect(row?.stored.toISOString()).toBe(NOW.toISOString());
    });

    it('leaves user_id null for an actor it cannot resolve, and activity_id null for other objects', async () => {
      const sent = statement({
        actor: { mbox: 'mailto:stranger@example.org' },
        object: { objectType: 'Agent', mbox: 'mailto:ann@example.org' },
        'context.revision': undefined,
        'context.platform': undefined,
      });
      await store([sent]);
      const [row] = await rowsWithIds([sent.id as string]);
      expect(row?.userId).toBeNull();
      expect(row?.activityId).toBeNull();
    });

    it('passes the new statements to onStatementsStored, in order', async () => {
      const batch = [statement(), statement({ 'result.score.scaled': 0.2 })];
      const seen: StoredStatement[] = [];
      await store(batch, async (_tx, stored) => {
        seen.push(...stored);
      });
      expect(seen.map((item) => item.id)).toEqual(batch.map((item) => item.id));
      expect(seen[1]).toMatchObject({
        userId: annId,
        activityId: QUIZ_ID,
        scoreScaled: 0.2,
        isVoided: false,
      });
      expect(seen[1]?.statement.authority.account?.name).toBe(credential.key);
      expect(seen[1]?.seq).toBeGreaterThan(seen[0]?.seq ?? Infinity);
    });

    it('commits what onStatementsStored writes with the statements', async () => {
      const profileId = `profile-${randomUUID()}`;
      await store([statement()], async (tx) => {
        await tx
          .insert(issuerProfiles)
          .values({ id: profileId, name: 'Written in the same transaction' });
      });
      expect(
        await db.select().from(issuerProfiles).where(eq(issuerProfiles.id, profileId)),
      ).toHaveLength(1);
    });
  });

  describe('idempotent resends (xAPI Communication 2.1.1, 2.1.2)', () => {
    it('changes nothing when a known statement is sent again', async () => {
      const sent = statement();
      await store([sent]);
      const [before] = await rowsWithIds([sent.id as string]);
      const calls: number[] = [];
      const later = new Date(NOW.getTime() + 60_000);
      const { ids, stored } = await store(
        [sent],
        async (_tx, items) => {
          calls.push(items.length);
        },
        later,
      );
      expect(ids).toEqual([sent.id]);
      expect(stored).toEqual([]);
      expect(calls).toEqual([]);
      expect(await rowsWithIds([sent.id as string])).toEqual([before]);
    });

    it('treats a resend that differs only where the LRS may differ as the same statement', async () => {
      const sent = statement({ timestamp: undefined });
      await store([sent]);
      const resent = validateStatement({
        ...sent,
        verb: { id: sent.verb.id, display: { de: 'bestanden' } },
        version: '1.0.0',
        context: {
          ...sent.context,
          contextActivities: {
            ...sent.context?.contextActivities,
            category: sent.context?.contextActivities?.category?.[0],
          },
        },
      });
      await expect(store([resent])).resolves.toMatchObject({ ids: [sent.id], stored: [] });
    });

    it('stores the new statements of a batch that also resends known ones', async () => {
      const known = statement();
      await store([known]);
      const fresh = statement();
      const { stored } = await store([known, fresh]);
      expect(stored.map((item) => item.id)).toEqual([fresh.id]);
    });

    it('stores a statement once when two writers send it at the same time', async () => {
      const sent = statement();
      const calls: string[] = [];
      const record: OnStatementsStored = async (_tx, items) => {
        calls.push(...items.map((item) => item.id));
      };
      await Promise.all([store([sent], record), store([sent], record)]);
      expect(calls).toEqual([sent.id]);
      expect(await rowsWithIds([sent.id as string])).toHaveLength(1);
    });
  });

  describe('refused batches store nothing', () => {
    it('refuses a known id with different content with 409 (xAPI Data 2.3.1)', async () => {
      const original = statement();
      await store([original]);
      const fresh = statement();
      const conflicting = validateStatement({ ...original, result: { success: false } });
      const error = await refusal(store([fresh, conflicting]));
      expect(error).toBeInstanceOf(XapiStatementConflictError);
      expect(error).toMatchObject({ status: 409, code: 'XAPI_STATEMENT_CONFLICT' });
      expect((error as Error).message).toContain(`statement[1] has the id ${original.id}`);
      expect(await rowsWithIds([fresh.id as string])).toEqual([]);
      expect((await getStatement(db, original.id as string))?.result).toEqual(original.result);
    });

    it('refuses two statements with the same id in one batch with 400', async () => {
      const first = statement();
      const other = statement();
      const error = await refusal(store([first, other, { ...statement(), id: first.id }]));
      expect(error).toBeInstanceOf(XapiStatementInvalidError);
      expect(error).toMatchObject({
        status: 400,
        message: 'statement[2].id repeats the id of statement[0] in the same batch',
      });
      expect(await rowsWithIds([first.id as string, other.id as string])).toEqual([]);
    });

    it('stores nothing, not even what onStatementsStored wrote, when onStatementsStored throws', async () => {
      const batch = [statement(), statement()];
      const profileId = `profile-${randomUUID()}`;
      const error = await refusal(
        store(batch, async (tx) => {
          await tx.insert(issuerProfiles).values({ id: profileId, name: 'Rolled back' });
          throw new Error('awards are down');
        }),
      );
      expect((error as Error).message).toBe('awards are down');
      expect(await rowsWithIds(batch.map((item) => item.id as string))).toEqual([]);
      expect(
        await db.select().from(issuerProfiles).where(eq(issuerProfiles.id, profileId)),
      ).toEqual([]);
    });

    it('refuses a statement holding U+0000, which jsonb cannot store', async () => {
      const sent = statement({ 'result.response': 'a\u0000b' });
      const error = await refusal(store([sent]));
      expect(error).toMatchObject({ status: 400, code: 'XAPI_STATEMENT_INVALID' });
      expect(await rowsWithIds([sent.id as string])).toEqual([]);
    });

    it.each([
      [
        'an account name, looked up as text',
        { actor: { account: { homePage: 'https://moodle.example.org', name: 'ann\u0000' } } },
      ],
      ['an extension value', { 'result.extensions': { 'https://example.org/x': ['a\u0000'] } }],
    ])(
      'names the statement holding U+0000 in %s, and stores none of the batch',
      async (_where, change) => {
        const batch = [statement(), statement(change)];
        const error = await refusal(store(batch));
        expect(error).toMatchObject({ status: 400, code: 'XAPI_STATEMENT_INVALID' });
        expect((error as Error).message).toMatch(/^statement\[1\] contains the character U\+0000/);
        expect(await rowsWithIds(batch.map((item) => item.id as string))).toEqual([]);
      },
    );
  });

  describe('voiding (xAPI Data 2.3.2)', () => {
    function voiding(targetId: string): Statement {
      return statement(
        { verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: targetId } },
        minimalStatement(),
      );
    }

    it('voids a stored statement: fetched by voidedStatementId only, no longer in queries', async () => {
      const target = statement({ 'context.registration': randomUUID() });
      await store([target]);
      const voidingStatement = voiding(target.id as string);
      await store([voidingStatement]);
      expect(await getStatement(db, target.id as string)).toBeNull();
      expect((await getStatement(db, target.id as string, { voided: true }))?.id).toBe(target.id);
      const page = await queryStatements(db, {
        registration: target.context?.registration,
        limit: 0,
        ascending: false,
      });
      // xAPI Communication 2.1.3: the voiding statement refers to a match, so it matches too.
      expect(page.statementsJson.map((json) => (JSON.parse(json) as { id: string }).id)).toEqual([
        voidingStatement.id,
      ]);
    });

    it('voids a statement that arrives after its voiding statement', async () => {
      const target = statement();
      await store([voiding(target.id as string)]);
      const { stored } = await store([target]);
      expect(stored[0]?.isVoided).toBe(true);
      expect(await getStatement(db, target.id as string)).toBeNull();
    });

    describe.runIf(isPostgres)(
      'a voiding statement and its target stored at the same moment',
      () => {
        /**
         * Stores `first`, holding its transaction open until `second`, stored meanwhile from
         * another connection, has had time to reach the database; then lets both finish.
         */
        async function storeDuringTransactionOf(first: Statement, second: Statement) {
          let release!: () => void;
          const released = new Promise<void>((resolve) => (release = resolve));
          let opened!: () => void;
          const isOpen = new Promise<void>((resolve) => (opened = resolve));
          const firstStored = store([first], async () => {
            opened();
            await released;
          });
          await isOpen;
          const secondStored = store([second]);
          await new Promise((resolve) => setTimeout(resolve, 300));
          release();
          await Promise.all([firstStored, secondStored]);
        }

        it('voids a statement whose voiding statement came while it was being stored', async () => {
          const target = statement();
          await storeDuringTransactionOf(target, voiding(target.id as string));
          expect(await getStatement(db, target.id as string)).toBeNull();
        });

        it('voids a statement that came while its voiding statement was being stored', async () => {
          const target = statement();
          await storeDuringTransactionOf(voiding(target.id as string), target);
          expect(await getStatement(db, target.id as string)).toBeNull();
        });
      },
    );

    it('never voids a voiding statement', async () => {
      const target = statement();
      const first = voiding(target.id as string);
      await store([target, first]);
      await store([voiding(first.id as string)]);
      expect((await getStatement(db, first.id as string))?.id).toBe(first.id);
    });
  });

  describe('createStatementWriter (group commit)', () => {
    const notified: StoredStatement[][] = [];
    let write: ReturnType<typeof createStatementWriter>;

    beforeAll(() => {
      write = createStatementWriter({
        db,
        publicUrl: PUBLIC_URL,
        onStatementsStored: async (_tx, stored) => {
          notified.push([...stored]);
        },
      });
    });

    const writeOf = (statements: Statement[]) => ({
      statements,
      credential,
      source: 'platform' as const,
      resolveActors: createActorResolver(platformId),
    });

    it('stores concurrent writes in one transaction, each with its own answer', async () => {
      const batches = [[statement()], [statement(), statement()], [statement()]];
      notified.length = 0;

      const results = await Promise.all(batches.map((batch) => write(writeOf(batch))));

      results.forEach((result, index) => {
        expect(result.ids).toEqual(batches[index]!.map((s) => s.id));
        expect(result.stored.map((s) => s.id)).toEqual(batches[index]!.map((s) => s.id));
      });
      const rows = await rowsWithIds(batches.flat().map((s) => s.id!));
      expect(rows).toHaveLength(4);
      expect(new Set(rows.map((row) => row.stored.toISOString())).size).toBe(1);
      expect(notified).toHaveLength(1);
      expect(notified[0]!.map((s) => s.id).sort()).toEqual(
        batches
          .flat()
          .map((s) => s.id)
          .sort(),
      );
    });

    it('resolves the actors of a group’s writes that share a resolver in one call', async () => {
      const calls: number[] = [];
      const platformResolver = createActorResolver(platformId);
      const countingResolver: ResolveActors = async (executor, actors) => {
        calls.push(actors.length);
        return platformResolver(executor, actors);
      };
      const writeWith = (statements: Statement[]) => ({
        ...writeOf(statements),
        resolveActors: countingResolver,
      });
      const batches = [[statement()], [statement(), statement()], [statement()]];

      const results = await Promise.all(batches.map((batch) => write(writeWith(batch))));

      expect(calls).toHaveLength(1);
      results.forEach((result, index) =>
        expect(result.stored.map((s) => s.id)).toEqual(batches[index]!.map((s) => s.id)),
      );
    });

    it('gives the writes of one platform the same resolver, so they can be resolved together', () => {
      expect(createActorResolver(platformId)).toBe(createActorResolver(platformId));
      expect(createActorResolver(platformId)).not.toBe(createActorResolver(null));
    });

    it('refuses only the write that conflicts, storing the others of its group', async () => {
      const original = statement();
      await store([original]);
      const conflicting = validateStatement({ ...original, result: { success: false } });
      const before = statement();
      const besideTheConflict = statement();
      const after = statement();

      const results = await Promise.allSettled([
        write(writeOf([before])),
        write(writeOf([conflicting, besideTheConflict])),
        write(writeOf([after])),
      ]);

      expect(results.map((result) => result.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(
        XapiStatementConflictError,
      );
      expect(await rowsWithIds([before.id!, after.id!])).toHaveLength(2);
      expect(await rowsWithIds([besideTheConflict.id!])).toEqual([]);
    });

    it('stores a statement sent by two concurrent writes once, the second being a resend', async () => {
      const shared = statement();

      const [first, second] = await Promise.all([
        write(writeOf([shared])),
        write(writeOf([shared])),
      ]);

      expect(first.stored.map((s) => s.id)).toEqual([shared.id]);
      expect(second.ids).toEqual([shared.id]);
      expect(second.stored).toEqual([]);
      expect(await rowsWithIds([shared.id!])).toHaveLength(1);
    });
  });

  describe('getStatement', () => {
    it('returns null for an id it does not hold', async () => {
      expect(await getStatement(db, randomUUID())).toBeNull();
    });
  });

  describe('queryStatements (xAPI Communication 2.1.3)', () => {
    const registration = randomUUID();
    const verb = 'https://example.org/verbs/queried';
    let sent: Statement[];

    beforeAll(async () => {
      const base = (index: number) => ({
        verb: { id: verb },
        'context.registration': registration,
        'result.score.scaled': index / 10,
      });
      sent = [
        statement({ ...base(1), actor: { mbox: 'mailto:q1@example.org' } }),
        statement({
          ...base(2),
          actor: { mbox: 'mailto:q2@example.org' },
          'object.id': 'https://example.org/other',
        }),
        statement({
          ...base(3),
          actor: {
            objectType: 'Group',
            member: [{ mbox: 'mailto:q1@example.org' }, { mbox: 'mailto:q3@example.org' }],
          },
        }),
        statement({
          ...base(4),
          object: { objectType: 'Agent', mbox: 'mailto:q1@example.org' },
          'context.revision': undefined,
          'context.platform': undefined,
        }),
      ];
      for (const [index, item] of sent.entries()) {
        await store([item], async () => {}, new Date(NOW.getTime() + index * 1000));
      }
    });

    const ids = (statementsJson: string[]) =>
      statementsJson.map((json) => (JSON.parse(json) as { id: string }).id);

    it('returns newest first by default, oldest first when ascending', async () => {
      const newest = await queryStatements(db, { registration, limit: 0, ascending: false });
      expect(ids(newest.statementsJson)).toEqual(sent.map((item) => item.id).reverse());
      const oldest = await queryStatements(db, { registration, limit: 0, ascending: true });
      expect(ids(oldest.statementsJson)).toEqual(sent.map((item) => item.id));
    });

    it('filters by verb and activity', async () => {
      const page = await queryStatements(db, {
        verb,
        activity: 'https://example.org/other',
        limit: 0,
        ascending: true,
      });
      expect(ids(page.statementsJson)).toEqual([sent[1]?.id]);
    });

    it('filters by agent as actor, as object, or as member of a group', async () => {
      const page = await queryStatements(db, {
        registration,
        agent: { mbox: 'mailto:q1@example.org' },
        limit: 0,
        ascending: true,
      });
      expect(ids(page.statementsJson)).toEqual([sent[0]?.id, sent[2]?.id, sent[3]?.id]);
    });

    it('pages an agent found as actor, as object and as member once each, in stored order', async () => {
      const agent = { mbox: `mailto:${randomUUID()}@example.org` };
      const other = { mbox: `mailto:${randomUUID()}@example.org` };
      const withAgentObject = (actor: object) =>
        statement({
          actor,
          object: { objectType: 'Agent', ...agent },
          'context.revision': undefined,
          'context.platform': undefined,
        });
      const found = [
        statement({ actor: agent }),
        withAgentObject(other),
        withAgentObject(agent),
        statement({ actor: { objectType: 'Group', member: [agent, other] } }),
        statement({ actor: agent }),
      ];
      for (const [index, item] of found.entries()) {
        await store([item], async () => {}, new Date(NOW.getTime() + 30_000 + index * 1000));
      }
      for (const ascending of [true, false]) {
        const seen: string[] = [];
        let after: string | undefined;
        do {
          const page = await queryStatements(db, { agent, limit: 1, ascending, after });
          seen.push(...ids(page.statementsJson));
          after = page.next ?? undefined;
        } while (after !== undefined);
        const expected = found.map((item) => item.id);
        expect(seen).toEqual(ascending ? expected : expected.reverse());
      }
    });

    it('filters by agent and verb together', async () => {
      const agent = { mbox: `mailto:${randomUUID()}@example.org` };
      const [passed, failed] = ['passed', 'failed'].map((name) =>
        statement({ actor: agent, verb: { id: `http://adlnet.gov/expapi/verbs/${name}` } }),
      );
      await store([passed!, failed!], async () => {}, new Date(NOW.getTime() + 10_000));
      for (const [verb, expected] of [
        [passed!.verb.id, passed!.id],
        [failed!.verb.id, failed!.id],
      ]) {
        const page = await queryStatements(db, { agent, verb, limit: 0, ascending: true });
        expect(ids(page.statementsJson)).toEqual([expected]);
      }
    });

    it('answers one filter with each value in turn, past the runs after which PostgreSQL may keep one plan for all values', async () => {
      const registrations = Array.from({ length: 8 }, () => randomUUID());
      const byRegistration = registrations.map((each) =>
        statement({ 'context.registration': each }),
      );
      await store(byRegistration, async () => {}, new Date(NOW.getTime() + 20_000));
      for (const [index, each] of registrations.entries()) {
        const page = await queryStatements(db, {
          registration: each,
          limit: 0,
          ascending: false,
        });
        expect(ids(page.statementsJson)).toEqual([byRegistration[index]?.id]);
      }
    });

    it('answers the agent filter agent after agent, as actor and as object, past the runs after which PostgreSQL may keep one plan for all agents', async () => {
      const agents = Array.from({ length: 8 }, () => ({
        mbox: `mailto:${randomUUID()}@example.org`,
      }));
      const verb = 'http://adlnet.gov/expapi/verbs/passed';
      const byAgent = agents.map((agent) => [
        statement({ actor: agent, verb: { id: verb } }),
        statement({
          verb: { id: verb },
          object: { objectType: 'Agent', ...agent },
          'context.revision': undefined,
          'context.platform': undefined,
        }),
      ]);
      await store(byAgent.flat(), async () => {}, new Date(NOW.getTime() + 40_000));
      for (const [index, agent] of agents.entries()) {
        const page = await queryStatements(db, { agent, verb, limit: 0, ascending: true });
        expect(ids(page.statementsJson).sort()).toEqual(
          byAgent[index]!.map((item) => item.id).sort(),
        );
      }
    });

    it('filters by stored time: since exclusive, until inclusive', async () => {
      const page = await queryStatements(db, {
        registration,
        since: new Date(NOW.getTime() + 1000),
        until: new Date(NOW.getTime() + 3000),
        limit: 0,
        ascending: true,
      });
      expect(ids(page.statementsJson)).toEqual([sent[2]?.id, sent[3]?.id]);
    });

    it('pages with the cursor until there is no next page', async () => {
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await queryStatements(db, { registration, limit: 3, ascending: false, after });
        seen.push(...ids(page.statementsJson));
        if (page.next === null) break;
        after = page.next;
      }
      expect(seen).toEqual(sent.map((item) => item.id).reverse());
    });

    it('refuses an anonymous group as the agent filter as caller misuse', async () => {
      const agent = { objectType: 'Group' as const, member: [{ mbox: 'mailto:q1@example.org' }] };
      await expect(queryStatements(db, { agent, limit: 0, ascending: false })).rejects.toThrow(
        TypeError,
      );
    });
  });

  describe('queryStatements: related agents, related activities, StatementRefs (xAPI Communication 2.1.3)', () => {
    const registration = randomUUID();
    const mbox = (name: string) => ({ mbox: `mailto:${name}@related.example.org` });
    const grouping = 'https://courses.example.org/programme/related';
    let withContext: Statement;
    let withSubStatement: Statement;
    let referring: Statement;

    beforeAll(async () => {
      withContext = statement(
        {
          actor: mbox('actor'),
          context: {
            registration,
            instructor: mbox('instructor'),
            team: { objectType: 'Group', member: [mbox('teammate')] },
            contextAgents: [{ objectType: 'contextAgent', agent: mbox('context-agent') }],
            contextActivities: { grouping: [{ id: grouping }] },
          },
        },
        minimalStatement(),
      );
      withSubStatement = statement(
        {
          actor: mbox('observer'),
          object: {
            objectType: 'SubStatement',
            actor: mbox('sub-actor'),
            verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
            object: { id: 'https://courses.example.org/sub/activity' },
            context: {
              instructor: mbox('sub-instructor'),
              contextActivities: { parent: [{ id: 'https://courses.example.org/sub/parent' }] },
            },
          },
          context: { registration },
        },
        minimalStatement(),
      );
      referring = statement(
        {
          actor: mbox('commenter'),
          verb: { id: 'http://adlnet.gov/expapi/verbs/commented' },
          object: { objectType: 'StatementRef', id: withContext.id },
          context: { registration },
        },
        minimalStatement(),
      );
      for (const [index, item] of [withContext, withSubStatement, referring].entries()) {
        await store([item], async () => {}, new Date(NOW.getTime() + 60_000 + index * 1000));
      }
    });

    const found = async (filters: Partial<Parameters<typeof queryStatements>[1]>) =>
      (
        await queryStatements(db, { registration, limit: 0, ascending: true, ...filters })
      ).statementsJson.map((json) => (JSON.parse(json) as { id: string }).id);

    it('finds an agent of the context only with related_agents', async () => {
      expect(await found({ agent: mbox('teammate') })).toEqual([]);
      for (const who of ['instructor', 'teammate', 'context-agent']) {
        expect(await found({ agent: mbox(who), relatedAgents: true })).toEqual([
          withContext.id,
          referring.id,
        ]);
      }
    });

    it('finds the agents of a sub-statement with related_agents', async () => {
      expect(await found({ agent: mbox('sub-actor') })).toEqual([]);
      expect(await found({ agent: mbox('sub-actor'), relatedAgents: true })).toEqual([
        withSubStatement.id,
      ]);
      expect(await found({ agent: mbox('sub-instructor'), relatedAgents: true })).toEqual([
        withSubStatement.id,
      ]);
    });

    it('finds every statement of a credential by its authority with related_agents', async () => {
      const authority = { account: { homePage: PUBLIC_URL, name: credential.key } };
      expect(await found({ agent: authority })).toEqual([]);
      expect(await found({ agent: authority, relatedAgents: true })).toEqual([
        withContext.id,
        withSubStatement.id,
        referring.id,
      ]);
    });

    it('finds a context activity and the activities of a sub-statement with related_activities', async () => {
      expect(await found({ activity: grouping })).toEqual([]);
      expect(await found({ activity: grouping, relatedActivities: true })).toEqual([
        withContext.id,
        referring.id,
      ]);
      for (const activity of [
        'https://courses.example.org/sub/activity',
        'https://courses.example.org/sub/parent',
      ]) {
        expect(await found({ activity, relatedActivities: true })).toEqual([withSubStatement.id]);
      }
    });

    it('finds a statement whose StatementRef points to a match, not one matching only itself', async () => {
      expect(await found({ agent: mbox('actor') })).toEqual([withContext.id, referring.id]);
      expect(await found({ verb: 'http://adlnet.gov/expapi/verbs/commented' })).toEqual([
        referring.id,
      ]);
    });

    it('finds a StatementRef by the verb and the activity of the statement it points to', async () => {
      expect(await found({ verb: withContext.verb.id })).toEqual([
        withContext.id,
        withSubStatement.id,
        referring.id,
      ]);
      const activity = (withContext.object as { id: string }).id;
      expect(await found({ activity })).toEqual([withContext.id, referring.id]);
    });

    it('finds a StatementRef stored before the statement it points to', async () => {
      const laterRegistration = randomUUID();
      const laterId = randomUUID();
      const early = statement(
        {
          actor: mbox('early-commenter'),
          verb: { id: 'http://adlnet.gov/expapi/verbs/commented' },
          object: { objectType: 'StatementRef', id: laterId },
          context: { registration: laterRegistration },
        },
        minimalStatement(),
      );
      const later = statement(
        { id: laterId, actor: mbox('late-actor'), context: { registration: laterRegistration } },
        minimalStatement(),
      );
      await store([early], async () => {}, new Date(NOW.getTime() + 120_000));
      await store([later], async () => {}, new Date(NOW.getTime() + 121_000));

      expect(await found({ registration: laterRegistration, agent: mbox('late-actor') })).toEqual([
        early.id,
        later.id,
      ]);
    });

    describe("a StatementRef's target keys (the index the filters find it by)", () => {
      const targetKeysOf = async (id: string) =>
        (
          await db
            .select({ targetKeys: statementsTable.targetKeys })
            .from(statementsTable)
            .where(eq(statementsTable.id, id))
        )[0]?.targetKeys;
      const pair = (name: string) => {
        const targetId = randomUUID();
        const ref = statement(
          {
            actor: mbox(`${name}-commenter`),
            object: { objectType: 'StatementRef', id: targetId },
          },
          minimalStatement(),
        );
        const target = statement({ id: targetId, actor: mbox(name) }, minimalStatement());
        return { ref, target, keyOfTarget: `agent mbox mailto:${name}@related.example.org` };
      };

      it('are none while the target is not stored, and those of the target once it is', async () => {
        const { ref, target, keyOfTarget } = pair('arrives-later');
        await store([ref], async () => {}, new Date(NOW.getTime() + 130_000));
        expect(await targetKeysOf(ref.id as string)).toEqual([]);

        await store([target], async () => {}, new Date(NOW.getTime() + 131_000));
        expect(await targetKeysOf(ref.id as string)).toContain(keyOfTarget);
      });

      it('are those of the target when both come in one batch, the StatementRef first', async () => {
        const { ref, target, keyOfTarget } = pair('same-batch');
        await store([ref, target], async () => {}, new Date(NOW.getTime() + 140_000));
        expect(await targetKeysOf(ref.id as string)).toContain(keyOfTarget);
      });
    });
  });
});
