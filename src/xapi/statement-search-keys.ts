/**
 * What GET /statements filters on (xAPI Communication 2.1.3), taken out of a statement once when
 * it is stored, into indexed columns, so a query never searches the statement's JSON. Pure.
 *
 * The migration that added these columns fills them for statements stored before it with SQL
 * that must give the same keys (drizzle/, the `-- hand-written:` part of that migration).
 */
import {
  CONTEXT_ACTIVITY_TYPES,
  type Activity,
  type Actor,
  type Context,
  type InverseFunctionalIdentifier,
  type LrsStatement,
  type StatementObject,
} from './statement.js';

export interface StatementSearchKeys {
  /** The `agent` filter: the actor and an Agent or Group object, and their members. */
  readonly agentKeys: string[];
  /**
   * The actor's own key (one of agentKeys), or null for an anonymous group: the `agent` filter
   * finds an agent's statements as actor through a B-tree in page order (query-statements.ts).
   */
  readonly actorAgentKey: string | null;
  /** Whether agentKeys holds keys beyond actorAgentKey: an Agent or Group object, members. */
  readonly hasOtherAgentKeys: boolean;
  /**
   * What `related_agents` adds: the authority, the context's instructor, team, context agents
   * and groups, and the actor, object and context agents of a sub-statement, with members.
   */
  readonly relatedAgentKeys: string[];
  /**
   * What `related_activities` adds to the object Activity (the `activity_id` column): the
   * context activities, and the object Activity and context activities of a sub-statement.
   */
  readonly relatedActivityIds: string[];
  /** The id of the statement a StatementRef object points to, or null. */
  readonly objectStatementId: string | null;
}

/**
 * The key of an inverse functional identifier (xAPI Data 2.4.2.3), compared exactly as sent: the
 * filter matches the same identifier, not an equivalent one. An IRL holds no spaces, so the
 * account's homePage ends where its name begins. Null for something without an identifier.
 */
export function identifierKey(who: InverseFunctionalIdentifier): string | null {
  if (who.mbox !== undefined) return `mbox ${who.mbox}`;
  if (who.mbox_sha1sum !== undefined) return `mbox_sha1sum ${who.mbox_sha1sum}`;
  if (who.openid !== undefined) return `openid ${who.openid}`;
  if (who.account !== undefined) return `account ${who.account.homePage} ${who.account.name}`;
  return null;
}

export function searchKeysOf(
  statement: Omit<LrsStatement, 'stored' | 'timestamp'>,
): StatementSearchKeys {
  const { object, context } = statement;
  const subStatement = object.objectType === 'SubStatement' ? object : undefined;
  const relatedAgents: (Actor | undefined)[] = [statement.authority, ...contextAgentsOf(context)];
  const relatedActivityIds = contextActivityIdsOf(context);
  if (subStatement) {
    relatedAgents.push(
      subStatement.actor,
      agentObject(subStatement.object),
      ...contextAgentsOf(subStatement.context),
    );
    if (isActivity(subStatement.object)) relatedActivityIds.push(subStatement.object.id);
    relatedActivityIds.push(...contextActivityIdsOf(subStatement.context));
  }
  const agentKeys = keysOf([statement.actor, agentObject(object)]);
  const actorAgentKey = identifierKey(statement.actor);
  return {
    agentKeys,
    actorAgentKey,
    hasOtherAgentKeys: agentKeys.some((key) => key !== actorAgentKey),
    relatedAgentKeys: keysOf(relatedAgents),
    relatedActivityIds: [...new Set(relatedActivityIds)],
    objectStatementId: object.objectType === 'StatementRef' ? object.id : null,
  };
}

function isActivity(object: StatementObject): object is Activity {
  return object.objectType === undefined || object.objectType === 'Activity';
}

function agentObject(object: StatementObject): Actor | undefined {
  return object.objectType === 'Agent' || object.objectType === 'Group' ? object : undefined;
}

function contextAgentsOf(context: Context | undefined): (Actor | undefined)[] {
  if (!context) return [];
  return [
    context.instructor,
    context.team,
    ...(context.contextAgents ?? []).map((contextAgent) => contextAgent.agent),
    ...(context.contextGroups ?? []).map((contextGroup) => contextGroup.group),
  ];
}

function contextActivityIdsOf(context: Context | undefined): string[] {
  const activities = context?.contextActivities ?? {};
  return CONTEXT_ACTIVITY_TYPES.flatMap((type) => (activities[type] ?? []).map(({ id }) => id));
}

/** The keys of the actors and of their members, each once. */
function keysOf(actors: readonly (Actor | undefined)[]): string[] {
  const keys = new Set<string>();
  for (const actor of actors) {
    if (!actor) continue;
    const members = actor.objectType === 'Group' ? (actor.member ?? []) : [];
    for (const who of [actor, ...members]) {
      const key = identifierKey(who);
      if (key !== null) keys.add(key);
    }
  }
  return [...keys];
}
