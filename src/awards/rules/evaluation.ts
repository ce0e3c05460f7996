import type { StatementSource } from './rule-parts.js';

/** What a learner has shown on one activity through statements of one source. */
export interface ActivityOutcome {
  readonly source: StatementSource;
  readonly passedBy: string | null;
  readonly completedBy: string | null;
  /** The `satisfied` (a cmi5 block or course) or `waived` (a cmi5 AU) statement about it. */
  readonly satisfiedBy?: string | null;
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

/**
 * A credential the learner brought from a partner issuer and the awarding body recognised
 * (`recognised_credentials` with status `recognised`), as a rule sees it.
 */
export interface RecognisedCredential {
  /** Our row's id. */
  readonly recognitionId: string;
  /** The credential's own `id`, as its issuer wrote it. */
  readonly credentialId: string;
  /** The partner's registry row, and its issuer as the credential names it (a DID or URL). */
  readonly partnerIssuerId: string;
  readonly issuerId: string;
  readonly issuerName: string;
  readonly achievementId: string;
  readonly achievementName: string;
  /** The achievement's alignment targets (target URLs and codes). */
  readonly alignments: readonly string[];
  /** The ECTS it counts for here (capped by the partner), or null. */
  readonly countedEcts: number | null;
}

/** Everything a rule can look at for one learner. */
export interface OutcomeState {
  /** Activity IRI → the learner's outcomes on it, one per source (and registration). */
  readonly activities: ReadonlyMap<string, readonly ActivityOutcome[]>;
  /** Achievement id → the learner's credential of it. */
  readonly credentials: ReadonlyMap<string, HeldCredential>;
  /** cmi5 AU activity id → its moveOn criterion, for the AUs the rule names. */
  readonly moveOn?: ReadonlyMap<string, Cmi5MoveOnCriterion>;
  /**
   * The credentials recognised from the partners of the awarding body whose rule is evaluated,
   * oldest recognition first.
   */
  readonly recognised?: readonly RecognisedCredential[];
}

/** cmi5 section 13.1.4: when an AU counts as done. */
export type Cmi5MoveOnCriterion =
  'Passed' | 'Completed' | 'CompletedAndPassed' | 'CompletedOrPassed' | 'NotApplicable';

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
      /** What the statement shows: a pass, a completion, or the best score on the activity. */
      readonly condition: 'passed' | 'completed' | 'satisfied' | 'scoreAtLeast';
      readonly source: StatementSource;
      /** The learner's best scaled score on the activity, where there is one. */
      readonly scaled: number | null;
    }
  | {
      readonly kind: 'credential';
      readonly achievementId: string;
      readonly awardId: string;
      readonly ects: number | null;
    }
  | {
      readonly kind: 'recognised';
      readonly credential: RecognisedCredential;
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

export const NOT_MET: Evaluation = { isMet: false, evidence: [], stackedEcts: 0, refusal: null };

/** A met evaluation resting on the given evidence. */
export function metWith(evidence: readonly Evidence[]): Evaluation {
  return combine([{ isMet: true, evidence, stackedEcts: 0, refusal: null }]);
}

/** The `count` met results stacking the fewest ECTS (earlier first among equals), combined. */
export function cheapest(results: readonly Evaluation[], count: number): Evaluation {
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

/** Met results as one: their evidence in order without repeats, and the ECTS it stacks. */
export function combine(results: readonly Evaluation[]): Evaluation {
  const evidence = new Map<string, Evidence>();
  for (const item of results.flatMap((result) => result.evidence)) {
    if (!evidence.has(evidenceKey(item))) evidence.set(evidenceKey(item), item);
  }
  const stackedEcts = [...evidence.values()].reduce((sum, item) => sum + ectsOf(item), 0);
  return { isMet: true, evidence: [...evidence.values()], stackedEcts, refusal: null };
}

/** One key per thing counted: a credential met by two conditions counts once. */
function evidenceKey(item: Evidence): string {
  switch (item.kind) {
    case 'statement':
      return `s:${item.statementId}:${item.activity}:${item.condition}`;
    case 'credential':
      return `c:${item.achievementId}`;
    case 'recognised':
      return `r:${item.credential.recognitionId}`;
  }
}

/** The ECTS a piece of evidence stacks. */
export function ectsOf(item: Evidence): number {
  switch (item.kind) {
    case 'statement':
      return 0;
    case 'credential':
      return item.ects ?? 0;
    case 'recognised':
      return item.credential.countedEcts ?? 0;
  }
}
