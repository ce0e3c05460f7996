CREATE TABLE "partner_issuers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"issuer_profile_id" text NOT NULL,
	"issuer_id" text NOT NULL,
	"name" text NOT NULL,
	"country_code" text,
	"quality_assurance" text NOT NULL,
	"recognised_achievement_ids" text[] DEFAULT '{}' NOT NULL,
	"recognised_alignments" text[] DEFAULT '{}' NOT NULL,
	"max_ects" double precision,
	"removed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recognised_credentials" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"partner_issuer_id" uuid NOT NULL,
	"credential_id" text NOT NULL,
	"credential" jsonb NOT NULL,
	"jwt" text,
	"achievement_id" text NOT NULL,
	"achievement_name" text NOT NULL,
	"alignments" text[] DEFAULT '{}' NOT NULL,
	"stated_ects" double precision,
	"counted_ects" double precision,
	"valid_until" timestamp with time zone,
	"binding" text NOT NULL,
	"status" text NOT NULL,
	"reviewed_by_user_id" uuid,
	"reviewed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "partner_issuers" ADD CONSTRAINT "partner_issuers_issuer_profile_id_issuer_profiles_id_fk" FOREIGN KEY ("issuer_profile_id") REFERENCES "public"."issuer_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recognised_credentials" ADD CONSTRAINT "recognised_credentials_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recognised_credentials" ADD CONSTRAINT "recognised_credentials_partner_issuer_id_partner_issuers_id_fk" FOREIGN KEY ("partner_issuer_id") REFERENCES "public"."partner_issuers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recognised_credentials" ADD CONSTRAINT "recognised_credentials_reviewed_by_user_id_users_id_fk" FOREIGN KEY ("reviewed_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "partner_issuers_body_issuer_uq" ON "partner_issuers" USING btree ("issuer_profile_id","issuer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "recognised_credentials_credential_uq" ON "recognised_credentials" USING btree ("credential_id");--> statement-breakpoint
CREATE INDEX "recognised_credentials_user_idx" ON "recognised_credentials" USING btree ("user_id");