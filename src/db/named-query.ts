/**
 * Queries run as named prepared statements: PostgreSQL parses them once per connection and,
 * after its first few runs, keeps one plan for them instead of planning every call.
 */
import type { Query, SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Executor } from './database.js';

const dialect = new PgDialect();

/**
 * Builds `query` once, for a query run again and again: its parts that change are
 * `sql.placeholder`s, whose values executeBuilt gets. (Building with Drizzle on every run cost
 * the tool more CPU than PostgreSQL spent running the LRS's queries.)
 */
export function buildQuery(query: SQL): Query {
  return dialect.sqlToQuery(query);
}

/**
 * Runs a query built once (buildQuery, or `toSQL()` of a query builder) with `values` for its
 * placeholders: as the prepared statement `name` on the executor's connection when one is given,
 * prepared there the first time, else as an unnamed statement, which PostgreSQL plans for these
 * values every time. PGlite runs either as an ordinary query.
 */
export function executeBuilt(
  executor: Executor,
  query: Query,
  values: Record<string, unknown>,
  { name }: { name?: string } = {},
): Promise<unknown> {
  return executor._.session.prepareQuery(query, undefined, name, false).execute(values);
}
