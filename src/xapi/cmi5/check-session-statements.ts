/**
 * The cmi5 statement rules the LMS enforces on what an AU sends in a session (cmi5 sections
 * 9.3, 9.5, 9.6, 10.2.2 and 11): pure, over plain data. The LRS refuses the whole batch when one
 * statement breaks them (section 6.3: the LMS SHOULD reject such statements) with 403, as the
 * CATAPULT LMS Test Suite expects of a refused statement, so nothing the LMS would have to
 * void is ever stored.
 */
import type { Statement } from '../statement.js';
import {
  CMI5_CATEGORY,
  CMI5_EXTENSIONS,
  LMS_ONLY_VERBS,
  MOVE_ON_CATEGORY,
  verbNameOf,
  type Cmi5Verb,
} from './cmi5-vocabulary.js';

export type Cmi5LaunchMode = 'Normal' | 'Browse' | 'Review';

/** What the session and its registration hold before the statements arrive. */
export interface SessionFacts {
  readonly sessionId: string;
  readonly launchMode: Cmi5LaunchMode;
  /** The launch activityId: the object of every cmi5 defined statement (section 9.4). */
  readonly auActivityId: string;
  /** The AU's id in the course structure, in the contextTemplate's `grouping` (9.6.2.3). */
  readonly publisherIri: string;
  readonly masteryScore: number | null;
  /** Whether the AU read the learner preferences in this session (section 11). */
  readonly hasReadPreferences: boolean;
  readonly isInitialized: boolean;
  readonly isTerminated: boolean;
  readonly isAbandoned: boolean;
  /** In this AU and registration (section 9.3, ordering rules within a registration). */
  readonly hasCompleted: boolean;
  readonly hasPassed: boolean;
  /** Whether this session already sent `passed` or `failed` (one of them per session). */
  readonly hasJudgedInSession: boolean;
}

/** A cmi5 defined statement that changes what the LMS records, in order. */
export interface Cmi5Event {
  readonly verb: Cmi5Verb;
  readonly statementId: string;
}

/** Why the LMS refuses a statement, with its index in the batch. */
export class Cmi5RuleViolation extends Error {
  constructor(
    message: string,
    readonly kind: 'rejected' | 'session-closed',
  ) {
    super(message);
  }
}

/** An ISO 8601 date-time in UTC: ends in Z or a zero offset (cmi5 section 9.7). */
const UTC_TIMESTAMP = /(?:Z|[+-]00:?00)$/i;

/**
 * What every statement of a cmi5 session carries as the AU sent it, before the LRS fills in an
 * id: an id (cmi5 section 9.1), a UTC timestamp (9.7), a raw score with its range (9.5.1).
 * The launch scope (launch-scope.ts) already holds the actor, the registration and voiding.
 * Throws Cmi5RuleViolation.
 */
export function checkSessionStatementForms(statements: readonly Statement[]): void {
  statements.forEach((statement, index) => {
    const refuse = (why: string) => {
      throw new Cmi5RuleViolation(`statement[${index}]: ${why}`, 'rejected');
    };
    if (statement.id === undefined)
      refuse('a cmi5 AU gives each statement an id (cmi5 section 9.1)');
    if (statement.timestamp === undefined) {
      refuse('a cmi5 AU gives each statement a timestamp (cmi5 section 9.7)');
    } else if (!UTC_TIMESTAMP.test(statement.timestamp)) {
      refuse(`the timestamp ${statement.timestamp} must be in UTC, ending in Z (cmi5 section 9.7)`);
    }
    const score = statement.result?.score;
    if (score?.raw !== undefined && (score.min === undefined || score.max === undefined)) {
      refuse('result.score.raw needs result.score.min and max (cmi5 section 9.5.1)');
    }
  });
}

/**
 * Checks the statements in the order sent against the session's facts. Returns the facts after
 * them and the cmi5 defined statements among them; throws Cmi5RuleViolation at the first one
 * the LMS must refuse.
 */
export function checkSessionStatements(
  facts: SessionFacts,
  statements: readonly (Statement & { id: string })[],
): { facts: SessionFacts; events: Cmi5Event[] } {
  let current = facts;
  const events: Cmi5Event[] = [];
  statements.forEach((statement, index) => {
    const at = `statement[${index}]`;
    const event = checkOne(current, statement, at);
    current = after(current, event);
    if (event) events.push({ verb: event, statementId: statement.id });
  });
  return { facts: current, events };
}

function checkOne(facts: SessionFacts, statement: Statement, at: string): Cmi5Verb | null {
  if (facts.isAbandoned) {
    throw new Cmi5RuleViolation(
      `${at}: this cmi5 session was abandoned; the LMS records nothing more for it (cmi5 section 9.3.6)`,
      'session-closed',
    );
  }
  if (facts.isTerminated) {
    throw new Cmi5RuleViolation(
      `${at}: this cmi5 session is terminated; terminated is the last statement of a session (cmi5 section 9.3.8)`,
      'session-closed',
    );
  }
  const context = statement.context ?? {};
  const sessionId = context.extensions?.[CMI5_EXTENSIONS.sessionId];
  if (sessionId !== facts.sessionId) {
    throw new Cmi5RuleViolation(
      `${at}.context.extensions must carry the session id of the launch (${CMI5_EXTENSIONS.sessionId}: "${facts.sessionId}", cmi5 section 9.6.3.1)`,
      'rejected',
    );
  }
  const grouping = (context.contextActivities?.grouping ?? []).map((activity) => activity.id);
  if (!grouping.includes(facts.publisherIri)) {
    throw new Cmi5RuleViolation(
      `${at}.context.contextActivities.grouping must hold the publisher id ${facts.publisherIri} of the contextTemplate (cmi5 sections 9.6.2.3, 10.2.1)`,
      'rejected',
    );
  }
  const categories = (context.contextActivities?.category ?? []).map((activity) => activity.id);
  const isDefined = categories.includes(CMI5_CATEGORY);
  const verb = verbNameOf(statement.verb.id);
  if (!facts.isInitialized && !(isDefined && verb === 'initialized')) {
    throw new Cmi5RuleViolation(
      `${at}: the first statement of a cmi5 session must be a cmi5 defined "initialized" (cmi5 section 9.3.2)`,
      'rejected',
    );
  }
  if (!isDefined) {
    if (categories.includes(MOVE_ON_CATEGORY)) {
      throw new Cmi5RuleViolation(
        `${at}: only cmi5 defined statements carry the moveOn category (cmi5 section 9.6.2.2)`,
        'rejected',
      );
    }
    return null;
  }
  if (!verb || LMS_ONLY_VERBS.includes(verb)) {
    throw new Cmi5RuleViolation(
      `${at}: a cmi5 defined statement from an AU uses initialized, completed, passed, failed or terminated, not ${statement.verb.id} (cmi5 section 9.3)`,
      'rejected',
    );
  }
  checkObjectIsAu(facts, statement, at);
  checkResult(verb, statement, at);
  checkMoveOnCategory(verb, categories, at);
  checkOrder(facts, verb, at);
  if ((verb === 'passed' || verb === 'failed') && facts.masteryScore !== null) {
    const isScored = statement.result?.score?.scaled !== undefined;
    if (isScored && context.extensions?.[CMI5_EXTENSIONS.masteryScore] !== facts.masteryScore) {
      throw new Cmi5RuleViolation(
        `${at}.context.extensions must carry the mastery score of the launch with a scaled score (${CMI5_EXTENSIONS.masteryScore}: ${facts.masteryScore}, cmi5 section 9.6.3.2)`,
        'rejected',
      );
    }
    checkMastery(verb, statement.result?.score?.scaled, facts.masteryScore, at);
  }
  return verb;
}

function checkObjectIsAu(facts: SessionFacts, statement: Statement, at: string): void {
  const object = statement.object;
  const isActivity = object.objectType === undefined || object.objectType === 'Activity';
  if (!isActivity || object.id !== facts.auActivityId) {
    throw new Cmi5RuleViolation(
      `${at}.object must be the AU, the launch activityId ${facts.auActivityId} (cmi5 section 9.4)`,
      'rejected',
    );
  }
}

/** Sections 9.5.1 to 9.5.3: which result properties each cmi5 defined verb carries. */
function checkResult(verb: Cmi5Verb, statement: Statement, at: string): void {
  const result = statement.result ?? {};
  const isJudged = verb === 'passed' || verb === 'failed';
  if (result.score !== undefined && !isJudged) {
    throw new Cmi5RuleViolation(
      `${at}: a cmi5 defined "${verb}" carries no score; only passed and failed do (cmi5 section 9.5.1)`,
      'rejected',
    );
  }
  const expectedSuccess = verb === 'passed' ? true : verb === 'failed' ? false : undefined;
  if (result.success !== expectedSuccess) {
    throw new Cmi5RuleViolation(
      expectedSuccess === undefined
        ? `${at}: a cmi5 defined "${verb}" carries no result.success (cmi5 section 9.5.2)`
        : `${at}: a cmi5 defined "${verb}" must have result.success ${String(expectedSuccess)} (cmi5 section 9.5.2)`,
      'rejected',
    );
  }
  const expectedCompletion = verb === 'completed' ? true : undefined;
  if (result.completion !== expectedCompletion) {
    throw new Cmi5RuleViolation(
      expectedCompletion
        ? `${at}: a cmi5 defined "completed" must have result.completion true (cmi5 section 9.5.3)`
        : `${at}: a cmi5 defined "${verb}" carries no result.completion (cmi5 section 9.5.3)`,
      'rejected',
    );
  }
  if ((isJudged || verb === 'completed' || verb === 'terminated') && !result.duration) {
    throw new Cmi5RuleViolation(
      `${at}: a cmi5 defined "${verb}" must carry result.duration (cmi5 section 9.5.4.1)`,
      'rejected',
    );
  }
}

function checkMoveOnCategory(verb: Cmi5Verb, categories: readonly string[], at: string): void {
  const needsMoveOn = verb === 'passed' || verb === 'failed' || verb === 'completed';
  if (needsMoveOn !== categories.includes(MOVE_ON_CATEGORY)) {
    throw new Cmi5RuleViolation(
      needsMoveOn
        ? `${at}: a cmi5 defined "${verb}" must carry the moveOn category ${MOVE_ON_CATEGORY} (cmi5 section 9.6.2.2)`
        : `${at}: a cmi5 defined "${verb}" must not carry the moveOn category (cmi5 section 9.6.2.2)`,
      'rejected',
    );
  }
}

function checkOrder(facts: SessionFacts, verb: Cmi5Verb, at: string): void {
  const refuse = (why: string) => {
    throw new Cmi5RuleViolation(`${at}: ${why}`, 'rejected');
  };
  if (verb === 'initialized' && facts.isInitialized) {
    refuse('this session is already initialized (cmi5 section 9.3.2)');
  }
  if (verb === 'initialized' && !facts.hasReadPreferences) {
    refuse(
      'read the learner preferences (agent profile cmi5LearnerPreferences) before sending initialized (cmi5 section 11)',
    );
  }
  const isSatisfactionVerb = verb === 'passed' || verb === 'failed' || verb === 'completed';
  if (isSatisfactionVerb && facts.launchMode !== 'Normal') {
    refuse(
      `the AU was launched in ${facts.launchMode} mode, which records no ${verb} (cmi5 section 10.2.2)`,
    );
  }
  if (verb === 'completed' && facts.hasCompleted) {
    refuse(
      'this registration already completed this AU; completed is sent once (cmi5 section 9.3.3)',
    );
  }
  if (verb === 'passed' && facts.hasPassed) {
    refuse('this registration already passed this AU; passed is sent once (cmi5 section 9.3.4)');
  }
  if (verb === 'failed' && facts.hasPassed) {
    refuse('failed cannot follow passed in a registration (cmi5 section 9.3)');
  }
  if ((verb === 'passed' || verb === 'failed') && facts.hasJudgedInSession) {
    refuse('a session sends passed or failed once (cmi5 section 9.3)');
  }
}

/** Sections 9.3.4, 9.3.5: a score must agree with the mastery score the LMS handed out. */
function checkMastery(
  verb: 'passed' | 'failed',
  scaled: number | undefined,
  masteryScore: number,
  at: string,
): void {
  if (scaled === undefined) return;
  if (verb === 'passed' && scaled < masteryScore) {
    throw new Cmi5RuleViolation(
      `${at}: passed with result.score.scaled ${scaled}, below the mastery score ${masteryScore} (cmi5 section 9.3.4)`,
      'rejected',
    );
  }
  if (verb === 'failed' && scaled >= masteryScore) {
    throw new Cmi5RuleViolation(
      `${at}: failed with result.score.scaled ${scaled}, at or above the mastery score ${masteryScore} (cmi5 section 9.3.5)`,
      'rejected',
    );
  }
}

function after(facts: SessionFacts, verb: Cmi5Verb | null): SessionFacts {
  switch (verb) {
    case 'initialized':
      return { ...facts, isInitialized: true };
    case 'terminated':
      return { ...facts, isTerminated: true };
    case 'completed':
      return { ...facts, hasCompleted: true };
    case 'passed':
      return { ...facts, hasPassed: true, hasJudgedInSession: true };
    case 'failed':
      return { ...facts, hasJudgedInSession: true };
    default:
      return facts;
  }
}
