CREATE TABLE "lti_issued_nonces" (
	"nonce" text PRIMARY KEY NOT NULL,
	"state" text NOT NULL,
	"login" jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
