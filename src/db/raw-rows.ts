/**
 * The rows of a raw query, `db.execute(sql`…`)`, keyed by the column names the query gives:
 * node-postgres and PGlite both answer with an object holding `rows`, but Drizzle types the
 * answer by driver, so callers, which serve both, name the shape of the rows they selected.
 */
export function rowsOf<Row = Record<string, unknown>>(result: unknown): Row[] {
  return (result as { rows: Row[] }).rows;
}
