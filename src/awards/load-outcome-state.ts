/**
 * The outcome state store: `outcome_states` (per learner, activity, registration and source),
 * the learner's credentials and the group tags, as rules read them.
 *
 * Contract
 * - `recordOutcomes(tx, statements)` runs in the transaction that stores the statements; it
 *   folds them into `outcome_states` with one upsert, its rows in key order (so
 *   concurrent batches cannot deadlock), keeping the first evidence and the best score, and
 *   returns the (learner, activity) pairs whose outcome improved: only those can newly meet a
 *   rule, since rules never lose a met condition when evidence is added. Its cost depends on
 *   the batch, never on how many learners there are.
 * - `rebuildOutcomes(tx, userId, activityIds)` recomputes those rows from the learner's stored,
 *   unvoided statements (after a voiding).
 * - `loadOutcomeState(db, userId, activityIds, achievementIds)` reads the rows and the
 *   learner's unrevoked credentials of those achievements (the latest of each);
 *   `loadOutcomeStates` does the same for many learners in the same two queries.
 * - `loadGroups(db, activityIds, achievementIds)` reads the group tags of both.
 * - `loadRecognised(db, userIds, courseId, now)` reads the learners' credentials recognised
 *   (status `recognised`, not expired at `now`) from the partners of the course's awarding body;
 *   `loadOutcomeStates` adds them to each state when given `recognisedIn`.
 */
import { and, asc, desc, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { buildQuery, executeBuilt } from '../db/named-query.js';
import { rowsOf } from '../db/raw-rows.js';
import {
  achievementTags,
  awards,
  courseActivities,
  courses,
  outcomeStates,
  partnerIssuers,
  platforms,
  recognisedCredentials,
  statements,
} from '../db/schema.js';
import { moveOnOfActivities } from '../xapi/cmi5/cmi5-structure.js';
import type { Cmi5MoveOn } from '../xapi/cmi5/move-on.js';
import { foldOutcomes, outcomeFactsOf, type OutcomeFact } from './outcome-state.js';
import type {
  ActivityOutcome,
  HeldCredential,
  OutcomeState,
  RecognisedCredential,
} from './rules/evaluate.js';
import type { StatementSource } from './rules/rule-schema.js';

export async function recordOutcomes(
  tx: Executor,
  facts: readonly OutcomeFact[],
): Promise<{ userId: string; activityId: string }[]> {
  const rows = foldOutcomes(facts);
  if (rows.length === 0) return [];
  const returned = rowsOf<{
    user_id: string;
    activity_id: string;
    passed_by: string | null;
    completed_by: string | null;
    satisfied_by: string | null;
    best_scaled: number | null;
  }>(
    await executeBuilt(
      tx,
      recordOutcomesQuery,
      {
        rows: JSON.stringify(
          rows.map((row) => ({
            user_id: row.userId,
            activity_id: row.activityId,
            registration: row.registration,
            source: row.source,
            passed_by: row.passedBy,
            completed_by: row.completedBy,
            satisfied_by: row.satisfiedBy,
            best_scaled: row.bestScaled,
            best_score_by: row.bestScoreBy,
          })),
        ),
      },
      { name: 'microcred_record_outcomes' },
    ),
  );
  return returned
    .filter(
      (row) =>
        row.passed_by !== null ||
        row.completed_by !== null ||
        row.satisfied_by !== null ||
        row.best_scaled !== null,
    )
    .map((row) => ({ userId: row.user_id, activityId: row.activity_id }));
}

/**
 * The upsert of recordOutcomes, built once (it runs for every statement about a known learner),
 * its rows one JSON parameter in their order. Only an improvement is written (and returned):
 * rules are monotone in the state.
 */
const recordOutcomesQuery = buildQuery(sql`
  insert into ${outcomeStates} (user_id, activity_id, registration, source, passed_by,
    completed_by, satisfied_by, best_scaled, best_score_by)
  select row.user_id, row.activity_id, row.registration, row.source, row.passed_by,
    row.completed_by, row.satisfied_by, row.best_scaled, row.best_score_by
    from jsonb_populate_recordset(null::${outcomeStates}, ${sql.placeholder('rows')}::jsonb) as row
  on conflict (user_id, activity_id, registration, source) do update set
    passed_by = coalesce(${outcomeStates.passedBy}, excluded.passed_by),
    completed_by = coalesce(${outcomeStates.completedBy}, excluded.completed_by),
    satisfied_by = coalesce(${outcomeStates.satisfiedBy}, excluded.satisfied_by),
    best_score_by = case when excluded.best_scaled is not null
        and (${outcomeStates.bestScaled} is null or excluded.best_scaled > ${outcomeStates.bestScaled})
      then excluded.best_score_by else ${outcomeStates.bestScoreBy} end,
    best_scaled = greatest(${outcomeStates.bestScaled}, excluded.best_scaled),
    updated_at = now()
  where (${outcomeStates.passedBy} is null and excluded.passed_by is not null)
    or (${outcomeStates.completedBy} is null and excluded.completed_by is not null)
    or (${outcomeStates.satisfiedBy} is null and excluded.satisfied_by is not null)
    or (excluded.best_scaled is not null and (${outcomeStates.bestScaled} is null
      or excluded.best_scaled > ${outcomeStates.bestScaled}))
  returning user_id, activity_id, passed_by, completed_by, satisfied_by, best_scaled`);

export async function rebuildOutcomes(
  tx: Executor,
  userId: string,
  activityIds: readonly string[],
): Promise<void> {
  if (activityIds.length === 0) return;
  await tx
    .delete(outcomeStates)
    .where(
      and(eq(outcomeStates.userId, userId), inArray(outcomeStates.activityId, [...activityIds])),
    );
  // Statements about the activities, and LMS sub-item statements naming them as a parent.
  const names = sql.join(
    activityIds.map((id) => sql`${id}`),
    sql`, `,
  );
  const rows = await tx
    .select({
      id: statements.id,
      registration: statements.registration,
      source: statements.source,
      statement: statements.statement,
    })
    .from(statements)
    .where(
      and(
        eq(statements.userId, userId),
        eq(statements.isVoided, false),
        or(
          inArray(statements.activityId, [...activityIds]),
          sql`exists (select 1 from jsonb_array_elements(coalesce(${statements.statement}
            -> 'context' -> 'contextActivities' -> 'parent', '[]'::jsonb)
            || coalesce(${statements.statement} -> 'context' -> 'contextActivities' -> 'grouping',
            '[]'::jsonb)) as named(activity) where named.activity ->> 'id' in (${names}))`,
        ),
      ),
    )
    .orderBy(asc(statements.seq));
  const wanted = new Set(activityIds);
  await recordOutcomes(
    tx,
    rows.flatMap((row) =>
      outcomeFactsOf({ ...row, userId }).filter((fact) => wanted.has(fact.activityId)),
    ),
  );
}

/** The course whose awarding body's recognised credentials a state includes, and when. */
export interface RecognisedIn {
  readonly courseId: string;
  readonly now: Date;
}

export async function loadOutcomeState(
  db: Executor,
  userId: string,
  activityIds: readonly string[],
  achievementIds: readonly string[] = [],
  recognisedIn?: RecognisedIn,
): Promise<OutcomeState> {
  const states = await loadOutcomeStates(db, [userId], activityIds, achievementIds, recognisedIn);
  return states.get(userId) ?? { activities: new Map(), credentials: new Map() };
}

export async function loadOutcomeStates(
  db: Executor,
  userIds: readonly string[],
  activityIds: readonly string[],
  achievementIds: readonly string[] = [],
  recognisedIn?: RecognisedIn,
): Promise<Map<string, OutcomeState>> {
  const states = new Map<
    string,
    {
      activities: Map<string, ActivityOutcome[]>;
      credentials: Map<string, HeldCredential>;
      moveOn: Map<string, Cmi5MoveOn>;
      recognised?: RecognisedCredential[];
    }
  >();
  if (userIds.length === 0) return states;
  const moveOn = await moveOnOfActivities(db, activityIds);
  const recognised = recognisedIn
    ? await loadRecognised(db, userIds, recognisedIn.courseId, recognisedIn.now)
    : undefined;
  for (const userId of userIds) {
    states.set(userId, {
      activities: new Map(),
      credentials: new Map(),
      moveOn,
      ...(recognised ? { recognised: recognised.get(userId) ?? [] } : {}),
    });
  }
  if (activityIds.length > 0) {
    const rows = await db
      .select()
      .from(outcomeStates)
      .where(
        and(
          inArray(outcomeStates.userId, [...userIds]),
          inArray(outcomeStates.activityId, [...activityIds]),
        ),
      )
      .orderBy(
        asc(outcomeStates.userId),
        asc(outcomeStates.activityId),
        asc(outcomeStates.source),
        asc(outcomeStates.registration),
      );
    for (const row of rows) {
      const activities = states.get(row.userId)?.activities;
      if (!activities) continue;
      const list = activities.get(row.activityId) ?? [];
      list.push({
        source: row.source,
        passedBy: row.passedBy,
        completedBy: row.completedBy,
        satisfiedBy: row.satisfiedBy,
        bestScaled: row.bestScaled,
        bestScoreBy: row.bestScoreBy,
      });
      activities.set(row.activityId, list);
    }
  }
  if (achievementIds.length > 0) {
    const held = await db
      .select({
        id: awards.id,
        userId: awards.userId,
        achievementId: awards.achievementId,
        form: awards.form,
        evidence: awards.evidence,
      })
      .from(awards)
      .where(
        and(
          inArray(awards.userId, [...userIds]),
          inArray(awards.achievementId, [...achievementIds]),
          isNull(awards.revokedAt),
        ),
      )
      .orderBy(desc(awards.issuedAt), asc(awards.id));
    for (const award of held) {
      const credentials = states.get(award.userId)?.credentials;
      if (!credentials || credentials.has(award.achievementId)) continue;
      const evidence = (award.evidence ?? {}) as {
        creditsEarned?: number | null;
        sources?: StatementSource[];
      };
      credentials.set(award.achievementId, {
        awardId: award.id,
        form: award.form,
        ects: award.form === 'micro-credential' ? (evidence.creditsEarned ?? null) : null,
        sources: evidence.sources ?? [],
      });
    }
  }
  return states;
}

export async function loadRecognised(
  db: Executor,
  userIds: readonly string[],
  courseId: string,
  now: Date,
): Promise<Map<string, RecognisedCredential[]>> {
  const byUser = new Map<string, RecognisedCredential[]>();
  if (userIds.length === 0) return byUser;
  const rows = await db
    .select({ recognised: recognisedCredentials, partner: partnerIssuers })
    .from(recognisedCredentials)
    .innerJoin(partnerIssuers, eq(partnerIssuers.id, recognisedCredentials.partnerIssuerId))
    .innerJoin(platforms, eq(platforms.issuerProfileId, partnerIssuers.issuerProfileId))
    .innerJoin(courses, eq(courses.platformId, platforms.id))
    .where(
      and(
        eq(courses.id, courseId),
        inArray(recognisedCredentials.userId, [...userIds]),
        eq(recognisedCredentials.status, 'recognised'),
        or(isNull(recognisedCredentials.validUntil), gt(recognisedCredentials.validUntil, now)),
      ),
    )
    .orderBy(asc(recognisedCredentials.createdAt), asc(recognisedCredentials.id));
  for (const { recognised, partner } of rows) {
    const list = byUser.get(recognised.userId) ?? [];
    list.push({
      recognitionId: recognised.id,
      credentialId: recognised.credentialId,
      partnerIssuerId: partner.id,
      issuerId: partner.issuerId,
      issuerName: partner.name,
      achievementId: recognised.achievementId,
      achievementName: recognised.achievementName,
      alignments: recognised.alignments,
      countedEcts: recognised.countedEcts,
    });
    byUser.set(recognised.userId, list);
  }
  return byUser;
}

export async function loadGroups(
  db: Executor,
  activityIds: readonly string[],
  achievementIds: readonly string[],
): Promise<Map<string, Record<string, string>>> {
  const groups = new Map<string, Record<string, string>>();
  if (activityIds.length > 0) {
    const rows = await db
      .select({
        activityId: courseActivities.activityId,
        tags: courseActivities.tags,
      })
      .from(courseActivities)
      .where(inArray(courseActivities.activityId, [...activityIds]))
      .orderBy(asc(courseActivities.courseId));
    for (const row of rows)
      groups.set(row.activityId, { ...row.tags, ...groups.get(row.activityId) });
  }
  if (achievementIds.length > 0) {
    const rows = await db
      .select()
      .from(achievementTags)
      .where(inArray(achievementTags.achievementId, [...achievementIds]));
    for (const row of rows) groups.set(row.achievementId, row.tags);
  }
  return groups;
}
