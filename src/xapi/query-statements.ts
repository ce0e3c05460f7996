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
import {
  and,
  arrayContains,
  asc,
  desc,
  eq,
  gt,
  isNotNull,
  lt,
  lte,
  or,
  sql,
  type Query,
  type SQL,
} from 'drizzle-orm';
import { alias, QueryBuilder, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/database.js';
import { executeBuilt } from '../db/named-query.js';
import { rowsOf } from '../db/raw-rows.js';
import { statements as statementsTable } from '../db/schema.js';
import { BadRequestError } from '../errors.js';
import type { Actor, LrsStatement } from './statement.js';
import { identifierKey } from './statement-search-keys.js';
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
  /**
   * Each statement's JSON text as stored, so a page sent as stored is never parsed and written
   * again (key order as PostgreSQL keeps it in jsonb; only whitespace may differ from the text
   * the statement was stored from).
   */
  statementsJson: string[];
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
 *
 * Every filter reads an indexed column (statement-search-keys.ts), and each part of the query
 * is ordered and limited on its own, so a page costs about its own rows whatever the size of
 * the table.
 */
export async function queryStatements(db: Executor, query: StatementQuery): Promise<StatementPage> {
  const limit = query.limit <= 0 || query.limit > MAX_PAGE_SIZE ? MAX_PAGE_SIZE : query.limit;
  const cursor = query.after === undefined ? undefined : decodeCursor(query.after);
  const consistentThrough = await readConsistentThrough(db);
  // Newest first keeps the bound of its first page; oldest first moves on with the present.
  const through = cursor && !query.ascending ? new Date(cursor.throughMs) : consistentThrough;
  const pageQuery = pageQueryOf(shapeOf(query, cursor !== undefined));
  const result = await executeBuilt(
    db,
    pageQuery.query,
    pageParameters(query, { limit, cursor, through }),
    { name: pageQuery.name },
  );
  const rows = rowsOf<{ stored_ms: number; seq: number; statement_json: string }>(result);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    statementsJson: page.map((row) => row.statement_json),
    next:
      rows.length > limit && last
        ? encodeCursor({ storedMs: last.stored_ms, seq: last.seq, throughMs: through.getTime() })
        : null,
    consistentThrough,
  };
}

/** What the text of a page query depends on; everything else goes to it as parameters. */
interface PageShape {
  agent: 'none' | 'agent' | 'related';
  activity: 'none' | 'object' | 'related';
  hasVerb: boolean;
  hasRegistration: boolean;
  hasSince: boolean;
  hasUntil: boolean;
  hasCursor: boolean;
  ascending: boolean;
}

function shapeOf(query: StatementQuery, hasCursor: boolean): PageShape {
  return {
    agent: query.agent ? (query.relatedAgents ? 'related' : 'agent') : 'none',
    activity:
      query.activity === undefined ? 'none' : query.relatedActivities ? 'related' : 'object',
    hasVerb: query.verb !== undefined,
    hasRegistration: query.registration !== undefined,
    hasSince: query.since !== undefined,
    hasUntil: query.until !== undefined,
    hasCursor,
    ascending: query.ascending,
  };
}

/**
 * The page query of each shape (a few hundred at most), built once: building the query with
 * Drizzle cost the tool more CPU than PostgreSQL spent running it. A shape without
 * `related_agents` runs as a prepared statement of its own, which PostgreSQL may plan once for
 * all values: its verb, activity, registration, time and actor filters read B-tree indexes that
 * end in the page order (the few statements naming agents beyond their actor come whole from
 * a small GIN index), and for every such shape a kept plan was as quick as one made for the
 * values, while planning cost more than running. With `related_agents` it is planned for each
 * run's values: the GIN index of related agents cannot tell a plan kept for all values how many
 * statements an agent has, and such a plan walked a learner's pages ten times slower.
 */
const pageQueries = new Map<string, { query: Query; name: string | undefined }>();

function pageQueryOf(shape: PageShape) {
  const key = JSON.stringify(shape);
  let pageQuery = pageQueries.get(key);
  if (!pageQuery) {
    pageQuery = {
      query: buildPageQuery(shape).toSQL(),
      name: shape.agent === 'related' ? undefined : `microcred_statements_page_${pageQueries.size}`,
    };
    pageQueries.set(key, pageQuery);
  }
  return pageQuery;
}

/** The values of the placeholders of the page query. */
function pageParameters(
  query: StatementQuery,
  { limit, cursor, through }: { limit: number; cursor: Cursor | undefined; through: Date },
): Record<string, unknown> {
  // A text[] parameter as PostgreSQL reads it (every text[] column encodes alike).
  const textArray = (values: string[]) => statementsTable.agentKeys.mapToDriverValue(values);
  const agentKey = query.agent && identifierKeyOf(query.agent);
  return {
    through: through.toISOString(),
    since: query.since?.toISOString(),
    until: query.until?.toISOString(),
    cursorStored: cursor && new Date(cursor.storedMs).toISOString(),
    cursorSeq: cursor?.seq,
    rows: limit + 1,
    agentKey,
    agentKeys: agentKey && textArray([agentKey]),
    verb: query.verb,
    activity: query.activity,
    activityKeys: query.activity === undefined ? undefined : textArray([query.activity]),
    registration: query.registration,
    targetKeys: textArray(targetKeysOf(query)),
  };
}

function buildPageQuery(shape: PageShape) {
  const builder = new QueryBuilder();
  const direction = shape.ascending ? asc : desc;
  /** The statements of this page's window on `table`: not voided, stored in range, after the cursor. */
  const inWindow = (table: StatementsTable): SQL[] => {
    const conditions: SQL[] = [
      eq(table.isVoided, false),
      lt(table.stored, sql.placeholder('through')),
    ];
    if (shape.hasSince) conditions.push(gt(table.stored, sql.placeholder('since')));
    if (shape.hasUntil) conditions.push(lte(table.stored, sql.placeholder('until')));
    if (shape.hasCursor) {
      const position = sql`(${table.stored}, ${table.seq})`;
      const cursor = sql`(${sql.placeholder('cursorStored')}::timestamptz, ${sql.placeholder('cursorSeq')}::bigint)`;
      conditions.push(
        shape.ascending ? sql`${position} > ${cursor}` : sql`${position} < ${cursor}`,
      );
    }
    return conditions;
  };
  const pageOf = (table: StatementsTable) => [direction(table.stored), direction(table.seq)];
  const rows = sql.placeholder('rows');
  const otherFilters = nonAgentConditions(statementsTable, shape);
  // One part per way a statement can match the agent: a page's worth read in page order from
  // an index, or all of the few statements naming agents beyond their actor (the window applies
  // to them below).
  const matchingParts = agentAlternatives(shape).map(({ conditions, isFew }) =>
    isFew
      ? fewMatching(builder, conditions, shape)
      : builder
          .select({ id: statementsTable.id })
          .from(statementsTable)
          .where(and(...inWindow(statementsTable), ...conditions, ...otherFilters))
          .orderBy(...pageOf(statementsTable))
          .limit(rows),
  );
  let candidates = sql.join(
    matchingParts.map((part) => sql`${part}`),
    sql` union all `,
  );
  if (shape.agent !== 'none' || otherFilters.length > 0) {
    // xAPI Communication 2.1.3, Filter Conditions for StatementRefs: a statement whose object
    // is a StatementRef to a statement that matches (voided or not) matches too. A StatementRef
    // carries its target's filter keys (statement-rows.ts gives them when either is stored);
    // one whose target is not stored yet, or came at the same moment through another
    // transaction, has none (an empty array), and is matched by joining the target.
    const referringByKeys = builder
      .select({ id: statementsTable.id })
      .from(statementsTable)
      .where(
        and(
          isNotNull(statementsTable.objectStatementId),
          arrayContains(statementsTable.targetKeys, sql.placeholder('targetKeys')),
          ...inWindow(statementsTable),
        ),
      )
      .orderBy(...pageOf(statementsTable))
      .limit(rows);
    const referring = alias(statementsTable, 'referring');
    const target = alias(statementsTable, 'target');
    const referringWithoutKeys = builder
      .select({ id: referring.id })
      .from(referring)
      .innerJoin(target, eq(target.id, referring.objectStatementId))
      .where(
        and(
          // Implied by the join, but said so the planner reads only the index of such rows.
          isNotNull(referring.objectStatementId),
          eq(referring.targetKeys, sql`'{}'`),
          ...inWindow(referring),
          ...filterConditions(target, shape),
        ),
      )
      .orderBy(...pageOf(referring))
      .limit(rows);
    candidates = sql`${candidates} union all ${referringByKeys} union all ${referringWithoutKeys}`;
  }
  return builder
    .select({
      // Numbers and text whichever the driver: the cursor needs the position, the page the JSON.
      storedMs: sql`(extract(epoch from ${statementsTable.stored}) * 1000)::float8`.as('stored_ms'),
      seq: sql`${statementsTable.seq}::float8`.as('seq'),
      statementJson: sql`${statementsTable.statement}::text`.as('statement_json'),
    })
    .from(statementsTable)
    .where(and(sql`${statementsTable.id} in (${candidates})`, ...inWindow(statementsTable)))
    .orderBy(...pageOf(statementsTable))
    .limit(rows);
}

/**
 * All statements matching `conditions` (the few that name agents beyond their actor), then the
 * verb, activity and registration filters on what they read: `offset 0` keeps those filters out
 * of the index scan, where a plan kept for all agents (see pageQueryOf) would AND the small GIN
 * index with a large one, reading that one whole whenever an agent has such statements.
 */
function fewMatching(builder: QueryBuilder, conditions: SQL[], shape: PageShape): SQL {
  const few = alias(statementsTable, 'few');
  const read = builder
    .select({
      id: statementsTable.id,
      verbId: statementsTable.verbId,
      activityId: statementsTable.activityId,
      registration: statementsTable.registration,
      relatedActivityIds: statementsTable.relatedActivityIds,
    })
    .from(statementsTable)
    .where(and(...conditions));
  const filters = nonAgentConditions(few, shape);
  const where = filters.length > 0 ? sql` where ${and(...filters)}` : sql``;
  return sql`select ${few.id} from (${read} offset 0) as ${sql.identifier('few')}${where}`;
}

/** The columns the query reads, on the statements table or an alias of it. */
interface StatementsTable {
  id: AnyPgColumn;
  seq: AnyPgColumn;
  stored: AnyPgColumn;
  isVoided: AnyPgColumn;
  verbId: AnyPgColumn;
  activityId: AnyPgColumn;
  registration: AnyPgColumn;
  agentKeys: AnyPgColumn;
  relatedAgentKeys: AnyPgColumn;
  relatedActivityIds: AnyPgColumn;
}

/** The agent, verb, activity and registration filters, on `table` (the table or an alias). */
function filterConditions(table: StatementsTable, shape: PageShape): SQL[] {
  const conditions = nonAgentConditions(table, shape);
  if (shape.agent !== 'none') conditions.push(agentCondition(table, shape.agent === 'related'));
  return conditions;
}

/** The verb, activity and registration filters, on `table`. */
function nonAgentConditions(
  table: Pick<StatementsTable, 'verbId' | 'activityId' | 'registration' | 'relatedActivityIds'>,
  shape: PageShape,
): SQL[] {
  const conditions: SQL[] = [];
  if (shape.hasVerb) conditions.push(eq(table.verbId, sql.placeholder('verb')));
  if (shape.activity !== 'none') {
    const isObject = eq(table.activityId, sql.placeholder('activity'));
    conditions.push(
      shape.activity === 'related'
        ? (or(
            isObject,
            arrayContains(table.relatedActivityIds, sql.placeholder('activityKeys')),
          ) as SQL)
        : isObject,
    );
  }
  if (shape.hasRegistration) {
    conditions.push(eq(table.registration, sql.placeholder('registration')));
  }
  return conditions;
}

/**
 * The keys a StatementRef's `target_keys` must all hold for its target to match the query's
 * filters: the keys SQL function `statement_target_keys` (drizzle/0028) gives a statement.
 */
function targetKeysOf(query: StatementQuery): string[] {
  const keys: string[] = [];
  if (query.agent) {
    const key = identifierKeyOf(query.agent);
    keys.push(query.relatedAgents ? `related-agent ${key}` : `agent ${key}`);
  }
  if (query.verb !== undefined) keys.push(`verb ${query.verb}`);
  if (query.activity !== undefined) {
    keys.push(
      query.relatedActivities ? `related-activity ${query.activity}` : `activity ${query.activity}`,
    );
  }
  if (query.registration !== undefined) {
    keys.push(`registration ${query.registration.toLowerCase()}`);
  }
  return keys;
}

/**
 * xAPI Communication 2.1.3, `agent`: the actor or object has the same inverse functional
 * identifier, or is a group with a member that has it; with `related_agents`, also the
 * authority, instructor, team, context agents and groups, and the same places in a sub-statement.
 */
function agentCondition(table: StatementsTable, isRelated: boolean): SQL {
  const keys = sql.placeholder('agentKeys');
  const isAgent = arrayContains(table.agentKeys, keys);
  return isRelated ? (or(isAgent, arrayContains(table.relatedAgentKeys, keys)) as SQL) : isAgent;
}

/**
 * The same agent condition as ways of matching that each have an index: as actor, in page order
 * (statements_actor_idx); through an Agent or Group object or a group's members, which the GIN
 * index over the few statements with agent keys beyond their actor's holds (`isFew`); with
 * `related_agents`, through a related agent. Without `agent`, one way with no condition.
 */
function agentAlternatives(shape: PageShape): { conditions: SQL[]; isFew: boolean }[] {
  if (shape.agent === 'none') return [{ conditions: [], isFew: false }];
  const keys = sql.placeholder('agentKeys');
  const alternatives = [
    { conditions: [eq(statementsTable.actorAgentKey, sql.placeholder('agentKey'))], isFew: false },
    {
      conditions: [
        // The predicate of statements_other_agent_keys_idx as written there (not a parameter),
        // so that the query may read it.
        sql`${statementsTable.hasOtherAgentKeys}`,
        arrayContains(statementsTable.agentKeys, keys),
      ],
      isFew: true,
    },
  ];
  if (shape.agent === 'related') {
    alternatives.push({
      conditions: [arrayContains(statementsTable.relatedAgentKeys, keys)],
      isFew: false,
    });
  }
  return alternatives;
}

function identifierKeyOf(agent: Actor): string {
  const identifier = identifierOf(agent);
  const key = identifier && identifierKey(identifier);
  if (!key) throw new TypeError('The agent filter needs an Agent or an Identified Group');
  return key;
}
