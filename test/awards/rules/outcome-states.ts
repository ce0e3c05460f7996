import { foldOutcomes, type OutcomeFact } from '../../../src/awards/outcome-state.js';
import type {
  ActivityOutcome,
  HeldCredential,
  OutcomeState,
} from '../../../src/awards/rules/evaluate.js';

export const QUIZ = 'https://example.org/activities/quiz-1';
export const ESSAY = 'https://example.org/activities/essay';
export const PASSED = 'http://adlnet.gov/expapi/verbs/passed';
export const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
export const ANSWERED = 'http://adlnet.gov/expapi/verbs/answered';

/** A statement's outcome facts, answering QUIZ from the platform unless told otherwise. */
export function fact(overrides: Partial<OutcomeFact> & { statementId: string }): OutcomeFact {
  return {
    userId: 'learner',
    activityId: QUIZ,
    registration: null,
    source: 'platform',
    verbId: ANSWERED,
    success: null,
    completion: null,
    scoreScaled: null,
    ...overrides,
  };
}

/** The outcome state the facts fold into, holding the given credentials. */
export function stateOf(
  facts: readonly OutcomeFact[],
  credentials: Record<string, HeldCredential> = {},
  moveOn: OutcomeState['moveOn'] = new Map(),
): OutcomeState {
  const activities = new Map<string, ActivityOutcome[]>();
  for (const row of foldOutcomes(facts)) {
    activities.set(row.activityId, [...(activities.get(row.activityId) ?? []), row]);
  }
  return { activities, credentials: new Map(Object.entries(credentials)), moveOn };
}

/** A micro-credential of `ects` ECTS resting on platform statements. */
export function held(
  awardId: string,
  ects: number | null,
  form: HeldCredential['form'] = 'micro-credential',
): HeldCredential {
  return { awardId, form, ects, sources: ['platform'] };
}
