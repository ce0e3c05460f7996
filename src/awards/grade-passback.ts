import { and, eq } from 'drizzle-orm';
import type ltijs from 'ltijs';
import type { Logger } from '../config/logger.js';
import type { Db } from '../db/database.js';
import { achievements, awards, enrolments, platforms, users } from '../db/schema.js';
import { NoGradebookError, postScore } from '../lti/ags/post-score.js';
import type { GradePayload } from './award-jobs.js';

/**
 * Sends an award's grade to the LMS gradebook of the course it was earned in. Runs as an
 * outbox job: it throws on a refused or failed post so the outbox retries; a course without a
 * gradebook ends the job quietly.
 */
export async function passBackGrade(
  deps: { db: Db; provider: typeof ltijs.Provider; logger: Logger },
  payload: GradePayload,
): Promise<void> {
  const [row] = await deps.db
    .select({
      award: awards,
      achievement: achievements,
      user: users,
      platform: platforms,
      enrolment: enrolments,
    })
    .from(awards)
    .innerJoin(achievements, eq(achievements.id, awards.achievementId))
    .innerJoin(users, eq(users.id, awards.userId))
    .innerJoin(platforms, eq(platforms.id, users.platformId))
    .innerJoin(
      enrolments,
      and(eq(enrolments.courseId, achievements.courseId), eq(enrolments.userId, awards.userId)),
    )
    .where(eq(awards.id, payload.awardId));
  if (!row) throw new Error(`Award ${payload.awardId} has no enrolment to send a grade to`);

  try {
    await postScore(
      deps.provider,
      {
        platformIssuer: row.platform.issuer,
        clientId: row.platform.clientId,
        userSub: row.user.sub,
        lineItemUrl: row.enrolment.agsLineItemUrl,
        lineItemsUrl: row.enrolment.agsLineItemsUrl,
        scopes: row.enrolment.agsScopes ?? [],
      },
      {
        scoreScaled: payload.scoreScaled,
        comment: `Awarded: ${row.achievement.name}`,
        lineItemTag: `microcred:achievement:${row.achievement.id}`,
        lineItemLabel: row.achievement.name,
      },
    );
    deps.logger.info('awards', 'grade sent', {
      awardId: payload.awardId,
      platform: row.platform.issuer,
    });
  } catch (error) {
    if (!(error instanceof NoGradebookError)) throw error;
    deps.logger.info('awards', 'grade not sent: no gradebook', {
      awardId: payload.awardId,
      reason: error.message,
    });
  }
}
