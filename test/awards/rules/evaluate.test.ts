import { describe, expect, it } from 'vitest';
import { buildOutcomeState, type OutcomeFact } from '../../../src/awards/outcome-state.js';
import { evaluateRule } from '../../../src/awards/rules/evaluate.js';

const QUIZ = 'https://example.org/activities/quiz-1';
const ESSAY = 'https://example.org/activities/essay';
const PASSED = 'http://adlnet.gov/expapi/verbs/passed';
const ANSWERED = 'http://adlnet.gov/expapi/verbs/answered';

function fact(overrides: Partial<OutcomeFact> & { statementId: string }): OutcomeFact {
  return {
    activityId: QUIZ,
    verbId: ANSWERED,
    success: null,
    completion: null,
    scoreScaled: null,
    ...overrides,
  };
}

describe('evaluateRule', () => {
  it('is not met without evidence', () => {
    expect(evaluateRule({ passed: QUIZ }, buildOutcomeState([])).isMet).toBe(false);
  });

  it('meets passed(activity) with the statement that passed it as evidence', () => {
    const state = buildOutcomeState([
      fact({ statementId: 's1' }),
      fact({ statementId: 's2', verbId: PASSED }),
    ]);
    expect(evaluateRule({ passed: QUIZ }, state)).toMatchObject({
      isMet: true,
      evidenceStatementIds: ['s2'],
    });
  });

  it('counts result.success as a pass and a pass as a completion', () => {
    const state = buildOutcomeState([fact({ statementId: 's1', success: true })]);
    expect(evaluateRule({ completed: QUIZ }, state).evidenceStatementIds).toEqual(['s1']);
  });

  it('meets scoreAtLeast with the best score, not the latest', () => {
    const state = buildOutcomeState([
      fact({ statementId: 'best', scoreScaled: 0.9 }),
      fact({ statementId: 'later', scoreScaled: 0.4 }),
    ]);
    const result = evaluateRule({ scoreAtLeast: { activity: QUIZ, scaled: 0.8 } }, state);
    expect(result).toMatchObject({ isMet: true, evidenceStatementIds: ['best'] });
    expect(result.scores.get(QUIZ)).toBe(0.9);
  });

  it('does not meet scoreAtLeast below the threshold', () => {
    const state = buildOutcomeState([fact({ statementId: 's1', scoreScaled: 0.79 })]);
    expect(evaluateRule({ scoreAtLeast: { activity: QUIZ, scaled: 0.8 } }, state).isMet).toBe(
      false,
    );
  });

  it('meets allOf only when every part is met, with the evidence of each', () => {
    const rule = { allOf: [{ passed: QUIZ }, { completed: ESSAY }] };
    const quizOnly = [fact({ statementId: 'q', verbId: PASSED })];
    expect(evaluateRule(rule, buildOutcomeState(quizOnly)).isMet).toBe(false);
    const both = [...quizOnly, fact({ statementId: 'e', activityId: ESSAY, completion: true })];
    expect(evaluateRule(rule, buildOutcomeState(both)).evidenceStatementIds).toEqual(['q', 'e']);
  });

  it('meets anyOf with the first part that is met', () => {
    const rule = { anyOf: [{ passed: QUIZ }, { completed: ESSAY }] };
    const state = buildOutcomeState([
      fact({ statementId: 'e', activityId: ESSAY, completion: true }),
    ]);
    expect(evaluateRule(rule, state)).toMatchObject({ isMet: true, evidenceStatementIds: ['e'] });
  });
});
