CREATE TABLE "achievement_tags" (
	"achievement_id" uuid PRIMARY KEY NOT NULL,
	"tags" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "achievement_versions" (
	"achievement_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "achievement_versions_achievement_id_version_pk" PRIMARY KEY("achievement_id","version")
);
--> statement-breakpoint
CREATE TABLE "achievements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"course_id" uuid NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"criteria" text NOT NULL,
	"ects" double precision,
	"eqf_level" integer,
	"eu" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"image" text,
	"rule" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "activity_tags" (
	"course_id" uuid NOT NULL,
	"activity_id" text NOT NULL,
	"tags" jsonb NOT NULL,
	CONSTRAINT "activity_tags_course_id_activity_id_pk" PRIMARY KEY("course_id","activity_id")
);
--> statement-breakpoint
CREATE TABLE "award_claims" (
	"user_id" uuid NOT NULL,
	"achievement_id" uuid NOT NULL,
	"achievement_version" integer NOT NULL,
	"award_id" uuid NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "award_claims_user_id_achievement_id_achievement_version_pk" PRIMARY KEY("user_id","achievement_id","achievement_version")
);
--> statement-breakpoint
CREATE TABLE "award_flags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"award_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"component_award_id" uuid NOT NULL,
	"message" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "award_refusals" (
	"user_id" uuid NOT NULL,
	"achievement_id" uuid NOT NULL,
	"achievement_version" integer NOT NULL,
	"reason" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "award_refusals_user_id_achievement_id_achievement_version_pk" PRIMARY KEY("user_id","achievement_id","achievement_version")
);
--> statement-breakpoint
CREATE TABLE "awards" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"achievement_id" uuid NOT NULL,
	"achievement_version" integer NOT NULL,
	"evidence_statement_ids" uuid[] NOT NULL,
	"credential" jsonb NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"form" text DEFAULT 'micro-credential' NOT NULL,
	"evidence" jsonb,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "courses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"platform_id" uuid NOT NULL,
	"context_id" text NOT NULL,
	"title" text,
	"nrps_memberships_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credential_records" (
	"id" uuid PRIMARY KEY NOT NULL,
	"issuer_profile_id" text NOT NULL,
	"credential" jsonb NOT NULL,
	"jwt" text NOT NULL,
	"status_list_id" uuid NOT NULL,
	"status_index" integer NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credential_status_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"credential_id" uuid NOT NULL,
	"action" text NOT NULL,
	"reason" text NOT NULL,
	"actor" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deep_linking_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"deployment_id" text NOT NULL,
	"return_url" text NOT NULL,
	"data" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "deployments" (
	"platform_id" uuid NOT NULL,
	"deployment_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deployments_platform_id_deployment_id_pk" PRIMARY KEY("platform_id","deployment_id")
);
--> statement-breakpoint
CREATE TABLE "enrolments" (
	"course_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"deployment_id" text NOT NULL,
	"ags_line_item_url" text,
	"ags_line_items_url" text,
	"ags_scopes" text[],
	"last_launch_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "enrolments_course_id_user_id_pk" PRIMARY KEY("course_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "indexed_rules" (
	"achievement_id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"rule" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "issuer_profiles" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"url" text,
	"email" text,
	"country_code" text,
	"description" text,
	"image" text,
	"address" jsonb,
	"identifiers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"parent_org" jsonb,
	"publish_recipient_name" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ltijs_records" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"collection" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "outbox_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "outcome_states" (
	"user_id" uuid NOT NULL,
	"activity_id" text NOT NULL,
	"registration" text DEFAULT '' NOT NULL,
	"source" text NOT NULL,
	"passed_by" uuid,
	"completed_by" uuid,
	"best_scaled" double precision,
	"best_score_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outcome_states_user_id_activity_id_registration_source_pk" PRIMARY KEY("user_id","activity_id","registration","source")
);
--> statement-breakpoint
CREATE TABLE "platforms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"issuer" text NOT NULL,
	"client_id" text NOT NULL,
	"name" text NOT NULL,
	"auth_url" text NOT NULL,
	"token_url" text NOT NULL,
	"jwks_url" text NOT NULL,
	"token_audience" text,
	"trust_level" text DEFAULT 'registered' NOT NULL,
	"issuer_profile_id" text NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "roster_members" (
	"course_id" uuid NOT NULL,
	"user_sub" text NOT NULL,
	"position" integer NOT NULL,
	"name" text,
	"email" text,
	"roles" text[] NOT NULL,
	"status" text NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL,
	CONSTRAINT "roster_members_course_id_user_sub_pk" PRIMARY KEY("course_id","user_sub")
);
--> statement-breakpoint
CREATE TABLE "rule_references" (
	"achievement_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"ref" text NOT NULL,
	CONSTRAINT "rule_references_achievement_id_kind_ref_pk" PRIMARY KEY("achievement_id","kind","ref")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"role" text NOT NULL,
	"locale" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signing_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"purpose" text NOT NULL,
	"issuer_profile_id" text,
	"algorithm" text NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"private_key_encrypted" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "statements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"user_id" uuid,
	"verb_id" text NOT NULL,
	"activity_id" text,
	"registration" uuid,
	"score_scaled" double precision,
	"success" boolean,
	"completion" boolean,
	"source" text NOT NULL,
	"credential_key" text,
	"is_voided" boolean DEFAULT false NOT NULL,
	"stored" timestamp (3) with time zone NOT NULL,
	"statement" jsonb NOT NULL,
	CONSTRAINT "statements_seq_unique" UNIQUE("seq")
);
--> statement-breakpoint
CREATE TABLE "status_lists" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"issuer_profile_id" text NOT NULL,
	"purpose" text DEFAULT 'revocation' NOT NULL,
	"size" integer NOT NULL,
	"next_index" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"platform_id" uuid NOT NULL,
	"sub" text NOT NULL,
	"name" text,
	"email" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "xapi_attachments" (
	"sha2" text PRIMARY KEY NOT NULL,
	"content_type" text NOT NULL,
	"content_base64" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "xapi_credentials" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"secret_hash" text NOT NULL,
	"platform_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "xapi_documents" (
	"kind" text NOT NULL,
	"activity_id" text NOT NULL,
	"agent_key" text NOT NULL,
	"registration" text NOT NULL,
	"document_id" text NOT NULL,
	"content_type" text NOT NULL,
	"content_base64" text NOT NULL,
	"etag" text NOT NULL,
	"updated" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "xapi_documents_kind_activity_id_agent_key_registration_document_id_pk" PRIMARY KEY("kind","activity_id","agent_key","registration","document_id")
);
--> statement-breakpoint
CREATE TABLE "xapi_launches" (
	"fetch_code" text PRIMARY KEY NOT NULL,
	"user_id" uuid,
	"actor" jsonb NOT NULL,
	"registration" uuid NOT NULL,
	"activity_id" text NOT NULL,
	"token_key" text,
	"token_hash" text,
	"fetched_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "xapi_launches_token_key_unique" UNIQUE("token_key")
);
--> statement-breakpoint
ALTER TABLE "achievement_tags" ADD CONSTRAINT "achievement_tags_achievement_id_achievements_id_fk" FOREIGN KEY ("achievement_id") REFERENCES "public"."achievements"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "achievement_versions" ADD CONSTRAINT "achievement_versions_achievement_id_achievements_id_fk" FOREIGN KEY ("achievement_id") REFERENCES "public"."achievements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "achievements" ADD CONSTRAINT "achievements_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_tags" ADD CONSTRAINT "activity_tags_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "award_claims" ADD CONSTRAINT "award_claims_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "award_claims" ADD CONSTRAINT "award_claims_achievement_id_achievements_id_fk" FOREIGN KEY ("achievement_id") REFERENCES "public"."achievements"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "award_flags" ADD CONSTRAINT "award_flags_award_id_awards_id_fk" FOREIGN KEY ("award_id") REFERENCES "public"."awards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "award_refusals" ADD CONSTRAINT "award_refusals_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "award_refusals" ADD CONSTRAINT "award_refusals_achievement_id_achievements_id_fk" FOREIGN KEY ("achievement_id") REFERENCES "public"."achievements"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "awards" ADD CONSTRAINT "awards_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "awards" ADD CONSTRAINT "awards_achievement_id_achievements_id_fk" FOREIGN KEY ("achievement_id") REFERENCES "public"."achievements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "courses" ADD CONSTRAINT "courses_platform_id_platforms_id_fk" FOREIGN KEY ("platform_id") REFERENCES "public"."platforms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credential_records" ADD CONSTRAINT "credential_records_issuer_profile_id_issuer_profiles_id_fk" FOREIGN KEY ("issuer_profile_id") REFERENCES "public"."issuer_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credential_records" ADD CONSTRAINT "credential_records_status_list_id_status_lists_id_fk" FOREIGN KEY ("status_list_id") REFERENCES "public"."status_lists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credential_status_changes" ADD CONSTRAINT "credential_status_changes_credential_id_credential_records_id_fk" FOREIGN KEY ("credential_id") REFERENCES "public"."credential_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deep_linking_requests" ADD CONSTRAINT "deep_linking_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deep_linking_requests" ADD CONSTRAINT "deep_linking_requests_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_platform_id_platforms_id_fk" FOREIGN KEY ("platform_id") REFERENCES "public"."platforms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indexed_rules" ADD CONSTRAINT "indexed_rules_achievement_id_achievements_id_fk" FOREIGN KEY ("achievement_id") REFERENCES "public"."achievements"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outcome_states" ADD CONSTRAINT "outcome_states_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platforms" ADD CONSTRAINT "platforms_issuer_profile_id_issuer_profiles_id_fk" FOREIGN KEY ("issuer_profile_id") REFERENCES "public"."issuer_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_members" ADD CONSTRAINT "roster_members_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_references" ADD CONSTRAINT "rule_references_achievement_id_achievements_id_fk" FOREIGN KEY ("achievement_id") REFERENCES "public"."achievements"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signing_keys" ADD CONSTRAINT "signing_keys_issuer_profile_id_issuer_profiles_id_fk" FOREIGN KEY ("issuer_profile_id") REFERENCES "public"."issuer_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statements" ADD CONSTRAINT "statements_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_lists" ADD CONSTRAINT "status_lists_issuer_profile_id_issuer_profiles_id_fk" FOREIGN KEY ("issuer_profile_id") REFERENCES "public"."issuer_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_platform_id_platforms_id_fk" FOREIGN KEY ("platform_id") REFERENCES "public"."platforms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xapi_credentials" ADD CONSTRAINT "xapi_credentials_platform_id_platforms_id_fk" FOREIGN KEY ("platform_id") REFERENCES "public"."platforms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "xapi_launches" ADD CONSTRAINT "xapi_launches_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "achievements_course_idx" ON "achievements" USING btree ("course_id");--> statement-breakpoint
CREATE UNIQUE INDEX "award_flags_award_component_uq" ON "award_flags" USING btree ("award_id","component_award_id");--> statement-breakpoint
CREATE UNIQUE INDEX "awards_user_achievement_version_uq" ON "awards" USING btree ("user_id","achievement_id","achievement_version");--> statement-breakpoint
CREATE UNIQUE INDEX "courses_platform_context_uq" ON "courses" USING btree ("platform_id","context_id");--> statement-breakpoint
CREATE UNIQUE INDEX "credential_records_status_uq" ON "credential_records" USING btree ("status_list_id","status_index");--> statement-breakpoint
CREATE INDEX "credential_status_changes_credential_idx" ON "credential_status_changes" USING btree ("credential_id");--> statement-breakpoint
CREATE INDEX "enrolments_user_idx" ON "enrolments" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "ltijs_records_data_idx" ON "ltijs_records" USING gin ("data" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "ltijs_records_expiry_idx" ON "ltijs_records" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("next_attempt_at") WHERE status = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "platforms_issuer_client_uq" ON "platforms" USING btree ("issuer","client_id");--> statement-breakpoint
CREATE INDEX "rule_references_ref_idx" ON "rule_references" USING btree ("kind","ref");--> statement-breakpoint
CREATE INDEX "sessions_expiry_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "signing_keys_purpose_idx" ON "signing_keys" USING btree ("purpose","issuer_profile_id");--> statement-breakpoint
CREATE UNIQUE INDEX "signing_keys_one_live_tool_key_uq" ON "signing_keys" USING btree ("purpose") WHERE purpose = 'lti' and retired_at is null;--> statement-breakpoint
CREATE INDEX "statements_user_activity_idx" ON "statements" USING btree ("user_id","activity_id");--> statement-breakpoint
CREATE INDEX "statements_stored_idx" ON "statements" USING btree ("stored","seq");--> statement-breakpoint
CREATE INDEX "statements_activity_idx" ON "statements" USING btree ("activity_id");--> statement-breakpoint
CREATE INDEX "statements_voiding_target_idx" ON "statements" USING btree (("statement" -> 'object' ->> 'id')) WHERE verb_id = 'http://adlnet.gov/expapi/verbs/voided';--> statement-breakpoint
CREATE UNIQUE INDEX "users_platform_sub_uq" ON "users" USING btree ("platform_id","sub");--> statement-breakpoint
CREATE INDEX "users_email_idx" ON "users" USING btree ("platform_id","email");