import { parse as parseCookies } from 'cookie';
import express, { type RequestHandler, type Response, type Router } from 'express';
import { coursePartners } from '../awards/course-partners.js';
import { activityNameIn, listCourseActivities } from '../awards/course-activities.js';
import {
  achievementInputSchema,
  createAchievement,
  isExpiryDayPast,
  updateAchievementFrom,
  type Achievement,
} from '../awards/create-achievement.js';
import { declaredSupervisionRefusal } from '../awards/check-declared-supervision.js';
import {
  countAwardsOfCurrentVersion,
  findCourseAchievement,
  listAchievementNames,
  listAchievementsWithAwardCounts,
} from '../awards/course-achievements.js';
import { activityChoices } from './activity-choices.js';
import { achievementImagePath } from './achievement-image-path.js';
import { parseRule, type Rule } from '../awards/rules/rule-schema.js';
import { previewRule, type PreviewEntry } from '../awards/rule-preview.js';
import { badgeSvg } from '../badges/badge-image.js';
import { BadgeImageInvalidError } from '../badges/badge-image-error.js';
import {
  badgeImageDataUri,
  checkBadgeImage,
  MAX_BADGE_IMAGE_BYTES,
} from '../badges/check-badge-image.js';
import { readElements, SUPERVISION_LEVELS, type SupervisionLevel } from '../badges/eu-elements.js';
import type { Db } from '../db/database.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import {
  emptyFormValues,
  fieldErrorsOf,
  FORM_LAYOUT,
  formValuesOf,
  imageErrorOf,
  readAchievementForm,
  type AchievementFormValues,
  type FieldErrors,
} from './achievement-form.js';
import {
  CONDITION_KINDS,
  describeRule,
  emptyRuleFormValues,
  readRuleForm,
  RULE_SHAPES,
  ruleErrorOf,
  ruleFormValuesOf,
  type RuleFormValues,
} from './rule-form.js';
import { isUploadTooLarge, singleFileUpload } from './http/single-file-upload.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import { chooseLocale } from './i18n.js';
import { LOCALE_COOKIE, type PageContext, type RenderView } from './views.js';
import { isUuid } from '../shared/uuid.js';
import type { Logger } from '../config/logger.js';
import type { PlatformServices } from '../lti/platform-services.js';
import { loadRosterLearners, type RosterLearners } from './roster-learners.js';
import {
  changedMeanwhile,
  postedRevision,
  revisionOfPage,
  saveUnlessChanged,
  type PageRevision,
} from './achievement-revision.js';

/**
 * The teacher's achievement pages: the form with every European micro-credential element
 * (create, and edit, which makes a new version once credentials were issued) and the rule form
 * with its "who would be awarded" preview, which counts the LMS roster's learners who never
 * launched as not started. A new achievement is a draft: its rule is saved without awarding
 * anyone until the teacher publishes it, from the preview (`POST .../rule/publish`). The list
 * is `GET /course` (see teacherAchievementList).
 */
export function createAchievementPagesRouter(deps: {
  db: Db;
  render: RenderView;
  requireCsrfToken: RequestHandler;
  /** Called after an achievement was saved: its re-evaluation is queued. */
  kickOutbox: () => void;
  platformServices: PlatformServices;
  logger: Logger;
}): Router {
  const { db, render, requireCsrfToken, kickOutbox } = deps;
  const router = express.Router();
  const teacherOnly: RequestHandler[] = [requireSession(db), requireTeacher];
  const formBody: RequestHandler[] = [
    express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 2000 }),
    singleFileUpload({
      field: 'image',
      maxFileBytes: MAX_BADGE_IMAGE_BYTES,
      maxFields: 2000,
      maxFieldBytes: 100 * 1024,
    }),
    requireCsrfToken,
  ];
  const ruleBody: RequestHandler[] = [
    express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 2000 }),
    requireCsrfToken,
  ];

  const renderForm = async (
    res: Response,
    page: {
      achievement: Achievement | null;
      values: AchievementFormValues;
      errors?: FieldErrors;
      status?: number;
    } & PageRevision,
  ) => {
    const { courseId } = sessionOf(res);
    const { achievement } = page;
    const issuedCount = achievement ? await countAwardsOfCurrentVersion(db, achievement) : 0;
    const image = achievement?.image ?? null;
    res.status(page.status ?? 200).send(
      render(res, 'teacher-achievement-form', {
        achievement: achievement && {
          id: achievement.id,
          version: achievement.version,
          name: achievement.name,
        },
        ...(achievement && revisionOfPage(achievement, page)),
        issuedCount,
        values: page.values,
        errors: page.errors ?? {},
        imagePreview: imagePreviewOf(achievement),
        imageIsUrl: image !== null && !image.startsWith('data:'),
        imageUrl: image,
        sections: FORM_LAYOUT,
        activities: achievement ? [] : await activityChoices(db, courseId),
        maxImageKilobytes: MAX_BADGE_IMAGE_BYTES / 1024,
      }),
    );
  };

  router.get('/course/achievements/new', ...teacherOnly, async (_req, res) => {
    await renderForm(res, { achievement: null, values: emptyFormValues(localeOf(res)) });
  });

  router.post('/course/achievements', ...teacherOnly, ...formBody, async (req, res) => {
    const { courseId } = sessionOf(res);
    const upload = uploadedImage(req.file, res);
    const form = readAchievementForm(bodyOf(req), upload.image);
    const rule = { [form.values.ruleKind]: form.values.ruleActivity };
    const errors = {
      ...achievementErrors(form, null),
      ...(await supervisionError(db, courseId, form)),
      ...ruleActivityError(rule),
      ...upload.errors,
    };
    if (Object.keys(errors).length > 0) {
      await renderForm(res, { achievement: null, values: form.values, errors, status: 422 });
      return;
    }
    const achievement = await db.transaction((tx) =>
      createAchievement(tx, courseId, { ...form.input, rule }),
    );
    kickOutbox();
    res.redirect(303, `/course/achievements/${achievement.id}/rule?saved=created`);
  });

  router.get('/course/achievements/:id/edit', ...teacherOnly, async (req, res) => {
    const achievement = await courseAchievement(db, res, req.params.id);
    await renderForm(res, { achievement, values: formValuesOf(achievement) });
  });

  router.post('/course/achievements/:id', ...teacherOnly, ...formBody, async (req, res) => {
    const achievement = await courseAchievement(db, res, req.params.id);
    const upload = uploadedImage(req.file, res);
    const body = bodyOf(req);
    const revision = postedRevision(body);
    const kept = body.imageChoice === 'generated' ? null : achievement.image;
    const form = readAchievementForm(body, upload.image ?? kept);
    const errors = {
      ...achievementErrors(form, achievement.expiresOn),
      ...(await supervisionError(db, achievement.courseId, form)),
      ...upload.errors,
    };
    if (Object.keys(errors).length > 0) {
      await renderForm(res, { achievement, values: form.values, errors, revision, status: 422 });
      return;
    }
    const result = await saveUnlessChanged(() =>
      db.transaction((tx) =>
        updateAchievementFrom(
          tx,
          achievement.id,
          (current) => ({
            ...form.input,
            // Kept as they are now: the rule and badge pages save them.
            ...(upload.image === null &&
              body.imageChoice !== 'generated' && { image: current.image }),
            rule: current.rule,
          }),
          { basedOnRevision: revision },
        ),
      ),
    );
    if ('changed' in result) {
      await renderForm(res, { ...changedMeanwhile(result.changed), values: form.values });
      return;
    }
    const updated = result.saved;
    kickOutbox();
    const saved = updated.version > achievement.version ? 'versioned' : 'updated';
    res.redirect(303, `/course?saved=${saved}`);
  });

  const renderRuleForm = async (
    res: Response,
    page: {
      achievement: Achievement;
      values: RuleFormValues;
      errors?: FieldErrors;
      preview?: { entries: PreviewEntry[]; roster: RosterLearners['status'] } | null;
      previewRule?: Rule | null;
      status?: number;
    } & PageRevision,
  ) => {
    const { courseId } = sessionOf(res);
    const { achievement } = page;
    const others = await listAchievementNames(db, courseId, 'name');
    const names = new Map(others.map((other) => [other.id, other.name]));
    res.status(page.status ?? 200).send(
      render(res, 'teacher-achievement-rule', {
        achievement: { id: achievement.id, name: achievement.name, version: achievement.version },
        ...revisionOfPage(achievement, page),
        isDraft: achievement.publishedAt === null,
        issuedCount: await countAwardsOfCurrentVersion(db, achievement),
        values: page.values,
        errors: page.errors ?? {},
        shapes: RULE_SHAPES,
        kinds: CONDITION_KINDS,
        activities: await activityChoices(db, courseId),
        stackable: others.filter((other) => other.id !== achievement.id),
        previewedRuleJson: page.previewRule ? JSON.stringify(page.previewRule) : null,
        rosterStatus: page.preview?.roster ?? null,
        preview: page.preview
          ? page.preview.entries.map((entry) => ({
              learner: entry.name ?? entry.sub,
              form: entry.form,
              hasStarted: entry.hasStarted,
              creditsEarned: entry.creditsEarned,
              wouldBeAwarded: entry.wouldBeAwarded,
              refusal: entry.refusal && refusalOf(page.previewRule ?? null, entry),
              evidence: entry.evidence.map((item) =>
                item.kind === 'statement'
                  ? { kind: item.condition, ref: item.activity }
                  : item.kind === 'credential'
                    ? { kind: 'earned', ref: names.get(item.achievementId) ?? item.achievementId }
                    : {
                        kind: 'recognised',
                        ref: `${item.credential.achievementName} (${item.credential.issuerName})`,
                      },
              ),
            }))
          : null,
        saved: typeof res.req.query.saved === 'string' ? res.req.query.saved : null,
      }),
    );
  };

  router.get('/course/achievements/:id/rule', ...teacherOnly, async (req, res) => {
    const achievement = await courseAchievement(db, res, req.params.id);
    await renderRuleForm(res, {
      achievement,
      values:
        achievement.rule === null
          ? emptyRuleFormValues()
          : ruleFormValuesOf(parseRule(achievement.rule)),
    });
  });

  /**
   * The course achievement of the page and the rule posted for it; when the rule does not check,
   * answers 422 with the form and its errors and gives null.
   */
  const postedRule = async (req: express.Request, res: Response) => {
    const achievement = await courseAchievement(db, res, req.params.id);
    const body = bodyOf(req);
    const revision = postedRevision(body);
    const form = readRuleForm(body);
    if (form.errors) {
      await renderRuleForm(res, {
        achievement,
        values: form.values,
        errors: form.errors,
        revision,
        status: 422,
      });
      return null;
    }
    return { achievement, values: form.values, rule: form.rule, revision };
  };

  router.post('/course/achievements/:id/rule', ...teacherOnly, ...ruleBody, async (req, res) => {
    const posted = await postedRule(req, res);
    if (!posted) return;
    const { achievement, values, rule, revision } = posted;
    const result = await saveUnlessChanged(() =>
      db.transaction((tx) =>
        updateAchievementFrom(
          tx,
          achievement.id,
          (current) => ({ ...storedInputOf(current), rule }),
          {
            basedOnRevision: revision,
          },
        ),
      ),
    );
    if ('changed' in result) {
      await renderRuleForm(res, { ...changedMeanwhile(result.changed), values });
      return;
    }
    const updated = result.saved;
    kickOutbox();
    const saved =
      updated.publishedAt === null
        ? 'draft'
        : updated.version > achievement.version
          ? 'versioned'
          : 'rule';
    res.redirect(303, `/course?saved=${saved}`);
  });

  /** Publishes the rule the preview showed (its JSON in `rule`): learners who meet it are awarded. */
  router.post(
    '/course/achievements/:id/rule/publish',
    ...teacherOnly,
    ...ruleBody,
    async (req, res) => {
      const achievement = await courseAchievement(db, res, req.params.id);
      const body = bodyOf(req);
      const rule = ruleOfJson(body.rule);
      const result = await saveUnlessChanged(() =>
        db.transaction((tx) =>
          updateAchievementFrom(
            tx,
            achievement.id,
            (current) => ({ ...storedInputOf(current), rule, publish: true }),
            { basedOnRevision: postedRevision(body) },
          ),
        ),
      );
      if ('changed' in result) {
        await renderRuleForm(res, {
          ...changedMeanwhile(result.changed),
          values: ruleFormValuesOf(rule),
        });
        return;
      }
      const updated = result.saved;
      kickOutbox();
      const saved = updated.version > achievement.version ? 'versioned' : 'published';
      res.redirect(303, `/course?saved=${saved}`);
    },
  );

  router.post(
    '/course/achievements/:id/rule/preview',
    ...teacherOnly,
    ...ruleBody,
    async (req, res) => {
      const posted = await postedRule(req, res);
      if (!posted) return;
      const { achievement, values, rule, revision } = posted;
      const { courseId } = sessionOf(res);
      const roster = await loadRosterLearners(deps, courseId);
      const entries = await previewRule(db, courseId, {
        rule,
        ects: achievement.ects,
        roster: roster.learners,
        stackCredit: achievement.stackCredit,
      });
      await renderRuleForm(res, {
        achievement,
        values,
        preview: { entries, roster: roster.status },
        previewRule: rule,
        revision,
      });
    },
  );

  return router;
}

/** The data of the teacher's achievement list (`GET /course`, views/course-teacher.eta). */
export async function teacherAchievementList(db: Db, res: Response) {
  const { courseId } = sessionOf(res);
  const rows = await listAchievementsWithAwardCounts(db, courseId);
  const [activities, partners] = await Promise.all([
    listCourseActivities(db, courseId),
    coursePartners(db, courseId),
  ]);
  // A rule names achievements by id and partners (recognised) by their issuer id.
  const achievementNames = new Map([
    ...partners.map((partner): [string, string] => [partner.issuerId, partner.name]),
    ...rows.map(({ achievement }): [string, string] => [achievement.id, achievement.name]),
  ]);
  const nameIn = (locale: string) => (ref: string) => {
    const activity = activities.find((candidate) => candidate.activityId === ref);
    return activity ? activityNameIn(activity, locale) : (achievementNames.get(ref) ?? ref);
  };
  const saved = res.req.query.saved;
  return {
    saved: typeof saved === 'string' && SAVED_NOTICES.includes(saved) ? saved : null,
    achievements: rows.map(({ achievement, awardCount }) => {
      const rule = achievement.rule === null ? null : parseRule(achievement.rule);
      return {
        id: achievement.id,
        name: achievement.name,
        version: achievement.version,
        imageSrc: achievementImagePath(achievement.id, achievement.version),
        ects: achievement.ects,
        eqfLevel: achievement.eqfLevel,
        isMicroCredential: achievement.ects !== null,
        isDraft: achievement.publishedAt === null,
        awardCount,
        /** The rule in plain words, in the page's language (the view passes its `t`). */
        ruleSummary: (t: PageContext['t'], locale: string) =>
          rule === null
            ? t('teacher-achievements:list.noRule')
            : describeRule(rule, t, nameIn(locale)),
      };
    }),
  };
}

/**
 * The form's field errors: what achievementInputSchema refuses, and a fixed expiry day that has
 * passed unless it is the one already stored (`storedExpiresOn`), as updateAchievement decides.
 */
function achievementErrors(
  form: ReturnType<typeof readAchievementForm>,
  storedExpiresOn: string | null,
): FieldErrors {
  const parsed = achievementInputSchema.safeParse({ ...form.input, rule: null });
  if (!parsed.success) return fieldErrorsOf(parsed.error.issues, form.fieldOf);
  const { expiresOn } = parsed.data;
  const today = new Date();
  return expiresOn !== null && expiresOn !== storedExpiresOn && isExpiryDayPast(expiresOn, today)
    ? {
        expiryDate: {
          key: 'errors.expiryDatePassed',
          params: { today: today.toISOString().slice(0, 10) },
        },
      }
    : {};
}

/** The form's message when the course's platform cannot declare the chosen supervision level. */
async function supervisionError(
  db: Db,
  courseId: string,
  form: ReturnType<typeof readAchievementForm>,
): Promise<FieldErrors> {
  const { supervision } = form.input.eu as { supervision?: unknown };
  const level =
    typeof supervision === 'string' && supervision in SUPERVISION_LEVELS
      ? (supervision as SupervisionLevel)
      : undefined;
  return (await declaredSupervisionRefusal(db, courseId, level))
    ? { supervision: { key: 'errors.supervisionSelfStudy' } }
    : {};
}

function ruleActivityError(rule: unknown): FieldErrors {
  try {
    parseRule(rule);
    return {};
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    return { ruleActivity: ruleErrorOf(error.message, 'rule') };
  }
}

/** The notices of the list after a save (`?saved=`), keys of `teacher-achievements:list.saved`. */
const SAVED_NOTICES: readonly string[] = [
  'updated',
  'versioned',
  'rule',
  'draft',
  'published',
  'badge',
];

/** The stored definition as the input of updateAchievement, to change only its rule or image. */
export function storedInputOf(achievement: Achievement) {
  const { name, description, criteria, ects, eqfLevel, language, image, eu, gradeMode } =
    achievement;
  const { stackCredit, stackResult, rule, expiresAfter, expiresOn } = achievement;
  return {
    name,
    description,
    criteria,
    ects,
    eqfLevel,
    language,
    image,
    gradeMode,
    stackCredit,
    stackResult,
    rule,
    expiresAfter,
    expiresOn,
    eu: readElements(eu),
  };
}

/** The rule a publish form carries as JSON; a form not made by the preview is refused. */
function ruleOfJson(value: unknown): Rule {
  if (typeof value !== 'string') throw new BadRequestError('rule is required to publish');
  let rule: unknown;
  try {
    rule = JSON.parse(value);
  } catch {
    throw new BadRequestError('rule must be the JSON of a rule');
  }
  return parseRule(rule);
}

/** The session course's achievement `id`; NotFoundError for another course's or an unknown one. */
export async function courseAchievement(db: Db, res: Response, id: unknown) {
  const { courseId } = sessionOf(res);
  if (typeof id !== 'string' || !isUuid(id)) throw new NotFoundError('No such achievement');
  const achievement = await findCourseAchievement(db, courseId, id);
  if (!achievement) throw new NotFoundError(`No achievement ${id} in this course`);
  return achievement;
}

/** The reason a stack would be refused, in the teacher's words, from the rule's stacking cap. */
function refusalOf(rule: Rule | null, entry: PreviewEntry) {
  if (!rule || !('stackingCap' in rule)) return { key: 'preview.refusedOther' };
  const stacked = entry.evidence.reduce(
    (sum, item) => sum + (item.kind === 'credential' ? (item.ects ?? 0) : 0),
    0,
  );
  return {
    key: 'preview.refusedCap',
    params: { stacked, ects: rule.stackingCap.ects, target: rule.stackingCap.target },
  };
}

/** The current image for the preview: a data: image, else the generated badge. */
function imagePreviewOf(achievement: Achievement | null): string {
  if (achievement?.image?.startsWith('data:')) return achievement.image;
  const svg = badgeSvg({
    id: achievement?.id ?? 'new',
    name: achievement?.name ?? '',
    image: null,
  });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/**
 * The uploaded image, checked (a PNG, JPEG or sanitized SVG by its content, whatever its name),
 * as the data: URI the achievement stores, or the error on the field.
 */
function uploadedImage(
  file: Express.Multer.File | undefined,
  res: Response,
): { image: string | null; errors: FieldErrors } {
  if (isUploadTooLarge(res)) {
    const problem = { reason: 'too-large', maxBytes: MAX_BADGE_IMAGE_BYTES } as const;
    return { image: null, errors: { image: imageErrorOf(problem) } };
  }
  if (!file || file.size === 0) return { image: null, errors: {} };
  try {
    return { image: badgeImageDataUri(checkBadgeImage(file.buffer)), errors: {} };
  } catch (error) {
    if (!(error instanceof BadgeImageInvalidError)) throw error;
    return { image: null, errors: { image: imageErrorOf(error.problem) } };
  }
}

function bodyOf(req: express.Request): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}

/** The language of the page, as the view renderer will choose it. */
function localeOf(res: Response): string {
  return chooseLocale({
    chosen:
      (res.locals.chosenLocale as string | undefined) ??
      parseCookies(res.req.headers.cookie ?? '')[LOCALE_COOKIE],
    launch: sessionOf(res).locale,
    acceptLanguage: res.req.get('accept-language'),
  });
}
