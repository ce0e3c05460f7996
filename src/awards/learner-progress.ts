import { and, asc, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { achievements, awards, credentialStatusChanges, platforms, users } from '../db/schema.js';
import { loadGroups, loadOutcomeState } from './load-outcome-state.js';
import { explainProgress, type ProgressNode } from './rules/progress.js';
import {
  achievementsOfRule,
  activitiesOfRule,
  countsRecognised,
  parseRule,
} from './rules/rule-schema.js';

export interface AchievementProgress {
  readonly achievement: typeof achievements.$inferSelect;
  readonly progress: ProgressNode;
  /**
   * The form this learner earns: registered learners the credit-bearing micro-credential when
   * the achievement has ECTS, self-study learners a badge without credits (award-evidence.ts).
   */
  readonly form: 'micro-credential' | 'badge';
  /** Every credential the learner holds for the achievement, of any version, newest first. */
  readonly credentials: readonly HeldCredential[];
}

/** A credential a learner was issued, revoked or not, with what its signed document says. */
export interface HeldCredential {
  readonly id: string;
  /** The version of the achievement it was issued for. */
  readonly version: number;
  readonly issuedAt: Date;
  readonly revokedAt: Date | null;
  /** The reason the issuer gave for the latest revocation, when revoked. */
  readonly revocationReason: string | null;
  readonly validUntil: Date | null;
  readonly issuerName: string | null;
  /** The ECTS the credential states it carries (`creditsEarned`); null for the badge form. */
  readonly creditsEarned: number | null;
  /** The learner's choice: its public documents answer anyone with the link (credential-visibility.ts). */
  readonly isPublic: boolean;
}

/** Each published achievement of a course (drafts are not offered yet) with where a learner stands on it and their award, if any. */
export async function learnerProgress(
  db: Executor,
  userId: string,
  courseId: string,
): Promise<AchievementProgress[]> {
  const courseAchievements = await db
    .select()
    .from(achievements)
    .where(and(eq(achievements.courseId, courseId), isNotNull(achievements.publishedAt)))
    .orderBy(asc(achievements.createdAt));
  if (courseAchievements.length === 0) return [];

  const rules = courseAchievements.map((a) => parseRule(a.rule));
  const activityIds = [...new Set(rules.flatMap(activitiesOfRule))];
  const achievementIds = [...new Set(rules.flatMap(achievementsOfRule))];
  const [state, groups, [trust]] = await Promise.all([
    loadOutcomeState(
      db,
      userId,
      activityIds,
      achievementIds,
      rules.some(countsRecognised) ? { courseId, now: new Date() } : undefined,
    ),
    loadGroups(db, activityIds, achievementIds),
    db
      .select({ level: platforms.trustLevel })
      .from(users)
      .innerJoin(platforms, eq(platforms.id, users.platformId))
      .where(eq(users.id, userId)),
  ]);
  const held = await heldCredentials(
    db,
    userId,
    courseAchievements.map((a) => a.id),
  );

  return courseAchievements.map((achievement, index) => {
    const creditOnly = trust?.level === 'registered' && achievement.ects !== null;
    return {
      achievement,
      progress: explainProgress(rules[index]!, state, { groups, creditOnly }),
      form: creditOnly ? 'micro-credential' : 'badge',
      credentials: held.filter((credential) => credential.achievementId === achievement.id),
    };
  });
}

/** The learner's credentials for the achievements, newest version first, revoked ones too. */
async function heldCredentials(
  db: Executor,
  userId: string,
  achievementIds: readonly string[],
): Promise<(HeldCredential & { achievementId: string })[]> {
  const rows = await db
    .select({
      id: awards.id,
      achievementId: awards.achievementId,
      version: awards.achievementVersion,
      issuedAt: awards.issuedAt,
      revokedAt: awards.revokedAt,
      isPublic: awards.isPublic,
      credential: awards.credential,
    })
    .from(awards)
    .where(and(eq(awards.userId, userId), inArray(awards.achievementId, [...achievementIds])))
    .orderBy(desc(awards.achievementVersion), desc(awards.issuedAt));
  const revokedIds = rows.flatMap((row) => (row.revokedAt ? [row.id] : []));
  const revocations =
    revokedIds.length === 0
      ? []
      : await db
          .select({
            id: credentialStatusChanges.credentialId,
            reason: credentialStatusChanges.reason,
          })
          .from(credentialStatusChanges)
          .where(
            and(
              inArray(credentialStatusChanges.credentialId, revokedIds),
              eq(credentialStatusChanges.action, 'revoke'),
            ),
          )
          .orderBy(desc(credentialStatusChanges.id));
  return rows.map(({ credential, ...row }) => {
    const signed = credential as {
      issuer?: { name?: unknown };
      validUntil?: unknown;
      credentialSubject?: { creditsEarned?: unknown };
    };
    const credits = signed.credentialSubject?.creditsEarned;
    return {
      ...row,
      revocationReason: row.revokedAt
        ? (revocations.find((revocation) => revocation.id === row.id)?.reason ?? null)
        : null,
      validUntil: typeof signed.validUntil === 'string' ? new Date(signed.validUntil) : null,
      issuerName: typeof signed.issuer?.name === 'string' ? signed.issuer.name : null,
      creditsEarned: typeof credits === 'number' ? credits : null,
    };
  });
}
