import express, { type RequestHandler, type Response, type Router } from 'express';
import { upsertCourseActivity } from '../awards/course-activities.js';
import type { Db } from '../db/database.js';
import { BadRequestError, ForbiddenError, NotFoundError } from '../errors.js';
import { findLmsAccount, listCourseLearners } from '../lti/lms-users.js';
import type { Cmi5Lms } from '../xapi/cmi5/cmi5-lms.js';
import {
  createManualAu,
  findCmi5Au,
  listCmi5Aus,
  type Cmi5AuListing,
  type ManualAu,
} from '../xapi/cmi5/cmi5-structure.js';
import { WAIVER_REASONS, type WaiverReason } from '../xapi/cmi5/cmi5-vocabulary.js';
import type { Agent } from '../xapi/statement.js';
import { CMI5_LAUNCH_METHODS, CMI5_LAUNCH_MODES, CMI5_MOVE_ON } from '../xapi/cmi5/move-on.js';
import type { Cmi5LaunchMode } from '../xapi/cmi5/check-session-statements.js';
import { isUuid } from '../shared/uuid.js';
import { isInFrame, renderContentWindow } from './content-window.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import type { RenderView } from './views.js';

const STATUS_MESSAGES = ['saved', 'waived', 'alreadyWaived', 'abandoned'] as const;
const MAX_TITLE_LENGTH = 200;

interface AuFormValues {
  title: string;
  url: string;
  moveOn: string;
  masteryScore: string;
  launchMethod: string;
}

const EMPTY_FORM: AuFormValues = {
  title: '',
  url: '',
  moveOn: 'CompletedOrPassed',
  masteryScore: '',
  launchMethod: 'AnyWindow',
};

type FormIssue = { field: keyof AuFormValues; code: string };

/**
 * cmi5 AUs of the course:
 * - `GET /course/cmi5` (teacher) lists them with their moveOn and mastery score, the form that
 *   defines one AU by hand (URL, moveOn, mastery score, launch method), and the waiver form;
 * - `POST /course/cmi5/aus` (teacher) adds an AU defined by hand and lists it as an activity
 *   of the course, so rules can name it;
 * - `POST /course/cmi5/waive` (teacher) waives an AU for one learner of the course (cmi5
 *   section 9.3.7);
 * - `POST /course/cmi5/sessions/:sessionId/abandon` (teacher) abandons a session an AU left
 *   open (cmi5 section 9.3.6), listed on the page;
 * - `GET /course/cmi5/launch?au=<id>[&mode=Browse|Review]` (anyone with a session of the
 *   course) launches the AU in the user's registration of its cmi5 course (cmi5 section
 *   10.2.2): learners in Normal unless they ask for Browse or Review; teachers and observers,
 *   who must not record results, in Browse or Review only.
 */
export function createCmi5Pages(deps: {
  db: Db;
  publicUrl: string;
  render: RenderView;
  requireCsrfToken: RequestHandler;
  cmi5Lms: Cmi5Lms;
  /** Called after statements were written: their rule evaluations are queued. */
  kickOutbox: () => void;
}): Router {
  const { db, publicUrl, render, requireCsrfToken, cmi5Lms, kickOutbox } = deps;
  const router = express.Router();
  const teacher = [requireSession(db), requireTeacher];
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  const base = publicUrl.replace(/\/$/, '');

  const renderPage = async (
    res: Response,
    options: { values: AuFormValues; issues?: readonly FormIssue[] },
  ) => {
    const { courseId } = sessionOf(res);
    const [aus, learners, openSessions] = await Promise.all([
      listCmi5Aus(db, publicUrl, courseId),
      listCourseLearners(db, courseId),
      cmi5Lms.listOpenSessions(courseId),
    ]);
    const status = res.req.query.status;
    return render(res, 'teacher-cmi5', {
      aus: aus.map((listing) => ({
        id: listing.au.id,
        title: listing.au.title,
        url: listing.au.url,
        moveOn: listing.au.moveOn,
        masteryPercent:
          listing.au.masteryScore === null ? null : Math.round(listing.au.masteryScore * 100),
        launchMethod: listing.au.launchMethod,
        activityIri: listing.activityIri,
        source: listing.course.source,
        launchHref: cmi5LaunchHref(listing.au.id),
        reviewHref: cmi5LaunchHref(listing.au.id, 'Review'),
        opensOwnWindow: listing.au.launchMethod === 'OwnWindow',
      })),
      learners: learners.map((learner) => ({
        userId: learner.userId,
        name: learner.name ?? learner.sub,
      })),
      openSessions: openSessions.map((session) => ({
        abandonAction: `/course/cmi5/sessions/${session.sessionId}/abandon`,
        learner: session.userName,
        auTitle: session.auTitle,
        launchMode: session.launchMode,
        lastActivityAt: `${session.lastActivityAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      })),
      reasons: WAIVER_REASONS,
      moveOnValues: CMI5_MOVE_ON,
      launchMethods: CMI5_LAUNCH_METHODS,
      values: options.values,
      errors: (options.issues ?? []).map((issue) => ({
        fieldId: `au-${issue.field}`,
        key: `teacher-course:cmi5.errors.${issue.field}.${issue.code}`,
      })),
      status: STATUS_MESSAGES.find((known) => known === status) ?? null,
    });
  };

  router.get('/course/cmi5', ...teacher, async (_req, res) => {
    res.send(await renderPage(res, { values: EMPTY_FORM }));
  });

  router.post('/course/cmi5/aus', ...teacher, form, requireCsrfToken, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const parsed = parseManualAu(body);
    if (!parsed.ok) {
      res.status(422).send(await renderPage(res, { values: parsed.values, issues: parsed.issues }));
      return;
    }
    const { courseId } = sessionOf(res);
    await db.transaction(async (tx) => {
      const listing = await createManualAu(tx, publicUrl, courseId, parsed.au);
      await upsertCourseActivity(tx, courseId, {
        activityId: listing.activityIri,
        name: listing.au.title,
        names: {},
        launchUrl: listing.au.url,
        tags: {},
      });
    });
    res.redirect(303, '/course/cmi5?status=saved');
  });

  router.post('/course/cmi5/waive', ...teacher, form, requireCsrfToken, async (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    const { courseId, userId: teacherId } = sessionOf(res);
    const listing = await findCmi5Au(db, publicUrl, courseId, String(body.au ?? ''));
    if (!listing) throw new NotFoundError('This course has no such cmi5 AU.');
    const learners = await listCourseLearners(db, courseId);
    const learner = learners.find((candidate) => candidate.userId === body.learner);
    if (!learner) {
      throw new ForbiddenError('Only a learner enrolled in this course can have an AU waived.');
    }
    const reason = WAIVER_REASONS.find((known) => known === body.reason);
    if (!reason) throw new BadRequestError('Choose one of the listed reasons for the waiver.');
    const isNew = await cmi5Lms.waiveAu({
      listing,
      userId: learner.userId,
      actor: await learnerActor(db, learner.userId),
      reason: reason satisfies WaiverReason,
      waivedByUserId: teacherId,
    });
    kickOutbox();
    res.redirect(303, `/course/cmi5?status=${isNew ? 'waived' : 'alreadyWaived'}`);
  });

  router.post(
    '/course/cmi5/sessions/:sessionId/abandon',
    ...teacher,
    form,
    requireCsrfToken,
    async (req, res) => {
      const sessionId = String(req.params.sessionId);
      const isAbandoned =
        isUuid(sessionId) &&
        (await cmi5Lms.abandonSession({ courseId: sessionOf(res).courseId, sessionId }));
      if (!isAbandoned) {
        throw new NotFoundError(
          'This course has no open cmi5 session with this id: it may have ended already.',
        );
      }
      kickOutbox();
      res.redirect(303, '/course/cmi5?status=abandoned');
    },
  );

  router.get('/course/cmi5/launch', requireSession(db), async (req, res) => {
    const { courseId, userId, role } = sessionOf(res);
    const auId = typeof req.query.au === 'string' ? req.query.au : '';
    const launchMode = launchModeFor(role, req.query.mode);
    const listing = await findCmi5Au(db, publicUrl, courseId, auId);
    if (!listing) throw new NotFoundError('This course has no such cmi5 AU.');
    const launch = await cmi5Lms.launchAu({
      listing,
      userId,
      actor: await learnerActor(db, userId),
      launchMode,
      returnUrl: `${base}/course`,
    });
    kickOutbox();
    // cmi5 section 8.1: an OwnWindow AU opens in a new window, never inside the LMS's frame;
    // an AnyWindow AU may, but would replace the course there with no way back.
    if (isInFrame(req)) {
      res.send(
        renderContentWindow(render, res, { title: listing.au.title, href: launch.launchUrl }),
      );
      return;
    }
    res.set('Cache-Control', 'no-store').redirect(303, launch.launchUrl);
  });

  return router;
}

export function cmi5LaunchHref(auId: string, mode?: 'Browse' | 'Review'): string {
  const href = `/course/cmi5/launch?au=${encodeURIComponent(auId)}`;
  return mode ? `${href}&mode=${mode}` : href;
}

/**
 * The launch mode a user may ask for (cmi5 section 10.2.2): learners launch in Normal unless
 * they ask to Browse or Review; anyone else records no results, so Browse unless Review.
 */
function launchModeFor(role: string, asked: unknown): Cmi5LaunchMode {
  if (asked === undefined) return role === 'learner' ? 'Normal' : 'Browse';
  const mode = CMI5_LAUNCH_MODES.find((known) => known === asked);
  if (!mode) throw new BadRequestError('mode must be Normal, Browse or Review.');
  if (mode === 'Normal' && role !== 'learner') {
    throw new ForbiddenError('Only learners launch an AU in Normal mode, which records results.');
  }
  return mode;
}

/** The cmi5 AU behind an activity IRI of the course, or null. */
export async function findCmi5AuOfActivity(
  db: Db,
  publicUrl: string,
  courseId: string,
  activityId: string,
): Promise<Cmi5AuListing | null> {
  const auId = /\/cmi5\/aus\/([0-9a-f-]{36})$/.exec(activityId)?.[1];
  if (!auId) return null;
  const listing = await findCmi5Au(db, publicUrl, courseId, auId);
  return listing?.activityIri === activityId ? listing : null;
}

/**
 * The account the LRS maps back to this user (xapi/resolve-actor.ts): the LMS and the `sub`
 * (cmi5 section 9.2: an Agent with an account, without personal data beyond the name).
 */
export async function learnerActor(db: Db, userId: string): Promise<Agent> {
  const learner = await findLmsAccount(db, userId);
  if (!learner) throw new NotFoundError('The user of this session is gone.');
  return {
    objectType: 'Agent',
    ...(learner.name && { name: learner.name }),
    account: { homePage: learner.issuer, name: learner.sub },
  };
}

function parseManualAu(
  body: Record<string, unknown>,
): { ok: true; au: ManualAu } | { ok: false; values: AuFormValues; issues: FormIssue[] } {
  const text = (field: keyof AuFormValues) =>
    typeof body[field] === 'string' ? body[field].trim() : '';
  const values: AuFormValues = {
    title: text('title'),
    url: text('url'),
    moveOn: text('moveOn'),
    masteryScore: text('masteryScore'),
    launchMethod: text('launchMethod'),
  };
  const issues: FormIssue[] = [];
  if (!values.title) issues.push({ field: 'title', code: 'required' });
  else if (values.title.length > MAX_TITLE_LENGTH) issues.push({ field: 'title', code: 'tooLong' });
  if (!isHttpUrl(values.url)) issues.push({ field: 'url', code: 'invalid' });
  const moveOn = CMI5_MOVE_ON.find((known) => known === values.moveOn);
  if (!moveOn) issues.push({ field: 'moveOn', code: 'invalid' });
  const launchMethod = CMI5_LAUNCH_METHODS.find((known) => known === values.launchMethod);
  if (!launchMethod) issues.push({ field: 'launchMethod', code: 'invalid' });
  let masteryScore: number | null = null;
  if (values.masteryScore) {
    const percent = Number(values.masteryScore.replace(',', '.'));
    if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
      issues.push({ field: 'masteryScore', code: 'invalid' });
    } else {
      // cmi5 section 10.2.4: a decimal from 0 to 1 with up to 4 decimal places.
      masteryScore = Math.round(percent * 100) / 10000;
    }
  }
  if (issues.length > 0 || !moveOn || !launchMethod) return { ok: false, values, issues };
  return {
    ok: true,
    au: { title: values.title, url: values.url, moveOn, masteryScore, launchMethod },
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
