ALTER TABLE "platforms" ADD COLUMN "xapi_account_name" text DEFAULT 'lti-sub' NOT NULL;--> statement-breakpoint
ALTER TABLE "platforms" ADD COLUMN "xapi_account_home_page" text;--> statement-breakpoint
ALTER TABLE "roster_members" ADD COLUMN "username" text;--> statement-breakpoint
ALTER TABLE "statements" ADD COLUMN "pending_platform_id" uuid;--> statement-breakpoint
ALTER TABLE "statements" ADD COLUMN "pending_actor_key" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "username" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "mbox_sha1sum" text;--> statement-breakpoint
CREATE INDEX "statements_pending_actor_idx" ON "statements" USING btree ("pending_platform_id","pending_actor_key") WHERE pending_platform_id is not null;--> statement-breakpoint
CREATE INDEX "users_username_idx" ON "users" USING btree ("platform_id","username");--> statement-breakpoint
CREATE INDEX "users_mbox_sha1sum_idx" ON "users" USING btree ("platform_id","mbox_sha1sum");