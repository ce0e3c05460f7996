ALTER TABLE "achievements" ADD COLUMN "badge_design" jsonb;--> statement-breakpoint
ALTER TABLE "achievements" ADD COLUMN "copied_from_id" uuid;--> statement-breakpoint
ALTER TABLE "achievements" ADD CONSTRAINT "achievements_copied_from_id_achievements_id_fk" FOREIGN KEY ("copied_from_id") REFERENCES "public"."achievements"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "achievements_copied_from_idx" ON "achievements" USING btree ("copied_from_id") WHERE copied_from_id is not null;