import { describe, expect, it } from 'vitest';
import type { Statement } from '../../src/xapi/statement.js';
import { statementsMatch } from '../../src/xapi/statements-match.js';
import { validateStatement } from '../../src/xapi/validate/statement.js';
import { changed, fullStatement } from './statement-examples.js';

function valid(statement: Record<string, unknown>): Statement {
  return validateStatement(statement);
}

describe('statementsMatch (xAPI Data 2.3.1, Statement Comparison Requirements)', () => {
  const original = fullStatement();

  const ignored: [string, string, unknown][] = [
    ['stored', 'stored', '2030-01-01T00:00:00Z'],
    ['authority', 'authority', { account: { homePage: 'https://lrs.example.org', name: 'key' } }],
    ['version', 'version', '1.0.0'],
    ['a missing timestamp (the LRS fills it in)', 'timestamp', undefined],
    ['the timestamp in another time zone', 'timestamp', '2024-05-01T12:20:30.123+02:00'],
    ['timestamp digits beyond milliseconds', 'timestamp', '2024-05-01T10:20:30.1234Z'],
    ['the verb display', 'verb.display', { de: 'bestanden' }],
    ['the activity definition', 'object.definition', { name: { en: 'Another name' } }],
    [
      'a context activity definition',
      'context.contextActivities.parent',
      [{ id: 'https://courses.example.org/course/1', definition: { name: { en: 'Course' } } }],
    ],
    [
      'a context activity sent as a single object',
      'context.contextActivities.parent',
      { id: 'https://courses.example.org/course/1' },
    ],
    ['the case of the mbox domain', 'actor.mbox', 'mailto:ann@EXAMPLE.org'],
    ['an objectType left to its default', 'actor.objectType', undefined],
    [
      'the case of the registration UUID',
      'context.registration',
      'EC531277-B57B-4C15-8D91-D292C5B2B8F7',
    ],
    ['the case of the language tag', 'context.language', 'EN-gb'],
    ['duration digits beyond 0.01 s', 'result.duration', 'PT4M30.004S'],
  ];
  it.each(ignored)('ignores %s', (_name, path, value) => {
    expect(statementsMatch(valid(original), valid(changed(original, path, value)))).toBe(true);
  });

  const counted: [string, string, unknown][] = [
    ['another actor', 'actor.mbox', 'mailto:eve@example.org'],
    ['the case of the mbox local part', 'actor.mbox', 'mailto:Ann@example.org'],
    ['the actor name', 'actor.name', 'Ann L.'],
    ['another verb', 'verb.id', 'http://adlnet.gov/expapi/verbs/failed'],
    ['another object', 'object.id', 'https://courses.example.org/quiz/2'],
    ['another score', 'result.score.scaled', 0.9],
    ['a missing result part', 'result.success', undefined],
    ['another instant', 'timestamp', '2024-05-01T10:20:31.123Z'],
    ['a different duration', 'result.duration', 'PT4M31S'],
    ['a different extension value', 'result.extensions', { 'https://example.org/ext/attempt': 3 }],
    [
      'the order of context activities',
      'context.contextActivities.parent',
      [
        { id: 'https://courses.example.org/course/2' },
        { id: 'https://courses.example.org/course/1' },
      ],
    ],
    ['another registration', 'context.registration', '00000000-0000-4000-8000-000000000000'],
  ];
  it.each(counted)('counts %s as different content', (_name, path, value) => {
    expect(statementsMatch(valid(original), valid(changed(original, path, value)))).toBe(false);
  });

  it('treats group members as an unordered list', () => {
    const group = (members: string[]) => ({
      objectType: 'Group',
      member: members.map((mbox) => ({ mbox })),
    });
    const a = changed(original, 'actor', group(['mailto:a@example.org', 'mailto:b@example.org']));
    const b = changed(original, 'actor', group(['mailto:b@example.org', 'mailto:a@example.org']));
    expect(statementsMatch(valid(a), valid(b))).toBe(true);
  });
});
