import express, { type RequestHandler, type Response, type Router } from 'express';
import {
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
import { listSeenActivities, type SeenActivity } from '../awards/seen-activities.js';
import { localizedNames } from './activity-choices.js';
import { cmi5LaunchHref, findCmi5AuOfActivity, learnerActor } from './cmi5-pages.js';
import { isInFrame, renderContentWindow } from './content-window.js';
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
 * - `GET /course/activities` lists the course's activities, those seen but not named yet
 *   (awards/seen-activities.ts; `?q=` searches their names and IRIs), and the add/edit form
 *   (`?activity=<IRI>` fills it with that activity, or with the name its statements give);
 * - `POST /course/activities` adds or changes one (by IRI), `POST /course/activities/delete`
 *   removes one;
 * - `GET /course/activities/launch?activity=<IRI>` (anyone with a session of the course) opens
 *   the activity's content with a new xAPI launch (one registration per attempt), or for a
 *   cmi5 AU hands over to its cmi5 launch; asked from the LMS frame, it opens the content in
 *   a new window and keeps the course in the frame (content-window.ts).
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
    const [activities, seen] = await Promise.all([
      listCourseActivities(db, courseId),
      listSeenActivities(db, courseId),
    ]);
    const status = res.req.query.status;
    const search = typeof res.req.query.q === 'string' ? res.req.query.q.trim() : '';
    const { locale } = render.translate(res);
    const unnamed = seen.filter((activity) => !activity.isNamed);
    return render(res, 'teacher-activities', {
      activities: activities.map((activity) => ({
        ...activity,
        isNamed: activity.name !== activity.activityId,
        tagList: Object.entries(activity.tags).map(([key, value]) => `${key}=${value}`),
        editHref: `/course/activities?activity=${encodeURIComponent(activity.activityId)}#activity-form`,
      })),
      search,
      unnamedCount: unnamed.length,
      unnamed: unnamed
        .filter((activity) => matchesSearch(activity, search))
        .map((activity) => presentSeen(activity, locale)),
      nameLanguages: LANGUAGES.map((code) => ({ code, name: LOCALES[code] })),
      values: options.values,
      isEdit: options.isEdit,
      errors: (options.issues ?? []).map(presentIssue),
      status: STATUS_MESSAGES.find((known) => known === status) ?? null,
    });
  };

  router.get('/course/activities', ...teacher, async (req, res) => {
    const wanted = typeof req.query.activity === 'string' ? req.query.activity : '';
    /** The name the statements give an activity not described yet, to start the form with. */
    const seenName = async (activityId: string) => {
      const seen = await listSeenActivities(db, sessionOf(res).courseId);
      const found = seen
        .flatMap((activity) => [activity, ...activity.parts])
        .find((activity) => activity.activityId === activityId);
      if (!found) return '';
      const { name, names } = localizedNames(found.definitionName);
      return names[render.translate(res).locale] ?? name ?? '';
    };
    const activity = wanted ? await findCourseActivity(db, sessionOf(res).courseId, wanted) : null;
    const values: ActivityFormValues = activity
      ? {
          activityId: activity.activityId,
          name: activity.name === activity.activityId ? '' : activity.name,
          names: { ...activity.names },
          launchUrl: activity.launchUrl ?? '',
          tags: formatTagLines(activity.tags),
        }
      : { ...EMPTY_FORM, activityId: wanted, name: wanted ? await seenName(wanted) : '' };
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
    if (isInFrame(req)) {
      res.send(renderContentWindow(render, res, { title: activity.name, href: launch.launchUrl }));
      return;
    }
    res.set('Cache-Control', 'no-store').redirect(303, launch.launchUrl);
  });

  return router;
}

/** Whether the activity or one of its parts has `search` in its IRI or a name. */
function matchesSearch(activity: SeenActivity, search: string): boolean {
  if (search === '') return true;
  const wanted = search.toLocaleLowerCase();
  return [activity, ...activity.parts].some((entry) =>
    [entry.activityId, ...Object.values(entry.definitionName)].some((text) =>
      text.toLocaleLowerCase().includes(wanted),
    ),
  );
}

/** A seen activity as the list shows it: its name in the reader's language, where it was seen. */
function presentSeen(activity: SeenActivity, locale: Locale) {
  const nameOf = (entry: SeenActivity) => {
    const { name, names } = localizedNames(entry.definitionName);
    return names[locale] ?? name;
  };
  return {
    activityId: activity.activityId,
    name: nameOf(activity),
    isLmsActivity: activity.kind === 'lmsActivity',
    seenIn: activity.isFromLearners ? 'learners' : activity.isInStatements ? 'teachersOnly' : null,
    isInRules: activity.isInRules,
    nameHref: `/course/activities?activity=${encodeURIComponent(activity.activityId)}#activity-form`,
    parts: activity.parts.map((part) => ({ activityId: part.activityId, name: nameOf(part) })),
  };
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
