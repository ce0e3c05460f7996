import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import {
  achievements,
  awards,
  courses,
  credentialStatusChanges,
  platforms,
  sessions,
  users,
} from '../db/schema.js';

/** What an email about an award tells its learner, read when the email is sent. */
export interface AwardNotice {
  readonly awardId: string;
  /** Null when the LMS never gave the learner's address. */
  readonly email: string | null;
  readonly learnerName: string | null;
  readonly isEmailNotified: boolean;
  /** The `launch_presentation.locale` of the learner's latest launch, if a session still has it. */
  readonly launchLocale: string | null;
  /** The signed credential (its texts are in the language chosen for the learner at award). */
  readonly credential: Record<string, unknown>;
  readonly isPublic: boolean;
  readonly revokedAt: Date | null;
  /** The reason of the latest revocation, when revoked. */
  readonly revocationReason: string | null;
  readonly courseTitle: string | null;
  /** The LMS the learner reaches the course from (its LTI issuer, an https URL for Moodle). */
  readonly lmsUrl: string;
}

/** The notice of an award; undefined when no award has this id. */
export async function findAwardNotice(db: Db, awardId: string): Promise<AwardNotice | undefined> {
  const [row] = await db
    .select({
      awardId: awards.id,
      userId: users.id,
      email: users.email,
      learnerName: users.name,
      isEmailNotified: users.isEmailNotified,
      credential: awards.credential,
      isPublic: awards.isPublic,
      revokedAt: awards.revokedAt,
      courseTitle: courses.title,
      lmsUrl: platforms.issuer,
    })
    .from(awards)
    .innerJoin(users, eq(users.id, awards.userId))
    .innerJoin(achievements, eq(achievements.id, awards.achievementId))
    .innerJoin(courses, eq(courses.id, achievements.courseId))
    .innerJoin(platforms, eq(platforms.id, courses.platformId))
    .where(eq(awards.id, awardId));
  if (!row) return undefined;
  const [[launch], [revocation]] = await Promise.all([
    db
      .select({ locale: sessions.locale })
      .from(sessions)
      .where(and(eq(sessions.userId, row.userId), isNotNull(sessions.locale)))
      .orderBy(desc(sessions.createdAt))
      .limit(1),
    row.revokedAt
      ? db
          .select({ reason: credentialStatusChanges.reason })
          .from(credentialStatusChanges)
          .where(
            and(
              eq(credentialStatusChanges.credentialId, awardId),
              eq(credentialStatusChanges.action, 'revoke'),
            ),
          )
          .orderBy(desc(credentialStatusChanges.id))
          .limit(1)
      : [],
  ]);
  const { userId: _userId, ...notice } = row;
  return {
    ...notice,
    launchLocale: launch?.locale ?? null,
    revocationReason: revocation?.reason ?? null,
  };
}

/** Whether the learner wants an email when a credential is awarded or revoked (the default). */
export async function wantsEmailNotices(db: Db, userId: string): Promise<boolean> {
  const [user] = await db
    .select({ isEmailNotified: users.isEmailNotified })
    .from(users)
    .where(eq(users.id, userId));
  return user?.isEmailNotified ?? false;
}

/** The learner's own choice, from their page: only their session reaches this. */
export async function setEmailNotices(db: Db, userId: string, isEmailNotified: boolean) {
  await db.update(users).set({ isEmailNotified }).where(eq(users.id, userId));
}
