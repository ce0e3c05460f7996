ALTER TABLE "statements" DROP CONSTRAINT "statements_seq_unique";--> statement-breakpoint
DROP INDEX "statements_search_keys_idx";--> statement-breakpoint
ALTER TABLE "statements" ADD COLUMN "actor_agent_key" text;--> statement-breakpoint
ALTER TABLE "statements" ADD COLUMN "has_other_agent_keys" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- hand-written: fill the actor's agent key of statements stored before this migration, and
-- whether they have others, as xapi/statement-search-keys.ts takes them from a statement being
-- stored (before the indexes, so that those are built once).
UPDATE "statements" SET "actor_agent_key" = CASE
    WHEN "statement" -> 'actor' ? 'mbox' THEN 'mbox ' || ("statement" -> 'actor' ->> 'mbox')
    WHEN "statement" -> 'actor' ? 'mbox_sha1sum'
      THEN 'mbox_sha1sum ' || ("statement" -> 'actor' ->> 'mbox_sha1sum')
    WHEN "statement" -> 'actor' ? 'openid' THEN 'openid ' || ("statement" -> 'actor' ->> 'openid')
    WHEN "statement" -> 'actor' ? 'account' THEN 'account '
      || ("statement" -> 'actor' -> 'account' ->> 'homePage') || ' '
      || ("statement" -> 'actor' -> 'account' ->> 'name')
  END;--> statement-breakpoint
UPDATE "statements" SET "has_other_agent_keys" = EXISTS (
  SELECT FROM unnest("agent_keys") AS key WHERE key IS DISTINCT FROM "actor_agent_key");--> statement-breakpoint
CREATE INDEX "statements_actor_idx" ON "statements" USING btree ("actor_agent_key","stored","seq");--> statement-breakpoint
CREATE INDEX "statements_other_agent_keys_idx" ON "statements" USING gin ("agent_keys") WHERE has_other_agent_keys;--> statement-breakpoint
CREATE INDEX "statements_search_keys_idx" ON "statements" USING gin ("related_agent_keys","related_activity_ids");
