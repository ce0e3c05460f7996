DROP INDEX "statements_statement_ref_stored_idx";--> statement-breakpoint
ALTER TABLE "statements" ADD COLUMN "target_keys" text[];--> statement-breakpoint
CREATE INDEX "statements_ref_target_keys_idx" ON "statements" USING gin ("target_keys") WITH (fastupdate=false) WHERE object_statement_id is not null;--> statement-breakpoint
CREATE INDEX "statements_unresolved_ref_idx" ON "statements" USING btree ("stored","seq") WHERE object_statement_id is not null and target_keys = '{}';--> statement-breakpoint
-- hand-written: the filter keys of a statement, for the StatementRefs that point to it. Each key
-- names its filter (xAPI Communication 2.1.3): `verb`, `activity` (the object Activity),
-- `related-activity` (what related_activities matches), `registration`, `agent` and
-- `related-agent` (what related_agents matches); query-statements.ts asks for the same keys.
CREATE FUNCTION statement_target_keys(verb_id text, activity_id text, registration uuid,
    agent_keys text[], related_agent_keys text[], related_activity_ids text[])
  RETURNS text[] AS $$
  SELECT ARRAY['verb ' || verb_id]
    || ARRAY(SELECT 'activity ' || activity_id WHERE activity_id IS NOT NULL)
    || ARRAY(SELECT 'registration ' || registration::text WHERE registration IS NOT NULL)
    || ARRAY(SELECT 'agent ' || key FROM unnest(agent_keys) AS key)
    || ARRAY(SELECT DISTINCT 'related-agent ' || key
             FROM unnest(agent_keys || related_agent_keys) AS key)
    || ARRAY(SELECT DISTINCT 'related-activity ' || id
             FROM unnest(array_remove(ARRAY[activity_id], NULL) || related_activity_ids) AS id)
$$ LANGUAGE sql IMMUTABLE;--> statement-breakpoint
-- hand-written: fill the target keys of StatementRefs stored before this migration (none, an
-- empty array, for one whose target is not stored).
UPDATE "statements" AS "referring" SET "target_keys" = statement_target_keys("target"."verb_id",
    "target"."activity_id", "target"."registration", "target"."agent_keys",
    "target"."related_agent_keys", "target"."related_activity_ids")
  FROM "statements" AS "target"
  WHERE "referring"."object_statement_id" IS NOT NULL
    AND "target"."id" = "referring"."object_statement_id";--> statement-breakpoint
UPDATE "statements" SET "target_keys" = '{}'
  WHERE "object_statement_id" IS NOT NULL AND "target_keys" IS NULL;
