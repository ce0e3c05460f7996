DROP INDEX "statements_activity_idx";--> statement-breakpoint
ALTER TABLE "statements" ADD COLUMN "agent_keys" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "statements" ADD COLUMN "related_agent_keys" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "statements" ADD COLUMN "related_activity_ids" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "statements" ADD COLUMN "object_statement_id" uuid;--> statement-breakpoint
CREATE INDEX "statements_verb_idx" ON "statements" USING btree ("verb_id","stored","seq");--> statement-breakpoint
CREATE INDEX "statements_registration_idx" ON "statements" USING btree ("registration","stored","seq") WHERE registration is not null;--> statement-breakpoint
CREATE INDEX "statements_search_keys_idx" ON "statements" USING gin ("agent_keys","related_agent_keys","related_activity_ids");--> statement-breakpoint
CREATE INDEX "statements_statement_ref_idx" ON "statements" USING btree ("object_statement_id") WHERE object_statement_id is not null;--> statement-breakpoint
CREATE INDEX "statements_statement_ref_stored_idx" ON "statements" USING btree ("stored","seq") WHERE object_statement_id is not null;--> statement-breakpoint
CREATE INDEX "statements_activity_idx" ON "statements" USING btree ("activity_id","stored","seq");--> statement-breakpoint
-- hand-written: fill the search keys of statements stored before this migration, as
-- xapi/statement-search-keys.ts takes them from a statement being stored.
CREATE OR REPLACE FUNCTION pg_temp.identifier_keys(statement jsonb, paths text[]) RETURNS text[] AS $$
  SELECT coalesce(array_agg(DISTINCT key), '{}') FROM (
    SELECT CASE
      WHEN who ? 'mbox' THEN 'mbox ' || (who ->> 'mbox')
      WHEN who ? 'mbox_sha1sum' THEN 'mbox_sha1sum ' || (who ->> 'mbox_sha1sum')
      WHEN who ? 'openid' THEN 'openid ' || (who ->> 'openid')
      WHEN who ? 'account' THEN 'account ' || (who -> 'account' ->> 'homePage') || ' ' || (who -> 'account' ->> 'name')
    END AS key
    FROM unnest(paths) AS path, jsonb_path_query(statement, path::jsonpath) AS who
    WHERE jsonb_typeof(who) = 'object'
  ) AS keys WHERE key IS NOT NULL
$$ LANGUAGE sql IMMUTABLE;--> statement-breakpoint
UPDATE "statements" SET
  "agent_keys" = pg_temp.identifier_keys("statement", ARRAY[
    '$.actor', '$.actor.member[*]', '$.object', '$.object.member[*]']),
  "related_agent_keys" = pg_temp.identifier_keys("statement", ARRAY[
    '$.authority', '$.authority.member[*]',
    '$.context.instructor', '$.context.instructor.member[*]',
    '$.context.team', '$.context.team.member[*]',
    '$.context.contextAgents[*].agent',
    '$.context.contextGroups[*].group', '$.context.contextGroups[*].group.member[*]',
    '$.object ? (@.objectType == "SubStatement").actor',
    '$.object ? (@.objectType == "SubStatement").actor.member[*]',
    '$.object ? (@.objectType == "SubStatement").object',
    '$.object ? (@.objectType == "SubStatement").object.member[*]',
    '$.object ? (@.objectType == "SubStatement").context.instructor',
    '$.object ? (@.objectType == "SubStatement").context.instructor.member[*]',
    '$.object ? (@.objectType == "SubStatement").context.team',
    '$.object ? (@.objectType == "SubStatement").context.team.member[*]',
    '$.object ? (@.objectType == "SubStatement").context.contextAgents[*].agent',
    '$.object ? (@.objectType == "SubStatement").context.contextGroups[*].group',
    '$.object ? (@.objectType == "SubStatement").context.contextGroups[*].group.member[*]']),
  "related_activity_ids" = (
    SELECT coalesce(array_agg(DISTINCT id #>> '{}'), '{}')
    FROM unnest(ARRAY[
      '$.context.contextActivities.*[*].id',
      '$.object ? (@.objectType == "SubStatement").object ? (!(exists(@.objectType)) || @.objectType == "Activity").id',
      '$.object ? (@.objectType == "SubStatement").context.contextActivities.*[*].id']) AS path,
      jsonb_path_query("statement", path::jsonpath) AS id),
  "object_statement_id" = CASE
    WHEN "statement" -> 'object' ->> 'objectType' = 'StatementRef'
    THEN ("statement" -> 'object' ->> 'id')::uuid
  END;
