import { evaluateRule, type EvaluationContext, type OutcomeState } from './evaluate.js';
import { childrenOf, leafOf, leavesOf, type Rule } from './rule-schema.js';

/**
 * Where a learner stands on a rule, node by node, for the learner's page: the same tree as the
 * rule, each node saying whether it is met and what it counts. Pure.
 */
export type ProgressNode =
  | {
      readonly kind: 'passed' | 'completed';
      readonly activity: string;
      readonly isMet: boolean;
      /** The value of the enclosing distinctGroupsAtLeast's tag, if any. */
      readonly group: string | null;
    }
  | {
      readonly kind: 'scoreAtLeast';
      readonly activity: string;
      readonly isMet: boolean;
      readonly group: string | null;
      /** The scaled score needed. */
      readonly threshold: number;
      /** The learner's best scaled score on the activity so far. */
      readonly bestScaled: number | null;
    }
  | {
      readonly kind: 'earned';
      readonly achievementId: string;
      readonly isMet: boolean;
      readonly group: string | null;
      /** Held, but as a badge where only the credit-bearing form counts. */
      readonly isHeldAsBadgeOnly: boolean;
    }
  | {
      readonly kind: 'allOf' | 'anyOf';
      readonly isMet: boolean;
      readonly metCount: number;
      readonly children: readonly ProgressNode[];
    }
  | {
      readonly kind: 'atLeast';
      readonly isMet: boolean;
      readonly n: number;
      readonly metCount: number;
      readonly children: readonly ProgressNode[];
    }
  | {
      readonly kind: 'distinctGroupsAtLeast';
      readonly isMet: boolean;
      /** Distinct groups needed. */
      readonly n: number;
      /** Met conditions needed. */
      readonly count: number;
      readonly tag: string;
      readonly metCount: number;
      /** The groups of the met conditions, sorted. */
      readonly groupsCovered: readonly string[];
      readonly children: readonly ProgressNode[];
    }
  | {
      readonly kind: 'stackingCap';
      readonly isMet: boolean;
      readonly ects: number;
      readonly target: string;
      /** The stack's conditions are met but add up to the cap or more. */
      readonly isCapped: boolean;
      readonly child: ProgressNode;
    };

export function explainProgress(
  rule: Rule,
  state: OutcomeState,
  context: EvaluationContext,
  group: string | null = null,
): ProgressNode {
  const evaluation = evaluateRule(rule, state, context);
  const { isMet } = evaluation;
  const leaf = leafOf(rule);
  if (leaf) {
    if (leaf.kind === 'earned') {
      const held = state.credentials.get(leaf.ref);
      return {
        kind: 'earned',
        achievementId: leaf.ref,
        isMet,
        group,
        isHeldAsBadgeOnly: !isMet && context.creditOnly && held?.form === 'badge',
      };
    }
    if (leaf.kind === 'scoreAtLeast') {
      const scores = (state.activities.get(leaf.ref) ?? []).flatMap((outcome) =>
        outcome.bestScaled === null ? [] : [outcome.bestScaled],
      );
      return {
        kind: 'scoreAtLeast',
        activity: leaf.ref,
        isMet,
        group,
        threshold: leaf.scaled ?? 0,
        bestScaled: scores.length > 0 ? Math.max(...scores) : null,
      };
    }
    return { kind: leaf.kind, activity: leaf.ref, isMet, group };
  }
  if ('stackingCap' in rule) {
    const child = explainProgress(rule.stackingCap.rule, state, context);
    return {
      kind: 'stackingCap',
      isMet,
      ects: rule.stackingCap.ects,
      target: rule.stackingCap.target,
      isCapped: evaluation.refusal !== null,
      child,
    };
  }
  if ('distinctGroupsAtLeast' in rule) {
    const { n, tag, count = n, of } = rule.distinctGroupsAtLeast;
    const children = of.map((child) =>
      explainProgress(child, state, context, groupOf(child, tag, context)),
    );
    const met = children.filter((child) => child.isMet);
    const groupsCovered = [
      ...new Set(met.flatMap((child) => ('group' in child && child.group ? [child.group] : []))),
    ].sort();
    return {
      kind: 'distinctGroupsAtLeast',
      isMet,
      n,
      count,
      tag,
      metCount: met.length,
      groupsCovered,
      children,
    };
  }
  const children = childrenOf(rule).map((child) => explainProgress(child, state, context));
  const metCount = children.filter((child) => child.isMet).length;
  if ('atLeast' in rule) return { kind: 'atLeast', isMet, n: rule.atLeast.n, metCount, children };
  return { kind: 'allOf' in rule ? 'allOf' : 'anyOf', isMet, metCount, children };
}

function groupOf(rule: Rule, tag: string, context: EvaluationContext): string | null {
  return context.groups.get(leafOf(rule)?.ref ?? '')?.[tag] ?? null;
}

/** The activity IRIs and achievement ids a progress tree names, in reading order. */
export function referencesOf(node: ProgressNode): { activities: string[]; achievements: string[] } {
  const activities: string[] = [];
  const achievements: string[] = [];
  const walk = (current: ProgressNode) => {
    if ('activity' in current) activities.push(current.activity);
    else if (current.kind === 'earned') achievements.push(current.achievementId);
    else if (current.kind === 'stackingCap') walk(current.child);
    else current.children.forEach(walk);
  };
  walk(node);
  return { activities: [...new Set(activities)], achievements: [...new Set(achievements)] };
}

/** One activity condition of a rule, and whether the learner has met it yet. */
export interface ConditionProgress {
  readonly kind: 'passed' | 'completed' | 'scoreAtLeast';
  readonly activity: string;
  readonly isMet: boolean;
  /** For scoreAtLeast: the scaled score needed. */
  readonly threshold: number | null;
  /** The learner's best scaled score on the activity so far. */
  readonly bestScaled: number | null;
}

/**
 * The activity conditions of a rule in reading order, each with the learner's progress on it.
 * Stacked credentials (`earned`) are listed with their own achievements, not here.
 */
export function describeProgress(
  rule: Rule,
  state: OutcomeState,
  context?: EvaluationContext,
): ConditionProgress[] {
  return leavesOf(rule).flatMap((leaf): ConditionProgress[] => {
    if (leaf.kind === 'earned') return [];
    const sources = leaf.sources === null ? {} : { sources: [...leaf.sources] };
    const ref =
      leaf.sources === null ? leaf.ref : { activity: leaf.ref, sources: [...leaf.sources] };
    const asRule: Rule =
      leaf.kind === 'scoreAtLeast'
        ? { scoreAtLeast: { activity: leaf.ref, scaled: leaf.scaled ?? 0, ...sources } }
        : leaf.kind === 'passed'
          ? { passed: ref }
          : { completed: ref };
    const scores = (state.activities.get(leaf.ref) ?? []).flatMap((o) =>
      o.bestScaled === null ? [] : [o.bestScaled],
    );
    return [
      {
        kind: leaf.kind,
        activity: leaf.ref,
        isMet: evaluateRule(asRule, state, context).isMet,
        threshold: leaf.scaled,
        bestScaled: scores.length > 0 ? Math.max(...scores) : null,
      },
    ];
  });
}
