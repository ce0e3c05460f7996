import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { achievements, awardFlags, awardRefusals, awards, users } from '../db/schema.js';

export interface CourseAward {
  readonly id: string;
  readonly achievementId: string;
  readonly achievementVersion: number;
  readonly achievementName: string;
  readonly userId: string;
  readonly learner: string;
  readonly form: 'micro-credential' | 'badge';
  readonly issuedAt: string;
  /** When the credential expires (ISO 8601), or null when it never does. */
  readonly validUntil: string | null;
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
    validUntil: award.validUntil?.toISOString() ?? null,
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
