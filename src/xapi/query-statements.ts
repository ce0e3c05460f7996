/**
 * Reading the LRS's statements (the read half of the store in statement-store.ts).
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
import { and, asc, desc, eq, exists, gt, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/database.js';
import { statements as statementsTable } from '../db/schema.js';
import { BadRequestError } from '../errors.js';
import { CONTEXT_ACTIVITY_TYPES, type Actor, type LrsStatement } from './statement.js';
import { identifierOf } from './validate/actor.js';
import { readConsistentThrough } from './writers-lock.js';

/** The most statements one page of a query returns. */
export const MAX_PAGE_SIZE = 100;

/** Fetches one statement by id; see the top of this file. */
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
