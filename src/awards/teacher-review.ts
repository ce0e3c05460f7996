import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import {
  achievements,
  achievementTags,
  awardFlags,
  awardRefusals,
  awards,
  enrolments,
  platforms,
  users,
} from '../db/schema.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { setCourseActivityTags } from './course-activities.js';
import { loadGroups, loadOutcomeState } from './load-outcome-state.js';
import { evaluateRule, type Evidence } from './rules/evaluate.js';
import { achievementsOfRule, activitiesOfRule, parseRule } from './rules/rule-schema.js';

export interface PreviewEntry {
  readonly userId: string;
  readonly name: string | null;
  readonly sub: string;
  readonly form: 'micro-credential' | 'badge';
  readonly wouldBeAwarded: boolean;
  /** Why the conditions are met but no credential would be issued (the stacking cap). */
  readonly refusal: string | null;
  readonly evidence: readonly Evidence[];
}

/**
 * Who among a course's learners a rule would award, before it is saved: each learner's form
 * (micro-credential with `ects`, or badge), and the reason where a stack would be refused.
 * Reads the stored outcome state only; changes nothing. Throws AwardRuleInvalidError.
 */
export async function previewRule(
  db: Executor,
  courseId: string,
  input: { rule: unknown; ects?: number | null },
): Promise<PreviewEntry[]> {
  const rule = parseRule(input.rule);
  const ects = input.ects ?? null;
  const activityIds = activitiesOfRule(rule);
  const achievementIds = achievementsOfRule(rule);
  const groups = await loadGroups(db, activityIds, achievementIds);
  const learners = await db
    .select({ user: users, trustLevel: platforms.trustLevel })
    .from(enrolments)
    .innerJoin(users, eq(users.id, enrolments.userId))
    .innerJoin(platforms, eq(platforms.id, users.platformId))
    .where(and(eq(enrolments.courseId, courseId), eq(enrolments.role, 'learner')))
    .orderBy(asc(users.sub));
  const entries: PreviewEntry[] = [];
  for (const { user, trustLevel } of learners) {
    const state = await loadOutcomeState(db, user.id, activityIds, achievementIds);
    const creditOnly = trustLevel === 'registered' && ects !== null;
    const evaluation = evaluateRule(rule, state, { groups, creditOnly });
    entries.push({
      userId: user.id,
      name: user.name,
      sub: user.sub,
      form: creditOnly ? 'micro-credential' : 'badge',
      wouldBeAwarded: evaluation.isMet,
      refusal: evaluation.refusal,
      evidence: evaluation.evidence,
    });
  }
  return entries;
}

export interface CourseAward {
  readonly id: string;
  readonly achievementId: string;
  readonly achievementVersion: number;
  readonly achievementName: string;
  readonly userId: string;
  readonly learner: string;
  readonly form: 'micro-credential' | 'badge';
  readonly issuedAt: string;
  readonly revoked: boolean;
  readonly evidence: Record<string, unknown> | null;
  readonly flags: readonly string[];
}

/** Every award of a course's achievements with its evidence and flags, oldest first. */
export async function courseAwards(db: Executor, courseId: string): Promise<CourseAward[]> {
  const rows = await db
    .select({ award: awards, achievement: achievements, user: users })
    .from(awards)
    .innerJoin(achievements, eq(achievements.id, awards.achievementId))
    .innerJoin(users, eq(users.id, awards.userId))
    .where(eq(achievements.courseId, courseId))
    .orderBy(asc(awards.issuedAt), asc(awards.id));
  const flags =
    rows.length === 0
      ? []
      : await db
          .select()
          .from(awardFlags)
          .where(
            inArray(
              awardFlags.awardId,
              rows.map(({ award }) => award.id),
            ),
          );
  return rows.map(({ award, achievement, user }) => ({
    id: award.id,
    achievementId: achievement.id,
    achievementVersion: award.achievementVersion,
    achievementName: achievement.name,
    userId: user.id,
    learner: user.name ?? user.sub,
    form: award.form,
    issuedAt: award.issuedAt.toISOString(),
    revoked: award.revokedAt !== null,
    evidence: award.evidence,
    flags: flags.filter((flag) => flag.awardId === award.id).map((flag) => flag.message),
  }));
}

export interface AttentionItem {
  readonly kind: 'refused' | 'component-revoked';
  readonly achievementId: string;
  readonly achievementName: string;
  readonly userId: string;
  readonly learner: string;
  readonly awardId: string | null;
  readonly message: string;
}

/** What the teacher of a course must look at: refused stacks and flagged credentials. */
export async function awardsNeedingAttention(
  db: Executor,
  courseId: string,
): Promise<AttentionItem[]> {
  const refusals = await db
    .select({ refusal: awardRefusals, achievement: achievements, user: users })
    .from(awardRefusals)
    .innerJoin(
      achievements,
      and(
        eq(achievements.id, awardRefusals.achievementId),
        eq(achievements.version, awardRefusals.achievementVersion),
      ),
    )
    .innerJoin(users, eq(users.id, awardRefusals.userId))
    .where(eq(achievements.courseId, courseId));
  const flags = await db
    .select({ flag: awardFlags, award: awards, achievement: achievements, user: users })
    .from(awardFlags)
    .innerJoin(awards, eq(awards.id, awardFlags.awardId))
    .innerJoin(achievements, eq(achievements.id, awards.achievementId))
    .innerJoin(users, eq(users.id, awards.userId))
    .where(eq(achievements.courseId, courseId));
  return [
    ...refusals.map(({ refusal, achievement, user }) => ({
      kind: 'refused' as const,
      achievementId: achievement.id,
      achievementName: achievement.name,
      userId: user.id,
      learner: user.name ?? user.sub,
      awardId: null,
      message: refusal.reason,
    })),
    ...flags.map(({ flag, award, achievement, user }) => ({
      kind: 'component-revoked' as const,
      achievementId: achievement.id,
      achievementName: achievement.name,
      userId: user.id,
      learner: user.name ?? user.sub,
      awardId: award.id,
      message: flag.message,
    })),
  ];
}

/** Sets the group tags of an activity in a course, e.g. {"pillar": "economic"}. */
export async function setActivityTags(
  db: Executor,
  courseId: string,
  input: unknown,
): Promise<{ activity: string; tags: Record<string, string> }> {
  const body = (input ?? {}) as { activity?: unknown; tags?: unknown };
  if (typeof body.activity !== 'string' || !URL.canParse(body.activity)) {
    throw new BadRequestError('activity must be an absolute IRI');
  }
  const tags = parseTags(body.tags);
  await setCourseActivityTags(db, courseId, body.activity, tags);
  return { activity: body.activity, tags };
}

/** Sets the group tags of one of the course's achievements, for the stacks that use it. */
export async function setAchievementTags(
  db: Executor,
  courseId: string,
  achievementId: string,
  input: unknown,
): Promise<{ achievementId: string; tags: Record<string, string> }> {
  const tags = parseTags((input as { tags?: unknown } | null)?.tags);
  const [achievement] = await db
    .select({ id: achievements.id })
    .from(achievements)
    .where(and(eq(achievements.courseId, courseId), inArray(achievements.id, [achievementId])));
  if (!achievement) throw new NotFoundError(`No achievement ${achievementId} in this course`);
  await db
    .insert(achievementTags)
    .values({ achievementId, tags })
    .onConflictDoUpdate({ target: achievementTags.achievementId, set: { tags } });
  return { achievementId, tags };
}

function parseTags(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError('tags must be an object such as {"pillar": "environmental"}');
  }
  for (const [key, tag] of Object.entries(value)) {
    if (typeof tag !== 'string' || tag.length === 0 || tag.length > 100) {
      throw new BadRequestError(`tags.${key} must be a non-empty text`);
    }
  }
  return value as Record<string, string>;
}
