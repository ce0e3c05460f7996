import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { CredentialIssuer } from '../badges/issue-credential.js';
import type { Logger } from '../config/logger.js';
import type { Db, Executor } from '../db/database.js';
import {
  achievements,
  awardClaims,
  awardFlags,
  awardRefusals,
  awards,
  enrolments,
  outbox,
  platforms,
  ruleReferences,
  statements,
  users,
} from '../db/schema.js';
import { VOIDED_VERB_ID } from '../xapi/statement.js';
import type { StoredStatement } from '../xapi/statement-store.js';
import {
  loadGroups,
  loadOutcomeState,
  rebuildOutcomes,
  recordOutcomes,
} from './load-outcome-state.js';
import { enqueue } from './outbox.js';
import {
  isReferenced,
  pendingAchievementsReferencing,
  syncRuleIndex,
  type AchievementRow,
} from './rule-index.js';
import {
  evaluateRule,
  evidenceScore,
  evidenceStatementIds,
  type Evaluation,
} from './rules/evaluate.js';
import {
  achievementsOfRule,
  activitiesOfRule,
  parseRule,
  type StatementSource,
} from './rules/rule-schema.js';

export const EVALUATE_JOB = 'evaluate-learner';
export const GRADE_JOB = 'ags-score';
/** A claim to issue a credential older than this (the outbox lease) is taken over. */
const CLAIM_SECONDS = 120;

/** The EU "supervision and identity verification" of a self-study learner's badge. */
export const SELF_STUDY_SUPERVISION = 'unsupervised without identity verification';

export interface GradeJobPayload {
  awardId: string;
  /** The award's result (0 to 1), null when the achievement has none (awards.scoreScaled). */
  scoreScaled: number | null;
}

/** Re-evaluate a learner's rules that reference these activities or stacked achievements. */
export interface EvaluateJobPayload {
  userId: string;
  activityIds: string[];
  achievementIds: string[];
}

/** What an award records about how it was met; stored in `awards.evidence`. */
export interface AwardEvidence {
  form: 'micro-credential' | 'badge';
  trustLevel: 'registered' | 'self-study';
  creditsEarned: number | null;
  supervisionAndIdentityVerification: string | null;
  /** The sources of the statements the award rests on, its stacked credentials' included. */
  sources: StatementSource[];
  statements: {
    statementId: string;
    activity: string;
    condition: 'passed' | 'completed' | 'scoreAtLeast';
    source: StatementSource;
    scaled: number | null;
  }[];
  /** For a stack: the credentials (courses) chosen. */
  stackedCredentials: {
    achievementId: string;
    awardId: string;
    name: string;
    ects: number | null;
  }[];
}

export interface AwardDeps {
  db: Db;
  logger: Logger;
  issueCredential: CredentialIssuer;
  now?: () => Date;
}

/**
 * Called by the LRS inside the transaction that stores statements. It folds them into the
 * learners' outcome state (cost per statement, whatever the number of learners), rebuilds the
 * state a voiding statement changed, and queues one durable evaluation per learner, so an
 * award can never be lost between the commit and the evaluation. Resolves true when it queued
 * an evaluation.
 */
export async function enqueueEvaluations(
  tx: Executor,
  stored: readonly StoredStatement[],
): Promise<boolean> {
  const counted = stored.filter(
    (s): s is StoredStatement & { userId: string; activityId: string } =>
      s.userId !== null && s.activityId !== null && !s.isVoided && s.verbId !== VOIDED_VERB_ID,
  );
  const improved = await recordOutcomes(
    tx,
    counted.map((s) => ({ ...s, statementId: s.id })),
  );
  await rebuildVoided(tx, stored);

  // Only statements that improved an outcome can newly meet a rule, and only if a rule looks
  // at their activity: the others need no evaluation.
  const improvedKeys = new Set(improved.map((i) => `${i.userId} ${i.activityId}`));
  const relevant = counted.filter((s) => improvedKeys.has(`${s.userId} ${s.activityId}`));
  if (!(await isReferenced(tx, [...new Set(relevant.map((s) => s.activityId))]))) return false;
  const byUser = new Map<string, { firstStatementId: string; activityIds: Set<string> }>();
  for (const statement of relevant) {
    const entry = byUser.get(statement.userId) ?? {
      firstStatementId: statement.id,
      activityIds: new Set<string>(),
    };
    entry.activityIds.add(statement.activityId);
    byUser.set(statement.userId, entry);
  }
  for (const [userId, entry] of byUser) {
    const payload: EvaluateJobPayload = {
      userId,
      activityIds: [...entry.activityIds].sort(),
      achievementIds: [],
    };
    await enqueue(tx, {
      kind: EVALUATE_JOB,
      dedupeKey: `${EVALUATE_JOB}:${entry.firstStatementId}:${userId}`,
      payload: { ...payload },
    });
  }
  return byUser.size > 0;
}

async function rebuildVoided(tx: Executor, stored: readonly StoredStatement[]): Promise<void> {
  const targetIds = stored.flatMap((s) => {
    if (s.verbId !== VOIDED_VERB_ID) return [];
    const object = s.statement.object as { objectType?: string; id?: string };
    return object.objectType === 'StatementRef' && object.id ? [object.id] : [];
  });
  const voided = stored.filter((s) => s.isVoided && s.verbId !== VOIDED_VERB_ID).map((s) => s.id);
  const ids = [...new Set([...targetIds, ...voided])];
  if (ids.length === 0) return;
  const targets = await tx
    .select({ userId: statements.userId, activityId: statements.activityId })
    .from(statements)
    .where(inArray(statements.id, ids));
  const byUser = new Map<string, Set<string>>();
  for (const { userId, activityId } of targets) {
    if (!userId || !activityId) continue;
    byUser.set(userId, (byUser.get(userId) ?? new Set()).add(activityId));
  }
  for (const [userId, activityIds] of [...byUser].sort(([a], [b]) => (a < b ? -1 : 1))) {
    await rebuildOutcomes(tx, userId, [...activityIds].sort());
  }
}

/**
 * Evaluates a learner's achievements whose rules reference the given activities or stacked
 * achievements (or exactly the `only` achievements), and issues a credential for each rule
 * newly met, or records why a met stack is refused. Exactly one award per learner and
 * achievement version: racing evaluations first claim the award (`award_claims`), so only one
 * signs; a unique index on `awards` backs it up, and only the winner queues the grade passback
 * and the re-evaluation of the stacks built on it. Returns the ids of the awards it created.
 */
export async function evaluateLearner(
  deps: AwardDeps,
  userId: string,
  changed: { activityIds: readonly string[]; achievementIds: readonly string[] },
  only?: readonly string[],
): Promise<string[]> {
  const { db } = deps;
  const candidates = only
    ? await enrolledAchievements(db, userId, only)
    : await pendingAchievementsReferencing(db, userId, changed);
  const pending = candidates.map(({ achievement, trustLevel }) => ({
    achievement,
    trustLevel,
    rule: parseRule(achievement.rule),
  }));
  if (pending.length === 0) return [];

  const activityIds = [...new Set(pending.flatMap(({ rule }) => activitiesOfRule(rule)))];
  const achievementIds = [...new Set(pending.flatMap(({ rule }) => achievementsOfRule(rule)))];
  const [state, groups] = await Promise.all([
    loadOutcomeState(db, userId, activityIds, achievementIds),
    loadGroups(db, activityIds, achievementIds),
  ]);

  const created: string[] = [];
  for (const { achievement, rule, trustLevel } of pending) {
    const creditOnly = trustLevel === 'registered' && achievement.ects !== null;
    const evaluation = evaluateRule(rule, state, { groups, creditOnly });
    if (evaluation.refusal !== null) {
      await recordRefusal(db, userId, achievement, evaluation.refusal);
      continue;
    }
    if (!evaluation.isMet) continue;
    const [recipient] = await db
      .select({ user: users, platform: platforms })
      .from(users)
      .innerJoin(platforms, eq(platforms.id, users.platformId))
      .where(eq(users.id, userId));
    if (!recipient) return created;
    const awardId = await award(deps, recipient, achievement, evaluation, creditOnly);
    if (awardId) created.push(awardId);
  }
  return created;
}

async function award(
  deps: AwardDeps,
  recipient: { user: typeof users.$inferSelect; platform: typeof platforms.$inferSelect },
  achievement: AchievementRow,
  evaluation: Evaluation,
  creditOnly: boolean,
): Promise<string | null> {
  const { db } = deps;
  const evidence = await describeEvidence(
    db,
    recipient.platform.trustLevel,
    achievement,
    evaluation,
    creditOnly,
  );
  const awardId = randomUUID();
  if (!(await claim(db, recipient.user.id, achievement, awardId))) return null;
  try {
    return await issueAndStore(deps, recipient, achievement, evaluation, evidence, awardId);
  } catch (error) {
    await db.delete(awardClaims).where(eq(awardClaims.awardId, awardId));
    throw error;
  }
}

/**
 * Claims the right to issue this learner's credential of this achievement version. False when
 * another evaluation holds a live claim (or already issued it).
 */
async function claim(
  db: Executor,
  userId: string,
  achievement: AchievementRow,
  awardId: string,
): Promise<boolean> {
  const claimed = await db
    .insert(awardClaims)
    .values({
      userId,
      achievementId: achievement.id,
      achievementVersion: achievement.version,
      awardId,
    })
    .onConflictDoUpdate({
      target: [awardClaims.userId, awardClaims.achievementId, awardClaims.achievementVersion],
      set: { awardId, claimedAt: sql`now()` },
      setWhere: sql`${awardClaims.claimedAt} < now() - make_interval(secs => ${CLAIM_SECONDS})
        and not exists (select 1 from ${awards} where ${awards.userId} = ${userId}
          and ${awards.achievementId} = ${achievement.id}
          and ${awards.achievementVersion} = ${achievement.version})`,
    })
    .returning({ awardId: awardClaims.awardId });
  return claimed[0]?.awardId === awardId;
}

async function issueAndStore(
  deps: AwardDeps,
  recipient: { user: typeof users.$inferSelect; platform: typeof platforms.$inferSelect },
  achievement: AchievementRow,
  evaluation: Evaluation,
  evidence: AwardEvidence,
  awardId: string,
): Promise<string | null> {
  const { db, logger, issueCredential } = deps;
  const scoreScaled = evidenceScore(evaluation);
  const statementIds = evidenceStatementIds(evaluation);
  const issuedAt = deps.now?.() ?? new Date();
  const credential = await issueCredential({
    awardId,
    issuedAt,
    issuerProfileId: recipient.platform.issuerProfileId,
    achievement: { ...achievement, ects: evidence.form === 'badge' ? null : achievement.ects },
    recipient: {
      platformIssuer: recipient.platform.issuer,
      sub: recipient.user.sub,
      name: recipient.user.name,
      email: recipient.user.email,
    },
    evidenceStatementIds: statementIds,
    scoreScaled,
    form: evidence.form,
    creditsEarned: evidence.creditsEarned,
    outcomes: evidence.statements,
    stackedCredentials: evidence.stackedCredentials,
  });

  const grade: GradeJobPayload = { awardId, scoreScaled };
  const stacks: EvaluateJobPayload = {
    userId: recipient.user.id,
    activityIds: [],
    achievementIds: [achievement.id],
  };
  // One statement, atomic on its own: the award, and only if it is new, its grade passback,
  // the re-evaluation of the stacks built on it, and the end of an earlier refusal.
  const inserted = db.$with('inserted').as(
    db
      .insert(awards)
      .values({
        id: awardId,
        userId: recipient.user.id,
        achievementId: achievement.id,
        achievementVersion: achievement.version,
        evidenceStatementIds: statementIds,
        credential,
        issuedAt,
        form: evidence.form,
        evidence: { ...evidence },
        scoreScaled,
      })
      .onConflictDoNothing()
      .returning({ id: awards.id }),
  );
  const jobs = db.$with('jobs', { id: outbox.id }).as(
    sql`insert into ${outbox} (kind, dedupe_key, payload)
      select job.kind, job.dedupe_key, job.payload from ${inserted} cross join (values
        (${GRADE_JOB}, ${`${GRADE_JOB}:${awardId}`}, ${JSON.stringify(grade)}::jsonb),
        (${EVALUATE_JOB}, ${`${EVALUATE_JOB}:award:${awardId}`}, ${JSON.stringify(stacks)}::jsonb)
      ) as job(kind, dedupe_key, payload)
      on conflict (dedupe_key) do nothing returning id`,
  );
  const cleared = db.$with('cleared').as(
    db
      .delete(awardRefusals)
      .where(
        and(
          eq(awardRefusals.userId, recipient.user.id),
          eq(awardRefusals.achievementId, achievement.id),
          sql`exists (select 1 from ${inserted})`,
        ),
      )
      .returning({ userId: awardRefusals.userId }),
  );
  const isNew =
    (await db.with(inserted, jobs, cleared).select({ id: inserted.id }).from(inserted)).length > 0;
  if (!isNew) return null;
  logger.info('awards', 'credential awarded', {
    awardId,
    userId: recipient.user.id,
    achievementId: achievement.id,
    form: evidence.form,
  });
  return awardId;
}

async function describeEvidence(
  db: Executor,
  trustLevel: 'registered' | 'self-study',
  achievement: AchievementRow,
  evaluation: Evaluation,
  creditOnly: boolean,
): Promise<AwardEvidence> {
  const statementsUsed = evaluation.evidence.flatMap((item) =>
    item.kind === 'statement'
      ? [
          {
            statementId: item.statementId,
            activity: item.activity,
            condition: item.condition,
            source: item.source,
            scaled: item.scaled,
          },
        ]
      : [],
  );
  const credentialsUsed = evaluation.evidence.flatMap((item) =>
    item.kind === 'credential' ? [item] : [],
  );
  const components =
    credentialsUsed.length === 0
      ? []
      : await db
          .select({ id: achievements.id, name: achievements.name })
          .from(achievements)
          .where(
            inArray(
              achievements.id,
              credentialsUsed.map((c) => c.achievementId),
            ),
          );
  const componentSources =
    credentialsUsed.length === 0
      ? []
      : await db
          .select({ evidence: awards.evidence })
          .from(awards)
          .where(
            inArray(
              awards.id,
              credentialsUsed.map((c) => c.awardId),
            ),
          );
  const sources = new Set<StatementSource>(statementsUsed.map((s) => s.source));
  for (const { evidence } of componentSources) {
    for (const source of (evidence as { sources?: StatementSource[] } | null)?.sources ?? []) {
      sources.add(source);
    }
  }
  const form = creditOnly ? 'micro-credential' : 'badge';
  return {
    form,
    trustLevel,
    creditsEarned:
      form === 'badge'
        ? null
        : credentialsUsed.length > 0
          ? evaluation.stackedEcts
          : achievement.ects,
    supervisionAndIdentityVerification: trustLevel === 'self-study' ? SELF_STUDY_SUPERVISION : null,
    sources: [...sources].sort(),
    statements: statementsUsed,
    stackedCredentials: credentialsUsed.map((c) => ({
      achievementId: c.achievementId,
      awardId: c.awardId,
      name: components.find((a) => a.id === c.achievementId)?.name ?? c.achievementId,
      ects: c.ects,
    })),
  };
}

async function recordRefusal(
  db: Executor,
  userId: string,
  achievement: AchievementRow,
  reason: string,
): Promise<void> {
  await db
    .insert(awardRefusals)
    .values({
      userId,
      achievementId: achievement.id,
      achievementVersion: achievement.version,
      reason,
    })
    .onConflictDoUpdate({
      target: [awardRefusals.userId, awardRefusals.achievementId, awardRefusals.achievementVersion],
      set: { reason, updatedAt: new Date() },
    });
}

async function enrolledAchievements(
  db: Executor,
  userId: string,
  achievementIds: readonly string[],
): Promise<{ achievement: AchievementRow; trustLevel: 'registered' | 'self-study' }[]> {
  if (achievementIds.length === 0) return [];
  return db
    .select({ achievement: achievements, trustLevel: platforms.trustLevel })
    .from(achievements)
    .innerJoin(
      enrolments,
      and(eq(enrolments.courseId, achievements.courseId), eq(enrolments.userId, userId)),
    )
    .innerJoin(users, eq(users.id, enrolments.userId))
    .innerJoin(platforms, eq(platforms.id, users.platformId))
    .where(
      and(
        inArray(achievements.id, [...achievementIds]),
        sql`not exists (select 1 from ${awards} where ${awards.userId} = ${userId}
          and ${awards.achievementId} = ${achievements.id}
          and ${awards.achievementVersion} = ${achievements.version})`,
      ),
    );
}

/** Evaluation jobs bring the rule index up to date at most this often (per database). */
const RULE_INDEX_SYNC_MS = 1000;
const lastRuleIndexSync = new WeakMap<Db, number>();

/** Runs an evaluation job: brings the rule index up to date (at most each second), then evaluates. */
export async function runEvaluateJob(
  deps: AwardDeps,
  payload: EvaluateJobPayload,
): Promise<string[]> {
  const lastSync = lastRuleIndexSync.get(deps.db) ?? 0;
  if (Date.now() - lastSync >= RULE_INDEX_SYNC_MS) {
    lastRuleIndexSync.set(deps.db, Date.now());
    await syncRuleIndex(deps.db);
  }
  return evaluateLearner(deps, payload.userId, {
    activityIds: payload.activityIds ?? [],
    achievementIds: payload.achievementIds ?? [],
  });
}

/**
 * Re-evaluates every learner of an achievement's course against its current version (after a
 * new achievement or a changed rule). Pages through the learners, so it scales with the course.
 */
export async function reevaluateAchievement(
  deps: AwardDeps,
  achievementId: string,
): Promise<string[]> {
  const { db } = deps;
  const [achievement] = await db
    .select()
    .from(achievements)
    .where(eq(achievements.id, achievementId));
  if (!achievement) return [];
  const created: string[] = [];
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page = await db
      .select({ userId: enrolments.userId })
      .from(enrolments)
      .where(
        and(
          eq(enrolments.courseId, achievement.courseId),
          eq(enrolments.role, 'learner'),
          gt(enrolments.userId, after),
        ),
      )
      .orderBy(asc(enrolments.userId))
      .limit(500);
    for (const { userId } of page) {
      created.push(
        ...(await evaluateLearner(deps, userId, { activityIds: [], achievementIds: [] }, [
          achievementId,
        ])),
      );
    }
    const last = page.at(-1);
    if (!last || page.length < 500) return created;
    after = last.userId;
  }
}

/**
 * Revokes an award (the badges part flips its status bit) and flags, without revoking, every
 * credential of the same learner that stacked it, so the teacher sees them. Returns the ids of
 * the flagged awards.
 */
export async function revokeAward(db: Db, awardId: string, now = new Date()): Promise<string[]> {
  return db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(awards)
      .set({ revokedAt: now })
      .where(and(eq(awards.id, awardId), isNull(awards.revokedAt)))
      .returning();
    if (!revoked) return [];
    const stacks = await tx
      .select({ award: awards, name: achievements.name })
      .from(awards)
      .innerJoin(
        ruleReferences,
        and(
          eq(ruleReferences.achievementId, awards.achievementId),
          eq(ruleReferences.kind, 'achievement'),
          eq(ruleReferences.ref, revoked.achievementId),
        ),
      )
      .innerJoin(achievements, eq(achievements.id, revoked.achievementId))
      .where(and(eq(awards.userId, revoked.userId), isNull(awards.revokedAt)));
    const flagged = stacks.filter(({ award: stack }) =>
      ((stack.evidence as Partial<AwardEvidence> | null)?.stackedCredentials ?? []).some(
        (component) => component.awardId === awardId,
      ),
    );
    for (const { award: stack, name } of flagged) {
      await tx
        .insert(awardFlags)
        .values({
          awardId: stack.id,
          kind: 'component-revoked',
          componentAwardId: awardId,
          message: `A credential stacked into this one was revoked: ${name}. Check whether this credential still holds.`,
        })
        .onConflictDoNothing();
    }
    const stacksToRecheck: EvaluateJobPayload = {
      userId: revoked.userId,
      activityIds: [],
      achievementIds: [revoked.achievementId],
    };
    await enqueue(tx, {
      kind: EVALUATE_JOB,
      dedupeKey: `${EVALUATE_JOB}:revoked:${awardId}`,
      payload: { ...stacksToRecheck },
    });
    return flagged.map(({ award: stack }) => stack.id);
  });
}
