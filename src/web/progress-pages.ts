import express, { type Request, type Response, type Router } from 'express';
import {
  courseProgress,
  type AchievementState,
  type CourseProgress,
  type LearnerStanding,
} from '../awards/course-progress.js';
import type { Logger } from '../config/logger.js';
import type { Db } from '../db/database.js';
import type { PlatformServices } from '../lti/platform-services.js';
import { toCsv } from './csv.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import { loadRosterLearners } from './roster-learners.js';
import type { RenderView } from './views.js';

const STATES = ['earned', 'inProgress', 'notStarted'] as const;
type StateKind = (typeof STATES)[number];

/** What the filter form asks for; unknown values mean "no filter". */
export interface ProgressQuery {
  readonly search: string;
  readonly achievementId: string | null;
  readonly state: StateKind | null;
  readonly sort: 'name' | 'progress';
}

/**
 * The teacher's progress page: `GET /course/progress` lists the course roster (from the LMS's
 * membership service, plus learners known from launches) with each learner's state on each
 * achievement, filtered and sorted by the query (`q`, `achievement`, `state`, `sort`);
 * `GET /course/progress.csv` exports the same rows for spreadsheets.
 */
export function createProgressPages(deps: {
  db: Db;
  render: RenderView;
  platformServices: PlatformServices;
  logger: Logger;
  kickOutbox: () => void;
}): Router {
  const { db, render, logger } = deps;
  const router = express.Router();
  const teacher = [requireSession(db), requireTeacher];

  const load = async (req: Request, res: Response) => {
    const { courseId } = sessionOf(res);
    const roster = await loadRosterLearners(
      { db, platformServices: deps.platformServices, logger, kickOutbox: deps.kickOutbox },
      courseId,
    );
    const progress = await courseProgress(db, courseId, roster.learners);
    const query = readProgressQuery(req.query, progress);
    return { progress, query, rosterFetchedAt: roster.fetchedAt };
  };

  router.get('/course/progress', ...teacher, async (req, res) => {
    const { progress, query, rosterFetchedAt } = await load(req, res);
    const { locale } = render.translate(res);
    const learners = selectLearners(progress, query, locale);
    const csvQuery = new URLSearchParams(
      Object.entries({
        q: query.search,
        achievement: query.achievementId ?? '',
        state: query.state ?? '',
        sort: query.sort,
      }).filter(([, value]) => value !== ''),
    );
    res.set('Cache-Control', 'no-store').send(
      render(res, 'teacher-progress', {
        achievements: progress.achievements,
        learners: learners.map((learner) => ({
          name: learner.name ?? learner.sub,
          email: learner.email,
          hasLaunched: learner.userId !== null,
          awardHref: `/course/awards/new?learner=${encodeURIComponent(learner.sub)}`,
          states: progress.achievements.map((achievement) => learner.states.get(achievement.id)),
        })),
        query,
        states: STATES,
        rosterFetchedAt,
        csvHref: `/course/progress.csv?${csvQuery.toString()}`,
      }),
    );
  });

  router.get('/course/progress.csv', ...teacher, async (req, res) => {
    const { progress, query } = await load(req, res);
    const { locale, t } = render.translate(res);
    const stateText = (state: AchievementState | undefined) =>
      state === undefined
        ? ''
        : state.kind === 'inProgress'
          ? t('teacher-course:progress.state.inProgress', { met: state.met, total: state.total })
          : t(`teacher-course:progress.state.${state.kind}`);
    const rows = [
      [
        t('teacher-course:progress.table.learner'),
        t('teacher-course:progress.table.email'),
        ...progress.achievements.map((achievement) => achievement.name),
      ],
      ...selectLearners(progress, query, locale).map((learner) => [
        learner.name ?? learner.sub,
        learner.email ?? '',
        ...progress.achievements.map((achievement) =>
          stateText(learner.states.get(achievement.id)),
        ),
      ]),
    ];
    res
      .set('Cache-Control', 'no-store')
      .type('text/csv; charset=utf-8')
      .attachment('progress.csv')
      .send(toCsv(rows));
  });

  return router;
}

/** Reads `q`, `achievement`, `state` and `sort`, ignoring values that name nothing known. */
export function readProgressQuery(
  query: Request['query'],
  progress: Pick<CourseProgress, 'achievements'>,
): ProgressQuery {
  const text = (name: string) => (typeof query[name] === 'string' ? query[name].trim() : '');
  const achievementId = text('achievement');
  const state = text('state');
  return {
    search: text('q').slice(0, 200),
    achievementId: progress.achievements.some((a) => a.id === achievementId) ? achievementId : null,
    state: STATES.find((known) => known === state) ?? null,
    sort: text('sort') === 'progress' ? 'progress' : 'name',
  };
}

/** The learners the query asks for, in its order. */
export function selectLearners(
  progress: CourseProgress,
  query: ProgressQuery,
  locale: string = 'en',
): LearnerStanding[] {
  const search = query.search.toLocaleLowerCase(locale);
  const collator = new Intl.Collator(locale, { sensitivity: 'base' });
  const shownName = (learner: LearnerStanding) => learner.name ?? learner.sub;
  const statesLookedAt = (learner: LearnerStanding) =>
    query.achievementId === null
      ? [...learner.states.values()]
      : [learner.states.get(query.achievementId)].filter((state) => state !== undefined);
  const score = (learner: LearnerStanding) =>
    [...learner.states.values()].reduce(
      (sum, state) =>
        sum +
        (state.kind === 'earned' ? 1 : state.kind === 'inProgress' ? state.met / state.total : 0),
      0,
    );
  return progress.learners
    .filter(
      (learner) =>
        search === '' ||
        `${shownName(learner)}\n${learner.email ?? ''}`.toLocaleLowerCase(locale).includes(search),
    )
    .filter(
      (learner) =>
        query.state === null || statesLookedAt(learner).some((state) => state.kind === query.state),
    )
    .map((learner) => ({ learner, score: score(learner) }))
    .sort(
      (a, b) =>
        (query.sort === 'progress' ? b.score - a.score : 0) ||
        collator.compare(shownName(a.learner), shownName(b.learner)),
    )
    .map(({ learner }) => learner);
}
