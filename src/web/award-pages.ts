import express, { type RequestHandler, type Response, type Router } from 'express';
import {
  changeAwardStatus,
  gradeStates,
  resendGrade,
  revokeAwards,
  type GradeState,
} from '../awards/award-actions.js';
import { awardsNeedingAttention, courseAwards } from '../awards/course-awards.js';
import type { Db } from '../db/database.js';
import { NotFoundError } from '../errors.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import type { RenderView } from './views.js';
import { achievementImagePath } from './achievement-image-path.js';
import { isUuid } from '../shared/uuid.js';

const STATUS_MESSAGES = [
  'revoked',
  'reinstated',
  'gradeQueued',
  'gradeAlreadyQueued',
  'awarded',
  'listAwarded',
  'bulkRevoked',
] as const;
/** The most awards one bulk revocation takes. */
const MAX_BULK_AWARDS = 1000;
const MAX_REASON_LENGTH = 1000;

/** A bulk revocation sent without a reason or without awards, and the reason sent. */
interface BulkProblem {
  readonly code: 'required' | 'tooLong' | 'noneSelected';
  readonly reason: string;
  readonly selected: readonly string[];
}

/** A reason form sent without a usable reason: which award and action, and what is wrong. */
interface ReasonProblem {
  readonly awardId: string;
  readonly action: 'revoke' | 'reinstate';
  readonly code: 'required' | 'tooLong';
  readonly reason: string;
}

/**
 * The teacher's awards page: `GET /course/awards` lists the course's credentials with their
 * status, expiry and grade, and what needs attention (refused stacks, flagged credentials);
 * `POST /course/awards/:id/revoke|reinstate` (a reason is required),
 * `POST /course/awards/revoke` (the selected awards, with one reason) and
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

  const renderPage = async (
    res: Response,
    problem: ReasonProblem | null = null,
    bulkProblem: BulkProblem | null = null,
  ) => {
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
          validUntil: award.validUntil,
          isExpired: award.validUntil !== null && Date.parse(award.validUntil) < Date.now(),
          isRevoked: award.revoked,
          isSelected: bulkProblem?.selected.includes(award.id) ?? false,
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
      hasError: problem !== null || bulkProblem !== null,
      bulkProblem,
      status: STATUS_MESSAGES.find((known) => known === status) ?? null,
      counts: {
        awarded: countOf(res.req.query.awarded),
        held: countOf(res.req.query.held),
        withoutComponents: countOf(res.req.query.withoutComponents),
        revoked: countOf(res.req.query.count),
      },
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

  router.post('/course/awards/revoke', ...teacher, form, requireCsrfToken, async (req, res) => {
    const { courseId, userId } = sessionOf(res);
    const body = req.body as Record<string, unknown>;
    const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
    const sent = (Array.isArray(body.award) ? body.award : [body.award]).filter(
      (id): id is string => typeof id === 'string' && isUuid(id),
    );
    const selected = [...new Set(sent.map((id) => id.toLowerCase()))].slice(0, MAX_BULK_AWARDS);
    const code =
      selected.length === 0
        ? 'noneSelected'
        : reason === ''
          ? 'required'
          : reason.length > MAX_REASON_LENGTH
            ? 'tooLong'
            : null;
    if (code) {
      res.status(422).send(await renderPage(res, null, { code, reason, selected }));
      return;
    }
    const revoked = await revokeAwards(db, {
      courseId,
      awardIds: selected,
      reason,
      actor: `user:${userId}`,
    });
    kickOutbox();
    res.redirect(303, `/course/awards?status=bulkRevoked&count=${revoked}`);
  });

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

/** A count from the query of a status redirect; 0 for anything else. */
function countOf(raw: unknown): number {
  const count = Number(raw);
  return Number.isInteger(count) && count >= 0 ? count : 0;
}
