/**
 * Queries run as named prepared statements: PostgreSQL parses them once per connection and,
 * after its first few runs, keeps one plan for them instead of planning every call.
 */
import type { Query, SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Executor } from './database.js';

const dialect = new PgDialect();

/**
 * Runs `query` as the prepared statement `name` on the executor's connection, preparing it
 * there the first time. The query's text must be the same on every call (only its parameters
 * change); PGlite runs it as an ordinary query.
 */
export function executeNamed(executor: Executor, name: string, query: SQL): Promise<unknown> {
  return executeBuilt(executor, dialect.sqlToQuery(query), {}, { name });
}

/**
 * Runs a query built once (`toSQL()` of a query with `sql.placeholder`s) with `values` for its
 * placeholders: as the prepared statement `name` when one is given (see executeNamed), else as
 * an unnamed statement, which PostgreSQL plans for these values every time.
 */
export function executeBuilt(
  executor: Executor,
  query: Query,
  values: Record<string, unknown>,
  { name }: { name?: string } = {},
): Promise<unknown> {
  return executor._.session.prepareQuery(query, undefined, name, false).execute(values);
}
