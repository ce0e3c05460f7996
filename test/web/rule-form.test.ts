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

describe('the rule form and a condition on a credential recognised from a partner', () => {
  const RECOGNISED = {
    allOf: [
      { passed: QUIZ },
      { recognised: { alignment: 'CLIM-101', issuer: 'did:web:helsinki.example', minEcts: 5 } },
    ],
  };

  it('shows the rule in the JSON view and reads it back unchanged', () => {
    const shown = ruleFormValuesOf(parseRule(RECOGNISED));
    expect(shown.shape).toBe('json');
    const read = readRuleForm({ shape: shown.shape, json: shown.json });
    expect('rule' in read && read.rule).toEqual(RECOGNISED);
  });

  it('puts a condition naming nothing on the JSON field, with its own message', () => {
    const read = readRuleForm({ shape: 'json', json: JSON.stringify({ recognised: {} }) });
    expect(read.errors).toEqual({
      json: { key: 'ruleErrors.recognisedNeedsOne', params: { path: 'rule.recognised' } },
    });
  });

  it('names the partner for the teacher by its name in the registry', () => {
    const names = new Map([['did:web:helsinki.example', 'University of Helsinki']]);
    expect(
      describeRule(
        parseRule({ recognised: { issuer: 'did:web:helsinki.example' } }),
        english,
        (ref) => names.get(ref) ?? ref,
      ),
    ).toBe('hold a credential recognised from a partner (from University of Helsinki)');
  });

  it('summarises it for the teacher in plain words', () => {
    expect(
      describeRule(
        parseRule({ recognised: { alignment: 'CLIM-101', minEcts: 5 } }),
        english,
        (ref) => ref,
      ),
    ).toBe('hold a credential recognised from a partner (aligned to CLIM-101, at least 5 ECTS)');
  });
});

describe('the score field of the rule form, in percent', () => {
  const readScore = (score: string) =>
    readRuleForm({
      shape: 'allOf',
      'conditions.0.kind': 'passed',
      'conditions.0.activity': LAB,
      'conditions.1.kind': 'scoreAtLeast',
      'conditions.1.activity': QUIZ,
      'conditions.1.score': score,
    });

  it.each([
    ['0', 0],
    ['1', 0.01],
    ['80', 0.8],
    ['72,5', 0.725],
    ['100', 1],
  ])('stores %s as the scaled score %s', (score, scaled) => {
    const read = readScore(score);
    expect(read.errors).toBeNull();
    expect('rule' in read && read.rule).toEqual({
      allOf: [{ passed: LAB }, { scoreAtLeast: { activity: QUIZ, scaled } }],
    });
  });

  it.each(['0.8', '0,5', '0.999'])(
    'asks whether %s, a fraction, was meant as a percentage, on that field',
    (score) => {
      expect(readScore(score).errors).toEqual({
        'conditions.1.score': {
          key: 'ruleErrors.percentFraction',
          params: { value: score, meant: Number(score.replace(',', '.')) * 100, number: 2 },
        },
      });
    },
  );

  it.each(['150', '100.5', '-5'])('refuses %s, outside 0 to 100, on that field', (score) => {
    expect(readScore(score).errors).toEqual({
      'conditions.1.score': { key: 'ruleErrors.percentRange', params: { value: score, number: 2 } },
    });
  });

  it('names the field and asks the question in the message', () => {
    expect(
      english('teacher-achievements:ruleErrors.percentFraction', {
        value: '0.8',
        meant: 80,
        number: 1,
      }),
    ).toBe(
      'Condition 1, score needed in percent: 0.8 would mean 0.8 %, less than 1 %. Did you mean 80 %? Type the percentage from 0 to 100, for example 80 for 80 %.',
    );
  });

  it('shows a stored threshold back in percent, keeping a fraction of a percent', () => {
    const rule = parseRule({ scoreAtLeast: { activity: QUIZ, scaled: 0.008 } });
    expect(ruleFormValuesOf(rule).conditions[0]?.score).toBe('0.8');
    expect(describeRule(rule, english, (ref) => ref)).toBe(`score at least 0.8% in ${QUIZ}`);
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
