import express, { type RequestHandler, type Response, type Router } from 'express';
import { badgeDesignOf, storeBadgeDesign } from '../awards/achievement-badge-design.js';
import type { Achievement } from '../awards/create-achievement.js';
import { updateAchievementFrom } from '../awards/create-achievement.js';
import { findCourseIssuerProfile } from '../awards/course-issuer-profile.js';
import {
  BADGE_RIBBONS,
  BADGE_TEMPLATES,
  badgeDesignSchema,
  renderBadgeArtwork,
  type BadgeDesign,
} from '../badges/badge-design.js';
import { badgeLogoOf } from '../badges/badge-image.js';
import { badgeImageDataUri, checkBadgeImage } from '../badges/check-badge-image.js';
import type { Db } from '../db/database.js';
import { BadRequestError } from '../errors.js';
import { courseAchievement, storedInputOf } from './achievement-pages.js';
import { requireSession, requireTeacher } from './http/session-auth.js';
import { isLocale, type Translate } from './i18n.js';
import type { RenderView } from './views.js';
import { countAwardsOfCurrentVersion } from '../awards/course-achievements.js';
import {
  changedMeanwhile,
  postedRevision,
  revisionOfPage,
  saveUnlessChanged,
  type PageRevision,
} from './achievement-revision.js';

/** A field of the designer form that does not check, and the catalog key of its message. */
type DesignErrors = Partial<Record<'title' | 'background' | 'accent', string>>;

/**
 * The badge designer of an achievement, for teachers of its course:
 * `GET /course/achievements/:id/badge` shows the choices (a template, the title, two colours,
 * the awarding body's logo from the issuer profile, a ribbon) with the badge they draw;
 * `POST` the same address previews the choices (`intent=preview`) or saves them (`intent=save`)
 * as the achievement's image: an accessible SVG (badge-design.ts), checked like an upload, which
 * the credentials, the baked downloads and the PNG (drawn by resvg) then show. Saving changes the
 * achievement like the edit form does (a new version once credentials were issued). Uploading an
 * image instead stays on the achievement form.
 */
export function createBadgeDesignerPages(deps: {
  db: Db;
  render: RenderView;
  requireCsrfToken: RequestHandler;
  kickOutbox: () => void;
}): Router {
  const { db, render, requireCsrfToken, kickOutbox } = deps;
  const router = express.Router();
  const teacherOnly: RequestHandler[] = [requireSession(db), requireTeacher];
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

  const renderDesigner = async (
    res: Response,
    page: {
      achievement: Achievement;
      values: DesignValues;
      issuer: AwardingBody;
      svg: string | null;
      errors?: DesignErrors;
      status?: number;
    } & PageRevision,
  ) => {
    const { achievement } = page;
    res.status(page.status ?? 200).send(
      render(res, 'teacher-badge-designer', {
        achievement: { id: achievement.id, name: achievement.name, version: achievement.version },
        ...revisionOfPage(achievement, page),
        issuedCount: await countAwardsOfCurrentVersion(db, achievement),
        values: page.values,
        errors: page.errors ?? {},
        templates: BADGE_TEMPLATES,
        ribbons: BADGE_RIBBONS,
        ribbonTexts: Object.fromEntries(
          BADGE_RIBBONS.map((ribbon) => [ribbon, ribbonTextOf(achievement, ribbon, render)]),
        ),
        hasLogo: page.issuer.logo !== null,
        preview:
          page.svg && `data:image/svg+xml;base64,${Buffer.from(page.svg).toString('base64')}`,
      }),
    );
  };

  router.get('/course/achievements/:id/badge', ...teacherOnly, async (req, res) => {
    const achievement = await courseAchievement(db, res, req.params.id);
    const issuer = await awardingBodyOf(db, achievement.courseId);
    const values = badgeDesignOf(achievement) ?? defaultValues(achievement, issuer);
    await renderDesigner(res, {
      achievement,
      values,
      issuer,
      svg: svgOf(achievement, values, issuer, render),
    });
  });

  router.post(
    '/course/achievements/:id/badge',
    ...teacherOnly,
    form,
    requireCsrfToken,
    async (req, res) => {
      const achievement = await courseAchievement(db, res, req.params.id);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const issuer = await awardingBodyOf(db, achievement.courseId);
      const revision = postedRevision(body);
      const parsed = badgeDesignSchema.safeParse({
        template: body.template,
        title: body.title,
        background: body.background,
        accent: body.accent,
        ribbon: body.ribbon,
        showLogo: body.showLogo === 'on',
      });
      if (!parsed.success) {
        const errors = designErrorsOf(parsed.error.issues);
        const values = postedValues(body);
        await renderDesigner(res, {
          achievement,
          values,
          issuer,
          svg: null,
          errors,
          revision,
          status: 422,
        });
        return;
      }
      const values = parsed.data;
      const svg = svgOf(achievement, values, issuer, render);
      if (body.intent !== 'save') {
        await renderDesigner(res, { achievement, values, issuer, svg, revision });
        return;
      }
      const image = badgeImageDataUri(checkBadgeImage(Buffer.from(svg, 'utf8')));
      const result = await saveUnlessChanged(() =>
        db.transaction(async (tx) => {
          const saved = await updateAchievementFrom(
            tx,
            achievement.id,
            (current) => ({ ...storedInputOf(current), image }),
            { basedOnRevision: revision },
          );
          await storeBadgeDesign(tx, achievement.id, values);
          return saved;
        }),
      );
      if ('changed' in result) {
        await renderDesigner(res, { ...changedMeanwhile(result.changed), values, issuer, svg });
        return;
      }
      const updated = result.saved;
      kickOutbox();
      const saved = updated.version > achievement.version ? 'versioned' : 'badge';
      res.redirect(303, `/course?saved=${saved}`);
    },
  );

  return router;
}

/** The designer's choices as the form shows them (what was posted, when it did not check). */
interface DesignValues extends Omit<BadgeDesign, 'template' | 'ribbon'> {
  readonly template: string;
  readonly ribbon: string;
}

/** The course's awarding body: its name, and its logo when the badge can embed it. */
interface AwardingBody {
  readonly name: string | null;
  readonly logo: string | null;
}

async function awardingBodyOf(db: Db, courseId: string): Promise<AwardingBody> {
  const profile = await findCourseIssuerProfile(db, courseId);
  return { name: profile?.name ?? null, logo: badgeLogoOf(profile?.image ?? null) };
}

function defaultValues(achievement: Achievement, issuer: AwardingBody): BadgeDesign {
  const hasCredit = achievement.ects !== null || achievement.eqfLevel !== null;
  return {
    template: hasCredit ? 'shield' : 'circle',
    title: achievement.name.slice(0, 60),
    background: '#1d4e89',
    accent: '#f2c14e',
    ribbon: hasCredit ? 'credits' : 'badge',
    showLogo: issuer.logo !== null,
  };
}

function postedValues(body: Record<string, unknown>): DesignValues {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    template: text(body.template),
    title: text(body.title),
    background: text(body.background),
    accent: text(body.accent),
    ribbon: text(body.ribbon),
    showLogo: body.showLogo === 'on',
  };
}

/**
 * The field errors of the form's own inputs; a template or ribbon outside the choices was not
 * sent by the form, and is refused with 400.
 */
function designErrorsOf(issues: readonly { path: readonly PropertyKey[] }[]): DesignErrors {
  const errors: DesignErrors = {};
  for (const issue of issues) {
    const field = issue.path[0];
    if (field === 'title') errors.title = 'designer.errors.title';
    else if (field === 'background' || field === 'accent') {
      errors[field] = 'designer.errors.colour';
    } else {
      throw new BadRequestError(
        `${String(field)} must be one of the designer's choices (${[...BADGE_TEMPLATES, ...BADGE_RIBBONS].join(', ')})`,
      );
    }
  }
  return errors;
}

function svgOf(
  achievement: Achievement,
  design: BadgeDesign,
  issuer: AwardingBody,
  render: RenderView,
): string {
  return renderBadgeArtwork({
    template: design.template,
    title: design.title,
    background: design.background,
    accent: design.accent,
    ribbon: ribbonTextOf(achievement, design.ribbon, render),
    logo: design.showLogo ? issuer.logo : null,
    awardingBody: issuer.name,
    language: achievement.language,
  });
}

/**
 * The ribbon's words, in the achievement's language since they are drawn into its image: the
 * credit ("5 ECTS · EQF 6"; the word "badge" for an achievement without one) or "badge".
 */
function ribbonTextOf(
  achievement: Achievement,
  ribbon: BadgeDesign['ribbon'],
  render: RenderView,
): string | null {
  if (ribbon === 'none') return null;
  const language = achievement.language.split('-')[0];
  const t: Translate = render.translator(isLocale(language) ? language : 'en');
  const numbers = new Intl.NumberFormat(achievement.language);
  const credit = [
    achievement.ects === null ? null : `${numbers.format(achievement.ects)} ECTS`,
    achievement.eqfLevel === null ? null : `EQF ${achievement.eqfLevel}`,
  ].filter((part): part is string => part !== null);
  return ribbon === 'credits' && credit.length > 0
    ? credit.join(' · ')
    : t('teacher-achievements:designer.ribbonWord');
}
