CREATE TABLE "course_activities" (
	"course_id" uuid NOT NULL,
	"activity_id" text NOT NULL,
	"name" text,
	"names" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"launch_url" text,
	"tags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "course_activities_course_id_activity_id_pk" PRIMARY KEY("course_id","activity_id")
);
--> statement-breakpoint
-- The group tags set so far become course activities without a name or launch URL.
INSERT INTO "course_activities" ("course_id", "activity_id", "tags")
	SELECT "course_id", "activity_id", "tags" FROM "activity_tags";
--> statement-breakpoint
DROP TABLE "activity_tags" CASCADE;--> statement-breakpoint
ALTER TABLE "course_activities" ADD CONSTRAINT "course_activities_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "course_activities_activity_idx" ON "course_activities" USING btree ("activity_id");