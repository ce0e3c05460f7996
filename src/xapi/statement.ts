/**
 * The xAPI statement data model (xAPI 2.0, IEEE 9274.1.1, with 1.0.3 compatibility), as the
 * validator in `validate/` returns it: every property checked, nothing unknown, context
 * activities always arrays and UUIDs in lower case. Property names follow the specification.
 */

/** RFC 5646 language tag → text (xAPI Data 4.2). */
export type LanguageMap = Record<string, string>;

/** IRI → any JSON value (xAPI Data 4.1). */
export type Extensions = Record<string, unknown>;

/** xAPI Data 2.4.2.4. */
export interface Account {
  homePage: string;
  name: string;
}

/** The inverse functional identifiers (xAPI Data 2.4.2.3); an Agent or Identified Group has exactly one. */
export interface InverseFunctionalIdentifier {
  mbox?: string;
  mbox_sha1sum?: string;
  openid?: string;
  account?: Account;
}

/** xAPI Data 2.4.2.1. `objectType` is optional except where the Agent is a statement's object. */
export interface Agent extends InverseFunctionalIdentifier {
  objectType?: 'Agent';
  name?: string;
}

/** xAPI Data 2.4.2.2: anonymous (members, no identifier) or identified (one identifier). */
export interface Group extends InverseFunctionalIdentifier {
  objectType: 'Group';
  name?: string;
  member?: Agent[];
}

export type Actor = Agent | Group;

/** An Agent as a statement's object, where `objectType` is required (xAPI Data 2.4.4.2). */
export type AgentObject = Agent & { objectType: 'Agent' };

/** xAPI Data 2.4.3. */
export interface Verb {
  id: string;
  display?: LanguageMap;
}

export const INTERACTION_TYPES = [
  'true-false',
  'choice',
  'fill-in',
  'long-fill-in',
  'matching',
  'performance',
  'sequencing',
  'likert',
  'numeric',
  'other',
] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

/** xAPI Data 2.4.4.1, Interaction Components. */
export interface InteractionComponent {
  id: string;
  description?: LanguageMap;
}

export const INTERACTION_COMPONENT_LISTS = [
  'choices',
  'scale',
  'source',
  'target',
  'steps',
] as const;
export type InteractionComponentList = (typeof INTERACTION_COMPONENT_LISTS)[number];

/** xAPI Data 2.4.4.1, Activity Definition (with the interaction properties). */
export interface ActivityDefinition {
  name?: LanguageMap;
  description?: LanguageMap;
  type?: string;
  moreInfo?: string;
  interactionType?: InteractionType;
  correctResponsesPattern?: string[];
  choices?: InteractionComponent[];
  scale?: InteractionComponent[];
  source?: InteractionComponent[];
  target?: InteractionComponent[];
  steps?: InteractionComponent[];
  extensions?: Extensions;
}

/** xAPI Data 2.4.4.1. */
export interface Activity {
  objectType?: 'Activity';
  id: string;
  definition?: ActivityDefinition;
}

/** xAPI Data 2.4.4.3, Statement References. */
export interface StatementRef {
  objectType: 'StatementRef';
  id: string;
}

/** xAPI Data 2.4.5.1. */
export interface Score {
  scaled?: number;
  raw?: number;
  min?: number;
  max?: number;
}

/** xAPI Data 2.4.5. */
export interface Result {
  score?: Score;
  success?: boolean;
  completion?: boolean;
  response?: string;
  duration?: string;
  extensions?: Extensions;
}

export const CONTEXT_ACTIVITY_TYPES = ['parent', 'grouping', 'category', 'other'] as const;
export type ContextActivityType = (typeof CONTEXT_ACTIVITY_TYPES)[number];

/** xAPI Data 2.4.6.2; the LRS returns every value as an array. */
export type ContextActivities = Partial<Record<ContextActivityType, Activity[]>>;

/** xAPI 2.0 Data 2.4.6, Context Agents. */
export interface ContextAgent {
  objectType: 'contextAgent';
  agent: Agent;
  relevantTypes?: string[];
}

/** xAPI 2.0 Data 2.4.6, Context Groups. */
export interface ContextGroup {
  objectType: 'contextGroup';
  group: Group;
  relevantTypes?: string[];
}

/** xAPI Data 2.4.6. */
export interface Context {
  registration?: string;
  instructor?: Actor;
  team?: Group;
  contextActivities?: ContextActivities;
  contextAgents?: ContextAgent[];
  contextGroups?: ContextGroup[];
  revision?: string;
  platform?: string;
  language?: string;
  statement?: StatementRef;
  extensions?: Extensions;
}

/** xAPI Data 2.4.11. */
export interface Attachment {
  usageType: string;
  display: LanguageMap;
  description?: LanguageMap;
  contentType: string;
  length: number;
  sha2: string;
  fileUrl?: string;
}

/** xAPI Data 2.4.4.3, SubStatements: a statement without id, stored, version or authority. */
export interface SubStatement {
  objectType: 'SubStatement';
  actor: Actor;
  verb: Verb;
  object: Activity | AgentObject | Group | StatementRef;
  result?: Result;
  context?: Context;
  timestamp?: string;
  attachments?: Attachment[];
}

export type StatementObject = Activity | AgentObject | Group | StatementRef | SubStatement;

/** A valid statement as a client sent it (after normalisation). xAPI Data 2.4. */
export interface Statement {
  id?: string;
  actor: Actor;
  verb: Verb;
  object: StatementObject;
  result?: Result;
  context?: Context;
  timestamp?: string;
  stored?: string;
  authority?: Actor;
  version?: string;
  attachments?: Attachment[];
}

/** A statement as the LRS holds and returns it: every property the LRS assigns is set. */
export type LrsStatement = Statement & {
  id: string;
  timestamp: string;
  stored: string;
  authority: Agent;
  version: string;
};

/** The reserved verb that voids the statement its StatementRef object points to (xAPI Data 2.3.2). */
export const VOIDED_VERB_ID = 'http://adlnet.gov/expapi/verbs/voided';

/** The header of a multipart part that names its attachment's SHA-256 (xAPI Communication 1.5.2). */
export const HASH_HEADER = 'X-Experience-API-Hash';

/** The attachments of a statement and of its sub-statement. */
export function attachmentsOf(statement: Statement): Attachment[] {
  return [
    ...(statement.attachments ?? []),
    ...(statement.object.objectType === 'SubStatement' ? (statement.object.attachments ?? []) : []),
  ];
}
