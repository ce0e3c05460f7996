ALTER TABLE "deep_linking_requests" ADD COLUMN "answer_jwt" text;--> statement-breakpoint
ALTER TABLE "deep_linking_requests" ADD COLUMN "answer_title" text;