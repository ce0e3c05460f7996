/**
 * The statement store: the LRS's statements in the `statements` table, one Drizzle
 * implementation for PGlite and PostgreSQL alike.
 *
 * Contract
 *
 * `storeStatements({ db, statements, credential, source, publicUrl, resolveActors,
 * onStatementsStored, now })` receives statements that `validateStatements` returned, in
 * request order. It guarantees:
 * - all or nothing: one transaction; if any statement is refused, or `onStatementsStored`
 *   throws, nothing of the batch is stored (xAPI Communication 3.2: the LRS MUST reject a batch
 *   if any statement in it is rejected);
 * - ids: a statement without one gets a random UUID; two statements of one batch with the same
 *   id refuse the batch with XapiStatementInvalidError (400, xAPI Communication 2.1.2);
 * - a statement holding the character U+0000, which PostgreSQL cannot store, refuses the batch
 *   with XapiStatementInvalidError naming that statement;
 * - immutability: a statement whose id is already stored changes nothing; if its content is
 *   not the same (xAPI Data 2.3.1 comparison) the batch is refused with
 *   XapiStatementConflictError (409). Concurrent writers of one id are settled by the primary
 *   key, so exactly one of them stores it;
 * - LRS properties: `stored` = `now`, `timestamp` = `stored` when absent (xAPI Data 2.4.7),
 *   `authority` = the credential as an Agent whose account is { homePage: publicUrl,
 *   name: credential key } (xAPI Data 2.4.9: Basic authentication, the LRS overwrites any
 *   authority sent), `version` kept or set to 2.0.0 (xAPI Data 2.4.10);
 * - indexed columns filled from the statement: `user_id` from `resolveActors`, verb, activity
 *   (when the object is an Activity), registration, score.scaled, success, completion, source,
 *   credential key; and, when the actor resolves to nobody and the write names a
 *   `pendingPlatformId`, that platform and the actor's key, so the statement waits for its
 *   learner (pending-statements.ts) instead of being lost;
 * - voiding (xAPI Data 2.3.2): a stored statement is voided when a voiding statement (verb
 *   `voided`, object a StatementRef to it) is stored, before or after it; voiding statements
 *   are never voided themselves;
 * - `onStatementsStored(tx, stored)` runs inside the same transaction, after the inserts, with
 *   the statements this call newly stored (never the idempotent resends), and only when there
 *   is at least one; whatever it writes commits or rolls back with them.
 * It returns the ids of all statements in request order, the newly stored ones, and
 * `queuedWork`: whether `onStatementsStored` said it queued work.
 *
 * `createStatementWriter({ db, publicUrl, onStatementsStored })` gives the LRS the same store
 * with group commit: concurrent writes share one transaction, each keeping this contract.
 *
 * The store's reads, `getStatement` and `queryStatements`, are in query-statements.ts (with
 * their contract) and exported here too.
 */
import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { statements as statementsTable } from '../db/schema.js';
import { XapiStatementConflictError, XapiStatementInvalidError } from '../errors.js';
import { groupCommit, type BatchOutcome } from '../db/group-commit.js';
import { applyVoiding, isVoidingStatement } from './apply-voiding.js';
import { storeAttachmentContents, type AttachmentContent } from './attachment-contents.js';
import type { XapiCredential } from './credentials.js';
import { identityKey, type ResolveActors } from './resolve-actor.js';
import type { Actor, Agent, LrsStatement, Statement } from './statement.js';
import {
  insertRows,
  toRow,
  type NewStatementRow,
  type StatementSource,
  type StatementToStore,
} from './statement-rows.js';
import { statementsMatch } from './statements-match.js';
import { awaitClaimsOf } from './pending-statements.js';
import { LRS_VERSION } from './validate/version.js';
import { holdOffOtherWriters } from './writers-lock.js';

export { getStatement, queryStatements } from './query-statements.js';
export type { StatementSource } from './statement-rows.js';

/** A statement this LRS has just stored, with the columns indexed for rule evaluation. */
export interface StoredStatement {
  readonly id: string;
  /** Insertion order. */
  readonly seq: number;
  /** The learner the actor resolved to, or null. */
  readonly userId: string | null;
  readonly verbId: string;
  /** The object's id when the object is an Activity, else null. */
  readonly activityId: string | null;
  readonly registration: string | null;
  readonly scoreScaled: number | null;
  readonly success: boolean | null;
  readonly completion: boolean | null;
  readonly source: StatementSource;
  readonly credentialKey: string | null;
  /** True when a voiding statement for it was already stored (or came in the same batch). */
  readonly isVoided: boolean;
  readonly stored: Date;
  /** The statement as the LRS returns it. */
  readonly statement: LrsStatement;
}

/**
 * Runs inside the storing transaction (`tx`); throwing rolls the whole batch back. Resolves
 * true when it queued work that should start once the transaction commits.
 */
export type OnStatementsStored = (
  tx: Executor,
  statements: readonly StoredStatement[],
) => Promise<boolean | void>;

/** One request's statements and who sent them. */
export interface StatementWrite {
  readonly statements: readonly Statement[];
  readonly credential: Pick<XapiCredential, 'key'>;
  readonly source: StatementSource;
  readonly resolveActors: ResolveActors;
  /**
   * The platform whose learners the actors stand for (an LMS's emitter): a statement whose actor
   * resolves to nobody yet is kept pending for it (pending-statements.ts). Null or absent: none.
   */
  readonly pendingPlatformId?: string | null;
  /** An authority to record instead of the credential's (a launch's actor, say). */
  readonly authority?: Agent;
  /** Attachment contents that came with the statements, stored with them. */
  readonly attachments?: readonly AttachmentContent[];
}

/** What storing one write gives back; see the contract at the top of this file. */
export interface StatementWriteResult {
  readonly ids: string[];
  readonly stored: StoredStatement[];
  readonly queuedWork: boolean;
}

/** What every write of one store shares. */
interface StoreContext {
  readonly db: Executor;
  /** The tool's public base URL: the authority's account homePage. */
  readonly publicUrl: string;
  readonly onStatementsStored: OnStatementsStored;
  /** The `stored` time; by default the database clock once the writers' lock is held. */
  readonly now?: Date;
}

/** Writes grouped into one transaction at most (a write is one request of up to many statements). */
const MAX_WRITES_PER_TRANSACTION = 64;

/** Stores a batch of validated statements. See the contract at the top of this file. */
export async function storeStatements(
  options: StatementWrite & StoreContext,
): Promise<StatementWriteResult> {
  const [result] = await storeWrites(options, [prepareWrite(options)]);
  return result!;
}

/**
 * The LRS's writer: storeStatements with group commit. Writes that arrive while a transaction
 * is running are stored together in the next one (one lock, one INSERT, one commit for all),
 * each keeping the contract of storeStatements on its own: when one write is refused, the
 * others of its group are stored again each alone, so every write gets its own answer and a
 * refused one stores nothing.
 */
export function createStatementWriter(
  context: StoreContext,
): (write: StatementWrite) => Promise<StatementWriteResult> {
  return groupCommit({
    maxBatch: MAX_WRITES_PER_TRANSACTION,
    // Up to four transactions at once: while PostgreSQL inserts one group on a core, the next
    // groups are parsed and validated on another (measured with bench/ingest.ts).
    lanes: 4,
    runBatch: async (writes): Promise<BatchOutcome<StatementWriteResult>[]> => {
      const outcomes: BatchOutcome<StatementWriteResult>[] = [];
      const prepared: { index: number; write: PreparedWrite }[] = [];
      writes.forEach((write, index) => {
        try {
          prepared.push({ index, write: prepareWrite(write) });
        } catch (error) {
          outcomes[index] = { error };
        }
      });
      const storeEach = async (group: typeof prepared) => {
        const results = await storeWrites(
          context,
          group.map(({ write }) => write),
        );
        group.forEach(({ index }, position) => (outcomes[index] = { value: results[position]! }));
      };
      try {
        if (prepared.length > 0) await storeEach(prepared);
      } catch (error) {
        if (prepared.length === 1) {
          outcomes[prepared[0]!.index] = { error };
        } else {
          for (const one of prepared) {
            await storeEach([one]).catch(
              (alone: unknown) => (outcomes[one.index] = { error: alone }),
            );
          }
        }
      }
      return outcomes;
    },
  });
}

type PreparedWrite = StatementWrite & { readonly sent: (Statement & { id: string })[] };

/** Gives the write's statements their ids; throws what the statements themselves break. */
function prepareWrite(write: StatementWrite): PreparedWrite {
  return { ...write, sent: withIds(write.statements) };
}

/**
 * Stores the writes in one transaction: all of them, or none when any is refused. A statement
 * id sent by two writes is stored by the first; the second is a resend of it.
 */
async function storeWrites(
  context: StoreContext,
  writes: readonly PreparedWrite[],
): Promise<StatementWriteResult[]> {
  try {
    return await storeWritesInTransaction(context, writes);
  } catch (error) {
    throw nulRefusal(error, writes) ?? error;
  }
}

/**
 * PostgreSQL refuses the character U+0000 in text (22021) and jsonb (22P05), which JSON allows.
 * Rather than search every statement for it, the LRS lets the database refuse it, which rolls
 * the write back, and then names the statement: the refusal for a database error caused by a
 * statement holding U+0000, or null.
 */
function nulRefusal(
  error: unknown,
  writes: readonly PreparedWrite[],
): XapiStatementInvalidError | null {
  if (!hasDatabaseErrorCode(error, ['22P05', '22021'])) return null;
  for (const write of writes) {
    const index = write.sent.findIndex(containsNul);
    if (index >= 0) {
      return new XapiStatementInvalidError(
        `statement[${index}] contains the character U+0000, which this LRS cannot store`,
      );
    }
  }
  return null;
}

/** Whether the database error, or one it wraps, has one of these SQLSTATE codes. */
function hasDatabaseErrorCode(error: unknown, codes: readonly string[]): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (codes.includes((cause as { code?: unknown }).code as string)) return true;
  }
  return false;
}

async function storeWritesInTransaction(
  { db, publicUrl, onStatementsStored, now }: StoreContext,
  writes: readonly PreparedWrite[],
): Promise<StatementWriteResult[]> {
  return db.transaction(async (tx) => {
    // First, before actors are resolved and holding nothing else: see pending-statements.ts.
    await awaitClaimsOf(
      tx,
      writes.flatMap((write) => (write.pendingPlatformId ? [write.pendingPlatformId] : [])),
    );
    // Holding no other lock writers take, so that no writer it waits for waits for it.
    if (writes.some((write) => write.sent.some(isVoidingStatement))) await holdOffOtherWriters(tx);
    // Without `now`, `stored` is the database clock, which the INSERT reads under the lock.
    const fixedStored = now?.toISOString();
    const rowsOfWrites: NewStatementRow[][] = [];
    const userIdsOfWrites = await resolveActorsOfWrites(tx, writes);
    for (const [writeIndex, write] of writes.entries()) {
      const authority: Agent = write.authority ?? {
        objectType: 'Agent',
        account: { homePage: publicUrl, name: write.credential.key },
      };
      const toStore = write.sent.map((statement): StatementToStore => ({
        ...statement,
        ...(fixedStored !== undefined && {
          timestamp: statement.timestamp ?? fixedStored,
          stored: fixedStored,
        }),
        authority,
        version: statement.version ?? LRS_VERSION,
      }));
      const userIds = userIdsOfWrites[writeIndex]!;
      rowsOfWrites.push(
        toStore.map((statement, index) =>
          toRow(statement, {
            userId: userIds[index] ?? null,
            source: write.source,
            credentialKey: write.credential.key,
            stored: now ?? null,
            pendingPlatformId: write.pendingPlatformId ?? null,
          }),
        ),
      );
    }
    const rows = rowsOfWrites.flat();
    const { clock, inserted: insertedRows, alreadyVoidedIds } = await insertRows(tx, rows);
    const storedAt = now ?? clock;
    const stored = storedAt.toISOString();
    // The statements now as the INSERT stored them.
    for (const row of rows) {
      const statement = row.statement as Partial<LrsStatement>;
      statement.stored = stored;
      statement.timestamp ??= stored;
    }
    const insertedSeq = new Map<string, number>();
    for (const { id, seq } of insertedRows) insertedSeq.set(id, seq);
    // Each inserted id belongs to the first write that sent it.
    const insertedByWrite = rowsOfWrites.map((writeRows) => {
      const inserted = new Map<string, number>();
      for (const row of writeRows) {
        const seq = insertedSeq.get(row.id);
        if (seq === undefined) continue;
        inserted.set(row.id, seq);
        insertedSeq.delete(row.id);
      }
      return inserted;
    });
    for (const [index, write] of writes.entries()) {
      await checkResentStatements(tx, write.sent, insertedByWrite[index]!);
    }
    await storeAttachmentContents(
      tx,
      writes.flatMap((write) => write.attachments ?? []),
    );

    const newRowsOfWrites = rowsOfWrites.map((writeRows, index) =>
      writeRows.filter((row) => insertedByWrite[index]!.has(row.id)),
    );
    const voidedIds = await applyVoiding(tx, newRowsOfWrites.flat(), alreadyVoidedIds);
    const storedOfWrites = newRowsOfWrites.map((newRows, index) =>
      newRows.map((row): StoredStatement => ({
        ...row,
        stored: storedAt,
        seq: insertedByWrite[index]!.get(row.id) ?? 0,
        isVoided: voidedIds.has(row.id),
        statement: row.statement as unknown as LrsStatement,
      })),
    );
    const allStored = storedOfWrites.flat();
    const queuedWork = allStored.length > 0 && (await onStatementsStored(tx, allStored)) === true;
    return rowsOfWrites.map((writeRows, index) => ({
      ids: writeRows.map((row) => row.id),
      stored: storedOfWrites[index]!,
      queuedWork,
    }));
  });
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (key.includes('\0') || containsNul((value as Record<string, unknown>)[key])) return true;
    }
  }
  return false;
}

/** Gives every statement an id (xAPI Data 2.4.1) and refuses ids repeated within the batch. */
function withIds(statements: readonly Statement[]): (Statement & { id: string })[] {
  const firstIndexById = new Map<string, number>();
  return statements.map((statement, index) => {
    const id = statement.id ?? randomUUID();
    const first = firstIndexById.get(id);
    if (first !== undefined) {
      throw new XapiStatementInvalidError(
        `statement[${index}].id repeats the id of statement[${first}] in the same batch`,
      );
    }
    firstIndexById.set(id, index);
    return { ...statement, id };
  });
}

/**
 * For each write, the user each statement's actor stands for. Writes that share a resolver
 * (createActorResolver gives one per platform) are resolved together, in one call: a group of
 * writes from one LMS costs the queries of one write.
 */
async function resolveActorsOfWrites(
  tx: Executor,
  writes: readonly PreparedWrite[],
): Promise<(string | null)[][]> {
  const byResolver = new Map<ResolveActors, number[]>();
  writes.forEach((write, index) =>
    byResolver.set(write.resolveActors, [...(byResolver.get(write.resolveActors) ?? []), index]),
  );
  const userIdsOfWrites: (string | null)[][] = [];
  for (const [resolve, indexes] of byResolver) {
    const statements = indexes.flatMap((index) => writes[index]!.sent);
    const userIds = await resolveActors(tx, statements, resolve);
    let position = 0;
    for (const index of indexes) {
      const count = writes[index]!.sent.length;
      userIdsOfWrites[index] = userIds.slice(position, position + count);
      position += count;
    }
  }
  return userIdsOfWrites;
}

/** The user each statement's actor stands for, asking `resolve` once per distinct actor. */
async function resolveActors(
  tx: Executor,
  statements: readonly Pick<Statement, 'actor'>[],
  resolve: ResolveActors,
): Promise<(string | null)[]> {
  const keys = statements.map(({ actor }) => identityKey(actor));
  const distinct = new Map<string, Actor>();
  statements.forEach(({ actor }, index) => distinct.set(keys[index]!, actor));
  const userIds = await resolve(tx, [...distinct.values()]);
  const byKey = new Map([...distinct.keys()].map((key, index) => [key, userIds[index] ?? null]));
  return keys.map((key) => byKey.get(key) ?? null);
}

/**
 * For each statement whose id was already stored: the stored one must have the same content
 * (xAPI Communication 2.1.1/2.1.2 SHOULD return 409 Conflict otherwise).
 */
async function checkResentStatements(
  tx: Executor,
  sent: readonly (Statement & { id: string })[],
  inserted: ReadonlyMap<string, number>,
): Promise<void> {
  const resent = sent.filter((statement) => !inserted.has(statement.id));
  if (resent.length === 0) return;
  const existing = await tx
    .select({ id: statementsTable.id, statement: statementsTable.statement })
    .from(statementsTable)
    .where(
      inArray(
        statementsTable.id,
        resent.map((statement) => statement.id),
      ),
    );
  const existingById = new Map(
    existing.map((row) => [row.id, row.statement as unknown as Statement]),
  );
  for (const statement of resent) {
    const stored = existingById.get(statement.id);
    if (!stored || !statementsMatch(stored, statement)) {
      throw new XapiStatementConflictError(
        `statement[${sent.indexOf(statement)}] has the id ${statement.id} of a stored statement with different content`,
      );
    }
  }
}
