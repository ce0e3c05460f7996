ALTER TABLE "achievements" ALTER COLUMN "rule" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "achievements" ADD COLUMN "published_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "enrolments" DROP COLUMN "ags_line_item_url";--> statement-breakpoint
ALTER TABLE "achievements" ADD CONSTRAINT "achievements_published_rule_ck" CHECK ("achievements"."published_at" is null or "achievements"."rule" is not null);--> statement-breakpoint
-- hand-written:
-- Achievements made before drafts existed were awarding already: they count as published.
UPDATE "achievements" SET "published_at" = "created_at";
