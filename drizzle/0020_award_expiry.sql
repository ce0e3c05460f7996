ALTER TABLE "achievements" ADD COLUMN "expires_after" text;--> statement-breakpoint
ALTER TABLE "achievements" ADD COLUMN "expires_on" date;--> statement-breakpoint
ALTER TABLE "awards" ADD COLUMN "valid_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "achievements" ADD CONSTRAINT "achievements_one_expiry_ck" CHECK ("achievements"."expires_after" is null or "achievements"."expires_on" is null);