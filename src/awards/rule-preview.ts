import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { courses, enrolments, platforms, users } from '../db/schema.js';
import type { RosterLearner } from './course-progress.js';
import { loadGroups, loadOutcomeState } from './load-outcome-state.js';
import { evaluateRule, type Evidence } from './rules/evaluate.js';
import {
  achievementsOfRule,
  activitiesOfRule,
  countsRecognised,
  parseRule,
} from './rules/rule-schema.js';
import { creditsEarned, STACK_CREDITS, type StackCredit } from './stack-credit.js';
import { BadRequestError } from '../errors.js';

export interface PreviewEntry {
  /** The tool's user id; null for a roster member who never opened the course in the tool. */
  readonly userId: string | null;
  readonly name: string | null;
  readonly sub: string;
  readonly form: 'micro-credential' | 'badge';
  /** False for a learner on the LMS roster who has not launched the tool: "not started". */
  readonly hasStarted: boolean;
  readonly wouldBeAwarded: boolean;
  /** Why the conditions are met but no credential would be issued (the stacking cap). */
  readonly refusal: string | null;
  readonly evidence: readonly Evidence[];
  /** The ECTS the credential would carry, as the award would compute them; null: none. */
  readonly creditsEarned: number | null;
}

/**
 * Who among a course's learners a rule would award, before it is saved or published: each
 * learner who launched the course (by LTI `sub`) with their form (micro-credential with `ects`,
 * or badge) and the reason where a stack would be refused, then the learners of the LMS roster
 * (`roster`, from NRPS) who never launched it, as not started. Reads the stored outcome state
 * only; changes nothing. Throws AwardRuleInvalidError.
 */
export async function previewRule(
  db: Executor,
  courseId: string,
  input: {
    rule: unknown;
    ects?: number | null;
    roster?: readonly RosterLearner[];
    stackCredit?: unknown;
  },
): Promise<PreviewEntry[]> {
  const rule = parseRule(input.rule);
  const ects = input.ects ?? null;
  const stackCredit = input.stackCredit ?? 'components';
  if (!STACK_CREDITS.includes(stackCredit as StackCredit)) {
    throw new BadRequestError('stackCredit must be "components" or "fixed"');
  }
  const activityIds = activitiesOfRule(rule);
  const achievementIds = achievementsOfRule(rule);
  const [groups, learners, [course]] = await Promise.all([
    loadGroups(db, activityIds, achievementIds),
    db
      .select({ user: users, trustLevel: platforms.trustLevel })
      .from(enrolments)
      .innerJoin(users, eq(users.id, enrolments.userId))
      .innerJoin(platforms, eq(platforms.id, users.platformId))
      .where(and(eq(enrolments.courseId, courseId), eq(enrolments.role, 'learner')))
      .orderBy(asc(users.sub)),
    db
      .select({ trustLevel: platforms.trustLevel })
      .from(courses)
      .innerJoin(platforms, eq(platforms.id, courses.platformId))
      .where(eq(courses.id, courseId)),
  ]);
  const formOf = (trustLevel: 'registered' | 'self-study') =>
    trustLevel === 'registered' && ects !== null ? 'micro-credential' : 'badge';

  const entries: PreviewEntry[] = [];
  for (const { user, trustLevel } of learners) {
    const state = await loadOutcomeState(
      db,
      user.id,
      activityIds,
      achievementIds,
      countsRecognised(rule) ? { courseId, now: new Date() } : undefined,
    );
    const form = formOf(trustLevel);
    const evaluation = evaluateRule(rule, state, {
      groups,
      creditOnly: form === 'micro-credential',
    });
    entries.push({
      userId: user.id,
      name: user.name,
      sub: user.sub,
      form,
      hasStarted: true,
      wouldBeAwarded: evaluation.isMet,
      refusal: evaluation.refusal,
      evidence: evaluation.evidence,
      creditsEarned: evaluation.isMet
        ? creditsEarned({
            form,
            rule,
            achievementEcts: ects,
            stackCredit: stackCredit as StackCredit,
            evaluation,
          })
        : null,
    });
  }

  const launched = new Set(learners.map(({ user }) => user.sub));
  const notStarted = (input.roster ?? []).filter((member) => !launched.has(member.sub));
  for (const member of notStarted) {
    entries.push({
      userId: null,
      name: member.name,
      sub: member.sub,
      form: formOf(course?.trustLevel ?? 'self-study'),
      hasStarted: false,
      wouldBeAwarded: false,
      refusal: null,
      evidence: [],
      creditsEarned: null,
    });
  }
  return entries;
}
