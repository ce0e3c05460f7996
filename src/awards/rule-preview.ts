import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { enrolments, platforms, users } from '../db/schema.js';
import { loadGroups, loadOutcomeState } from './load-outcome-state.js';
import { evaluateRule, type Evidence } from './rules/evaluate.js';
import { achievementsOfRule, activitiesOfRule, parseRule } from './rules/rule-schema.js';
import { creditsEarned, STACK_CREDITS, type StackCredit } from './stack-credit.js';
import { BadRequestError } from '../errors.js';

export interface PreviewEntry {
  readonly userId: string;
  readonly name: string | null;
  readonly sub: string;
  readonly form: 'micro-credential' | 'badge';
  readonly wouldBeAwarded: boolean;
  /** Why the conditions are met but no credential would be issued (the stacking cap). */
  readonly refusal: string | null;
  readonly evidence: readonly Evidence[];
  /** The ECTS the credential would carry, as the award would compute them; null: none. */
  readonly creditsEarned: number | null;
}

/**
 * Who among a course's learners a rule would award, before it is saved: each learner's form
 * (micro-credential with `ects`, or badge), and the reason where a stack would be refused.
 * Reads the stored outcome state only; changes nothing. Throws AwardRuleInvalidError.
 */
export async function previewRule(
  db: Executor,
  courseId: string,
  input: { rule: unknown; ects?: number | null; stackCredit?: unknown },
): Promise<PreviewEntry[]> {
  const rule = parseRule(input.rule);
  const ects = input.ects ?? null;
  const stackCredit = input.stackCredit ?? 'components';
  if (!STACK_CREDITS.includes(stackCredit as StackCredit)) {
    throw new BadRequestError('stackCredit must be "components" or "fixed"');
  }
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
    const form = creditOnly ? 'micro-credential' : 'badge';
    entries.push({
      userId: user.id,
      name: user.name,
      sub: user.sub,
      form,
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
  return entries;
}
