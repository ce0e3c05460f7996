import { describe, expect, it } from 'vitest';
import { explainProgress } from '../../src/awards/rules/progress.js';
import { parseRule } from '../../src/awards/rules/rule-schema.js';
import { createTranslations } from '../../src/web/i18n.js';
import { describeProgressNode } from '../../src/web/learner-page.js';
import { describeRule, readRuleForm, ruleFormValuesOf } from '../../src/web/rule-form.js';
import { ESSAY, QUIZ, fact, stateOf } from '../awards/rules/outcome-states.js';

const LAB = 'https://example.org/activities/lab';
const { translator } = createTranslations();
const english = translator('en');
const BEST_AVERAGE = {
  bestAverageAtLeast: { n: 2, of: [QUIZ, ESSAY, LAB], scaled: 0.8 },
};

describe('the rule form and an operator it has no fields for (bestAverageAtLeast)', () => {
  it('shows the rule in the JSON view', () => {
    const values = ruleFormValuesOf(parseRule(BEST_AVERAGE));
    expect(values.shape).toBe('json');
    expect(JSON.parse(values.json)).toEqual(BEST_AVERAGE);
  });

  it('reads back from the JSON view the rule it showed, nested or not', () => {
    for (const rule of [BEST_AVERAGE, { allOf: [{ passed: QUIZ }, BEST_AVERAGE] }]) {
      const shown = ruleFormValuesOf(parseRule(rule));
      const read = readRuleForm({ shape: shown.shape, json: shown.json });
      expect(read.errors).toBeNull();
      expect('rule' in read && read.rule).toEqual(rule);
    }
  });

  it('puts a refusal of the JSON view on the JSON field, naming the bad part', () => {
    const read = readRuleForm({
      shape: 'json',
      json: JSON.stringify({ bestAverageAtLeast: { n: 4, of: [QUIZ, ESSAY], scaled: 0.8 } }),
    });
    expect(read.errors).toEqual({
      json: { key: 'ruleErrors.neverMet', params: { path: 'rule.bestAverageAtLeast.n' } },
    });
  });
});

describe('describeRule', () => {
  const names = new Map([
    [QUIZ, 'Quiz'],
    [ESSAY, 'Essay'],
    [LAB, 'Lab'],
  ]);
  const nameOf = (ref: string) => names.get(ref) ?? ref;

  it('says bestAverageAtLeast in plain words with the threshold in percent', () => {
    expect(describeRule(parseRule(BEST_AVERAGE), english, nameOf)).toBe(
      'an average of at least 80% over the best 2 results of: Quiz; Essay; Lab',
    );
  });

  it('says it inside other rules', () => {
    const rule = parseRule({ anyOf: [{ passed: QUIZ }, BEST_AVERAGE] });
    expect(describeRule(rule, translator('de'), nameOf)).toBe(
      'eines von: Quiz bestehen; im Durchschnitt der 2 besten Ergebnisse mindestens 80 % erreichen, aus: Quiz; Essay; Lab',
    );
  });
});

describe('the learner page lines of bestAverageAtLeast', () => {
  it('name what is done and what is missing, with the activities by name', () => {
    const state = stateOf([fact({ statementId: 'q', activityId: QUIZ, scoreScaled: 0.9 })]);
    const progress = explainProgress(parseRule(BEST_AVERAGE), state, {
      groups: new Map(),
      creditOnly: false,
    });
    const line = describeProgressNode(progress, {
      activities: new Map([
        [
          QUIZ,
          {
            activityId: QUIZ,
            name: 'Quiz',
            names: {},
            launchUrl: 'https://content.example.org/quiz',
            tags: {},
          },
        ],
      ]),
      achievements: new Map(),
    });
    const say = (item: { key: string; values: Record<string, string | number> }) =>
      english(item.key, item.values);
    expect(say(line)).toBe('Average at least 80 % over your best 2 results in these 3 activities');
    expect(line.notes.map(say)).toEqual(['Scored results so far: 1 of the 2 needed']);
    expect(line.children.map(say)).toEqual([
      'A scored result in “Quiz”',
      `A scored result in “${ESSAY}”`,
      `A scored result in “${LAB}”`,
    ]);
    expect(line.children[0]!.notes.map(say)).toEqual(['Your best score so far: 90 %']);
    expect(line.children[0]!.launchHref).toBe(
      `/course/activities/launch?activity=${encodeURIComponent(QUIZ)}`,
    );
  });
});
