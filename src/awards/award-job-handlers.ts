import { credentialRecognisedJob } from '../jobs/credential-recognised-job.js';
import { handleJob, type JobHandler } from '../jobs/job-registry.js';
import { evaluateLearnerJob, gradeJob, reevaluateAchievementJob } from './award-jobs.js';
import { evaluateLearner } from './evaluate-learner.js';
import { passBackGrade } from './grade-passback.js';
import type { AwardDeps } from './issue-award.js';
import { reevaluateAchievement } from './reevaluate-achievement.js';
import type { PlatformServices } from '../lti/platform-services.js';

/**
 * What runs the awards part's jobs, and the evaluation that follows a recognised credential
 * (jobs/credential-recognised-job.ts). An evaluation that issued credentials queued their grades
 * and the stacks built on them: it calls `onWorkQueued` so they start at once.
 */
export function awardJobHandlers(
  deps: AwardDeps & { services: PlatformServices; onWorkQueued: () => void },
): JobHandler[] {
  const { db, logger, onWorkQueued } = deps;
  return [
    handleJob(evaluateLearnerJob, async ({ userId, activityIds, achievementIds }) => {
      const created = await evaluateLearner(deps, userId, { activityIds, achievementIds });
      if (created.length > 0) onWorkQueued();
    }),
    handleJob(credentialRecognisedJob, async ({ userId }) => {
      const changed = { activityIds: [], achievementIds: [], recognised: true };
      const created = await evaluateLearner(deps, userId, changed);
      if (created.length > 0) onWorkQueued();
    }),
    handleJob(reevaluateAchievementJob, async ({ achievementId }) => {
      const created = await reevaluateAchievement(deps, achievementId);
      if (created.length > 0) onWorkQueued();
    }),
    handleJob(gradeJob, (payload) =>
      passBackGrade({ db, services: deps.services, logger }, payload),
    ),
  ];
}
