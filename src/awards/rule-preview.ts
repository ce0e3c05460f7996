import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { enrolments, platforms, users } from '../db/schema.js';
import { loadGroups, loadOutcomeState } from './load-outcome-state.js';
import { evaluateRule, type Evidence } from './rules/evaluate.js';
import { achievementsOfRule, activitiesOfRule, parseRule } from './rules/rule-schema.js';

export interface PreviewEntry {
  readonly userId: string;
  readonly name: string | null;
  readonly sub: string;
  readonly form: 'micro-credential' | 'badge';
  readonly wouldBeAwarded: boolean;
  /** Why the conditions are met but no credential would be issued (the stacking cap). */
  readonly refusal: string | null;
  readonly evidence: readonly Evidence[];
}

/**
 * Who among a course's learners a rule would award, before it is saved: each learner's form
 * (micro-credential with `ects`, or badge), and the reason where a stack would be refused.
 * Reads the stored outcome state only; changes nothing. Throws AwardRuleInvalidError.
 */
export async function previewRule(
  db: Executor,
  courseId: string,
  input: { rule: unknown; ects?: number | null },
): Promise<PreviewEntry[]> {
  const rule = parseRule(input.rule);
  const ects = input.ects ?? null;
  const activityIds = activitiesOfRule(rule);
  const achievementIds = achievementsOfRule(rule);
  const groups = await loadGroups(db, activityIds, achievementIds);
  const learners = await db
    .select({ user: users, trustLevel: platforms.trustLevel })
    .from(enrolments)
    .innerJoin(users, eq(users.id, enrolments.userId))
    .innerJoin(platforms, eq(platforms.id, users.platformId))
    .where(and(eq(enrolments.courseId, courseId), eq(enrolments.role, 'learner')))
    .orderBy(asc(users.sub));
  const entries: PreviewEntry[] = [];
  for (const { user, trustLevel } of learners) {
    const state = await loadOutcomeState(db, user.id, activityIds, achievementIds);
    const creditOnly = trustLevel === 'registered' && ects !== null;
    const evaluation = evaluateRule(rule, state, { groups, creditOnly });
    entries.push({
      userId: user.id,
      name: user.name,
      sub: user.sub,
      form: creditOnly ? 'micro-credential' : 'badge',
      wouldBeAwarded: evaluation.isMet,
      refusal: evaluation.refusal,
      evidence: evaluation.evidence,
    });
  }
  return entries;
}
