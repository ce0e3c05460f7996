CREATE TABLE "xapi_unknown_key_refusals" (
	"key" text PRIMARY KEY NOT NULL,
	"refused_count" integer DEFAULT 1 NOT NULL,
	"last_refused_at" timestamp with time zone NOT NULL
);
