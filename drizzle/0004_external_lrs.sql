CREATE TABLE "external_lrs_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"platform_id" uuid NOT NULL,
	"course_id" uuid,
	"endpoint" text NOT NULL,
	"basic_key" text NOT NULL,
	"basic_secret_encrypted" text NOT NULL,
	"direction" text NOT NULL,
	"xapi_version" text DEFAULT '2.0.0' NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"pull_since" text,
	"pull_more" text,
	"last_pulled_at" timestamp with time zone,
	"last_pull_error" text,
	"last_forward_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "external_lrs_connections" ADD CONSTRAINT "external_lrs_connections_platform_id_platforms_id_fk" FOREIGN KEY ("platform_id") REFERENCES "public"."platforms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "external_lrs_connections" ADD CONSTRAINT "external_lrs_connections_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "external_lrs_connections_platform_idx" ON "external_lrs_connections" USING btree ("platform_id");