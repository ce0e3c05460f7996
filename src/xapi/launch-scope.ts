/**
 * What a content launch token (content-launch.ts) may do at the LRS: least privilege, after
 * what cmi5 content needs (cmi5 Quartz, section 7, AU Requirements):
 * - write statements (section 7.1) about its own learner (9.2), in its own registration
 *   (9.6.1), whose object is the launch activity or an activity under its IRI (9.4: cmi5
 *   defined statements are about the AU's `activityId`; allowed statements, 7.1.3, about its
 *   parts, such as its questions); a SubStatement's actor and object count the same way;
 * - never void (section 6.3: the LMS MUST NOT give the AU credentials that issue voiding
 *   statements), and never point at other statements or agents as the object;
 * - read and write its learner's state documents in its registration for those activities
 *   (section 10, `LMS.LaunchData` and the AU's own state);
 * - read its learner's agent profile (section 11: the AU MUST read `cmi5LearnerPreferences`
 *   and MUST NOT treat a 403 on writing it as an error, so writes are refused: the profile
 *   serves every activity);
 * - read the activity profiles of those activities (section 12: the AU MAY use them); not
 *   write them, as every learner of the activity shares them;
 * - read those activities' definitions (Activities Resource);
 * - read no statements at all: cmi5 content needs none (sections 10 and 11 give it its launch
 *   data and preferences), and any statement query could reach other learners' statements
 *   through StatementRefs (xAPI Communication 2.1.3).
 * Platform and tool credentials are not limited here.
 */
import type { DocumentKind } from './document-store.js';
import { XapiActivityOutOfScopeError, XapiLaunchForbiddenError } from '../errors.js';
import type { LaunchGrant } from './content-launch.js';
import { agentKeyOf } from './request-parameters.js';
import { VOIDED_VERB_ID, type Actor, type Statement, type StatementObject } from './statement.js';
import { identifierOf } from './validate/actor.js';

/** What separates an activity IRI from the IRI of an activity under it. */
const SUB_ACTIVITY_DELIMITERS = ['/', '#', '?'];

/**
 * Whether `activityId` is the launch activity or lies under its IRI: the launch activity,
 * then `/`, `#` or `?`, then anything (right after the launch activity when that ends in one
 * of them). A plain prefix is not enough: `…/quiz1` does not cover `…/quiz10`. The rest may
 * hold no dot segment (`..`, `.`, also as `%2e` or after `\`), which a URL parser would
 * resolve outside the launch activity.
 */
export function isUnderActivity(launchActivityId: string, activityId: string): boolean {
  if (activityId === launchActivityId) return true;
  if (!activityId.startsWith(launchActivityId)) return false;
  const rest = activityId.slice(launchActivityId.length);
  const isAtBoundary =
    SUB_ACTIVITY_DELIMITERS.includes(launchActivityId.at(-1) ?? '') ||
    SUB_ACTIVITY_DELIMITERS.includes(rest.charAt(0));
  return isAtBoundary && !hasDotSegment(rest);
}

function hasDotSegment(path: string): boolean {
  return path
    .split(/[/\\]/)
    .some((segment) => ['.', '..'].includes(segment.toLowerCase().replaceAll('%2e', '.')));
}

/**
 * Refuses the whole batch when any statement is outside what the launch token may write (see
 * the top of this file): XapiLaunchForbiddenError for another learner or registration and for
 * voiding, XapiActivityOutOfScopeError for an object that is not an activity within scope.
 */
export function checkLaunchStatements(grant: LaunchGrant, statements: readonly Statement[]): void {
  statements.forEach((statement, index) => {
    const at = `statement[${index}]`;
    if (!isLearner(grant, statement.actor)) {
      throw new XapiLaunchForbiddenError(
        `${at}.actor is not the learner this launch token was issued for`,
      );
    }
    if (statement.context?.registration?.toLowerCase() !== grant.registration.toLowerCase()) {
      throw new XapiLaunchForbiddenError(
        `${at}.context.registration must be the launch registration ${grant.registration}`,
      );
    }
    if (statement.verb.id === VOIDED_VERB_ID) {
      throw new XapiLaunchForbiddenError(
        `${at} voids a statement: content cannot void statements (cmi5 section 6.3)`,
      );
    }
    checkObject(grant, statement.object, `${at}.object`);
  });
}

function checkObject(grant: LaunchGrant, object: StatementObject, at: string): void {
  if (object.objectType === 'SubStatement') {
    if (!isLearner(grant, object.actor)) {
      throw new XapiLaunchForbiddenError(
        `${at}.actor is not the learner this launch token was issued for`,
      );
    }
    checkObject(grant, object.object, `${at}.object`);
    return;
  }
  const isActivity = object.objectType === undefined || object.objectType === 'Activity';
  if (!isActivity) {
    throw new XapiActivityOutOfScopeError(
      `${at} is a ${object.objectType}: this launch token writes statements about the activity ${scopeText(grant)}`,
    );
  }
  checkActivity(grant, object.id, `${at}.id`);
}

/** Throws XapiActivityOutOfScopeError unless the activity is within the launch's scope. */
export function checkLaunchActivity(grant: LaunchGrant, activityId: string): void {
  checkActivity(grant, activityId, 'activityId');
}

function checkActivity(grant: LaunchGrant, activityId: string, at: string): void {
  if (!isUnderActivity(grant.activityId, activityId)) {
    throw new XapiActivityOutOfScopeError(
      `${at} ${activityId} is outside this launch: it reaches only the activity ${scopeText(grant)}`,
    );
  }
}

function scopeText(grant: LaunchGrant): string {
  return `${grant.activityId} and activities under it (${grant.activityId}/…)`;
}

function isLearner(grant: LaunchGrant, actor: Actor): boolean {
  return (
    actor.objectType !== 'Group' &&
    identifierOf(actor) !== undefined &&
    agentKeyOf(actor) === agentKeyOf(grant.actor)
  );
}

/** A document request as the launch scope sees it; '' where the resource has no such part. */
export interface DocumentAccess {
  readonly kind: DocumentKind;
  readonly isRead: boolean;
  readonly activityId: string;
  readonly agentKey: string;
  readonly registration: string;
}

/** Refuses a document request outside what the launch token may do (see the top of this file). */
export function checkLaunchDocument(grant: LaunchGrant, access: DocumentAccess): void {
  const isOwnAgent = access.agentKey === agentKeyOf(grant.actor);
  switch (access.kind) {
    case 'state':
      if (!isOwnAgent || access.registration !== grant.registration.toLowerCase()) {
        throw new XapiLaunchForbiddenError(
          "A launch token reaches only its learner's state documents in its registration",
        );
      }
      checkLaunchActivity(grant, access.activityId);
      return;
    case 'activity_profile':
      if (!access.isRead) {
        throw new XapiLaunchForbiddenError(
          'A launch token cannot change activity profiles: every learner of the activity shares them',
        );
      }
      checkLaunchActivity(grant, access.activityId);
      return;
    case 'agent_profile':
      if (!isOwnAgent || !access.isRead) {
        throw new XapiLaunchForbiddenError(
          "A launch token only reads its own learner's agent profile (cmi5 section 11)",
        );
      }
      return;
  }
}
