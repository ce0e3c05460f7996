CREATE TABLE "issued_endorsements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"issuer_profile_id" text NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_id" text NOT NULL,
	"subject_name" text NOT NULL,
	"comment" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "received_endorsements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"issuer_profile_id" text NOT NULL,
	"achievement_id" uuid,
	"credential_id" text NOT NULL,
	"credential" jsonb NOT NULL,
	"endorser_id" text NOT NULL,
	"endorser_name" text NOT NULL,
	"comment" text,
	"valid_until" timestamp with time zone,
	"attached_by" text NOT NULL,
	"removed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "issued_endorsements" ADD CONSTRAINT "issued_endorsements_id_credential_records_id_fk" FOREIGN KEY ("id") REFERENCES "public"."credential_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issued_endorsements" ADD CONSTRAINT "issued_endorsements_issuer_profile_id_issuer_profiles_id_fk" FOREIGN KEY ("issuer_profile_id") REFERENCES "public"."issuer_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "received_endorsements" ADD CONSTRAINT "received_endorsements_issuer_profile_id_issuer_profiles_id_fk" FOREIGN KEY ("issuer_profile_id") REFERENCES "public"."issuer_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "received_endorsements" ADD CONSTRAINT "received_endorsements_achievement_id_achievements_id_fk" FOREIGN KEY ("achievement_id") REFERENCES "public"."achievements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "issued_endorsements_body_idx" ON "issued_endorsements" USING btree ("issuer_profile_id");--> statement-breakpoint
CREATE UNIQUE INDEX "received_endorsements_credential_uq" ON "received_endorsements" USING btree ("credential_id") WHERE removed_at is null;--> statement-breakpoint
CREATE INDEX "received_endorsements_body_idx" ON "received_endorsements" USING btree ("issuer_profile_id");