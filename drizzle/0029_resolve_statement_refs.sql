-- hand-written: give the target keys to StatementRefs stored without them (stored before their
-- target, or in the same batch) whose target is stored now; from now on the store gives them
-- when the target arrives.
UPDATE "statements" AS "referring" SET "target_keys" = statement_target_keys("target"."verb_id",
    "target"."activity_id", "target"."registration", "target"."agent_keys",
    "target"."related_agent_keys", "target"."related_activity_ids")
  FROM "statements" AS "target"
  WHERE "referring"."object_statement_id" IS NOT NULL AND "referring"."target_keys" = '{}'
    AND "target"."id" = "referring"."object_statement_id";
