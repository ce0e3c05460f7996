CREATE TABLE "cmi5_package_files" (
	"package_id" uuid NOT NULL,
	"path" text NOT NULL,
	"body" "bytea" NOT NULL,
	CONSTRAINT "cmi5_package_files_package_id_path_pk" PRIMARY KEY("package_id","path")
);
--> statement-breakpoint
CREATE TABLE "cmi5_packages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"course_id" uuid NOT NULL,
	"cmi5_course_id" text NOT NULL,
	"structure" jsonb NOT NULL,
	"has_files" boolean NOT NULL,
	"file_count" integer DEFAULT 0 NOT NULL,
	"total_bytes" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cmi5_package_files" ADD CONSTRAINT "cmi5_package_files_package_id_cmi5_packages_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."cmi5_packages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cmi5_packages" ADD CONSTRAINT "cmi5_packages_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cmi5_packages_course_idx" ON "cmi5_packages" USING btree ("course_id");