CREATE TABLE "cmi5_au_results" (
	"registration" uuid NOT NULL,
	"au_id" uuid NOT NULL,
	"completed_at" timestamp (3) with time zone,
	"passed_at" timestamp (3) with time zone,
	"failed_at" timestamp (3) with time zone,
	"waived_at" timestamp (3) with time zone,
	"waived_reason" text,
	"waived_by_user_id" uuid,
	"satisfied_at" timestamp (3) with time zone,
	CONSTRAINT "cmi5_au_results_registration_au_id_pk" PRIMARY KEY("registration","au_id")
);
--> statement-breakpoint
CREATE TABLE "cmi5_aus" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cmi5_course_id" uuid NOT NULL,
	"au_iri" text NOT NULL,
	"parent_block_id" uuid,
	"title" text NOT NULL,
	"titles" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"descriptions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"url" text NOT NULL,
	"move_on" text DEFAULT 'NotApplicable' NOT NULL,
	"mastery_score" double precision,
	"launch_method" text DEFAULT 'AnyWindow' NOT NULL,
	"launch_parameters" text,
	"entitlement_key" text,
	"position" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cmi5_blocks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cmi5_course_id" uuid NOT NULL,
	"block_iri" text NOT NULL,
	"parent_block_id" uuid,
	"title" text NOT NULL,
	"titles" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"descriptions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"position" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cmi5_courses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"course_id" uuid NOT NULL,
	"course_iri" text NOT NULL,
	"title" text NOT NULL,
	"titles" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"descriptions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"source" text NOT NULL,
	"package_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cmi5_registrations" (
	"registration" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cmi5_course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cmi5_satisfactions" (
	"registration" uuid NOT NULL,
	"activity_iri" text NOT NULL,
	"satisfied_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "cmi5_satisfactions_registration_activity_iri_pk" PRIMARY KEY("registration","activity_iri")
);
--> statement-breakpoint
CREATE TABLE "cmi5_sessions" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"registration" uuid NOT NULL,
	"au_id" uuid NOT NULL,
	"launch_mode" text NOT NULL,
	"launched_at" timestamp (3) with time zone NOT NULL,
	"initialized_at" timestamp (3) with time zone,
	"terminated_at" timestamp (3) with time zone,
	"abandoned_at" timestamp (3) with time zone,
	"last_activity_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outcome_states" ADD COLUMN "satisfied_by" uuid;--> statement-breakpoint
ALTER TABLE "xapi_launches" ADD COLUMN "cmi5_session_id" uuid;--> statement-breakpoint
ALTER TABLE "cmi5_au_results" ADD CONSTRAINT "cmi5_au_results_registration_cmi5_registrations_registration_fk" FOREIGN KEY ("registration") REFERENCES "public"."cmi5_registrations"("registration") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmi5_au_results" ADD CONSTRAINT "cmi5_au_results_au_id_cmi5_aus_id_fk" FOREIGN KEY ("au_id") REFERENCES "public"."cmi5_aus"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmi5_au_results" ADD CONSTRAINT "cmi5_au_results_waived_by_user_id_users_id_fk" FOREIGN KEY ("waived_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmi5_aus" ADD CONSTRAINT "cmi5_aus_cmi5_course_id_cmi5_courses_id_fk" FOREIGN KEY ("cmi5_course_id") REFERENCES "public"."cmi5_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmi5_blocks" ADD CONSTRAINT "cmi5_blocks_cmi5_course_id_cmi5_courses_id_fk" FOREIGN KEY ("cmi5_course_id") REFERENCES "public"."cmi5_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmi5_courses" ADD CONSTRAINT "cmi5_courses_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmi5_registrations" ADD CONSTRAINT "cmi5_registrations_cmi5_course_id_cmi5_courses_id_fk" FOREIGN KEY ("cmi5_course_id") REFERENCES "public"."cmi5_courses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmi5_registrations" ADD CONSTRAINT "cmi5_registrations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmi5_satisfactions" ADD CONSTRAINT "cmi5_satisfactions_registration_cmi5_registrations_registration_fk" FOREIGN KEY ("registration") REFERENCES "public"."cmi5_registrations"("registration") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmi5_sessions" ADD CONSTRAINT "cmi5_sessions_registration_cmi5_registrations_registration_fk" FOREIGN KEY ("registration") REFERENCES "public"."cmi5_registrations"("registration") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmi5_sessions" ADD CONSTRAINT "cmi5_sessions_au_id_cmi5_aus_id_fk" FOREIGN KEY ("au_id") REFERENCES "public"."cmi5_aus"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cmi5_aus_iri_uq" ON "cmi5_aus" USING btree ("cmi5_course_id","au_iri");--> statement-breakpoint
CREATE INDEX "cmi5_aus_iri_idx" ON "cmi5_aus" USING btree ("au_iri");--> statement-breakpoint
CREATE UNIQUE INDEX "cmi5_blocks_iri_uq" ON "cmi5_blocks" USING btree ("cmi5_course_id","block_iri");--> statement-breakpoint
CREATE UNIQUE INDEX "cmi5_courses_course_iri_uq" ON "cmi5_courses" USING btree ("course_id","course_iri");--> statement-breakpoint
CREATE UNIQUE INDEX "cmi5_registrations_user_uq" ON "cmi5_registrations" USING btree ("cmi5_course_id","user_id");--> statement-breakpoint
CREATE INDEX "cmi5_sessions_registration_au_idx" ON "cmi5_sessions" USING btree ("registration","au_id");--> statement-breakpoint
CREATE INDEX "cmi5_sessions_open_idx" ON "cmi5_sessions" USING btree ("last_activity_at") WHERE terminated_at is null and abandoned_at is null;