ALTER TABLE "achievements" ADD COLUMN "stack_credit" text DEFAULT 'components' NOT NULL;--> statement-breakpoint
ALTER TABLE "achievements" ADD COLUMN "stack_result" text DEFAULT 'none' NOT NULL;