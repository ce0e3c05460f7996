import express, { type RequestHandler, type Response, type Router } from 'express';
import { listAchievementsWithAwardCounts } from '../awards/course-achievements.js';
import {
  checkLearnerList,
  courseLearners,
  findCourseLearner,
  type CheckedLine,
  type CourseLearner,
} from '../awards/course-learners.js';
import type { AwardDeps } from '../awards/issue-award.js';
import {
  achievementHolders,
  AwardAchievementNotPublishedError,
  AwardAlreadyHeldError,
  awardByHand,
  AwardLearnerNotInCourseError,
  AwardStackComponentsMissingError,
  findAwardableAchievement,
  learnersLackingStackComponents,
} from '../awards/manual-award.js';
import type { Logger } from '../config/logger.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { PlatformServices } from '../lti/platform-services.js';
import { isUuid } from '../shared/uuid.js';
import { isUploadTooLarge, singleFileUpload } from './http/single-file-upload.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import { readLearnerCsv } from './learner-csv.js';
import { loadRosterLearners } from './roster-learners.js';
import type { RenderView } from './views.js';

const MAX_REASON_LENGTH = 1000;
const MAX_CSV_BYTES = 200 * 1024;
const csvUpload = singleFileUpload({
  field: 'file',
  maxFileBytes: MAX_CSV_BYTES,
  maxFields: 10,
  maxFieldBytes: 8 * 1024,
});

/** The fields of the award forms, and the catalog key (`teacher-course:award.errors.*`) of each problem. */
type Problems = Partial<Record<'learner' | 'achievement' | 'reason' | 'file', string>>;

/**
 * The teacher's awards by hand, for the course of the session:
 * `GET|POST /course/awards/new` awards one learner (from the roster or a progress row, with
 * `?learner=<LMS user id>`) a published achievement, with a required reason;
 * `GET /course/awards/csv` and `POST /course/awards/csv` read a CSV list of learners and show
 * each line valid or refused with its reason, and `POST /course/awards/csv/confirm` awards the
 * valid ones, each checked again (a second click awards nobody twice). Every form needs the
 * teacher's session and its CSRF token; a learner, or a teacher of another course, is refused.
 */
export function createAwardByHandPages(deps: {
  db: AwardDeps['db'];
  logger: Logger;
  issueCredential: AwardDeps['issueCredential'];
  render: RenderView;
  requireCsrfToken: RequestHandler;
  platformServices: PlatformServices;
  kickOutbox: () => void;
}): Router {
  const { db, render, requireCsrfToken, kickOutbox } = deps;
  const awardDeps: AwardDeps = { db, logger: deps.logger, issueCredential: deps.issueCredential };
  const router = express.Router();
  const teacher = [requireSession(db), requireTeacher];
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 3000 });

  const learnersOf = async (courseId: string): Promise<CourseLearner[]> => {
    const roster = await loadRosterLearners(deps, courseId);
    return courseLearners(
      db,
      courseId,
      roster.learners.map((learner) => ({ ...learner, username: learner.username ?? null })),
    );
  };
  const publishedAchievements = async (courseId: string) =>
    (await listAchievementsWithAwardCounts(db, courseId))
      .map((row) => row.achievement)
      .filter((achievement) => achievement.publishedAt !== null)
      .map((achievement) => ({ id: achievement.id, name: achievement.name }));

  const renderOne = async (
    res: Response,
    values: { learner: string; achievement: string; reason: string },
    problems: Problems = {},
    status = 200,
  ) => {
    const { courseId } = sessionOf(res);
    const [learners, achievements] = await Promise.all([
      learnersOf(courseId),
      publishedAchievements(courseId),
    ]);
    res
      .status(status)
      .set('Cache-Control', 'no-store')
      .send(
        render(res, 'teacher-award-new', {
          learners: learners.map((learner) => ({
            sub: learner.sub,
            label: learnerLabel(learner),
          })),
          achievements,
          values,
          problems,
        }),
      );
  };

  router.get('/course/awards/new', ...teacher, async (req, res) => {
    await renderOne(res, {
      learner: typeof req.query.learner === 'string' ? req.query.learner : '',
      achievement: typeof req.query.achievement === 'string' ? req.query.achievement : '',
      reason: '',
    });
  });

  router.post('/course/awards/new', ...teacher, form, requireCsrfToken, async (req, res) => {
    const { courseId, userId } = sessionOf(res);
    const body = req.body as Record<string, unknown>;
    const values = {
      learner: textOf(body.learner),
      achievement: textOf(body.achievement),
      reason: textOf(body.reason),
    };
    const problems: Problems = {};
    if (values.learner === '') problems.learner = 'learnerRequired';
    if (!isUuid(values.achievement)) problems.achievement = 'achievementRequired';
    const reasonProblem = reasonProblemOf(values.reason);
    if (reasonProblem) problems.reason = reasonProblem;
    if (Object.keys(problems).length > 0) return renderOne(res, values, problems, 422);
    const learner = findCourseLearner(await learnersOf(courseId), 'userId', values.learner);
    try {
      await awardByHand(awardDeps, {
        courseId,
        teacherUserId: userId,
        learner: typeof learner === 'string' ? null : learner,
        achievementId: values.achievement,
        reason: values.reason,
      });
    } catch (error) {
      const problem = refusalOf(error);
      if (!problem) throw error;
      const status = (error as { status: number }).status;
      return renderOne(res, values, problem, status);
    }
    kickOutbox();
    res.redirect(303, '/course/awards?status=awarded');
  });

  const renderList = async (
    res: Response,
    page: {
      achievement: string;
      reason: string;
      problems?: Problems;
      checked?: { key: string; lines: CheckedLine[] } | null;
      status?: number;
    },
  ) => {
    const { courseId } = sessionOf(res);
    const checked = page.checked ?? null;
    res
      .status(page.status ?? 200)
      .set('Cache-Control', 'no-store')
      .send(
        render(res, 'teacher-award-csv', {
          achievements: await publishedAchievements(courseId),
          values: { achievement: page.achievement, reason: page.reason },
          problems: page.problems ?? {},
          maxKilobytes: MAX_CSV_BYTES / 1024,
          checked: checked && {
            key: checked.key,
            lines: checked.lines.map((line) => ({
              line: line.line,
              value: line.value,
              status: line.status,
              learner: 'learner' in line ? learnerLabel(line.learner) : null,
              sub: 'learner' in line ? line.learner.sub : null,
              firstLine: line.status === 'repeated' ? line.firstLine : null,
            })),
            validCount: checked.lines.filter((line) => line.status === 'valid').length,
            refusedCount: checked.lines.filter((line) => line.status !== 'valid').length,
          },
        }),
      );
  };

  router.get('/course/awards/csv', ...teacher, async (_req, res) => {
    await renderList(res, { achievement: '', reason: '' });
  });

  router.post('/course/awards/csv', ...teacher, csvUpload, requireCsrfToken, async (req, res) => {
    const { courseId } = sessionOf(res);
    const body = req.body as Record<string, unknown>;
    const values = { achievement: textOf(body.achievement), reason: textOf(body.reason) };
    const problems: Problems = {};
    const reasonProblem = reasonProblemOf(values.reason);
    if (reasonProblem) problems.reason = reasonProblem;
    let achievement = null;
    if (!isUuid(values.achievement)) problems.achievement = 'achievementRequired';
    else {
      try {
        achievement = await findAwardableAchievement(awardDeps, courseId, values.achievement);
      } catch (error) {
        const problem = refusalOf(error);
        if (!problem) throw error;
        Object.assign(problems, problem);
      }
    }
    const file = req.file;
    const list = isUploadTooLarge(res)
      ? ({ problem: 'tooLarge' } as const)
      : file
        ? readLearnerCsv(file.buffer.toString('utf8'))
        : ({ problem: 'missing' } as const);
    if ('problem' in list) problems.file = `file.${list.problem}`;
    if (!achievement || 'problem' in list || Object.keys(problems).length > 0) {
      return renderList(res, { ...values, problems, status: 422 });
    }
    const learners = await learnersOf(courseId);
    const lines = checkLearnerList(
      list.lines,
      list.key,
      learners,
      await achievementHolders(awardDeps, achievement),
      await learnersLackingStackComponents(awardDeps, courseId, learners, achievement),
    );
    await renderList(res, { ...values, checked: { key: list.key, lines } });
  });

  router.post(
    '/course/awards/csv/confirm',
    ...teacher,
    form,
    requireCsrfToken,
    async (req, res) => {
      const { courseId, userId } = sessionOf(res);
      const body = req.body as Record<string, unknown>;
      const achievementId = textOf(body.achievement);
      const reason = textOf(body.reason);
      const subs = [...new Set(listOf(body.learner))];
      if (!isUuid(achievementId)) throw new NotFoundError('No such achievement in this course');
      if (reasonProblemOf(reason) || subs.length === 0) {
        throw new BadRequestError('Send the checked list again: it lost its reason or learners.');
      }
      const learners = await learnersOf(courseId);
      let awarded = 0;
      let held = 0;
      let withoutComponents = 0;
      for (const sub of subs) {
        const learner = findCourseLearner(learners, 'userId', sub);
        try {
          await awardByHand(awardDeps, {
            courseId,
            teacherUserId: userId,
            learner: typeof learner === 'string' ? null : learner,
            achievementId,
            reason,
          });
          awarded += 1;
        } catch (error) {
          if (error instanceof AwardAlreadyHeldError) held += 1;
          else if (error instanceof AwardStackComponentsMissingError) withoutComponents += 1;
          else throw error;
        }
      }
      kickOutbox();
      const skipped = withoutComponents > 0 ? `&withoutComponents=${withoutComponents}` : '';
      res.redirect(
        303,
        `/course/awards?status=listAwarded&awarded=${awarded}&held=${held}${skipped}`,
      );
    },
  );

  return router;
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

function listOf(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values.filter((item): item is string => typeof item === 'string' && item.trim() !== '');
}

function reasonProblemOf(reason: string): string | null {
  if (reason === '') return 'reasonRequired';
  return reason.length > MAX_REASON_LENGTH ? 'reasonTooLong' : null;
}

/** A learner as the forms list them: name, then email or username to tell namesakes apart. */
function learnerLabel(learner: CourseLearner): string {
  const detail = learner.email ?? learner.username;
  const name = learner.name ?? learner.sub;
  return detail ? `${name} (${detail})` : name;
}

/** The field and catalog key of a refused award, or null for other errors. */
function refusalOf(error: unknown): Problems | null {
  if (error instanceof AwardLearnerNotInCourseError) return { learner: 'notInCourse' };
  if (error instanceof AwardAlreadyHeldError) return { learner: 'alreadyHeld' };
  if (error instanceof AwardAchievementNotPublishedError) return { achievement: 'notPublished' };
  if (error instanceof AwardStackComponentsMissingError) {
    return { learner: 'stackComponentsMissing' };
  }
  if (error instanceof NotFoundError) return { achievement: 'achievementNotInCourse' };
  return null;
}
