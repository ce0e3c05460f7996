ALTER TABLE "xapi_credentials" ADD COLUMN "last_success_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "xapi_credentials" ADD COLUMN "last_failure_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "xapi_credentials" ADD COLUMN "last_failure_code" text;--> statement-breakpoint
ALTER TABLE "xapi_credentials" ADD COLUMN "last_failure_reason" text;--> statement-breakpoint
ALTER TABLE "xapi_credentials" ADD COLUMN "refused_count" integer DEFAULT 0 NOT NULL;