import { count, eq } from 'drizzle-orm';
import express, { type Router } from 'express';
import { createAchievement } from '../awards/create-achievement.js';
import { learnerProgress } from '../awards/learner-progress.js';
import type { ConditionProgress } from '../awards/rules/progress.js';
import type { Db } from '../db/database.js';
import { achievements, awards, courses, users } from '../db/schema.js';
import { requireSession, requireTeacher, sessionOf } from './session-auth.js';
import type { RenderView } from './views.js';

/**
 * The course a launch opened: `GET /course` (the learner's progress and credentials, or the
 * teacher's overview) and the teacher's JSON API `GET|POST /api/achievements`.
 */
export function createCourseRouter(deps: {
  db: Db;
  publicUrl: string;
  render: RenderView;
}): Router {
  const { db, publicUrl, render } = deps;
  const router = express.Router();
  const session = requireSession(db);

  router.get('/course', session, async (_req, res) => {
    const { userId, courseId, role } = sessionOf(res);
    const [course] = await db.select().from(courses).where(eq(courses.id, courseId));
    const [user] = await db.select().from(users).where(eq(users.id, userId));
    const page = {
      courseTitle: course?.title ?? 'Your course',
      userName: user?.name ?? user?.sub ?? '',
    };
    if (role === 'teacher') {
      res.send(
        render('course-teacher', { ...page, achievements: await teacherOverview(db, courseId) }),
      );
      return;
    }
    const progress = await learnerProgress(db, userId, courseId);
    res.send(
      render('course-learner', {
        ...page,
        achievements: progress.map(({ achievement, conditions, award }) => ({
          name: achievement.name,
          description: achievement.description,
          ects: achievement.ects,
          eqfLevel: achievement.eqfLevel,
          conditions: conditions.map((condition) => ({
            isMet: condition.isMet,
            text: describeCondition(condition),
          })),
          metCount: conditions.filter((condition) => condition.isMet).length,
          credential: award && {
            url: `${publicUrl}/credentials/${award.id}`,
            fileName: achievement.name.replace(/[^\p{L}\p{N}]+/gu, '-'),
            issuedOn: award.issuedAt.toISOString().slice(0, 10),
          },
        })),
      }),
    );
  });

  router.get('/api/achievements', session, requireTeacher, async (_req, res) => {
    const rows = await db
      .select()
      .from(achievements)
      .where(eq(achievements.courseId, sessionOf(res).courseId));
    res.json({ achievements: rows.map(presentAchievement) });
  });

  router.post(
    '/api/achievements',
    session,
    requireTeacher,
    express.json({ limit: '100kb' }),
    async (req, res) => {
      const achievement = await createAchievement(db, sessionOf(res).courseId, req.body);
      res
        .status(201)
        .location(`/api/achievements/${achievement.id}`)
        .json(presentAchievement(achievement));
    },
  );

  return router;
}

function presentAchievement(achievement: typeof achievements.$inferSelect) {
  const { courseId: _courseId, createdAt, ...fields } = achievement;
  return { ...fields, createdAt: createdAt.toISOString() };
}

async function teacherOverview(db: Db, courseId: string) {
  const rows = await db
    .select({ achievement: achievements, awardCount: count(awards.id) })
    .from(achievements)
    .leftJoin(awards, eq(awards.achievementId, achievements.id))
    .where(eq(achievements.courseId, courseId))
    .groupBy(achievements.id);
  return rows.map(({ achievement, awardCount }) => ({
    name: achievement.name,
    ects: achievement.ects,
    ruleJson: JSON.stringify(achievement.rule),
    awardCount,
  }));
}

function describeCondition(condition: ConditionProgress): string {
  switch (condition.kind) {
    case 'passed':
      return `Pass ${condition.activity}`;
    case 'completed':
      return `Complete ${condition.activity}`;
    case 'scoreAtLeast': {
      const best =
        condition.bestScaled === null
          ? ''
          : ` (your best: ${Math.round(condition.bestScaled * 100)}%)`;
      return `Score at least ${Math.round((condition.threshold ?? 0) * 100)}% in ${condition.activity}${best}`;
    }
  }
}
