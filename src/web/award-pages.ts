import express, { type RequestHandler, type Response, type Router } from 'express';
import {
  changeAwardStatus,
  gradeStates,
  resendGrade,
  type GradeState,
} from '../awards/award-actions.js';
import { awardsNeedingAttention, courseAwards } from '../awards/course-awards.js';
import type { Db } from '../db/database.js';
import { NotFoundError } from '../errors.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import type { RenderView } from './views.js';
import { achievementImagePath } from './achievement-image-path.js';
import { isUuid } from '../shared/uuid.js';

const STATUS_MESSAGES = ['revoked', 'reinstated', 'gradeQueued', 'gradeAlreadyQueued'] as const;
const MAX_REASON_LENGTH = 1000;

/** A reason form sent without a usable reason: which award and action, and what is wrong. */
interface ReasonProblem {
  readonly awardId: string;
  readonly action: 'revoke' | 'reinstate';
  readonly code: 'required' | 'tooLong';
  readonly reason: string;
}

/**
 * The teacher's awards page: `GET /course/awards` lists the course's credentials with their
 * status and grade, and what needs attention (refused stacks, flagged credentials);
 * `POST /course/awards/:id/revoke|reinstate` (a reason is required) and
 * `POST /course/awards/:id/grade` (send the grade again) answer 303 back with a status message.
 * `kickOutbox` runs the queued work (grade, re-evaluation) right away.
 */
export function createAwardPages(deps: {
  db: Db;
  render: RenderView;
  requireCsrfToken: RequestHandler;
  kickOutbox: () => void;
}): Router {
  const { db, render, requireCsrfToken, kickOutbox } = deps;
  const router = express.Router();
  const teacher = [requireSession(db), requireTeacher];
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  const renderPage = async (res: Response, problem: ReasonProblem | null = null) => {
    const { courseId } = sessionOf(res);
    const [issued, attention] = await Promise.all([
      courseAwards(db, courseId),
      awardsNeedingAttention(db, courseId),
    ]);
    const grades = await gradeStates(
      db,
      issued.map((award) => award.id),
    );
    const status = res.req.query.status;
    return render(res, 'teacher-awards', {
      awards: issued
        .map((award) => ({
          id: award.id,
          learner: award.learner,
          achievementName: award.achievementName,
          achievementVersion: award.achievementVersion,
          imageSrc: achievementImagePath(award.achievementId, award.achievementVersion),
          form: award.form,
          issuedAt: award.issuedAt,
          isRevoked: award.revoked,
          isFlagged: award.flags.length > 0,
          grade: grades.get(award.id) ?? ('none' satisfies GradeState),
          credentialHref: `/credentials/${award.id}`,
          problem: problem?.awardId === award.id ? problem : null,
        }))
        .reverse(),
      attention: attention.map((item) => ({
        kind: item.kind,
        learner: item.learner,
        achievementName: item.achievementName,
      })),
      hasError: problem !== null,
      status: STATUS_MESSAGES.find((known) => known === status) ?? null,
    });
  };

  router.get('/course/awards', ...teacher, async (_req, res) => {
    res.set('Cache-Control', 'no-store').send(await renderPage(res));
  });

  for (const action of ['revoke', 'reinstate'] as const) {
    router.post(
      `/course/awards/:id/${action}`,
      ...teacher,
      form,
      requireCsrfToken,
      async (req, res) => {
        const awardId = awardIdOf(req.params.id);
        const { courseId, userId } = sessionOf(res);
        const sent = (req.body as Record<string, unknown>).reason;
        const reason = typeof sent === 'string' ? sent.trim() : '';
        if (reason === '' || reason.length > MAX_REASON_LENGTH) {
          const code = reason === '' ? 'required' : 'tooLong';
          res.status(422).send(await renderPage(res, { awardId, action, code, reason }));
          return;
        }
        await changeAwardStatus(db, {
          courseId,
          awardId,
          action,
          reason,
          actor: `user:${userId}`,
        });
        kickOutbox();
        res.redirect(
          303,
          `/course/awards?status=${action === 'revoke' ? 'revoked' : 'reinstated'}`,
        );
      },
    );
  }

  router.post('/course/awards/:id/grade', ...teacher, form, requireCsrfToken, async (req, res) => {
    const outcome = await resendGrade(db, sessionOf(res).courseId, awardIdOf(req.params.id));
    kickOutbox();
    res.redirect(
      303,
      `/course/awards?status=${outcome === 'queued' ? 'gradeQueued' : 'gradeAlreadyQueued'}`,
    );
  });

  return router;
}

function awardIdOf(raw: unknown): string {
  const id = String(raw);
  if (!isUuid(id)) throw new NotFoundError(`No award ${id} in this course`);
  return id.toLowerCase();
}
