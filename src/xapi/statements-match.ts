import type {
  Activity,
  Actor,
  Attachment,
  Context,
  LanguageMap,
  Result,
  Statement,
  StatementObject,
  SubStatement,
} from './statement.js';
import { durationForComparison } from './validate/duration.js';
import { parseTimestamp } from './validate/timestamp.js';

/**
 * Whether two valid statements with the same id have the same content, by the Statement
 * Comparison Requirements (xAPI Data 2.3.1): differences that the exceptions to statement
 * immutability could cause are ignored, any other difference counts. Ignored:
 * - the properties the LRS assigns: stored, authority, version, and the timestamp when either
 *   statement lacks one (the LRS fills it in);
 * - the serialisation of timestamps (same instant, to the millisecond) and of durations beyond
 *   0.01 s (xAPI Data 4.6);
 * - activity definitions and verb displays, which are not part of the statement;
 * - the order of group members, the case of case-insensitive text (UUIDs, the mbox domain,
 *   language tags), property order, and `objectType` left to its default;
 * - context activities sent as a single activity instead of an array.
 */
export function statementsMatch(a: Statement, b: Statement): boolean {
  const ignoreTimestamp = a.timestamp === undefined || b.timestamp === undefined;
  return (
    canonicalJson(comparableStatement(a, ignoreTimestamp)) ===
    canonicalJson(comparableStatement(b, ignoreTimestamp))
  );
}

function comparableStatement(statement: Statement, ignoreTimestamp: boolean): unknown {
  return {
    id: statement.id?.toLowerCase(),
    ...comparableParts(statement),
    timestamp: ignoreTimestamp ? undefined : instant(statement.timestamp),
  };
}

function comparableParts(statement: Statement | SubStatement): Record<string, unknown> {
  return {
    actor: comparableActor(statement.actor),
    verb: { id: statement.verb.id },
    object: comparableObject(statement.object),
    result: statement.result && comparableResult(statement.result),
    context: statement.context && comparableContext(statement.context),
    attachments: statement.attachments?.map(comparableAttachment),
  };
}

function comparableObject(object: StatementObject): unknown {
  switch (object.objectType) {
    case undefined:
    case 'Activity':
      return comparableActivity(object);
    case 'StatementRef':
      return { objectType: 'StatementRef', id: object.id.toLowerCase() };
    case 'SubStatement':
      return {
        objectType: 'SubStatement',
        ...comparableParts(object),
        // A SubStatement's timestamp is never assigned by the LRS, so it always counts.
        timestamp: instant(object.timestamp),
      };
    default:
      return comparableActor(object);
  }
}

function comparableActivity(activity: Activity): unknown {
  return { objectType: 'Activity', id: activity.id };
}

function comparableActor(actor: Actor): unknown {
  const members =
    actor.objectType === 'Group' && actor.member
      ? actor.member
          .map(comparableActor)
          .sort((x, y) => compareText(canonicalJson(x), canonicalJson(y)))
      : undefined;
  return {
    objectType: actor.objectType ?? 'Agent',
    name: actor.name,
    mbox: actor.mbox && comparableMbox(actor.mbox),
    mbox_sha1sum: actor.mbox_sha1sum?.toLowerCase(),
    openid: actor.openid,
    account: actor.account,
    member: members,
  };
}

/** xAPI Data 2.4.2.3: the domain portion of an email address is case-insensitive. */
function comparableMbox(mbox: string): string {
  const at = mbox.lastIndexOf('@');
  return `${mbox.slice(0, at)}@${mbox.slice(at + 1).toLowerCase()}`;
}

function comparableResult(result: Result): unknown {
  return { ...result, duration: result.duration && durationForComparison(result.duration) };
}

function comparableContext(context: Context): unknown {
  const activities = context.contextActivities;
  return {
    ...context,
    registration: context.registration?.toLowerCase(),
    instructor: context.instructor && comparableActor(context.instructor),
    team: context.team && comparableActor(context.team),
    contextActivities:
      activities &&
      Object.fromEntries(
        Object.entries(activities).map(([type, list]) => [type, list.map(comparableActivity)]),
      ),
    contextAgents: context.contextAgents?.map((item) => ({
      ...item,
      agent: comparableActor(item.agent),
    })),
    contextGroups: context.contextGroups?.map((item) => ({
      ...item,
      group: comparableActor(item.group),
    })),
    language: context.language?.toLowerCase(),
    statement: context.statement && {
      ...context.statement,
      id: context.statement.id.toLowerCase(),
    },
  };
}

function comparableAttachment(attachment: Attachment): unknown {
  return {
    ...attachment,
    display: lowerCaseKeys(attachment.display),
    description: attachment.description && lowerCaseKeys(attachment.description),
    sha2: attachment.sha2.toLowerCase(),
  };
}

/** RFC 5646 language tags are case-insensitive. */
function lowerCaseKeys(map: LanguageMap): LanguageMap {
  return Object.fromEntries(Object.entries(map).map(([tag, text]) => [tag.toLowerCase(), text]));
}

function instant(timestamp: string | undefined): number | undefined {
  return timestamp === undefined ? undefined : (parseTimestamp(timestamp) ?? undefined);
}

function compareText(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** JSON with object keys sorted and undefined properties dropped, so equal data gives equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([x], [y]) => compareText(x, y))
      .map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
