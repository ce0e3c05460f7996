import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { enrolments, users } from '../db/schema.js';

/**
 * The learners of a course a teacher may award by hand: those the LMS roster lists as learners
 * and those who launched the tool as learners of the course, once each.
 */
export interface CourseLearner {
  /** The LMS user id: the `sub` of their launches and the roster's `user_id`. */
  readonly sub: string;
  readonly name: string | null;
  readonly email: string | null;
  /** The LMS username, where the LMS tells it. */
  readonly username: string | null;
  /** The tool's user id; null for a roster member who never launched the tool. */
  readonly userId: string | null;
}

/** How a teacher names a learner in a list: by LMS user id, email or username. */
export const LEARNER_KEYS = ['userId', 'email', 'username'] as const;
export type LearnerKey = (typeof LEARNER_KEYS)[number];

/**
 * The course's learners: the enrolled learners known from launches, then the roster's other
 * learners, sorted by name. `roster` is what the LMS roster lists (roster-learners.ts).
 */
export async function courseLearners(
  db: Executor,
  courseId: string,
  roster: readonly Omit<CourseLearner, 'userId'>[],
): Promise<CourseLearner[]> {
  const launched = await db
    .select({
      userId: users.id,
      sub: users.sub,
      name: users.name,
      email: users.email,
      username: users.username,
    })
    .from(enrolments)
    .innerJoin(users, eq(users.id, enrolments.userId))
    .where(and(eq(enrolments.courseId, courseId), eq(enrolments.role, 'learner')));
  const bySub = new Map<string, CourseLearner>(launched.map((learner) => [learner.sub, learner]));
  for (const member of roster) {
    const known = bySub.get(member.sub);
    bySub.set(member.sub, {
      sub: member.sub,
      name: known?.name ?? member.name,
      email: known?.email ?? member.email,
      username: known?.username ?? member.username,
      userId: known?.userId ?? null,
    });
  }
  return [...bySub.values()].sort((a, b) =>
    (a.name ?? a.sub).localeCompare(b.name ?? b.sub, 'en', { sensitivity: 'base' }),
  );
}

/**
 * The one learner whom `value` names by `key` (emails and usernames without regard to case),
 * or why none: `none` when no learner of the course has it, `ambiguous` when several do.
 */
export function findCourseLearner(
  learners: readonly CourseLearner[],
  key: LearnerKey,
  value: string,
): CourseLearner | 'none' | 'ambiguous' {
  const wanted = key === 'userId' ? value.trim() : value.trim().toLowerCase();
  const found = learners.filter((learner) => {
    const own = key === 'userId' ? learner.sub : learner[key]?.toLowerCase();
    return own !== undefined && own !== null && own === wanted;
  });
  if (found.length === 0) return 'none';
  return found.length === 1 ? found[0]! : 'ambiguous';
}

/** A line of a teacher's list of learners to award, checked. */
export type CheckedLine =
  | {
      readonly line: number;
      readonly value: string;
      readonly status: 'valid';
      readonly learner: CourseLearner;
    }
  | {
      readonly line: number;
      readonly value: string;
      readonly status: 'alreadyHeld' | 'stackComponentsMissing';
      readonly learner: CourseLearner;
    }
  | {
      readonly line: number;
      readonly value: string;
      readonly status: 'repeated';
      readonly learner: CourseLearner;
      /** The line that names the same learner first. */
      readonly firstLine: number;
    }
  | { readonly line: number; readonly value: string; readonly status: 'notInCourse' | 'ambiguous' };

/**
 * Checks each line of a list of learners to award: valid when it names exactly one learner of
 * the course who does not hold the achievement (`holders`: their LMS user ids), who holds some
 * of the credentials a `components` stack carries the credits of (`lackingComponents`: the LMS
 * user ids of those who hold none) and whom no earlier line named; otherwise refused with the
 * reason.
 */
export function checkLearnerList(
  lines: readonly { readonly line: number; readonly value: string }[],
  key: LearnerKey,
  learners: readonly CourseLearner[],
  holders: ReadonlySet<string>,
  lackingComponents: ReadonlySet<string>,
): CheckedLine[] {
  const firstLineOf = new Map<string, number>();
  return lines.map(({ line, value }): CheckedLine => {
    const learner = findCourseLearner(learners, key, value);
    if (learner === 'none') return { line, value, status: 'notInCourse' };
    if (learner === 'ambiguous') return { line, value, status: 'ambiguous' };
    const firstLine = firstLineOf.get(learner.sub);
    if (firstLine !== undefined) return { line, value, status: 'repeated', learner, firstLine };
    firstLineOf.set(learner.sub, line);
    if (holders.has(learner.sub)) return { line, value, status: 'alreadyHeld', learner };
    if (lackingComponents.has(learner.sub)) {
      return { line, value, status: 'stackComponentsMissing', learner };
    }
    return { line, value, status: 'valid', learner };
  });
}
