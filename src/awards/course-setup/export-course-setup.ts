import { listCourseAchievements } from '../course-achievements.js';
import { listCourseActivities } from '../course-activities.js';
import type { Executor } from '../../db/database.js';
import { achievementTagsOf } from '../group-tags.js';
import {
  COURSE_SETUP_FORMAT,
  COURSE_SETUP_VERSION,
  type CourseSetup,
} from './course-setup-schema.js';

/**
 * A course's set-up as the file a teacher downloads: its described activities and its
 * achievements (definition, group tags, rule), in a stable order. Credentials, learners and
 * statements are not part of it. `schemaUrl` is where the file's JSON Schema is served.
 */
export async function exportCourseSetup(
  db: Executor,
  courseId: string,
  options: { now: Date; courseTitle: string | null; schemaUrl: string },
): Promise<CourseSetup> {
  const [activities, achievements] = await Promise.all([
    listCourseActivities(db, courseId),
    listCourseAchievements(db, courseId),
  ]);
  const ordered = [...achievements].sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
  );
  const tags = await achievementTagsOf(
    db,
    ordered.map((achievement) => achievement.id),
  );
  return {
    $schema: options.schemaUrl,
    format: COURSE_SETUP_FORMAT,
    version: COURSE_SETUP_VERSION,
    exportedAt: options.now.toISOString(),
    course: { title: options.courseTitle },
    activities: activities.map((activity) => ({
      iri: activity.activityId,
      name: activity.name === activity.activityId ? null : activity.name,
      names: { ...activity.names },
      launchUrl: activity.launchUrl,
      tags: { ...activity.tags },
    })),
    achievements: ordered.map((achievement) => ({
      id: achievement.id,
      tags: tags.get(achievement.id) ?? {},
      definition: {
        name: achievement.name,
        description: achievement.description,
        criteria: achievement.criteria,
        ects: achievement.ects,
        eqfLevel: achievement.eqfLevel,
        language: achievement.language,
        image: achievement.image,
        gradeMode: achievement.gradeMode,
        stackCredit: achievement.stackCredit,
        stackResult: achievement.stackResult,
        expiresAfter: achievement.expiresAfter,
        expiresOn: achievement.expiresOn,
        eu: achievement.eu,
        rule: achievement.rule,
      },
    })),
  };
}
