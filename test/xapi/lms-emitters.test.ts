import { describe, expect, it } from 'vitest';
import { outcomeFactsOf } from '../../src/awards/outcome-state.js';
import { evaluateRule } from '../../src/awards/rules/evaluate.js';
import type { Rule } from '../../src/awards/rules/rule-schema.js';
import { activityEvidence } from '../../src/xapi/lms-emitters.js';
import type { Statement } from '../../src/xapi/statement.js';
import { validateStatement } from '../../src/xapi/validate/statement.js';
import { stateOf } from '../awards/rules/outcome-states.js';
import { moodleActor, moodleStatements, type MoodleEvent } from '../support/moodle-logstore.js';

const WWWROOT = 'https://moodle.example.org';
const QUIZ = `${WWWROOT}/mod/quiz/view.php?id=15`;
const ATTEMPT = `${WWWROOT}/mod/quiz/attempt.php?attempt=1&cmid=15`;
const STUDENT = {
  id: '5',
  username: 'student1',
  email: 'student1@example.org',
  fullname: 'Ada Lovelace',
};

function sent(event: MoodleEvent, values: { raw?: number; success?: boolean; cmid?: number } = {}) {
  return moodleStatements(event, {
    wwwroot: WWWROOT,
    actor: moodleActor(WWWROOT, STUDENT, 'user-id'),
    cmid: values.cmid ?? 15,
    ...values,
  }) as Statement[];
}

/** The learner's outcome state after the statements, as the LRS would fold them. */
function stateAfter(statements: readonly Statement[], source: 'platform' | 'content' = 'platform') {
  return stateOf(
    statements.flatMap((statement, index) =>
      outcomeFactsOf({ id: `s${index}`, userId: 'learner', registration: null, source, statement }),
    ),
  );
}

function isMet(rule: Rule, statements: readonly Statement[], source?: 'platform' | 'content') {
  return evaluateRule(rule, stateAfter(statements, source)).isMet;
}

describe('LMS activities as Moodle logstore_xapi reports them (lms-emitters)', () => {
  it('builds fixtures the tool accepts as valid xAPI statements', () => {
    for (const event of [
      'attempt-started',
      'attempt-submitted',
      'attempt-reviewed',
      'course-module-completion-updated',
      'assignment-graded',
    ] as const) {
      for (const statement of sent(event, { raw: 9 })) {
        expect(() => validateStatement(statement)).not.toThrow();
      }
    }
  });

  it('counts a submitted quiz attempt as evidence about the attempt and the quiz', () => {
    const [attempt] = sent('attempt-submitted', { raw: 9 });
    expect(activityEvidence(attempt!, 'platform')).toEqual([
      {
        activityId: ATTEMPT,
        verbId: 'http://adlnet.gov/expapi/verbs/completed',
        success: true,
        completion: true,
        scoreScaled: 0.9,
      },
      {
        activityId: QUIZ,
        verbId: 'http://adlnet.gov/expapi/verbs/completed',
        success: true,
        completion: true,
        scoreScaled: 0.9,
      },
    ]);
  });

  it('meets passed(quiz) with a passing attempt when the quiz has no completion tracking', () => {
    expect(
      isMet({ passed: QUIZ }, [
        ...sent('attempt-started'),
        ...sent('attempt-submitted', { raw: 9 }),
      ]),
    ).toBe(true);
  });

  it('does not meet passed(quiz) with a failing attempt, even when some questions were right', () => {
    const statements = [...sent('attempt-started'), ...sent('attempt-submitted', { raw: 5 })];
    expect(statements.some((s) => s.result?.success === true)).toBe(true);
    expect(isMet({ passed: QUIZ }, statements)).toBe(false);
    expect(isMet({ completed: QUIZ }, statements)).toBe(true);
  });

  it('reads the score as the share of the maximum, not Moodle scaled (2 × share − 1)', () => {
    const [attempt] = sent('attempt-submitted', { raw: 8.5 });
    expect(attempt!.result?.score?.scaled).toBeCloseTo(0.7);
    expect(isMet({ scoreAtLeast: { activity: QUIZ, scaled: 0.8 } }, [attempt!])).toBe(true);
    expect(isMet({ scoreAtLeast: { activity: QUIZ, scaled: 0.9 } }, [attempt!])).toBe(false);
  });

  it('takes the best attempt for a score rule, and the score from the attempt when completion tracking also reports the quiz', () => {
    const statements = [
      ...sent('attempt-submitted', { raw: 6 }),
      ...sent('attempt-submitted', { raw: 8 }),
      ...sent('course-module-completion-updated', { success: true }),
    ];
    expect(isMet({ scoreAtLeast: { activity: QUIZ, scaled: 0.8 } }, statements)).toBe(true);
    expect(isMet({ passed: QUIZ }, statements)).toBe(true);
  });

  it('never credits the quiz with an answered question or a review', () => {
    const questions = sent('attempt-submitted', { raw: 10 }).slice(1);
    expect(questions.every((q) => activityEvidence(q, 'platform').length === 1)).toBe(true);
    expect(activityEvidence(sent('attempt-reviewed')[0]!, 'platform')).toHaveLength(1);
  });

  it('credits a graded assignment submission to the assignment', () => {
    const [graded] = sent('assignment-graded', { raw: 7, success: true, cmid: 20 });
    const assignment = `${WWWROOT}/mod/assign/view.php?id=20`;
    expect(isMet({ passed: assignment }, [graded!])).toBe(true);
    expect(isMet({ scoreAtLeast: { activity: assignment, scaled: 0.7 } }, [graded!])).toBe(true);
  });

  it('ignores the LMS parent of statements sent by content (they could name any parent)', () => {
    expect(isMet({ passed: QUIZ }, sent('attempt-submitted', { raw: 10 }), 'content')).toBe(false);
  });

  it('reads other statements as before: their own object and their scaled score', () => {
    const statement: Statement = {
      actor: { mbox: 'mailto:a@example.org' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/passed' },
      object: { id: 'https://courses.example.org/quiz' },
      result: { score: { scaled: 0.6, raw: 90, min: 0, max: 100 }, success: true },
      context: { contextActivities: { parent: [{ id: QUIZ }] } },
    };
    expect(activityEvidence(statement, 'platform')).toEqual([
      {
        activityId: 'https://courses.example.org/quiz',
        verbId: 'http://adlnet.gov/expapi/verbs/passed',
        success: true,
        completion: null,
        scoreScaled: 0.6,
      },
    ]);
  });
});
