import { describe, expect, it } from 'vitest';
import { evaluateRule, evidenceStatementIds } from '../../../../src/awards/rules/evaluate.js';
import type { Cmi5MoveOnCriterion } from '../../../../src/awards/rules/evaluation.js';
import { parseRule } from '../../../../src/awards/rules/rule-schema.js';
import { COMPLETED, PASSED, QUIZ, fact, stateOf } from '../outcome-states.js';

const SATISFIED = 'https://w3id.org/xapi/adl/verbs/satisfied';
const WAIVED = 'https://w3id.org/xapi/adl/verbs/waived';
const BLOCK = 'https://tool.example/cmi5/blocks/00000000-0000-4000-8000-00000000000b';
const REG_1 = '11111111-1111-4111-8111-111111111111';
const REG_2 = '22222222-2222-4222-8222-222222222222';

const passedIn = (registration: string, statementId: string) =>
  fact({ statementId, verbId: PASSED, success: true, registration, source: 'content' });
const completedIn = (registration: string, statementId: string) =>
  fact({ statementId, verbId: COMPLETED, completion: true, registration, source: 'content' });

function auState(moveOn: Cmi5MoveOnCriterion, facts: Parameters<typeof stateOf>[0]) {
  return stateOf(facts, {}, new Map([[QUIZ, moveOn]]));
}

describe('the satisfied rule leaf (cmi5 moveOn)', () => {
  it('parses {"satisfied": IRI}', () => {
    expect(parseRule({ satisfied: QUIZ })).toEqual({ satisfied: QUIZ });
  });

  it('meets moveOn Passed with the passed statement, and not with a completion', () => {
    expect(
      evidenceStatementIds(
        evaluateRule({ satisfied: QUIZ }, auState('Passed', [passedIn(REG_1, 'p')])),
      ),
    ).toEqual(['p']);
    expect(
      evaluateRule({ satisfied: QUIZ }, auState('Passed', [completedIn(REG_1, 'c')])).isMet,
    ).toBe(false);
  });

  it('meets moveOn Completed only with a completion', () => {
    expect(
      evaluateRule({ satisfied: QUIZ }, auState('Completed', [passedIn(REG_1, 'p')])).isMet,
    ).toBe(false);
    expect(
      evaluateRule({ satisfied: QUIZ }, auState('Completed', [completedIn(REG_1, 'c')])).isMet,
    ).toBe(true);
  });

  it('meets moveOn CompletedAndPassed with both in one registration, never across two', () => {
    const both = auState('CompletedAndPassed', [completedIn(REG_1, 'c'), passedIn(REG_1, 'p')]);
    expect(evidenceStatementIds(evaluateRule({ satisfied: QUIZ }, both))).toEqual(['c', 'p']);
    const split = auState('CompletedAndPassed', [completedIn(REG_1, 'c'), passedIn(REG_2, 'p')]);
    expect(evaluateRule({ satisfied: QUIZ }, split).isMet).toBe(false);
    const passOnly = auState('CompletedAndPassed', [passedIn(REG_1, 'p')]);
    expect(evaluateRule({ satisfied: QUIZ }, passOnly).isMet).toBe(false);
  });

  it('meets moveOn CompletedOrPassed with either', () => {
    expect(
      evaluateRule({ satisfied: QUIZ }, auState('CompletedOrPassed', [passedIn(REG_1, 'p')])).isMet,
    ).toBe(true);
    expect(
      evaluateRule({ satisfied: QUIZ }, auState('CompletedOrPassed', [completedIn(REG_1, 'c')]))
        .isMet,
    ).toBe(true);
  });

  it('meets a waived AU whatever its moveOn', () => {
    const state = auState('CompletedAndPassed', [
      fact({ statementId: 'w', verbId: WAIVED, success: true, completion: true, source: 'tool' }),
    ]);
    expect(evidenceStatementIds(evaluateRule({ satisfied: QUIZ }, state))).toEqual(['w']);
  });

  it("meets a block or course with the LMS's satisfied statement", () => {
    const state = stateOf([
      fact({ statementId: 's', verbId: SATISFIED, activityId: BLOCK, source: 'tool' }),
    ]);
    expect(evidenceStatementIds(evaluateRule({ satisfied: BLOCK }, state))).toEqual(['s']);
  });

  it('is not met for an activity that is no cmi5 AU and has no satisfied statement', () => {
    const state = stateOf([passedIn(REG_1, 'p'), completedIn(REG_1, 'c')]);
    expect(evaluateRule({ satisfied: QUIZ }, state).isMet).toBe(false);
  });

  it('honours the sources the reference accepts', () => {
    const state = auState('Passed', [passedIn(REG_1, 'p')]);
    const rule = parseRule({ satisfied: { activity: QUIZ, sources: ['platform'] } });
    expect(evaluateRule(rule, state).isMet).toBe(false);
  });
});
