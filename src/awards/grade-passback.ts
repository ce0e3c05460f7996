import { and, eq } from 'drizzle-orm';
import type { Logger } from '../config/logger.js';
import type { Db } from '../db/database.js';
import { achievements, awards, enrolments, platforms, users } from '../db/schema.js';
import { achievementLineItem, CREATED_SCORE_MAXIMUM } from '../lti/ags/achievement-line-item.js';
import {
  assertCanPostScores,
  NoGradebookError,
  postScore,
  type Gradebook,
} from '../lti/ags/post-score.js';
import type { PlatformServices } from '../lti/platform-services.js';
import type { AwardEvidence } from './award-evidence.js';
import type { GradePayload } from './award-jobs.js';
import { gradeValue } from './grade-value.js';

/**
 * Sends an award's grade to the column of its achievement in the LMS gradebook of the course it
 * was earned in (lti/ags/achievement-line-item.ts), the value as the achievement's grade mode
 * says (grade-value.ts). Runs as an outbox job: it throws on a refused or failed request so the
 * outbox retries; a course without a gradebook ends the job quietly.
 */
export async function passBackGrade(
  deps: { db: Db; services: PlatformServices; logger: Logger },
  payload: GradePayload,
): Promise<void> {
  const [row] = await deps.db
    .select({
      achievement: achievements,
      user: users,
      platform: platforms,
      enrolment: enrolments,
      evidence: awards.evidence,
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

  const gradebook: Gradebook = {
    platformIssuer: row.platform.issuer,
    clientId: row.platform.clientId,
    lineItemsUrl: row.enrolment.agsLineItemsUrl,
    scopes: row.enrolment.agsScopes ?? [],
  };
  try {
    assertCanPostScores(gradebook);
    const lineItem = await achievementLineItem(deps, gradebook, row.achievement);
    const scoreMaximum = lineItem.scoreMaximum ?? CREATED_SCORE_MAXIMUM;
    await postScore(deps.services, gradebook, lineItem.id, {
      userId: row.user.sub,
      scoreGiven: gradeValue(
        {
          scoreScaled: payload.scoreScaled,
          gradeMode: isGradedAsPass(row.evidence as Partial<AwardEvidence> | null)
            ? 'pass'
            : row.achievement.gradeMode,
        },
        scoreMaximum,
      ),
      scoreMaximum,
      comment: `Awarded: ${row.achievement.name}`,
    });
    deps.logger.info('awards', 'grade sent', {
      awardId: payload.awardId,
      platform: row.platform.issuer,
      lineItem: lineItem.id,
    });
  } catch (error) {
    if (!(error instanceof NoGradebookError)) throw error;
    deps.logger.info('awards', 'grade not sent: no gradebook', {
      awardId: payload.awardId,
      reason: error.message,
    });
  }
}

/**
 * A stack whose credential states a pass is graded as one; so is an award a teacher made by
 * hand: it rests on no score, and the teacher vouches that the learner met the criteria, so
 * the gradebook gets full marks (the column's maximum), as for any pass.
 */
function isGradedAsPass(evidence: Partial<AwardEvidence> | null): boolean {
  return evidence?.stackResult === 'pass' || evidence?.awardedBy !== undefined;
}
