import { setTimeout } from 'node:timers/promises';
import { and, eq } from 'drizzle-orm';
import { achievements, awards, courses, platforms, users } from '../db/schema.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { JobDeferredError } from '../jobs/job-registry.js';
import { LEASE_SECONDS } from '../jobs/job-worker.js';
import { LTI_ROLE_LEARNER } from '../lti/roles.js';
import { enrolRosterMembers } from '../lti/nrps/enrol-roster-members.js';
import type { CourseLearner } from './course-learners.js';
import { issueAward, type AwardDeps } from './issue-award.js';
import type { AchievementRow } from './rule-index.js';
import { loadOutcomeState } from './load-outcome-state.js';
import { evaluateRule } from './rules/evaluate.js';
import { combine, type Evaluation } from './rules/evaluation.js';
import { achievementsOfRule, conditionsOf, leafOf, parseRule } from './rules/rule-schema.js';
import { isStackRule } from './stack-credit.js';

/** The learner named is not a learner of the course (neither on its roster nor launched). */
export class AwardLearnerNotInCourseError extends NotFoundError {
  override readonly code = 'AWARD_LEARNER_NOT_IN_COURSE';
}

/** The achievement is a draft: nothing is awarded from it, by rule or by hand. */
export class AwardAchievementNotPublishedError extends ConflictError {
  override readonly code = 'AWARD_ACHIEVEMENT_NOT_PUBLISHED';
}

/** The learner already holds a credential of the achievement. */
export class AwardAlreadyHeldError extends ConflictError {
  override readonly code = 'AWARD_ALREADY_HELD';
}

/**
 * A stack that counts the credits of its components (stackCredit `components`) was to be
 * awarded by hand to a learner who holds none of them with credits: its credential would have to
 * claim credits the learner did not earn.
 */
export class AwardStackComponentsMissingError extends ConflictError {
  override readonly code = 'AWARD_STACK_COMPONENTS_MISSING';
}

/** A rule met by the teacher's word: no statement or stacked credential stands behind it. */
const BY_HAND: Evaluation = { isMet: true, evidence: [], stackedEcts: 0, refusal: null };

/**
 * What stands behind an award by hand. For a rule that stacks no credentials, the teacher's word
 * alone. For a stack, also the credentials of the stacked achievements the learner holds (in
 * the micro-credential form where the award carries credits), as the rule's `earned` conditions
 * count them: they are named as its evidence, and a `components` stack carries their ECTS
 * (capped as always, stack-credit.ts), never the stack's own figure. Throws
 * AwardStackComponentsMissingError when a credit-bearing `components` stack would rest on no
 * credits at all.
 */
async function byHandEvaluation(
  db: AwardDeps['db'],
  userId: string,
  learnerName: string,
  achievement: AchievementRow,
  creditOnly: boolean,
): Promise<Evaluation> {
  const rule = parseRule(achievement.rule);
  if (!isStackRule(rule)) return BY_HAND;
  const state = await loadOutcomeState(db, userId, [], achievementsOfRule(rule));
  const context = { groups: new Map(), creditOnly };
  const held = conditionsOf(rule)
    .filter((condition) => leafOf(condition)?.kind === 'earned')
    .map((condition) => evaluateRule(condition, state, context))
    .filter((evaluation) => evaluation.isMet);
  const evaluation = held.length === 0 ? BY_HAND : combine(held);
  if (creditOnly && achievement.stackCredit === 'components' && evaluation.stackedEcts === 0) {
    throw new AwardStackComponentsMissingError(
      `“${achievement.name}” carries the credits of the credentials it stacks, and ${learnerName} holds none of them with credits: award those first, or give the stack a fixed credit.`,
    );
  }
  return evaluation;
}

/**
 * The LMS user ids of the `learners` of the course an award by hand of `achievement` would be
 * refused for with AwardStackComponentsMissingError (a credit-bearing `components` stack, and
 * none of its credentials with credits held), so a list can be checked before it is confirmed.
 */
export async function learnersLackingStackComponents(
  deps: Pick<AwardDeps, 'db'>,
  courseId: string,
  learners: readonly CourseLearner[],
  achievement: AchievementRow,
): Promise<Set<string>> {
  const lacking = new Set<string>();
  if (achievement.stackCredit !== 'components' || achievement.ects === null) return lacking;
  const [course] = await deps.db
    .select({ trustLevel: platforms.trustLevel })
    .from(courses)
    .innerJoin(platforms, eq(platforms.id, courses.platformId))
    .where(eq(courses.id, courseId));
  if (course?.trustLevel !== 'registered') return lacking;
  for (const learner of learners) {
    if (learner.userId === null) {
      lacking.add(learner.sub);
      continue;
    }
    try {
      await byHandEvaluation(deps.db, learner.userId, learner.sub, achievement, true);
    } catch (error) {
      if (!(error instanceof AwardStackComponentsMissingError)) throw error;
      lacking.add(learner.sub);
    }
  }
  return lacking;
}

/** The published achievement of the course, or the error a teacher is shown. */
export async function findAwardableAchievement(
  deps: Pick<AwardDeps, 'db'>,
  courseId: string,
  achievementId: string,
): Promise<AchievementRow> {
  const [achievement] = await deps.db
    .select()
    .from(achievements)
    .where(and(eq(achievements.id, achievementId), eq(achievements.courseId, courseId)));
  if (!achievement) throw new NotFoundError(`No achievement ${achievementId} in this course`);
  if (achievement.publishedAt === null) {
    throw new AwardAchievementNotPublishedError(
      `“${achievement.name}” is a draft: publish it before awarding it.`,
    );
  }
  return achievement;
}

/**
 * Whether the learner (a user of the tool) holds a credential of the achievement that stops a
 * new award: a valid one of any version, or a revoked one of the current version (which is
 * reinstated, not issued twice).
 */
export async function holdsAchievement(
  deps: Pick<AwardDeps, 'db'>,
  userId: string,
  achievement: AchievementRow,
): Promise<'valid' | 'revoked' | null> {
  const held = await deps.db
    .select({ version: awards.achievementVersion, revokedAt: awards.revokedAt })
    .from(awards)
    .where(and(eq(awards.userId, userId), eq(awards.achievementId, achievement.id)));
  if (held.some((award) => award.revokedAt === null)) return 'valid';
  return held.some((award) => award.version === achievement.version) ? 'revoked' : null;
}

/**
 * A teacher awards a learner of the course a published achievement by hand, with a reason: the
 * credential's evidence says "awarded by <teacher> : <reason>", its grade goes to the LMS as a
 * pass (grade-passback.ts), and its expiry is the achievement's, as for an award by rule. A
 * roster member who never launched becomes a user of the course first. Who may (a teacher of
 * the course) is the caller's check; `courseId` scopes every lookup. A stack states the
 * credentials of it the learner holds, and their credits when it counts them (byHandEvaluation).
 * Throws NotFoundError for an achievement of another course, AwardAchievementNotPublishedError
 * for a draft, AwardLearnerNotInCourseError when `learner` is null, AwardAlreadyHeldError
 * when the learner holds it (issued meanwhile by rule or by another click included: while
 * another process is issuing it, this waits for that, see issueWhenUnclaimed), and
 * AwardStackComponentsMissingError for a stack of credits the learner holds none of.
 */
export async function awardByHand(
  deps: AwardDeps,
  request: {
    courseId: string;
    teacherUserId: string;
    learner: CourseLearner | null;
    achievementId: string;
    reason: string;
  },
): Promise<string> {
  const { db } = deps;
  const achievement = await findAwardableAchievement(deps, request.courseId, request.achievementId);
  const { learner } = request;
  if (!learner) {
    throw new AwardLearnerNotInCourseError('This person is not a learner of this course.');
  }
  const userId =
    learner.userId ??
    (
      await enrolRosterMembers(db, request.courseId, [
        {
          userId: learner.sub,
          name: learner.name,
          email: learner.email,
          username: learner.username,
          roles: [LTI_ROLE_LEARNER],
          status: 'Active',
        },
      ])
    )[0];
  if (!userId) throw new AwardLearnerNotInCourseError('This learner cannot be enrolled now.');
  const refuseHeld = (): never => {
    throw new AwardAlreadyHeldError(
      `${learner.name ?? learner.sub} already holds “${achievement.name}”.`,
    );
  };
  if ((await holdsAchievement(deps, userId, achievement)) !== null) refuseHeld();

  const [recipient] = await db
    .select({ user: users, platform: platforms })
    .from(users)
    .innerJoin(platforms, eq(platforms.id, users.platformId))
    .where(eq(users.id, userId));
  const [teacher] = await db
    .select({ name: users.name, sub: users.sub })
    .from(users)
    .where(eq(users.id, request.teacherUserId));
  if (!recipient || !teacher) throw new Error('The learner or teacher has no user row');
  const creditOnly = recipient.platform.trustLevel === 'registered' && achievement.ects !== null;
  const evaluation = await byHandEvaluation(
    db,
    userId,
    learner.name ?? learner.sub,
    achievement,
    creditOnly,
  );
  const awardId = await issueWhenUnclaimed(() =>
    issueAward(deps, recipient, achievement, evaluation, creditOnly, {
      userId: request.teacherUserId,
      name: teacher.name ?? teacher.sub,
      reason: request.reason,
    }),
  );
  return awardId ?? refuseHeld();
}

/** How long a teacher's award waits before it looks again while another process issues it. */
const CLAIM_RETRY_MS = 250;

/**
 * Runs `issue` once no other process holds the claim to issue this credential (issueAward
 * defers while one does): a job issuing it finishes within a second, and then the learner
 * holds it (null); the claim of a process that died lapses after the job lease, and then this
 * award takes it. So a teacher's click waits at most a lease instead of failing.
 */
async function issueWhenUnclaimed(issue: () => Promise<string | null>): Promise<string | null> {
  const deadline = Date.now() + (LEASE_SECONDS + 5) * 1000;
  for (;;) {
    try {
      return await issue();
    } catch (error) {
      if (!(error instanceof JobDeferredError) || Date.now() > deadline) throw error;
      await setTimeout(CLAIM_RETRY_MS);
    }
  }
}

/**
 * The LMS user ids of the course's learners who hold the achievement as holdsAchievement
 * counts it: a valid credential of any version, or a revoked one of the current version.
 */
export async function achievementHolders(
  deps: Pick<AwardDeps, 'db'>,
  achievement: AchievementRow,
): Promise<Set<string>> {
  const rows = await deps.db
    .select({ sub: users.sub, version: awards.achievementVersion, revokedAt: awards.revokedAt })
    .from(awards)
    .innerJoin(users, eq(users.id, awards.userId))
    .where(eq(awards.achievementId, achievement.id));
  return new Set(
    rows
      .filter((row) => row.revokedAt === null || row.version === achievement.version)
      .map((row) => row.sub),
  );
}
