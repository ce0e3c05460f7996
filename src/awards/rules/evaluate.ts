import { leafOf, type Leaf, type Rule, type StatementSource } from './rule-schema.js';

/** What a learner has shown on one activity through statements of one source. */
export interface ActivityOutcome {
  readonly source: StatementSource;
  readonly passedBy: string | null;
  readonly completedBy: string | null;
  readonly bestScaled: number | null;
  readonly bestScoreBy: string | null;
}

/** A credential the learner holds (not revoked), as a stack sees it. */
export interface HeldCredential {
  readonly awardId: string;
  readonly form: 'micro-credential' | 'badge';
  /** The ECTS the credential carries; null for the badge form. */
  readonly ects: number | null;
  /** The sources of the statements the credential rests on. */
  readonly sources: readonly StatementSource[];
}

/** Everything a rule can look at for one learner. */
export interface OutcomeState {
  /** Activity IRI → the learner's outcomes on it, one per source (and registration). */
  readonly activities: ReadonlyMap<string, readonly ActivityOutcome[]>;
  /** Achievement id → the learner's credential of it. */
  readonly credentials: ReadonlyMap<string, HeldCredential>;
}

export interface EvaluationContext {
  /** Group tags (e.g. `pillar` → `environmental`) by activity IRI or achievement id. */
  readonly groups: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /**
   * True when evaluating for the credit-bearing micro-credential form: only credentials held in
   * that form count, and the stacking cap applies.
   */
  readonly creditOnly: boolean;
}

export type Evidence =
  | {
      readonly kind: 'statement';
      readonly statementId: string;
      readonly activity: string;
      readonly condition: 'passed' | 'completed' | 'scoreAtLeast';
      readonly source: StatementSource;
      /** The learner's best scaled score on the activity, where there is one. */
      readonly scaled: number | null;
    }
  | {
      readonly kind: 'credential';
      readonly achievementId: string;
      readonly awardId: string;
      readonly ects: number | null;
    };

export interface Evaluation {
  readonly isMet: boolean;
  /** What satisfied the rule, in rule order without repeats (empty when it is not met). */
  readonly evidence: readonly Evidence[];
  /** The ECTS of the credentials in the evidence: the smallest stack that meets the rule. */
  readonly stackedEcts: number;
  /** Why a rule whose conditions are met is still not met (the stacking cap), else null. */
  readonly refusal: string | null;
}

const NOT_MET: Evaluation = { isMet: false, evidence: [], stackedEcts: 0, refusal: null };

/**
 * Evaluates a rule against a learner's outcome state. Pure and deterministic. Where several
 * choices meet a rule (`anyOf`, `atLeast`, `distinctGroupsAtLeast`) it picks the one that
 * stacks the fewest ECTS, earlier rules first among equals, so more evidence never makes a
 * met rule fail.
 */
export function evaluateRule(
  rule: Rule,
  state: OutcomeState,
  context: EvaluationContext = { groups: new Map(), creditOnly: false },
): Evaluation {
  const leaf = leafOf(rule);
  if (leaf) return evaluateLeaf(leaf, state, context);
  if ('allOf' in rule) {
    const results = rule.allOf.map((child) => evaluateRule(child, state, context));
    return results.every((result) => result.isMet) ? combine(results) : NOT_MET;
  }
  if ('anyOf' in rule) {
    return cheapest(
      rule.anyOf.map((child) => evaluateRule(child, state, context)),
      1,
    );
  }
  if ('atLeast' in rule) {
    const { n, of } = rule.atLeast;
    return cheapest(
      of.map((child) => evaluateRule(child, state, context)),
      n,
    );
  }
  if ('distinctGroupsAtLeast' in rule) {
    const { n, tag, count = n, of } = rule.distinctGroupsAtLeast;
    const results = of.map((child) => ({
      result: evaluateRule(child, state, context),
      group: context.groups.get(leafOf(child)?.ref ?? '')?.[tag] ?? null,
    }));
    return cheapestCovering(results, count, n);
  }
  if (!('stackingCap' in rule)) return NOT_MET;
  const { ects, target, rule: stacked } = rule.stackingCap;
  const result = evaluateRule(stacked, state, context);
  if (!result.isMet || !context.creditOnly || result.stackedEcts < ects) return result;
  return {
    ...NOT_MET,
    refusal:
      `The credentials stacked here add up to ${result.stackedEcts} ECTS, which reaches the ` +
      `${ects} ECTS of ${target}: micro-credentials may not stack into it.`,
  };
}

function evaluateLeaf(leaf: Leaf, state: OutcomeState, context: EvaluationContext): Evaluation {
  const accepts = (source: StatementSource) =>
    leaf.sources === null || leaf.sources.includes(source);
  if (leaf.kind === 'earned') {
    const held = state.credentials.get(leaf.ref);
    if (!held) return NOT_MET;
    if (context.creditOnly && held.form !== 'micro-credential') return NOT_MET;
    if (!held.sources.every(accepts)) return NOT_MET;
    const ects = held.form === 'micro-credential' ? held.ects : null;
    return {
      isMet: true,
      evidence: [{ kind: 'credential', achievementId: leaf.ref, awardId: held.awardId, ects }],
      stackedEcts: ects ?? 0,
      refusal: null,
    };
  }
  const outcomes = (state.activities.get(leaf.ref) ?? []).filter((o) => accepts(o.source));
  let best: ActivityOutcome | undefined;
  for (const outcome of outcomes) {
    if (outcome.bestScaled !== null && (!best || outcome.bestScaled > (best.bestScaled ?? -2))) {
      best = outcome;
    }
  }
  const scaled = best?.bestScaled ?? null;
  let evidence: ActivityOutcome | undefined;
  let statementId: string | null = null;
  if (leaf.kind === 'passed') {
    evidence = outcomes.find((o) => o.passedBy);
    statementId = evidence?.passedBy ?? null;
  } else if (leaf.kind === 'completed') {
    evidence = outcomes.find((o) => o.completedBy);
    statementId = evidence?.completedBy ?? null;
  } else if (scaled !== null && leaf.scaled !== null && scaled >= leaf.scaled) {
    evidence = best;
    statementId = best?.bestScoreBy ?? null;
  }
  if (statementId === null || !evidence) return NOT_MET;
  return {
    isMet: true,
    evidence: [
      {
        kind: 'statement',
        statementId,
        activity: leaf.ref,
        condition: leaf.kind,
        source: evidence.source,
        scaled,
      },
    ],
    stackedEcts: 0,
    refusal: null,
  };
}

/** The `count` met results stacking the fewest ECTS (earlier first among equals), combined. */
function cheapest(results: readonly Evaluation[], count: number): Evaluation {
  const met = results
    .map((result, index) => ({ result, index }))
    .filter(({ result }) => result.isMet)
    .sort((a, b) => a.result.stackedEcts - b.result.stackedEcts || a.index - b.index);
  if (met.length < count) return NOT_MET;
  return combine(
    met
      .slice(0, count)
      .sort((a, b) => a.index - b.index)
      .map(({ result }) => result),
  );
}

/**
 * The cheapest `count` met results that cover at least `groups` distinct groups. Some optimal
 * choice takes the cheapest member of each of `groups` groups and fills up with the cheapest
 * others, so trying every set of `groups` groups finds it.
 */
function cheapestCovering(
  results: readonly { result: Evaluation; group: string | null }[],
  count: number,
  groups: number,
): Evaluation {
  const met = results
    .map(({ result, group }, index) => ({ result, group, index }))
    .filter(({ result }) => result.isMet)
    .sort((a, b) => a.result.stackedEcts - b.result.stackedEcts || a.index - b.index);
  const cheapestOfGroup = new Map<string, (typeof met)[number]>();
  for (const item of met) {
    if (item.group !== null && !cheapestOfGroup.has(item.group))
      cheapestOfGroup.set(item.group, item);
  }
  if (met.length < count || cheapestOfGroup.size < groups) return NOT_MET;

  let best: { cost: number; indexes: number[] } | null = null;
  for (const chosenGroups of combinations([...cheapestOfGroup.keys()].sort(), groups)) {
    const picked = chosenGroups.map((group) => cheapestOfGroup.get(group)!);
    const rest = met.filter((item) => !picked.includes(item)).slice(0, count - groups);
    const selection = [...picked, ...rest];
    const cost = selection.reduce((sum, item) => sum + item.result.stackedEcts, 0);
    const indexes = selection.map((item) => item.index).sort((a, b) => a - b);
    if (
      !best ||
      cost < best.cost ||
      (cost === best.cost && lexicallyBefore(indexes, best.indexes))
    ) {
      best = { cost, indexes };
    }
  }
  const chosen = new Set(best?.indexes);
  return combine(
    met
      .filter((item) => chosen.has(item.index))
      .sort((a, b) => a.index - b.index)
      .map((item) => item.result),
  );
}

function* combinations<T>(items: readonly T[], size: number, start = 0): Generator<T[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let index = start; index <= items.length - size; index += 1) {
    for (const rest of combinations(items, size - 1, index + 1)) yield [items[index]!, ...rest];
  }
}

function lexicallyBefore(a: readonly number[], b: readonly number[]): boolean {
  const differing = a.findIndex((value, index) => value !== b[index]);
  return differing !== -1 && a[differing]! < b[differing]!;
}

function combine(results: readonly Evaluation[]): Evaluation {
  const evidence = new Map<string, Evidence>();
  for (const item of results.flatMap((result) => result.evidence)) {
    const key =
      item.kind === 'statement'
        ? `s:${item.statementId}:${item.activity}:${item.condition}`
        : `c:${item.achievementId}`;
    if (!evidence.has(key)) evidence.set(key, item);
  }
  const stackedEcts = [...evidence.values()].reduce(
    (sum, item) => sum + (item.kind === 'credential' ? (item.ects ?? 0) : 0),
    0,
  );
  return { isMet: true, evidence: [...evidence.values()], stackedEcts, refusal: null };
}

/** The statement ids in an evaluation's evidence, without repeats. */
export function evidenceStatementIds(evaluation: Evaluation): string[] {
  return [
    ...new Set(
      evaluation.evidence.flatMap((item) => (item.kind === 'statement' ? [item.statementId] : [])),
    ),
  ];
}

/** Mean best scaled score over the activities in the evidence (clamped at 0), or null. */
export function evidenceScore(evaluation: Evaluation): number | null {
  const byActivity = new Map<string, number>();
  for (const item of evaluation.evidence) {
    if (item.kind === 'statement' && item.scaled !== null) {
      byActivity.set(item.activity, Math.max(0, item.scaled));
    }
  }
  const scores = [...byActivity.values()];
  return scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length;
}
