/**
 * The kinds of job the awards part queues. Their names and payload fields are stored in the
 * queue: they never change once shipped (a database keeps its pending jobs across upgrades).
 * What runs them is in award-job-handlers.ts.
 */
import { z } from 'zod';
import { defineJobKind } from '../jobs/job-kind.js';

/** Evaluates a learner's rules that reference these activities or stacked achievements. */
export const evaluateLearnerJob = defineJobKind({
  name: 'evaluate-learner',
  payload: z.object({
    userId: z.guid(),
    activityIds: z.array(z.string()).default([]),
    achievementIds: z.array(z.guid()).default([]),
  }),
});
export type EvaluateLearnerPayload = z.output<typeof evaluateLearnerJob.payload>;

/** Evaluates every learner of an achievement's course against its current version. */
export const reevaluateAchievementJob = defineJobKind({
  name: 'reevaluate-achievement',
  payload: z.object({ achievementId: z.guid(), version: z.int().positive() }),
});
export type ReevaluateAchievementPayload = z.output<typeof reevaluateAchievementJob.payload>;

/** Sends an award's grade to the gradebook of the LMS course it was earned in (LTI AGS). */
export const gradeJob = defineJobKind({
  name: 'ags-score',
  payload: z.object({
    awardId: z.guid(),
    /** The award's result (0 to 1), null when the achievement has none (awards.scoreScaled). */
    scoreScaled: z.number().min(-1).max(1).nullable(),
  }),
});
export type GradePayload = z.output<typeof gradeJob.payload>;

/**
 * Tells the learner by email that a credential was awarded or revoked (web/mail/). Queued with
 * the award or the revocation; the job does nothing when the tool sends no email or the learner
 * opted out.
 */
export const learnerNoticeJob = defineJobKind({
  name: 'learner-notice',
  payload: z.object({ awardId: z.guid(), event: z.enum(['awarded', 'revoked']) }),
});
export type LearnerNoticePayload = z.output<typeof learnerNoticeJob.payload>;
