import express, { type RequestHandler, type Response, type Router } from 'express';
import {
  activitiesNotNamed,
  deleteCourseActivity,
  findCourseActivity,
  formatTagLines,
  listCourseActivities,
  parseActivityForm,
  upsertCourseActivity,
  type ActivityIssue,
} from '../awards/course-activities.js';
import type { Db } from '../db/database.js';
import { NotFoundError } from '../errors.js';
import { createContentLaunch } from '../xapi/content-launch.js';
import { cmi5LaunchHref, findCmi5AuOfActivity, learnerActor } from './cmi5-pages.js';
import { LOCALES, type Locale } from './i18n.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import type { RenderView } from './views.js';

const LANGUAGES = Object.keys(LOCALES) as Locale[];
const STATUS_MESSAGES = ['saved', 'deleted'] as const;

interface ActivityFormValues {
  activityId: string;
  name: string;
  names: Record<string, string>;
  launchUrl: string;
  tags: string;
}

const EMPTY_FORM: ActivityFormValues = {
  activityId: '',
  name: '',
  names: {},
  launchUrl: '',
  tags: '',
};

/**
 * The teacher's activities page and the learner's content launch:
 * - `GET /course/activities` lists the course's activities, the IRIs seen but not named, and the
 *   add/edit form (`?activity=<IRI>` fills it with that activity);
 * - `POST /course/activities` adds or changes one (by IRI), `POST /course/activities/delete`
 *   removes one;
 * - `GET /course/activities/launch?activity=<IRI>` (anyone with a session of the course) opens
 *   the activity's content with a new xAPI launch (one registration per attempt), or for a
 *   cmi5 AU hands over to its cmi5 launch.
 */
export function createActivityPages(deps: {
  db: Db;
  publicUrl: string;
  render: RenderView;
  requireCsrfToken: RequestHandler;
}): Router {
  const { db, publicUrl, render, requireCsrfToken } = deps;
  const router = express.Router();
  const teacher = [requireSession(db), requireTeacher];
  const form = express.urlencoded({ extended: false, limit: '32kb' });

  const renderPage = async (
    res: Response,
    options: { values: ActivityFormValues; issues?: readonly ActivityIssue[]; isEdit: boolean },
  ) => {
    const { courseId } = sessionOf(res);
    const [activities, unnamed] = await Promise.all([
      listCourseActivities(db, courseId),
      activitiesNotNamed(db, courseId),
    ]);
    const status = res.req.query.status;
    return render(res, 'teacher-activities', {
      activities: activities.map((activity) => ({
        ...activity,
        isNamed: activity.name !== activity.activityId,
        tagList: Object.entries(activity.tags).map(([key, value]) => `${key}=${value}`),
        editHref: `/course/activities?activity=${encodeURIComponent(activity.activityId)}#activity-form`,
      })),
      unnamed: unnamed.map((entry) => ({
        ...entry,
        nameHref: `/course/activities?activity=${encodeURIComponent(entry.activityId)}#activity-form`,
      })),
      nameLanguages: LANGUAGES.map((code) => ({ code, name: LOCALES[code] })),
      values: options.values,
      isEdit: options.isEdit,
      errors: (options.issues ?? []).map(presentIssue),
      status: STATUS_MESSAGES.find((known) => known === status) ?? null,
    });
  };

  router.get('/course/activities', ...teacher, async (req, res) => {
    const wanted = typeof req.query.activity === 'string' ? req.query.activity : '';
    const activity = wanted ? await findCourseActivity(db, sessionOf(res).courseId, wanted) : null;
    const values: ActivityFormValues = activity
      ? {
          activityId: activity.activityId,
          name: activity.name === activity.activityId ? '' : activity.name,
          names: { ...activity.names },
          launchUrl: activity.launchUrl ?? '',
          tags: formatTagLines(activity.tags),
        }
      : { ...EMPTY_FORM, activityId: wanted };
    res.send(await renderPage(res, { values, isEdit: activity !== null }));
  });

  router.post('/course/activities', ...teacher, form, requireCsrfToken, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const parsed = parseActivityForm(body, LANGUAGES);
    if (!parsed.ok) {
      const text = (field: string) => (typeof body[field] === 'string' ? body[field] : '');
      const values: ActivityFormValues = {
        activityId: text('activityId'),
        name: text('name'),
        names: Object.fromEntries(LANGUAGES.map((code) => [code, text(`name_${code}`)])),
        launchUrl: text('launchUrl'),
        tags: text('tags'),
      };
      res
        .status(422)
        .send(
          await renderPage(res, { values, issues: parsed.issues, isEdit: body.isEdit === '1' }),
        );
      return;
    }
    await upsertCourseActivity(db, sessionOf(res).courseId, parsed.activity);
    res.redirect(303, '/course/activities?status=saved');
  });

  router.post('/course/activities/delete', ...teacher, form, requireCsrfToken, async (req, res) => {
    const activityId = (req.body as Record<string, unknown>).activityId;
    const deleted =
      typeof activityId === 'string' &&
      (await deleteCourseActivity(db, sessionOf(res).courseId, activityId));
    if (!deleted) throw new NotFoundError('This course has no such activity.');
    res.redirect(303, '/course/activities?status=deleted');
  });

  router.get('/course/activities/launch', requireSession(db), async (req, res) => {
    const { courseId, userId } = sessionOf(res);
    const activityId = typeof req.query.activity === 'string' ? req.query.activity : '';
    // A cmi5 AU launches in its registration with its launch data (cmi5-pages.ts).
    const au = activityId ? await findCmi5AuOfActivity(db, publicUrl, courseId, activityId) : null;
    if (au) {
      res.redirect(303, cmi5LaunchHref(au.au.id));
      return;
    }
    const activity = activityId ? await findCourseActivity(db, courseId, activityId) : null;
    if (!activity?.launchUrl) {
      throw new NotFoundError('This course has no content to launch for that activity.');
    }
    const actor = await learnerActor(db, userId);
    const launch = await createContentLaunch({
      db,
      publicUrl,
      contentUrl: activity.launchUrl,
      userId,
      actor,
      activityId: activity.activityId,
    });
    res.set('Cache-Control', 'no-store').redirect(303, launch.launchUrl);
  });

  return router;
}

/** A form problem as the view shows it: the field's id, and the catalog key and values. */
function presentIssue(issue: ActivityIssue) {
  if (issue.field.startsWith('names.')) {
    const language = issue.field.slice('names.'.length) as Locale;
    return {
      fieldId: `name_${language}`,
      key: `teacher-course:activities.errors.nameIn.${issue.code}`,
      values: { language: LOCALES[language] },
    };
  }
  return {
    fieldId: issue.field,
    key: `teacher-course:activities.errors.${issue.field}.${issue.code}`,
    values: { line: issue.line },
  };
}
