CREATE TABLE "achievement_line_items" (
	"course_id" uuid NOT NULL,
	"achievement_id" uuid NOT NULL,
	"line_item_url" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "achievement_line_items_course_id_achievement_id_pk" PRIMARY KEY("course_id","achievement_id")
);
--> statement-breakpoint
ALTER TABLE "achievements" ADD COLUMN "grade_mode" text DEFAULT 'result' NOT NULL;--> statement-breakpoint
ALTER TABLE "awards" ADD COLUMN "score_scaled" double precision;--> statement-breakpoint
ALTER TABLE "achievement_line_items" ADD CONSTRAINT "achievement_line_items_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "achievement_line_items" ADD CONSTRAINT "achievement_line_items_achievement_id_achievements_id_fk" FOREIGN KEY ("achievement_id") REFERENCES "public"."achievements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Awards issued before: their result is the one their grade job carried, when their evidence
-- had a score (awarding sent 1 for an achievement without one).
UPDATE "awards" SET "score_scaled" = ("outbox"."payload"->>'scoreScaled')::double precision
  FROM "outbox"
 WHERE "outbox"."dedupe_key" = 'ags-score:' || "awards"."id"
   AND exists (SELECT 1 FROM jsonb_array_elements(coalesce("awards"."evidence"->'statements', '[]'::jsonb)) AS s
                WHERE s->>'scaled' IS NOT NULL);
