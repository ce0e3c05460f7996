ALTER TABLE "awards" ADD COLUMN "is_public" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "is_email_notified" boolean DEFAULT true NOT NULL;