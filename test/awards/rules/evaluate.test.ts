import { describe, expect, it } from 'vitest';
import {
  evaluateRule,
  evidenceScore,
  evidenceStatementIds,
} from '../../../src/awards/rules/evaluate.js';
import { parseRule } from '../../../src/awards/rules/rule-schema.js';
import { COMPLETED, ESSAY, PASSED, QUIZ, fact, held, stateOf } from './outcome-states.js';

const CORE = '00000000-0000-4000-8000-000000000000';
const ENV_1 = '00000000-0000-4000-8000-000000000001';
const ENV_2 = '00000000-0000-4000-8000-000000000002';
const ENV_3 = '00000000-0000-4000-8000-000000000003';
const ECO_1 = '00000000-0000-4000-8000-000000000004';
const SOC_1 = '00000000-0000-4000-8000-000000000005';
const ELECTIVES = [ENV_1, ENV_2, ENV_3, ECO_1, SOC_1];
const PILLARS = new Map([
  [ENV_1, { pillar: 'environmental' }],
  [ENV_2, { pillar: 'environmental' }],
  [ENV_3, { pillar: 'environmental' }],
  [ECO_1, { pillar: 'economic' }],
  [SOC_1, { pillar: 'societal' }],
]);
/** The brief: a core course plus three courses from at least two of the three pillars. */
const PILLAR_RULE = parseRule({
  allOf: [
    { earned: CORE },
    {
      distinctGroupsAtLeast: {
        n: 2,
        tag: 'pillar',
        count: 3,
        of: ELECTIVES.map((id) => ({ earned: id })),
      },
    },
  ],
});
const credit = { groups: PILLARS, creditOnly: true };

function holding(...ids: string[]) {
  return stateOf([], Object.fromEntries(ids.map((id) => [id, held(`award-${id.slice(-1)}`, 5)])));
}

describe('evaluateRule: activity leaves', () => {
  it('is not met without evidence', () => {
    expect(evaluateRule({ passed: QUIZ }, stateOf([])).isMet).toBe(false);
  });

  it('meets passed(activity) with the statement that passed it as evidence', () => {
    const state = stateOf([
      fact({ statementId: 's1' }),
      fact({ statementId: 's2', verbId: PASSED }),
    ]);
    expect(evidenceStatementIds(evaluateRule({ passed: QUIZ }, state))).toEqual(['s2']);
  });

  it('counts result.success as a pass, but a pass alone is no completion (cmi5 keeps them apart)', () => {
    const state = stateOf([fact({ statementId: 's1', success: true })]);
    expect(evidenceStatementIds(evaluateRule({ passed: QUIZ }, state))).toEqual(['s1']);
    expect(evaluateRule({ completed: QUIZ }, state).isMet).toBe(false);
    expect(evaluateRule({ allOf: [{ passed: QUIZ }, { completed: QUIZ }] }, state).isMet).toBe(
      false,
    );
  });

  it('meets allOf[passed, completed] with a passed and a completed statement', () => {
    const state = stateOf([
      fact({ statementId: 'p', verbId: PASSED, success: true }),
      fact({ statementId: 'c', verbId: COMPLETED, completion: true }),
    ]);
    const rule = { allOf: [{ passed: QUIZ }, { completed: QUIZ }] };
    expect(evidenceStatementIds(evaluateRule(rule, state))).toEqual(['p', 'c']);
  });

  it('counts result.completion as a completion but not as a pass', () => {
    const state = stateOf([fact({ statementId: 'c', completion: true })]);
    expect(evaluateRule({ completed: QUIZ }, state).isMet).toBe(true);
    expect(evaluateRule({ passed: QUIZ }, state).isMet).toBe(false);
  });

  it('meets scoreAtLeast with the best score, not the latest, and records it', () => {
    const state = stateOf([
      fact({ statementId: 'best', scoreScaled: 0.9 }),
      fact({ statementId: 'later', scoreScaled: 0.4 }),
    ]);
    const result = evaluateRule({ scoreAtLeast: { activity: QUIZ, scaled: 0.8 } }, state);
    expect(result.evidence).toEqual([
      {
        kind: 'statement',
        statementId: 'best',
        activity: QUIZ,
        condition: 'scoreAtLeast',
        source: 'platform',
        scaled: 0.9,
      },
    ]);
    expect(evidenceScore(result)).toBe(0.9);
  });

  it('does not meet scoreAtLeast below the threshold', () => {
    const state = stateOf([fact({ statementId: 's1', scoreScaled: 0.79 })]);
    expect(evaluateRule({ scoreAtLeast: { activity: QUIZ, scaled: 0.8 } }, state).isMet).toBe(
      false,
    );
  });

  it('counts only statements from the sources a leaf accepts', () => {
    const fromContent = stateOf([fact({ statementId: 's1', verbId: PASSED, source: 'content' })]);
    const rule = parseRule({ passed: { activity: QUIZ, sources: ['platform', 'tool'] } });
    expect(evaluateRule(rule, fromContent).isMet).toBe(false);
    const fromTool = stateOf([fact({ statementId: 's2', verbId: PASSED, source: 'tool' })]);
    expect(evaluateRule(rule, fromTool).isMet).toBe(true);
  });
});

describe('evaluateRule: combinators', () => {
  it('meets allOf only when every part is met, with the evidence of each', () => {
    const rule = { allOf: [{ passed: QUIZ }, { completed: ESSAY }] };
    const quizOnly = [fact({ statementId: 'q', verbId: PASSED })];
    expect(evaluateRule(rule, stateOf(quizOnly)).isMet).toBe(false);
    const both = [...quizOnly, fact({ statementId: 'e', activityId: ESSAY, completion: true })];
    expect(evidenceStatementIds(evaluateRule(rule, stateOf(both)))).toEqual(['q', 'e']);
  });

  it('meets anyOf with a part that is met', () => {
    const rule = { anyOf: [{ passed: QUIZ }, { completed: ESSAY }] };
    const state = stateOf([fact({ statementId: 'e', activityId: ESSAY, completion: true })]);
    expect(evidenceStatementIds(evaluateRule(rule, state))).toEqual(['e']);
  });

  it('meets atLeast(n) once n of its rules are met', () => {
    const rule = parseRule({ atLeast: { n: 2, of: [{ passed: QUIZ }, { completed: ESSAY }] } });
    const one = [fact({ statementId: 'q', verbId: PASSED })];
    expect(evaluateRule(rule, stateOf(one)).isMet).toBe(false);
    const two = [...one, fact({ statementId: 'e', activityId: ESSAY, completion: true })];
    expect(evaluateRule(rule, stateOf(two)).isMet).toBe(true);
  });

  it('does not meet the pillar rule with the core and three electives of one pillar', () => {
    expect(evaluateRule(PILLAR_RULE, holding(CORE, ENV_1, ENV_2, ENV_3), credit).isMet).toBe(false);
  });

  it('meets the pillar rule once an elective of a second pillar is added, choosing three electives', () => {
    const result = evaluateRule(PILLAR_RULE, holding(CORE, ENV_1, ENV_2, ENV_3, ECO_1), credit);
    expect(result.isMet).toBe(true);
    const chosen = result.evidence.flatMap((e) =>
      e.kind === 'credential' ? [e.achievementId] : [],
    );
    expect(chosen).toEqual([CORE, ENV_1, ENV_2, ECO_1]);
    expect(result.stackedEcts).toBe(20);
  });

  it('does not meet the pillar rule without the core course', () => {
    expect(evaluateRule(PILLAR_RULE, holding(ENV_1, ECO_1, SOC_1), credit).isMet).toBe(false);
  });

  it('counts, for the micro-credential form, only credentials held in that form', () => {
    const withBadge = {
      [CORE]: held('a', 5),
      [ENV_1]: held('b', 5),
      [ENV_2]: held('c', 5),
      [ECO_1]: held('d', null, 'badge'),
    };
    expect(evaluateRule(PILLAR_RULE, stateOf([], withBadge), credit).isMet).toBe(false);
    const withCredit = { ...withBadge, [SOC_1]: held('e', 5) };
    expect(evaluateRule(PILLAR_RULE, stateOf([], withCredit), credit).isMet).toBe(true);
  });

  it('counts badges for the badge form', () => {
    const state = stateOf([], {
      [CORE]: held('a', null, 'badge'),
      [ENV_1]: held('b', null, 'badge'),
      [ENV_2]: held('c', null, 'badge'),
      [ECO_1]: held('d', null, 'badge'),
    });
    expect(evaluateRule(PILLAR_RULE, state, { ...credit, creditOnly: false }).isMet).toBe(true);
  });

  it('chooses the stack with the fewest ECTS among equally valid choices', () => {
    const rule = parseRule({ atLeast: { n: 1, of: [{ earned: ENV_1 }, { earned: ENV_2 }] } });
    const state = stateOf([], { [ENV_1]: held('big', 10), [ENV_2]: held('small', 5) });
    expect(evaluateRule(rule, state, credit).stackedEcts).toBe(5);
  });
});

describe('evaluateRule: stacking cap', () => {
  const capped = (ects: number) =>
    parseRule({ stackingCap: { ects, target: 'MSc Sustainability', rule: PILLAR_RULE } });

  it('refuses, with a reason, a stack whose ECTS would reach the size of the target', () => {
    const result = evaluateRule(capped(20), holding(CORE, ENV_1, ECO_1), {
      ...credit,
    });
    // Core + two electives is not enough anyway: nothing to refuse yet.
    expect(result).toMatchObject({ isMet: false, refusal: null });
    const full = evaluateRule(capped(20), holding(CORE, ENV_1, ENV_2, ECO_1), credit);
    expect(full.isMet).toBe(false);
    expect(full.refusal).toContain('20 ECTS');
    expect(full.refusal).toContain('MSc Sustainability');
  });

  it('awards a stack that stays below the size of the target', () => {
    const result = evaluateRule(capped(30), holding(CORE, ENV_1, ENV_2, ECO_1), credit);
    expect(result).toMatchObject({ isMet: true, stackedEcts: 20, refusal: null });
  });

  it('does not apply the cap to the badge form, which carries no credits', () => {
    const result = evaluateRule(capped(20), holding(CORE, ENV_1, ENV_2, ECO_1), {
      ...credit,
      creditOnly: false,
    });
    expect(result.isMet).toBe(true);
  });
});
