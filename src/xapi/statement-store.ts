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
 *   credential key;
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
 * `getStatement(db, id, { voided })` returns the statement with that id as the LRS returns
 * it, or null when there is none, or when it is voided and `voided` is false, or not voided and
 * `voided` is true (xAPI Communication 2.1.4: voided statements are fetched by
 * voidedStatementId only).
 *
 * `queryStatements(db, query)` returns non-voided statements matching every filter given,
 * newest first (by insertion order) unless `ascending`, at most `limit` of them (0 or more than
 * MAX_PAGE_SIZE mean MAX_PAGE_SIZE), and `nextAfter`, the cursor for the next page, or null when
 * there is none. Statements stored while paging never shift a page.
 */
import { randomUUID } from 'node:crypto';
import {
  and,
  asc,
  desc,
  eq,
  exists,
  gt,
  inArray,
  lt,
  lte,
  ne,
  or,
  sql,
  type SQL,
} from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/database.js';
import { statements as statementsTable, xapiAttachments } from '../db/schema.js';
import {
  BadRequestError,
  XapiStatementConflictError,
  XapiStatementInvalidError,
} from '../errors.js';
import { groupCommit, type BatchOutcome } from '../db/group-commit.js';
import type { XapiCredential } from './credentials.js';
import { identityKey, type ResolveActors } from './resolve-actor.js';
import {
  CONTEXT_ACTIVITY_TYPES,
  VOIDED_VERB_ID,
  type Actor,
  type Agent,
  type LrsStatement,
  type Statement,
} from './statement.js';
import { statementsMatch } from './statements-match.js';
import { identifierOf } from './validate/actor.js';
import { LRS_VERSION } from './validate/version.js';

type StatementRow = typeof statementsTable.$inferSelect;
export type StatementSource = StatementRow['source'];

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

/** Attachment content by its SHA-256 hex (xAPI Data 2.4.11). */
export interface AttachmentContent {
  readonly sha2: string;
  readonly contentType: string;
  readonly content: Buffer;
}

/** The stored contents among `hashes`, in that order; unknown hashes are left out. */
export async function readAttachments(
  db: Executor,
  hashes: readonly string[],
): Promise<AttachmentContent[]> {
  if (hashes.length === 0) return [];
  const rows = await db
    .select()
    .from(xapiAttachments)
    .where(inArray(xapiAttachments.sha2, [...hashes]));
  const bySha2 = new Map(rows.map((row) => [row.sha2, row]));
  return hashes.flatMap((sha2) => {
    const row = bySha2.get(sha2);
    return row
      ? [{ sha2, contentType: row.contentType, content: Buffer.from(row.contentBase64, 'base64') }]
      : [];
  });
}

/** The most statements one page of a query returns. */
export const MAX_PAGE_SIZE = 100;

/** One request's statements and who sent them. */
export interface StatementWrite {
  readonly statements: readonly Statement[];
  readonly credential: Pick<XapiCredential, 'key'>;
  readonly source: StatementSource;
  readonly resolveActors: ResolveActors;
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
    const { clock, voidedIds: alreadyVoided } = await holdWritersLock(
      tx,
      writes.flatMap((write) => write.sent.map((statement) => statement.id)),
    );
    const storedAt = now ?? clock;
    const stored = storedAt.toISOString();
    const rowsOfWrites: NewStatementRow[][] = [];
    for (const write of writes) {
      const authority: Agent = write.authority ?? {
        objectType: 'Agent',
        account: { homePage: publicUrl, name: write.credential.key },
      };
      const lrsStatements = write.sent.map((statement): LrsStatement => ({
        ...statement,
        timestamp: statement.timestamp ?? stored,
        stored,
        authority,
        version: statement.version ?? LRS_VERSION,
      }));
      const userIds = await resolveActors(tx, lrsStatements, write.resolveActors);
      rowsOfWrites.push(
        lrsStatements.map((statement, index) =>
          toRow(statement, {
            userId: userIds[index] ?? null,
            source: write.source,
            credentialKey: write.credential.key,
            now: storedAt,
          }),
        ),
      );
    }
    const rows = rowsOfWrites.flat();
    const insertedSeq = new Map<string, number>();
    for (const { id, seq } of await insertRows(tx, rows)) insertedSeq.set(id, seq);
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
    const attachments = writes.flatMap((write) => write.attachments ?? []);
    if (attachments.length > 0) {
      await tx
        .insert(xapiAttachments)
        .values(
          attachments.map((attachment) => ({
            sha2: attachment.sha2,
            contentType: attachment.contentType,
            contentBase64: attachment.content.toString('base64'),
          })),
        )
        .onConflictDoNothing({ target: xapiAttachments.sha2 });
    }

    const newRowsOfWrites = rowsOfWrites.map((writeRows, index) =>
      writeRows.filter((row) => insertedByWrite[index]!.has(row.id)),
    );
    const voidedIds = await applyVoiding(tx, newRowsOfWrites.flat(), alreadyVoided);
    const storedOfWrites = newRowsOfWrites.map((newRows, index) =>
      newRows.map((row): StoredStatement => ({
        ...row,
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

/** A statement as it is inserted. */
type NewStatementRow = ReturnType<typeof toRow>;

/**
 * Inserts the rows in their order, skipping ids already stored; returns the inserted ids with
 * their `seq`. The rows go as one JSON parameter: building a multi-row INSERT value by value
 * costs more CPU than everything else the LRS does with a statement.
 */
async function insertRows(
  tx: Executor,
  rows: readonly NewStatementRow[],
): Promise<{ id: string; seq: number }[]> {
  const result = await tx.execute(sql`
    insert into ${statementsTable} (id, user_id, verb_id, activity_id, registration,
      score_scaled, success, completion, source, credential_key, stored, statement)
    select row.id, row.user_id, row.verb_id, row.activity_id, row.registration,
      row.score_scaled, row.success, row.completion, row.source, row.credential_key, row.stored,
      row.statement
      from jsonb_array_elements(${JSON.stringify(rows.map(toRecord))}::jsonb)
        with ordinality as element(value, position)
      cross join lateral jsonb_populate_record(null::${statementsTable}, element.value) as row
     order by element.position
    on conflict (id) do nothing
    returning id, seq`);
  return rowsOf(result).map((row) => ({ id: String(row.id), seq: Number(row.seq) }));
}

/** A row as jsonb_populate_record reads it: keyed by column name. */
function toRecord(row: NewStatementRow) {
  return {
    id: row.id,
    user_id: row.userId,
    verb_id: row.verbId,
    activity_id: row.activityId,
    registration: row.registration,
    score_scaled: row.scoreScaled,
    success: row.success,
    completion: row.completion,
    source: row.source,
    credential_key: row.credentialKey,
    stored: row.stored,
    statement: row.statement,
  };
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

/** The user each statement's actor stands for, asking `resolve` once per distinct actor. */
async function resolveActors(
  tx: Executor,
  statements: readonly LrsStatement[],
  resolve: ResolveActors,
): Promise<(string | null)[]> {
  const keys = statements.map(({ actor }) => identityKey(actor));
  const distinct = new Map<string, Actor>();
  statements.forEach(({ actor }, index) => distinct.set(keys[index]!, actor));
  const userIds = await resolve(tx, [...distinct.values()]);
  const byKey = new Map([...distinct.keys()].map((key, index) => [key, userIds[index] ?? null]));
  return keys.map((key) => byKey.get(key) ?? null);
}

function toRow(
  statement: LrsStatement,
  fields: { userId: string | null; source: StatementSource; credentialKey: string; now: Date },
) {
  const { object, result, context } = statement;
  const isActivity = object.objectType === undefined || object.objectType === 'Activity';
  return {
    id: statement.id,
    userId: fields.userId,
    verbId: statement.verb.id,
    activityId: isActivity ? object.id : null,
    registration: context?.registration ?? null,
    scoreScaled: result?.score?.scaled ?? null,
    success: result?.success ?? null,
    completion: result?.completion ?? null,
    source: fields.source,
    credentialKey: fields.credentialKey,
    stored: fields.now,
    statement: statement as unknown as Record<string, unknown>,
  };
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

/**
 * Marks as voided the statements that the new voiding statements point to, and the new
 * statements that stored voiding statements already pointed to. Returns the ids of the new
 * statements that ended up voided.
 */
async function applyVoiding(
  tx: Executor,
  newRows: readonly NewStatementRow[],
  alreadyVoidedIds: readonly string[],
): Promise<Set<string>> {
  if (newRows.length === 0) return new Set();
  const targets = newRows.flatMap((row) => {
    const { verb, object } = row.statement as unknown as LrsStatement;
    return verb.id === VOIDED_VERB_ID && object.objectType === 'StatementRef' ? [object.id] : [];
  });
  const newIds = newRows.map((row) => row.id);
  const newIdSet = new Set(newIds);
  const alreadyVoided = alreadyVoidedIds.filter((id) => newIdSet.has(id));
  const toVoid = [...targets, ...alreadyVoided];
  if (toVoid.length === 0) return new Set();
  const voided = await tx
    .update(statementsTable)
    .set({ isVoided: true })
    .where(and(inArray(statementsTable.id, toVoid), ne(statementsTable.verbId, VOIDED_VERB_ID)))
    .returning({ id: statementsTable.id });
  return new Set(voided.map((row) => row.id).filter((id) => newIdSet.has(id)));
}

/** Fetches one statement by id; see the contract at the top of this file. */
export async function getStatement(
  db: Executor,
  id: string,
  { voided = false }: { voided?: boolean } = {},
): Promise<LrsStatement | null> {
  const [row] = await db
    .select({ statement: statementsTable.statement })
    .from(statementsTable)
    .where(and(eq(statementsTable.id, id), eq(statementsTable.isVoided, voided)))
    .limit(1);
  return row ? (row.statement as unknown as LrsStatement) : null;
}

/**
 * Every transaction that stores statements holds this advisory lock (shared: writers never wait
 * for each other) from before it reads the clock for `stored` until it ends. Readers look for
 * holders to learn the earliest `stored` still to come; see `readConsistentThrough`.
 */
const WRITERS_LOCK_KEY = 4_242_101;

/**
 * Takes the writers' lock and reads the clock for `stored`, and, in the same round trip, which
 * of `ids` stored voiding statements already point to (xAPI Data 2.3.2).
 */
async function holdWritersLock(
  tx: Executor,
  ids: readonly string[],
): Promise<{ clock: Date; voidedIds: string[] }> {
  const voidingTarget = sql`${statementsTable.statement} -> 'object' ->> 'id'`;
  const result = await tx.execute(sql`
    select pg_advisory_xact_lock_shared(${WRITERS_LOCK_KEY}::bigint),
      date_trunc('milliseconds', clock_timestamp()) as now,
      array(select ${voidingTarget} from ${statementsTable}
             where ${statementsTable.verbId} = ${VOIDED_VERB_ID}
               and ${voidingTarget} = any(array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)))
           ) as voided`);
  const row = rowsOf(result)[0] ?? {};
  return {
    clock: new Date(row.now as string | Date),
    voidedIds: ((row.voided as string[] | null) ?? []).map(String),
  };
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  return (result as { rows: Record<string, unknown>[] }).rows;
}

/**
 * The instant through which stored statements are final (xAPI Communication 2.1.3,
 * X-Experience-API-Consistent-Through): every statement stored before it is visible now, and
 * none stored before it can still appear. It is the start of the oldest transaction still
 * storing statements (their `stored` comes later), or the database clock when none is.
 */
export async function readConsistentThrough(db: Executor): Promise<Date> {
  const result = await db.execute(sql`
    select date_trunc('milliseconds', coalesce(
      (select min(activity.xact_start)
         from pg_locks as lock
         join pg_stat_activity as activity on activity.pid = lock.pid
        where lock.locktype = 'advisory' and lock.granted
          and lock.database = (select oid from pg_database where datname = current_database())
          and lock.classid = 0 and lock.objid = ${WRITERS_LOCK_KEY} and lock.objsubid = 1),
      clock_timestamp())) as through`);
  return new Date(rowsOf(result)[0]?.through as string | Date);
}

/** Filters of GET /statements (xAPI Communication 2.1.3). */
export interface StatementQuery {
  /** An Agent or Identified Group: statements whose actor or object is it or has it as member. */
  agent?: Actor;
  verb?: string;
  /** Statements whose object is the Activity with this id. */
  activity?: string;
  registration?: string;
  /** Widens `activity` to context activities and sub-statements. */
  relatedActivities?: boolean;
  /** Widens `agent` to authority, instructor, team, context agents and sub-statements. */
  relatedAgents?: boolean;
  /** Stored strictly after. */
  since?: Date;
  /** Stored at or before. */
  until?: Date;
  /** 0 means MAX_PAGE_SIZE. */
  limit: number;
  ascending: boolean;
  /** The cursor a previous page returned as `next`. */
  after?: string;
}

export interface StatementPage {
  statements: LrsStatement[];
  /** The cursor of the next page, or null when this is the last. */
  next: string | null;
  /** See readConsistentThrough. */
  consistentThrough: Date;
}

/**
 * A position in the stored order: (stored, seq) of the last statement returned, and the
 * consistent-through instant the first page was read at, which bounds later newest-first pages.
 */
interface Cursor {
  storedMs: number;
  seq: number;
  throughMs: number;
}

function encodeCursor(cursor: Cursor): string {
  return `${cursor.storedMs}.${cursor.seq}.${cursor.throughMs}`;
}

function decodeCursor(text: string): Cursor {
  const match = /^(\d{1,15})\.(\d{1,15})\.(\d{1,15})$/.exec(text);
  if (!match) throw new BadRequestError('The paging cursor is not one this LRS handed out');
  return { storedMs: Number(match[1]), seq: Number(match[2]), throughMs: Number(match[3]) };
}

/**
 * Queries stored statements; see the contract at the top of this file. Pages are ordered by
 * (stored, seq) and only ever hold statements stored before the consistent-through instant, so
 * a statement committed late can never land behind a page already handed out: following `next`
 * returns every matching statement exactly once while statements keep arriving.
 */
export async function queryStatements(db: Executor, query: StatementQuery): Promise<StatementPage> {
  const limit = query.limit <= 0 || query.limit > MAX_PAGE_SIZE ? MAX_PAGE_SIZE : query.limit;
  const cursor = query.after === undefined ? undefined : decodeCursor(query.after);
  const consistentThrough = await readConsistentThrough(db);
  // Newest first keeps the bound of its first page; oldest first moves on with the present.
  const through = cursor && !query.ascending ? new Date(cursor.throughMs) : consistentThrough;
  const conditions: SQL[] = [
    eq(statementsTable.isVoided, false),
    lt(statementsTable.stored, through),
  ];
  const filters = filterConditions(statementsTable, query);
  if (filters.length > 0) {
    // xAPI Communication 2.1.3, Filter Conditions for StatementRefs: a statement whose object
    // is a StatementRef to a statement that matches (voided or not) matches too.
    const target = alias(statementsTable, 'target');
    conditions.push(
      or(
        and(...filters),
        and(
          sql`${statementsTable.statement} -> 'object' ->> 'objectType' = 'StatementRef'`,
          exists(
            db
              .select({ one: sql`1` })
              .from(target)
              .where(
                and(
                  sql`${target.id}::text = lower(${statementsTable.statement} -> 'object' ->> 'id')`,
                  ...filterConditions(target, query),
                ),
              ),
          ),
        ),
      ) as SQL,
    );
  }
  if (query.since) conditions.push(gt(statementsTable.stored, query.since));
  if (query.until) conditions.push(lte(statementsTable.stored, query.until));
  if (cursor) {
    const stored = new Date(cursor.storedMs);
    const position = sql`(${statementsTable.stored}, ${statementsTable.seq})`;
    conditions.push(
      query.ascending
        ? sql`${position} > (${stored}, ${cursor.seq})`
        : sql`${position} < (${stored}, ${cursor.seq})`,
    );
  }
  const direction = query.ascending ? asc : desc;
  const rows = await db
    .select({
      seq: statementsTable.seq,
      stored: statementsTable.stored,
      statement: statementsTable.statement,
    })
    .from(statementsTable)
    .where(and(...conditions))
    .orderBy(direction(statementsTable.stored), direction(statementsTable.seq))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    statements: page.map((row) => row.statement as unknown as LrsStatement),
    next:
      rows.length > limit && last
        ? encodeCursor({
            storedMs: last.stored.getTime(),
            seq: last.seq,
            throughMs: through.getTime(),
          })
        : null,
    consistentThrough,
  };
}

/** The columns the filters read, on the statements table or an alias of it. */
interface StatementsTable {
  statement: AnyPgColumn;
  verbId: AnyPgColumn;
  activityId: AnyPgColumn;
  registration: AnyPgColumn;
}

/** The agent, verb, activity and registration filters, on `table` (the table or an alias). */
function filterConditions(table: StatementsTable, query: StatementQuery): SQL[] {
  const conditions: SQL[] = [];
  if (query.agent) {
    conditions.push(agentCondition(table, query.agent, query.relatedAgents ?? false));
  }
  if (query.verb !== undefined) conditions.push(eq(table.verbId, query.verb));
  if (query.activity !== undefined) {
    conditions.push(
      query.relatedActivities
        ? relatedActivityCondition(table, query.activity)
        : eq(table.activityId, query.activity),
    );
  }
  if (query.registration !== undefined) {
    conditions.push(eq(table.registration, query.registration));
  }
  return conditions;
}

/** Containment of a JSON fragment in the stored statement (uses jsonb `@>`). */
function containsIn(table: StatementsTable): (fragment: Record<string, unknown>) => SQL {
  return (fragment) => sql`${table.statement} @> ${JSON.stringify(fragment)}::jsonb`;
}

/**
 * xAPI Communication 2.1.3, `agent`: the actor or object has the same inverse functional
 * identifier, or is a group with a member that has it; with `related_agents`, also the
 * authority, instructor, team, context agents and groups, and the same places in a sub-statement.
 */
function agentCondition(table: StatementsTable, agent: Actor, isRelated: boolean): SQL {
  const contains = containsIn(table);
  const identifier = identifierOf(agent);
  if (!identifier) throw new TypeError('The agent filter needs an Agent or an Identified Group');
  const asActor = [identifier, { member: [identifier] }];
  const fragments: Record<string, unknown>[] = asActor.flatMap((who) => [
    { actor: who },
    { object: who },
  ]);
  if (isRelated) {
    const inStatement = (who: unknown): Record<string, unknown>[] => [
      { actor: who },
      { object: who },
      { context: { instructor: who } },
      { context: { team: who } },
      { context: { contextAgents: [{ agent: who }] } },
      { context: { contextGroups: [{ group: who }] } },
    ];
    for (const who of asActor) {
      fragments.push({ authority: who });
      fragments.push(...inStatement(who).slice(2));
      fragments.push(...inStatement(who).map((fragment) => ({ object: fragment })));
    }
  }
  return or(...fragments.map(contains)) as SQL;
}

/**
 * xAPI Communication 2.1.3, `related_activities`: the object, any context activity, or the same
 * places in a sub-statement is the activity.
 */
function relatedActivityCondition(table: StatementsTable, activityId: string): SQL {
  const contains = containsIn(table);
  const inStatement: Record<string, unknown>[] = [
    { object: { id: activityId } },
    ...CONTEXT_ACTIVITY_TYPES.map((type) => ({
      context: { contextActivities: { [type]: [{ id: activityId }] } },
    })),
  ];
  return or(
    eq(table.activityId, activityId),
    ...inStatement.slice(1).map(contains),
    ...inStatement.map((fragment) => contains({ object: fragment })),
  ) as SQL;
}
