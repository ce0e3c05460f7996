/**
 * Where every learner of a course stands on each of its achievements, for the teacher's
 * progress page: earned, in progress (n of m conditions met) or not started. The whole course
 * is read in a fixed number of queries, however many learners it has.
 */
import { and, asc, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { achievements, awards, courses, enrolments, platforms, users } from '../db/schema.js';
import { loadGroups, loadOutcomeStates } from './load-outcome-state.js';
import { evaluateRule, type EvaluationContext, type OutcomeState } from './rules/evaluate.js';
import {
  achievementsOfRule,
  activitiesOfRule,
  conditionsOf,
  countsRecognised,
  parseRule,
  type Rule,
} from './rules/rule-schema.js';

export type AchievementState =
  | { readonly kind: 'earned' }
  | { readonly kind: 'inProgress'; readonly met: number; readonly total: number }
  | { readonly kind: 'notStarted'; readonly total: number };

/** A person the LMS lists on the course roster: their LTI `sub`, name and email. */
export interface RosterLearner {
  readonly sub: string;
  readonly name: string | null;
  readonly email: string | null;
  /** The LMS username, where the roster lists it. */
  readonly username?: string | null;
}

export interface LearnerStanding extends RosterLearner {
  /** The tool's user id; null for a roster member who never launched the tool. */
  readonly userId: string | null;
  /** By achievement id, in the order of `CourseProgress.achievements`. */
  readonly states: ReadonlyMap<string, AchievementState>;
}

export interface CourseProgress {
  readonly achievements: readonly { id: string; name: string; version: number }[];
  readonly learners: readonly LearnerStanding[];
}

/**
 * The standing of the roster's learners (in roster order) followed by the learners known only
 * from their launches of the course, on each of the course's published achievements.
 */
export async function courseProgress(
  db: Executor,
  courseId: string,
  roster: readonly RosterLearner[],
): Promise<CourseProgress> {
  const [courseAchievements, [course], launched] = await Promise.all([
    db
      .select()
      .from(achievements)
      .where(and(eq(achievements.courseId, courseId), isNotNull(achievements.publishedAt)))
      .orderBy(asc(achievements.createdAt), asc(achievements.id)),
    db
      .select({ platformId: courses.platformId, trustLevel: platforms.trustLevel })
      .from(courses)
      .innerJoin(platforms, eq(platforms.id, courses.platformId))
      .where(eq(courses.id, courseId)),
    db
      .select({ id: users.id, sub: users.sub, name: users.name, email: users.email })
      .from(enrolments)
      .innerJoin(users, eq(users.id, enrolments.userId))
      .where(and(eq(enrolments.courseId, courseId), eq(enrolments.role, 'learner')))
      .orderBy(asc(users.name), asc(users.sub)),
  ]);
  if (!course) return { achievements: [], learners: [] };

  const rosterSubs = new Set(roster.map((member) => member.sub));
  const launchedSubs = new Set(launched.map((user) => user.sub));
  const unknownSubs = [...rosterSubs].filter((sub) => !launchedSubs.has(sub));
  const rosterUsers =
    unknownSubs.length === 0
      ? []
      : await db
          .select({ id: users.id, sub: users.sub })
          .from(users)
          .where(and(eq(users.platformId, course.platformId), inArray(users.sub, unknownSubs)));
  const userIdBySub = new Map([...launched, ...rosterUsers].map((user) => [user.sub, user.id]));
  const people = [
    ...roster.map((member) => ({ ...member, userId: userIdBySub.get(member.sub) ?? null })),
    ...launched
      .filter((user) => !rosterSubs.has(user.sub))
      .map((user) => ({ sub: user.sub, name: user.name, email: user.email, userId: user.id })),
  ];

  const rules = courseAchievements.map((achievement) => parseRule(achievement.rule));
  const activityIds = [...new Set(rules.flatMap(activitiesOfRule))];
  const stackedIds = [...new Set(rules.flatMap(achievementsOfRule))];
  const userIds = people.flatMap((person) => (person.userId ? [person.userId] : []));
  const [states, groups, held] = await Promise.all([
    loadOutcomeStates(
      db,
      userIds,
      activityIds,
      stackedIds,
      rules.some(countsRecognised) ? { courseId, now: new Date() } : undefined,
    ),
    loadGroups(db, activityIds, stackedIds),
    userIds.length === 0 || courseAchievements.length === 0
      ? []
      : db
          .selectDistinct({ userId: awards.userId, achievementId: awards.achievementId })
          .from(awards)
          .where(
            and(
              inArray(awards.userId, userIds),
              inArray(
                awards.achievementId,
                courseAchievements.map((achievement) => achievement.id),
              ),
              isNull(awards.revokedAt),
            ),
          ),
  ]);
  const earned = new Set(held.map((award) => `${award.userId} ${award.achievementId}`));
  const noOutcomes: OutcomeState = { activities: new Map(), credentials: new Map() };

  return {
    achievements: courseAchievements.map(({ id, name, version }) => ({ id, name, version })),
    learners: people.map((person) => {
      const state = (person.userId && states.get(person.userId)) || noOutcomes;
      return {
        ...person,
        states: new Map(
          courseAchievements.map((achievement, index) => [
            achievement.id,
            earned.has(`${person.userId} ${achievement.id}`)
              ? { kind: 'earned' as const }
              : standingOn(rules[index]!, state, {
                  groups,
                  creditOnly: course.trustLevel === 'registered' && achievement.ects !== null,
                }),
          ]),
        ),
      };
    }),
  };
}

/**
 * How many of a rule's conditions (on activities, stacked credentials...) a learner has met,
 * each on its own.
 */
export function standingOn(
  rule: Rule,
  state: OutcomeState,
  context: EvaluationContext,
): AchievementState {
  const conditions = conditionsOf(rule);
  const met = conditions.filter(
    (condition) => evaluateRule(condition, state, context).isMet,
  ).length;
  const total = conditions.length;
  return met === 0 ? { kind: 'notStarted', total } : { kind: 'inProgress', met, total };
}
