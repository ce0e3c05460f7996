import { randomUUID } from 'node:crypto';

/** The LMS whose learners the statements are about (their accounts' homePage). */
export const LMS = 'https://moodle.example.org';
const VERBS = {
  answered: 'http://adlnet.gov/expapi/verbs/answered',
  passed: 'http://adlnet.gov/expapi/verbs/passed',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
} as const;

/** One assessment statement for a learner: an answer, or the pass / completion of a quiz. */
export function assessmentStatement(learner: number, index: number): Record<string, unknown> {
  const quiz = `https://content.example.org/courses/env-101/quiz-${learner % 12}`;
  const kind = index % 10 === 9 ? 'completed' : index % 10 === 8 ? 'passed' : 'answered';
  const raw = (learner * 7 + index * 3) % 11;
  return {
    id: randomUUID(),
    actor: {
      objectType: 'Agent',
      name: `Learner ${learner}`,
      account: { homePage: LMS, name: learnerAccountName(learner) },
    },
    verb: { id: VERBS[kind], display: { 'en-US': kind } },
    object: {
      objectType: 'Activity',
      id: kind === 'answered' ? `${quiz}/question-${index % 20}` : quiz,
      definition: {
        name: { 'en-US': kind === 'answered' ? `Question ${index % 20}` : 'Sustainability quiz' },
        type:
          kind === 'answered'
            ? 'http://adlnet.gov/expapi/activities/cmi.interaction'
            : 'http://adlnet.gov/expapi/activities/assessment',
        ...(kind === 'answered'
          ? {
              interactionType: 'choice',
              correctResponsesPattern: ['b'],
              choices: ['a', 'b', 'c'].map((id) => ({ id, description: { 'en-US': id } })),
            }
          : {}),
      },
    },
    result: {
      score: { scaled: raw / 10, raw, min: 0, max: 10 },
      success: raw >= 6,
      completion: kind !== 'answered',
      duration: `PT${(index % 50) + 5}S`,
      ...(kind === 'answered' ? { response: raw >= 6 ? 'b' : 'a' } : {}),
    },
    context: {
      registration: `00000000-0000-4000-8000-${String(learner).padStart(12, '0')}`,
      contextActivities: {
        parent: [{ id: quiz, objectType: 'Activity' }],
        grouping: [{ id: 'https://content.example.org/courses/env-101', objectType: 'Activity' }],
      },
      platform: 'Moodle 4.3',
      language: 'en-US',
      extensions: { 'https://microcred.example.org/xapi/attempt': (index % 3) + 1 },
    },
    timestamp: new Date(Date.now() - (index % 1000) * 1000).toISOString(),
  };
}

/** The account name (the LTI `sub`) of learner number `learner`. */
export function learnerAccountName(learner: number): string {
  return `user-${learner}`;
}
