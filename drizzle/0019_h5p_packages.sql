CREATE TABLE "h5p_package_files" (
	"package_id" uuid NOT NULL,
	"path" text NOT NULL,
	"body" "bytea" NOT NULL,
	CONSTRAINT "h5p_package_files_package_id_path_pk" PRIMARY KEY("package_id","path")
);
--> statement-breakpoint
CREATE TABLE "h5p_packages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"course_id" uuid NOT NULL,
	"title" text NOT NULL,
	"main_library" text NOT NULL,
	"file_count" integer NOT NULL,
	"total_bytes" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "h5p_package_files" ADD CONSTRAINT "h5p_package_files_package_id_h5p_packages_id_fk" FOREIGN KEY ("package_id") REFERENCES "public"."h5p_packages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "h5p_packages" ADD CONSTRAINT "h5p_packages_course_id_courses_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."courses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "h5p_packages_course_idx" ON "h5p_packages" USING btree ("course_id");