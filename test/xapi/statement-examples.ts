/** Statements for the xAPI tests: a complete valid one, and a way to change one field of it. */

export const STATEMENT_ID = 'fd41c918-b88b-4b20-a0a5-a4c32391aaa0';
export const REGISTRATION = 'ec531277-b57b-4c15-8d91-d292c5b2b8f7';
export const QUIZ_ID = 'https://courses.example.org/quiz/1';

/** A statement using most of the data model; each call returns a fresh copy. */
export function fullStatement(): Record<string, unknown> {
  return {
    id: STATEMENT_ID,
    actor: { objectType: 'Agent', name: 'Ann Learner', mbox: 'mailto:ann@example.org' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/passed', display: { 'en-US': 'passed' } },
    object: {
      objectType: 'Activity',
      id: QUIZ_ID,
      definition: {
        name: { en: 'Quiz 1' },
        description: { en: 'The first quiz' },
        type: 'http://adlnet.gov/expapi/activities/assessment',
        moreInfo: 'https://courses.example.org/quiz/1/about',
        extensions: { 'https://example.org/ext/difficulty': 'easy' },
      },
    },
    result: {
      score: { scaled: 0.8, raw: 8, min: 0, max: 10 },
      success: true,
      completion: true,
      response: 'done',
      duration: 'PT4M30S',
      extensions: { 'https://example.org/ext/attempt': 2 },
    },
    context: {
      registration: REGISTRATION,
      instructor: {
        objectType: 'Agent',
        account: { homePage: 'https://lms.example.org', name: 't1' },
      },
      team: { objectType: 'Group', name: 'Team A', member: [{ mbox: 'mailto:bob@example.org' }] },
      contextActivities: {
        parent: [{ id: 'https://courses.example.org/course/1' }],
        category: { id: 'https://w3id.org/xapi/cmi5/context/categories/cmi5' },
      },
      revision: 'r2',
      platform: 'Moodle',
      language: 'en-GB',
      statement: { objectType: 'StatementRef', id: '6690e6c9-3ef0-4ed3-8b37-7f3964730bee' },
      extensions: { 'https://example.org/ext/session': { nested: [1, null] } },
    },
    timestamp: '2024-05-01T10:20:30.123Z',
  };
}

/** The smallest valid statement. */
export function minimalStatement(): Record<string, unknown> {
  return {
    actor: { mbox: 'mailto:ann@example.org' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
    object: { id: QUIZ_ID },
  };
}

/**
 * A copy of `statement` with the value at `path` (`result.score.scaled`, `context.team.member.0`)
 * replaced, or removed when `value` is undefined.
 */
export function changed(
  statement: Record<string, unknown>,
  path: string,
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(statement);
  const keys = path.split('.');
  const last = keys.pop() as string;
  let target = copy as Record<string, unknown>;
  for (const key of keys) {
    target[key] ??= {};
    target = target[key] as Record<string, unknown>;
  }
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}
