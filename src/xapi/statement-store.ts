/**
 * The statement store: the LRS's statements in the `statements` table, one Drizzle
 * implementation for PGlite and PostgreSQL alike.
 *
 * Contract
 *
 * `storeStatements({ db, statements, credential, source, publicUrl, resolveActor,
 * onStatementsStored, now })` receives statements that `validateStatements` returned, in
 * request order. It guarantees:
 * - all or nothing: one transaction; if any statement is refused, or `onStatementsStored`
 *   throws, nothing of the batch is stored (xAPI Communication 3.2: the LRS MUST reject a batch
 *   if any statement in it is rejected);
 * - ids: a statement without one gets a random UUID; two statements of one batch with the same
 *   id refuse the batch with XapiStatementInvalidError (400, xAPI Communication 2.1.2);
 * - immutability: a statement whose id is already stored changes nothing; if its content is
 *   not the same (xAPI Data 2.3.1 comparison) the batch is refused with
 *   XapiStatementConflictError (409). Concurrent writers of one id are settled by the primary
 *   key, so exactly one of them stores it;
 * - LRS properties: `stored` = `now`, `timestamp` = `stored` when absent (xAPI Data 2.4.7),
 *   `authority` = the credential as an Agent whose account is { homePage: publicUrl,
 *   name: credential key } (xAPI Data 2.4.9: Basic authentication, the LRS overwrites any
 *   authority sent), `version` kept or set to 2.0.0 (xAPI Data 2.4.10);
 * - indexed columns filled from the statement: `user_id` from `resolveActor`, verb, activity
 *   (when the object is an Activity), registration, score.scaled, success, completion, source,
 *   credential key;
 * - voiding (xAPI Data 2.3.2): a stored statement is voided when a voiding statement (verb
 *   `voided`, object a StatementRef to it) is stored, before or after it; voiding statements
 *   are never voided themselves;
 * - `onStatementsStored(tx, stored)` runs inside the same transaction, after the inserts, with
 *   the statements this call newly stored (never the idempotent resends), and only when there
 *   is at least one; whatever it writes commits or rolls back with them.
 * It returns the ids of all statements in request order and the newly stored ones.
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
import { and, asc, desc, eq, gt, inArray, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { statements as statementsTable } from '../db/schema.js';
import { XapiStatementConflictError, XapiStatementInvalidError } from '../errors.js';
import type { XapiCredential } from './credentials.js';
import type { ResolveActor } from './resolve-actor.js';
import {
  VOIDED_VERB_ID,
  type Actor,
  type Agent,
  type InverseFunctionalIdentifier,
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

/** Runs inside the storing transaction (`tx`); throwing rolls the whole batch back. */
export type OnStatementsStored = (
  tx: Executor,
  statements: readonly StoredStatement[],
) => Promise<void>;

/** The most statements one page of a query returns. */
export const MAX_PAGE_SIZE = 100;
/** Rows per INSERT, well under PostgreSQL's 65,535 bind parameters. */
const INSERT_CHUNK = 500;

/** Stores a batch of validated statements. See the contract at the top of this file. */
export async function storeStatements({
  db,
  statements,
  credential,
  source,
  publicUrl,
  resolveActor,
  onStatementsStored,
  now = new Date(),
}: {
  db: Executor;
  statements: readonly Statement[];
  credential: Pick<XapiCredential, 'key'>;
  source: StatementSource;
  /** The tool's public base URL: the authority's account homePage. */
  publicUrl: string;
  resolveActor: ResolveActor;
  onStatementsStored: OnStatementsStored;
  now?: Date;
}): Promise<{ ids: string[]; stored: StoredStatement[] }> {
  const sent = withIds(statements);
  const stored = now.toISOString();
  const authority: Agent = {
    objectType: 'Agent',
    account: { homePage: publicUrl, name: credential.key },
  };
  const lrsStatements = sent.map((statement): LrsStatement => ({
    ...statement,
    timestamp: statement.timestamp ?? stored,
    stored,
    authority,
    version: statement.version ?? LRS_VERSION,
  }));
  lrsStatements.forEach((statement, index) => {
    // PostgreSQL jsonb cannot hold the NUL character, which JSON otherwise allows.
    if (containsNul(statement)) {
      throw new XapiStatementInvalidError(
        `statement[${index}] contains the character U+0000, which this LRS cannot store`,
      );
    }
  });

  return db.transaction(async (tx) => {
    const userIds = await resolveActors(tx, lrsStatements, resolveActor);
    const rows = lrsStatements.map((statement, index) =>
      toRow(statement, {
        userId: userIds[index] ?? null,
        source,
        credentialKey: credential.key,
        now,
      }),
    );
    const inserted = new Map<string, number>();
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      const returned = await tx
        .insert(statementsTable)
        .values(rows.slice(start, start + INSERT_CHUNK))
        .onConflictDoNothing({ target: statementsTable.id })
        .returning({ id: statementsTable.id, seq: statementsTable.seq });
      for (const { id, seq } of returned) inserted.set(id, seq);
    }
    await checkResentStatements(tx, sent, inserted);

    const newRows = rows.filter((row) => inserted.has(row.id));
    const voidedIds = await applyVoiding(tx, newRows);
    const storedStatements = newRows.map((row): StoredStatement => ({
      ...row,
      seq: inserted.get(row.id) ?? 0,
      isVoided: voidedIds.has(row.id),
      statement: row.statement as unknown as LrsStatement,
    }));
    if (storedStatements.length > 0) await onStatementsStored(tx, storedStatements);
    return { ids: rows.map((row) => row.id), stored: storedStatements };
  });
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => key.includes('\0') || containsNul(item));
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

async function resolveActors(
  tx: Executor,
  statements: readonly LrsStatement[],
  resolveActor: ResolveActor,
): Promise<(string | null)[]> {
  const byActor = new Map<string, Promise<string | null>>();
  const userIds: (string | null)[] = [];
  for (const { actor } of statements) {
    const key = JSON.stringify(actor);
    let userId = byActor.get(key);
    if (!userId) {
      userId = resolveActor(tx, actor);
      byActor.set(key, userId);
    }
    userIds.push(await userId);
  }
  return userIds;
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
  newRows: readonly ReturnType<typeof toRow>[],
): Promise<Set<string>> {
  if (newRows.length === 0) return new Set();
  const targets = newRows.flatMap((row) => {
    const { verb, object } = row.statement as unknown as LrsStatement;
    return verb.id === VOIDED_VERB_ID && object.objectType === 'StatementRef' ? [object.id] : [];
  });
  const newIds = newRows.map((row) => row.id);
  const voidingTarget = sql`${statementsTable.statement} -> 'object' ->> 'id'`;
  const alreadyVoided = await tx
    .select({ id: voidingTarget })
    .from(statementsTable)
    .where(and(eq(statementsTable.verbId, VOIDED_VERB_ID), inArray(voidingTarget, newIds)));
  const toVoid = [...targets, ...alreadyVoided.map((row) => String(row.id))];
  if (toVoid.length === 0) return new Set();
  const voided = await tx
    .update(statementsTable)
    .set({ isVoided: true })
    .where(and(inArray(statementsTable.id, toVoid), ne(statementsTable.verbId, VOIDED_VERB_ID)))
    .returning({ id: statementsTable.id });
  const newIdSet = new Set(newIds);
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

/** Filters of GET /statements (xAPI Communication 2.1.3) this store supports so far. */
export interface StatementQuery {
  /** An Agent or Identified Group: statements whose actor or object is it or has it as member. */
  agent?: Actor;
  verb?: string;
  /** Statements whose object is the Activity with this id. */
  activity?: string;
  registration?: string;
  /** Stored strictly after. */
  since?: Date;
  /** Stored at or before. */
  until?: Date;
  /** 0 means MAX_PAGE_SIZE. */
  limit: number;
  ascending: boolean;
  /** The cursor a previous page returned as `nextAfter`. */
  after?: number;
}

export interface StatementPage {
  statements: LrsStatement[];
  nextAfter: number | null;
}

/** Queries stored statements; see the contract at the top of this file. */
export async function queryStatements(db: Executor, query: StatementQuery): Promise<StatementPage> {
  const limit = query.limit <= 0 || query.limit > MAX_PAGE_SIZE ? MAX_PAGE_SIZE : query.limit;
  const conditions: SQL[] = [eq(statementsTable.isVoided, false)];
  if (query.agent) conditions.push(agentCondition(query.agent));
  if (query.verb !== undefined) conditions.push(eq(statementsTable.verbId, query.verb));
  if (query.activity !== undefined) conditions.push(eq(statementsTable.activityId, query.activity));
  if (query.registration !== undefined) {
    conditions.push(eq(statementsTable.registration, query.registration));
  }
  if (query.since) conditions.push(gt(statementsTable.stored, query.since));
  if (query.until) conditions.push(lte(statementsTable.stored, query.until));
  if (query.after !== undefined) {
    conditions.push(
      query.ascending ? gt(statementsTable.seq, query.after) : lt(statementsTable.seq, query.after),
    );
  }
  const rows = await db
    .select({ seq: statementsTable.seq, statement: statementsTable.statement })
    .from(statementsTable)
    .where(and(...conditions))
    .orderBy(query.ascending ? asc(statementsTable.seq) : desc(statementsTable.seq))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return {
    statements: page.map((row) => row.statement as unknown as LrsStatement),
    nextAfter: rows.length > limit ? (page.at(-1)?.seq ?? null) : null,
  };
}

/**
 * xAPI Communication 2.1.3, `agent`: the actor or object has the same inverse functional
 * identifier, or is a group with a member that has it.
 */
function agentCondition(agent: Actor): SQL {
  const identifier = identifierOf(agent);
  if (!identifier) throw new TypeError('The agent filter needs an Agent or an Identified Group');
  const contains = (fragment: Record<string, unknown>) =>
    sql`${statementsTable.statement} @> ${JSON.stringify(fragment)}::jsonb`;
  const member = (ifi: InverseFunctionalIdentifier) => ({ member: [ifi] });
  return or(
    contains({ actor: identifier }),
    contains({ object: identifier }),
    contains({ actor: member(identifier) }),
    contains({ object: member(identifier) }),
  ) as SQL;
}
