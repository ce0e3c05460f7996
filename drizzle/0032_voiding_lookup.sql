-- hand-written: which of the given statement ids stored voiding statements point to (xAPI Data
-- 2.3.2), read with a snapshot of its own: VOLATILE, so it sees what committed after the query
-- calling it began, up to the moment it runs (xapi/statement-rows.ts calls it once the writers'
-- lock is held, xapi/writers-lock.ts).
CREATE FUNCTION voided_statement_ids(ids text[]) RETURNS text[] AS $$
  SELECT coalesce(array_agg(statement -> 'object' ->> 'id'), '{}') FROM statements
    WHERE verb_id = 'http://adlnet.gov/expapi/verbs/voided'
      AND statement -> 'object' ->> 'id' = ANY(ids)
$$ LANGUAGE sql VOLATILE;
