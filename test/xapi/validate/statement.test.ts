import { describe, expect, it } from 'vitest';
import { XapiStatementInvalidError } from '../../../src/errors.js';
import { validateStatement, validateStatements } from '../../../src/xapi/validate/statement.js';
import {
  QUIZ_ID,
  STATEMENT_ID,
  changed,
  fullStatement,
  minimalStatement,
} from '../statement-examples.js';

const SUB_STATEMENT = {
  objectType: 'SubStatement',
  actor: { mbox: 'mailto:ann@example.org' },
  verb: { id: 'http://example.org/verbs/will-visit' },
  object: { id: 'http://example.org/website' },
};

function rejection(value: unknown, path?: string): XapiStatementInvalidError {
  try {
    validateStatement(value, path);
  } catch (error) {
    if (error instanceof XapiStatementInvalidError) return error;
    throw error;
  }
  throw new Error('the statement was accepted');
}

describe('validateStatement (xAPI Data 2.4): valid statements', () => {
  it('accepts a full statement and returns the same data', () => {
    const statement = fullStatement();
    const valid = validateStatement(statement);
    expect(valid.result).toEqual(statement.result);
    expect(valid.object).toEqual(statement.object);
    expect(valid.context?.team).toEqual((statement.context as { team: unknown }).team);
  });

  it('accepts the smallest statement: actor, verb and object id', () => {
    expect(validateStatement(minimalStatement())).toEqual(minimalStatement());
  });

  it('returns context activities sent as a single activity as an array (xAPI Data 2.4.6.2)', () => {
    const valid = validateStatement(fullStatement());
    expect(valid.context?.contextActivities?.category).toEqual([
      { id: 'https://w3id.org/xapi/cmi5/context/categories/cmi5' },
    ]);
    expect(valid.context?.contextActivities?.parent).toEqual([
      { id: 'https://courses.example.org/course/1' },
    ]);
  });

  it('returns UUIDs in lower case', () => {
    const statement = changed(fullStatement(), 'id', STATEMENT_ID.toUpperCase());
    const valid = validateStatement(
      changed(statement, 'context.registration', 'EC531277-B57B-4C15-8D91-D292C5B2B8F7'),
    );
    expect(valid.id).toBe(STATEMENT_ID);
    expect(valid.context?.registration).toBe('ec531277-b57b-4c15-8d91-d292c5b2b8f7');
  });

  it('does not add properties the client did not send', () => {
    const valid = validateStatement(minimalStatement());
    expect(Object.keys(valid).sort()).toEqual(['actor', 'object', 'verb']);
    expect(valid.object).not.toHaveProperty('objectType');
  });

  const validVariants: [string, string, unknown][] = [
    [
      'an mbox_sha1sum actor',
      'actor',
      { mbox_sha1sum: 'ebd31e95054c018b10727ccffd2ef2ec3a016ee9' },
    ],
    ['an openid actor', 'actor', { openid: 'http://openid.example.org/12345' }],
    [
      'an account actor',
      'actor',
      { account: { homePage: 'http://www.example.com', name: '1625378' } },
    ],
    [
      'an identified group actor with members',
      'actor',
      {
        objectType: 'Group',
        mbox: 'mailto:team@example.org',
        member: [{ mbox: 'mailto:a@example.org' }],
      },
    ],
    [
      'an identified group actor without members',
      'actor',
      { objectType: 'Group', openid: 'http://example.org/g' },
    ],
    [
      'an anonymous group actor',
      'actor',
      { objectType: 'Group', member: [{ mbox: 'mailto:a@example.org' }] },
    ],
    ['an Agent object', 'object', { objectType: 'Agent', mbox: 'mailto:bob@example.org' }],
    [
      'a Group object',
      'object',
      { objectType: 'Group', member: [{ mbox: 'mailto:bob@example.org' }] },
    ],
    ['a StatementRef object', 'object', { objectType: 'StatementRef', id: STATEMENT_ID }],
    ['a SubStatement object', 'object', SUB_STATEMENT],
    [
      'a SubStatement with a future timestamp',
      'object',
      { ...SUB_STATEMENT, timestamp: '2999-01-01T00:00:00Z' },
    ],
    ['a verb IRI with non-ASCII letters', 'verb', { id: 'http://example.com/فعل/خواندن' }],
    ['version 1.0.0', 'version', '1.0.0'],
    ['version 1.0', 'version', '1.0'],
    ['version 1.0.3', 'version', '1.0.3'],
    ['version 2.0.0', 'version', '2.0.0'],
    ['a timestamp with an offset', 'timestamp', '2024-05-01T12:20:30+02:00'],
    ['a timestamp with microseconds', 'timestamp', '2024-05-01T10:20:30.123456Z'],
    ['a timestamp in the basic format', 'timestamp', '20240501T102030Z'],
    ['a timestamp without seconds', 'timestamp', '2024-05-01T10:20Z'],
    ['a leap day', 'timestamp', '2024-02-29T00:00:00Z'],
    ['a duration in years', 'result.duration', 'P3Y'],
    ['a duration in weeks', 'result.duration', 'P4W'],
    ['a duration in seconds with a fraction', 'result.duration', 'PT16559.14S'],
    ['a duration with days and hours', 'result.duration', 'P1DT2H'],
    ['a raw score equal to min', 'result.score', { raw: 0, min: 0, max: 10 }],
    ['a scaled score of -1', 'result.score', { scaled: -1 }],
    ['null values inside extensions', 'result.extensions', { 'https://example.org/ext/x': null }],
    ['an empty response', 'result.response', ''],
    ['a language tag with script and region', 'context.language', 'zh-Hant-TW'],
    ['a language tag with a variant', 'context.language', 'de-CH-1996'],
    ['a private-use language tag', 'context.language', 'x-whatever'],
    ['an irregular grandfathered language tag', 'context.language', 'i-klingon'],
    ['an extension language tag', 'context.language', 'en-a-bbb-x-a'],
    [
      'xAPI 2.0 context agents',
      'context.contextAgents',
      [
        {
          objectType: 'contextAgent',
          agent: { mbox: 'mailto:c@example.org' },
          relevantTypes: ['https://example.org/types/coach'],
        },
      ],
    ],
    [
      'xAPI 2.0 context groups',
      'context.contextGroups',
      [
        {
          objectType: 'contextGroup',
          group: { objectType: 'Group', openid: 'http://example.org/g' },
        },
      ],
    ],
    [
      'an attachment with a fileUrl',
      'attachments',
      [
        {
          usageType: 'http://adlnet.gov/expapi/attachments/signature',
          display: { 'en-US': 'Signature' },
          contentType: 'application/octet-stream',
          length: 4235,
          sha2: '672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634',
          fileUrl: 'https://example.org/files/signature',
        },
      ],
    ],
  ];
  it.each(validVariants)('accepts %s', (_name, path, value) => {
    expect(() => validateStatement(changed(minimalStatement(), path, value))).not.toThrow();
  });

  it('accepts an interaction activity with its component list', () => {
    const definition = {
      type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
      interactionType: 'choice',
      correctResponsesPattern: ['golf[,]tetris'],
      choices: [
        { id: 'golf', description: { 'en-US': 'Golf Example' } },
        { id: 'tetris', description: { 'en-US': 'Tetris Example' } },
      ],
    };
    const valid = validateStatement(changed(minimalStatement(), 'object.definition', definition));
    expect(valid.object).toEqual({ id: QUIZ_ID, definition });
  });

  it('accepts a voiding statement whose object is a StatementRef (xAPI Data 2.3.2)', () => {
    const voiding = {
      actor: { mbox: 'mailto:admin@example.org' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
      object: { objectType: 'StatementRef', id: STATEMENT_ID },
    };
    expect(validateStatement(voiding).object).toEqual(voiding.object);
  });
});

describe('validateStatement (xAPI Data 2.2, 2.4): refusals name the field', () => {
  const refusals: [string, unknown, string][] = [
    // statement
    [
      'Actor',
      { mbox: 'mailto:a@example.org' },
      'statement.Actor is not a property xAPI allows here',
    ],
    ['foo', 1, 'statement.foo is not a property xAPI allows here'],
    ['actor', undefined, 'statement.actor is required'],
    ['verb', undefined, 'statement.verb is required'],
    ['object', undefined, 'statement.object is required'],
    ['id', 'not-a-uuid', 'statement.id must be a UUID'],
    ['id', 42, 'statement.id must be a UUID string, not a number'],
    ['version', '1.1.0', 'statement.version must be a 1.0.x or 2.0.x version'],
    ['version', '0.95', 'statement.version must be a 1.0.x or 2.0.x version'],
    ['version', 1, 'statement.version must be a version string'],
    [
      'timestamp',
      '2024-05-01T10:20:30',
      'statement.timestamp must be an ISO 8601 timestamp with a time zone',
    ],
    ['timestamp', '2024-02-30T10:20:30Z', 'statement.timestamp must be an ISO 8601 timestamp'],
    ['timestamp', '2023-02-29T10:20:30Z', 'statement.timestamp must be an ISO 8601 timestamp'],
    ['timestamp', '2024-05-01T24:00:00Z', 'statement.timestamp must be an ISO 8601 timestamp'],
    ['timestamp', '2024-05-01T10:20:30-00:00', 'statement.timestamp must be an ISO 8601 timestamp'],
    ['timestamp', '2024-05-01 10:20:30Z', 'statement.timestamp must be an ISO 8601 timestamp'],
    ['timestamp', 'yesterday', 'statement.timestamp must be an ISO 8601 timestamp'],
    [
      'timestamp',
      1714558830,
      'statement.timestamp must be an ISO 8601 timestamp string, not a number',
    ],
    ['stored', 'later', 'statement.stored must be an ISO 8601 timestamp'],
    [
      'authority',
      { mbox: 'mailto:a@example.org', openid: 'http://example.org/a' },
      'statement.authority must have exactly one inverse functional identifier, not 2 (mbox, openid)',
    ],
    // actor
    ['actor', 'ann', 'statement.actor must be an object, not a string'],
    [
      'actor',
      { name: 'Ann' },
      'statement.actor must have exactly one inverse functional identifier',
    ],
    [
      'actor',
      { mbox: 'mailto:a@example.org', account: { homePage: 'http://example.org', name: 'a' } },
      'statement.actor must have exactly one inverse functional identifier, not 2 (mbox, account)',
    ],
    ['actor.mbox', 'ann@example.org', 'statement.actor.mbox must be a mailto IRI'],
    ['actor.mbox', 'mailto:ann', 'statement.actor.mbox must be a mailto IRI'],
    ['actor.mbox', null, 'statement.actor.mbox must be a string, not null'],
    ['actor.name', null, 'statement.actor.name must be a string, not null'],
    ['actor.name', 7, 'statement.actor.name must be a string, not a number'],
    ['actor.objectType', 'Person', 'statement.actor.objectType must be "Agent" here, not "Person"'],
    ['actor.objectType', 'agent', 'statement.actor.objectType must be "Agent" here, not "agent"'],
    [
      'actor',
      { mbox_sha1sum: 'abc' },
      'statement.actor.mbox_sha1sum must be the hex-encoded SHA-1 hash',
    ],
    ['actor', { openid: 'openid.example.org' }, 'statement.actor.openid must be an absolute IRI'],
    ['actor', { account: { name: 'a' } }, 'statement.actor.account.homePage is required'],
    [
      'actor',
      { account: { homePage: 'http://example.org' } },
      'statement.actor.account.name is required',
    ],
    [
      'actor',
      { account: { homePage: 'example.org', name: 'a' } },
      'statement.actor.account.homePage must be an absolute IRL',
    ],
    [
      'actor',
      { account: { homePage: 'http://example.org', name: '' } },
      'statement.actor.account.name must not be empty',
    ],
    [
      'actor',
      { account: { homePage: 'http://example.org', name: 'a', id: 1 } },
      'statement.actor.account.id is not a property xAPI allows here',
    ],
    [
      'actor',
      { objectType: 'Group' },
      'statement.actor must have an inverse functional identifier or a member list',
    ],
    [
      'actor',
      { objectType: 'Group', member: [] },
      'statement.actor.member must list at least one Agent',
    ],
    [
      'actor',
      { objectType: 'Group', member: [{ objectType: 'Group', mbox: 'mailto:g@example.org' }] },
      'statement.actor.member[0] must be an Agent: a group cannot contain groups',
    ],
    [
      'actor',
      { objectType: 'Group', member: [{ mbox: 'mailto:a@example.org' }, { name: 'Nobody' }] },
      'statement.actor.member[1] must have exactly one inverse functional identifier',
    ],
    [
      'actor',
      { objectType: 'Group', mbox: 'mailto:g@example.org', openid: 'http://example.org/g' },
      'statement.actor must have exactly one inverse functional identifier, not 2',
    ],
    [
      'actor',
      { objectType: 'Group', mbox: 'mailto:g@example.org', member: {} },
      'statement.actor.member must be an array',
    ],
    // verb
    ['verb.id', undefined, 'statement.verb.id is required'],
    ['verb.id', 'passed', 'statement.verb.id must be an absolute IRI with a scheme, not "passed"'],
    ['verb.id', 'http://example.org/has space', 'statement.verb.id must be an absolute IRI'],
    ['verb.id', 'http://example.org/%zz', 'statement.verb.id must be an absolute IRI'],
    ['verb.display', 'passed', 'statement.verb.display must be an object, not a string'],
    [
      'verb.display',
      { en_US: 'passed' },
      'statement.verb.display has a key "en_US" that is not an RFC 5646 language tag',
    ],
    [
      'verb.display',
      { 'en-US': 1 },
      'statement.verb.display["en-US"] must be a string, not a number',
    ],
    ['verb.extra', true, 'statement.verb.extra is not a property xAPI allows here'],
    // object
    [
      'object.objectType',
      'Thing',
      'statement.object.objectType must be Activity, Agent, Group, StatementRef or SubStatement, not "Thing"',
    ],
    [
      'object.objectType',
      'activity',
      'statement.object.objectType must be Activity, Agent, Group, StatementRef or SubStatement',
    ],
    ['object.id', undefined, 'statement.object.id is required'],
    ['object.id', '#quiz', 'statement.object.id must be an absolute IRI'],
    [
      'object.definition.title',
      'Quiz',
      'statement.object.definition.title is not a property xAPI allows here',
    ],
    [
      'object.definition.name',
      { 'en US': 'Quiz' },
      'statement.object.definition.name has a key "en US"',
    ],
    [
      'object.definition.type',
      'assessment',
      'statement.object.definition.type must be an absolute IRI',
    ],
    [
      'object.definition.moreInfo',
      'about.html',
      'statement.object.definition.moreInfo must be an absolute IRL',
    ],
    [
      'object.definition.interactionType',
      'essay',
      'statement.object.definition.interactionType must be one of true-false',
    ],
    [
      'object.definition.choices',
      [{ id: 'a' }],
      'statement.object.definition.choices needs an interactionType',
    ],
    [
      'object.definition.correctResponsesPattern',
      ['a'],
      'statement.object.definition.correctResponsesPattern needs an interactionType',
    ],
    [
      'object.definition.extensions',
      { difficulty: 1 },
      'statement.object.definition.extensions has a key "difficulty" that is not an IRI',
    ],
    [
      'object',
      { objectType: 'Agent', name: 'Bob' },
      'statement.object must have exactly one inverse functional identifier',
    ],
    ['object', { objectType: 'StatementRef', id: 'abc' }, 'statement.object.id must be a UUID'],
    [
      'object',
      { objectType: 'StatementRef', id: STATEMENT_ID, verb: {} },
      'statement.object.verb is not a property xAPI allows here',
    ],
    [
      'object',
      { ...SUB_STATEMENT, id: STATEMENT_ID },
      'statement.object.id is not allowed in a SubStatement',
    ],
    [
      'object',
      { ...SUB_STATEMENT, stored: '2024-05-01T10:20:30Z' },
      'statement.object.stored is not allowed in a SubStatement',
    ],
    [
      'object',
      { ...SUB_STATEMENT, version: '1.0.0' },
      'statement.object.version is not allowed in a SubStatement',
    ],
    [
      'object',
      { ...SUB_STATEMENT, authority: { mbox: 'mailto:a@example.org' } },
      'statement.object.authority is not allowed in a SubStatement',
    ],
    [
      'object',
      { ...SUB_STATEMENT, object: SUB_STATEMENT },
      'statement.object.object must not be a SubStatement: SubStatements cannot be nested',
    ],
    ['object', { ...SUB_STATEMENT, verb: undefined }, 'statement.object.verb is required'],
    [
      'object',
      { ...SUB_STATEMENT, extra: 1 },
      'statement.object.extra is not a property xAPI allows here',
    ],
    [
      'object',
      { ...SUB_STATEMENT, timestamp: 'soon' },
      'statement.object.timestamp must be an ISO 8601 timestamp',
    ],
    [
      'verb.id',
      'http://adlnet.gov/expapi/verbs/voided',
      'statement.object.objectType must be "StatementRef" in a statement that voids another',
    ],
    // result
    ['result.score.scaled', 1.5, 'statement.result.score.scaled must be between -1 and 1'],
    ['result.score.scaled', -1.01, 'statement.result.score.scaled must be between -1 and 1'],
    ['result.score.scaled', '0.5', 'statement.result.score.scaled must be a number, not a string'],
    ['result.score.raw', -1, 'statement.result.score.raw must not be less than min (0)'],
    ['result.score.raw', 11, 'statement.result.score.raw must not be greater than max (10)'],
    ['result.score.min', 10, 'statement.result.score.min must be less than max (10)'],
    [
      'result.score.percent',
      80,
      'statement.result.score.percent is not a property xAPI allows here',
    ],
    ['result.success', 'true', 'statement.result.success must be true or false, not a string'],
    ['result.completion', 1, 'statement.result.completion must be true or false, not a number'],
    ['result.completion', null, 'statement.result.completion must be true or false, not null'],
    ['result.response', 42, 'statement.result.response must be a string, not a number'],
    ['result.duration', '4 minutes', 'statement.result.duration must be an ISO 8601 duration'],
    ['result.duration', 'P', 'statement.result.duration must be an ISO 8601 duration'],
    ['result.duration', 'PT', 'statement.result.duration must be an ISO 8601 duration'],
    ['result.duration', 'P1.5Y2M', 'statement.result.duration must be an ISO 8601 duration'],
    ['result.duration', 'P4W1D', 'statement.result.duration must be an ISO 8601 duration'],
    [
      'result.duration',
      'P0003-06-04T12:30:05',
      'statement.result.duration must be an ISO 8601 duration',
    ],
    [
      'result.extensions',
      { attempt: 2 },
      'statement.result.extensions has a key "attempt" that is not an IRI',
    ],
    ['result.extensions', [], 'statement.result.extensions must be an object, not an array'],
    ['result.grade', 'A', 'statement.result.grade is not a property xAPI allows here'],
    // context
    ['context.registration', 'reg-1', 'statement.context.registration must be a UUID'],
    [
      'context.instructor',
      { name: 'Teacher' },
      'statement.context.instructor must have exactly one inverse functional identifier',
    ],
    [
      'context.team',
      { mbox: 'mailto:bob@example.org' },
      'statement.context.team.objectType is required and must be "Group"',
    ],
    [
      'context.contextActivities.parents',
      [],
      'statement.context.contextActivities.parents is not a property xAPI allows here',
    ],
    [
      'context.contextActivities.parent',
      'https://courses.example.org/course/1',
      'statement.context.contextActivities.parent must be an object, not a string',
    ],
    [
      'context.contextActivities.grouping',
      [{ definition: {} }],
      'statement.context.contextActivities.grouping[0].id is required',
    ],
    ['context.language', 'english!', 'statement.context.language must be an RFC 5646 language tag'],
    [
      'context.statement',
      { id: STATEMENT_ID },
      'statement.context.statement.objectType must be "StatementRef"',
    ],
    [
      'context.extensions',
      { session: 1 },
      'statement.context.extensions has a key "session" that is not an IRI',
    ],
    ['context.contextAgents', {}, 'statement.context.contextAgents must be an array'],
    [
      'context.contextAgents',
      [{ agent: { mbox: 'mailto:c@example.org' } }],
      'statement.context.contextAgents[0].objectType must be "contextAgent"',
    ],
    [
      'context.contextAgents',
      [{ objectType: 'contextAgent' }],
      'statement.context.contextAgents[0].agent is required',
    ],
    [
      'context.contextAgents',
      [{ objectType: 'contextAgent', agent: { mbox: 'mailto:c@example.org' }, relevantTypes: [] }],
      'statement.context.contextAgents[0].relevantTypes must list at least one IRI',
    ],
    [
      'context.contextAgents',
      [
        {
          objectType: 'contextAgent',
          agent: { mbox: 'mailto:c@example.org' },
          relevantTypes: ['coach'],
        },
      ],
      'statement.context.contextAgents[0].relevantTypes[0] must be an absolute IRI',
    ],
    [
      'context.contextGroups',
      [{ objectType: 'contextGroup', group: { mbox: 'mailto:c@example.org' } }],
      'statement.context.contextGroups[0].group.objectType is required and must be "Group"',
    ],
    ['context.weather', 'sunny', 'statement.context.weather is not a property xAPI allows here'],
    // attachments
    ['attachments', {}, 'statement.attachments must be an array'],
    [
      'attachments',
      [
        {
          usageType: 'http://example.org/a',
          display: { en: 'A' },
          contentType: 'text/plain',
          length: 1,
        },
      ],
      'statement.attachments[0].sha2 is required',
    ],
    [
      'attachments',
      [
        {
          usageType: 'http://example.org/a',
          display: { en: 'A' },
          contentType: 'text',
          length: 1,
          sha2: 'ab',
        },
      ],
      'statement.attachments[0].contentType must be an Internet media type',
    ],
    [
      'attachments',
      [
        {
          usageType: 'http://example.org/a',
          display: { en: 'A' },
          contentType: 'text/plain',
          length: -1,
          sha2: 'ab',
        },
      ],
      'statement.attachments[0].length must be a whole number of octets',
    ],
  ];

  it.each(refusals)('refuses %s = %j', (path, value, message) => {
    const error = rejection(changed(fullStatement(), path, value));
    expect(error.code).toBe('XAPI_STATEMENT_INVALID');
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
  });

  it('refuses revision and platform when the object is not an Activity (xAPI Data 2.4.6)', () => {
    const statement = changed(fullStatement(), 'object', {
      objectType: 'StatementRef',
      id: STATEMENT_ID,
    });
    expect(rejection(statement).message).toBe(
      "statement.context.revision may only be used when the statement's object is an Activity",
    );
    expect(rejection(changed(statement, 'context.revision', undefined)).message).toBe(
      "statement.context.platform may only be used when the statement's object is an Activity",
    );
  });

  it('refuses component lists the interaction type does not use', () => {
    const statement = changed(minimalStatement(), 'object.definition', {
      interactionType: 'true-false',
      choices: [{ id: 'a' }],
    });
    expect(rejection(statement).message).toBe(
      'statement.object.definition.choices is not used by the interaction type "true-false"',
    );
  });

  it('refuses interaction components with the same id', () => {
    const statement = changed(minimalStatement(), 'object.definition', {
      interactionType: 'likert',
      scale: [{ id: 'good' }, { id: 'good' }],
    });
    expect(rejection(statement).message).toBe(
      'statement.object.definition.scale[1].id repeats the id "good" of another component',
    );
  });

  it.each([null, [], 'statement', 3])('refuses a statement that is not an object: %j', (value) => {
    expect(rejection(value).message).toMatch(/^statement must be an object, not /);
  });
});

describe('validateStatements (xAPI Communication 2.1.2)', () => {
  it('accepts one statement or an array of them', () => {
    expect(validateStatements(minimalStatement())).toHaveLength(1);
    expect(validateStatements([minimalStatement(), fullStatement()])).toHaveLength(2);
  });

  it('names the failing statement of a batch by its index', () => {
    const batch = [
      minimalStatement(),
      minimalStatement(),
      changed(fullStatement(), 'result.score.scaled', 2),
    ];
    expect(() => validateStatements(batch)).toThrow(
      'statement[2].result.score.scaled must be between -1 and 1',
    );
  });
});
