import express, { type RequestHandler, type Response, type Router } from 'express';
import { listCourseActivities } from '../awards/course-activities.js';
import { listAchievementNames } from '../awards/course-achievements.js';
import { coursePartners } from '../awards/course-partners.js';
import { updateAchievementFrom, type Achievement } from '../awards/create-achievement.js';
import { STATEMENT_SOURCES } from '../awards/rules/rule-parts.js';
import { parseRule } from '../awards/rules/rule-schema.js';
import type { Db } from '../db/database.js';
import { activityChoices } from './activity-choices.js';
import type { FieldErrors } from './achievement-form.js';
import { courseAchievement, storedInputOf } from './achievement-pages.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import {
  applyBuilderAction,
  builderActionOf,
  builderTreeOf,
  canAddTo,
  emptyBuilderTree,
  holdsActivities,
  kindsAt,
  nodesOf,
  positionOf,
  readBuilderForm,
  roleOf,
  ROOT_ID,
  ruleOfBuilderTree,
  type BuilderNode,
} from './rule-builder.js';
import type { RenderView } from './views.js';
import {
  changedMeanwhile,
  postedRevision,
  revisionOfPage,
  saveUnlessChanged,
  type PageRevision,
} from './achievement-revision.js';

/**
 * The rule builder page of an achievement (`/course/achievements/:id/rule/builder`): groups
 * within groups and their conditions, edited by clicking, without JSON. Its buttons post the
 * whole tree and come back with it changed; "Save" checks the rule and stores it as the rule
 * form does (a draft stays a draft until published from the preview).
 */
export function createRuleBuilderPages(deps: {
  db: Db;
  render: RenderView;
  requireCsrfToken: RequestHandler;
  /** Called after a rule was saved: its re-evaluation is queued. */
  kickOutbox: () => void;
}): Router {
  const { db, render, requireCsrfToken, kickOutbox } = deps;
  const router = express.Router();
  const teacherOnly: RequestHandler[] = [requireSession(db), requireTeacher];
  const formBody: RequestHandler[] = [
    express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 4000 }),
    requireCsrfToken,
  ];

  const renderBuilder = async (
    res: Response,
    page: {
      achievement: Achievement;
      tree: BuilderNode;
      errors?: FieldErrors;
      status?: number;
    } & PageRevision,
  ) => {
    const { courseId } = sessionOf(res);
    const { achievement, tree } = page;
    const errors = page.errors ?? {};
    const [activities, achievements, described, partners] = await Promise.all([
      activityChoices(db, courseId),
      listAchievementNames(db, courseId, 'name'),
      listCourseActivities(db, courseId),
      coursePartners(db, courseId),
    ]);
    const nodes = nodesOf(tree);
    const referenced = nodes.map(({ node }) => node);
    const tagNames = [
      ...new Set(['pillar', ...described.flatMap((activity) => Object.keys(activity.tags))]),
    ];
    res.status(page.status ?? 200).send(
      render(res, 'teacher-rule-builder', {
        achievement: { id: achievement.id, name: achievement.name },
        ...revisionOfPage(achievement, page),
        isDraft: achievement.publishedAt === null,
        tree,
        errors,
        errorList: Object.entries(errors).map(([name, error]) => {
          const [id, field] = name.split('.') as [string, string];
          const node = referenced.find((candidate) => candidate.id === id);
          return { name, position: positionOf(id), role: node && roleOf(node.kind), field, error };
        }),
        activities: [
          ...activities,
          ...unlisted(
            referenced.map((node) => node.activity),
            activities.map((activity) => activity.iri),
          ).map((iri) => ({ iri, name: null, names: {} })),
        ],
        achievements: [
          ...achievements.filter((other) => other.id !== achievement.id),
          ...unlisted(
            referenced.map((node) => node.achievement),
            achievements.map((other) => other.id),
          ).map((id) => ({ id, name: id })),
        ],
        tagNames,
        partners,
        sources: STATEMENT_SOURCES,
        kindsAt,
        roleOf,
        holdsActivities,
        canAddTo,
        positionOf,
        rootId: ROOT_ID,
        ruleJson: achievement.rule === null ? null : JSON.stringify(achievement.rule, null, 2),
      }),
    );
  };

  router.get('/course/achievements/:id/rule/builder', ...teacherOnly, async (req, res) => {
    const achievement = await courseAchievement(db, res, req.params.id);
    const tree =
      achievement.rule === null ? emptyBuilderTree() : builderTreeOf(parseRule(achievement.rule));
    await renderBuilder(res, { achievement, tree });
  });

  router.post(
    '/course/achievements/:id/rule/builder',
    ...teacherOnly,
    ...formBody,
    async (req, res) => {
      const achievement = await courseAchievement(db, res, req.params.id);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const revision = postedRevision(body);
      const action = builderActionOf(body.action);
      const tree = applyBuilderAction(readBuilderForm(body), action);
      if (action.kind !== 'save') {
        await renderBuilder(res, { achievement, tree, revision });
        return;
      }
      const built = ruleOfBuilderTree(tree);
      if (built.errors) {
        await renderBuilder(res, {
          achievement,
          tree,
          errors: built.errors,
          revision,
          status: 422,
        });
        return;
      }
      const result = await saveUnlessChanged(() =>
        db.transaction((tx) =>
          updateAchievementFrom(
            tx,
            achievement.id,
            (current) => ({ ...storedInputOf(current), rule: built.rule }),
            { basedOnRevision: revision },
          ),
        ),
      );
      if ('changed' in result) {
        await renderBuilder(res, { ...changedMeanwhile(result.changed), tree });
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
    },
  );

  return router;
}

/** The values a rule names that the lists do not offer, so the page can still show them. */
function unlisted(values: readonly string[], listed: readonly string[]): string[] {
  return [...new Set(values.filter((value) => value !== '' && !listed.includes(value)))];
}
