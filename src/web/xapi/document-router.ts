import express, { type Request, type RequestHandler, type Router } from 'express';
import type { Executor } from '../../db/database.js';
import { BadRequestError, NotFoundError, XapiLaunchForbiddenError } from '../../errors.js';
import { loadActivityDefinition } from '../../xapi/activity-definition.js';
import { clientOf, type XapiClient } from './xapi-client.js';
import {
  deleteDocuments,
  isJsonMediaType,
  listDocumentIds,
  readDocument,
  writeDocument,
  type DocumentKey,
  type DocumentKind,
  type DocumentScope,
} from '../../xapi/document-store.js';
import {
  LAUNCH_DATA_STATE_ID,
  LEARNER_PREFERENCES_PROFILE_ID,
} from '../../xapi/cmi5/cmi5-vocabulary.js';
import { recordPreferencesRead } from '../../xapi/cmi5/record-preferences-read.js';
import { checkLaunchActivity, checkLaunchDocument } from '../../xapi/launch-scope.js';
import {
  agentKeyOf,
  parseAgentParameter,
  parseIriParameter,
  parseTimestampParameter,
  parseUuidParameter,
  readParameters,
  requireParameter,
} from '../../xapi/request-parameters.js';
import type { Agent } from '../../xapi/statement.js';
import { identifierOf } from '../../xapi/validate/actor.js';

const DOCUMENT_LIMIT = '1mb';

/** How each document resource names its parts (xAPI Communication 2.3, 2.6, 2.7). */
interface ResourceShape {
  kind: DocumentKind;
  hasActivity: boolean;
  hasAgent: boolean;
  hasRegistration: boolean;
  idName: 'stateId' | 'profileId';
  /** The DELETE without an id removes every document of the scope (the State Resource only). */
  canDeleteAll: boolean;
}

const STATE: ResourceShape = {
  kind: 'state',
  hasActivity: true,
  hasAgent: true,
  hasRegistration: true,
  idName: 'stateId',
  canDeleteAll: true,
};
const ACTIVITY_PROFILE: ResourceShape = {
  kind: 'activity_profile',
  hasActivity: true,
  hasAgent: false,
  hasRegistration: false,
  idName: 'profileId',
  canDeleteAll: false,
};
const AGENT_PROFILE: ResourceShape = {
  kind: 'agent_profile',
  hasActivity: false,
  hasAgent: true,
  hasRegistration: false,
  idName: 'profileId',
  canDeleteAll: false,
};

/**
 * The document resources and the Agents and Activities Resources (xAPI Communication 2.2 to
 * 2.7), to mount inside the LRS router after authentication. A launch token reaches only what
 * launch-scope.ts allows: its learner's state, agent profile and its activities' profiles.
 */
export function createDocumentRouter({ db }: { db: Executor }): Router {
  const router = express.Router();
  const rawBody = express.raw({ type: () => true, limit: DOCUMENT_LIMIT });
  for (const [path, shape] of [
    ['/activities/state', STATE],
    ['/activities/profile', ACTIVITY_PROFILE],
    ['/agents/profile', AGENT_PROFILE],
  ] as const) {
    router.get(path, documentGet(db, shape));
    router.put(path, rawBody, documentWrite(db, shape, 'PUT'));
    router.post(path, rawBody, documentWrite(db, shape, 'POST'));
    router.delete(path, documentDelete(db, shape));
  }
  router.get('/agents', agentsGet);
  router.get('/activities', activitiesGet(db));
  return router;
}

function parameterNames(shape: ResourceShape, method: string): string[] {
  return [
    ...(shape.hasActivity ? ['activityId'] : []),
    ...(shape.hasAgent ? ['agent'] : []),
    ...(shape.hasRegistration ? ['registration'] : []),
    shape.idName,
    ...(method === 'GET' ? ['since'] : []),
  ];
}

/** The scope a request names, checked against what its client may reach. */
function scopeOf(
  shape: ResourceShape,
  parameters: Record<string, string>,
  req: Request,
  client: XapiClient,
): DocumentScope {
  const agent: Agent | undefined = shape.hasAgent
    ? parseAgentParameter(requireParameter(parameters, 'agent'), 'agent')
    : undefined;
  const scope = {
    kind: shape.kind,
    activityId: shape.hasActivity
      ? parseIriParameter(requireParameter(parameters, 'activityId'), 'activityId')
      : '',
    agentKey: agent ? agentKeyOf(agent) : '',
    registration:
      shape.hasRegistration && parameters.registration !== undefined
        ? parseUuidParameter(parameters.registration, 'registration').toLowerCase()
        : '',
  };
  if (client.kind === 'launch') {
    checkLaunchDocument(client.grant, {
      ...scope,
      isRead: req.method === 'GET' || req.method === 'HEAD',
    });
  }
  return scope;
}

/**
 * cmi5 section 10.2.1: a cmi5 AU may read `LMS.LaunchData` but never write or delete it, nor
 * delete every state document of its scope (which would take LMS.LaunchData along).
 */
function checkLaunchDataKept(
  shape: ResourceShape,
  documentId: string | undefined,
  client: XapiClient,
): void {
  if (client.kind !== 'launch' || client.grant.cmi5SessionId === null || shape !== STATE) return;
  if (documentId === LAUNCH_DATA_STATE_ID || documentId === undefined) {
    throw new XapiLaunchForbiddenError(
      `Content may read ${LAUNCH_DATA_STATE_ID} but not change or delete it; it is the LMS's (cmi5 section 10.2.1). Name the stateId of your own state document.`,
    );
  }
}

function preconditionsOf(req: Request) {
  return { ifMatch: req.get('If-Match'), ifNoneMatch: req.get('If-None-Match') };
}

function documentGet(db: Executor, shape: ResourceShape): RequestHandler {
  return async (req, res) => {
    const parameters = readParameters(req, parameterNames(shape, 'GET'));
    const client = clientOf(res);
    const scope = scopeOf(shape, parameters, req, client);
    const documentId = parameters[shape.idName];
    const sessionId = client.kind === 'launch' ? client.grant.cmi5SessionId : null;
    if (shape === AGENT_PROFILE && documentId === LEARNER_PREFERENCES_PROFILE_ID && sessionId) {
      await recordPreferencesRead(db, sessionId);
    }
    if (documentId === undefined) {
      const since =
        parameters.since === undefined
          ? undefined
          : parseTimestampParameter(parameters.since, 'since');
      res.json(await listDocumentIds(db, scope, since));
      return;
    }
    if (parameters.since !== undefined) {
      throw new BadRequestError(`since cannot be used with ${shape.idName}`);
    }
    const document = await readDocument(db, {
      ...scope,
      registration: scope.registration ?? '',
      documentId,
    });
    if (!document) throw new NotFoundError(`No document with ${shape.idName} ${documentId}`);
    res.set('Content-Type', document.contentType);
    res.set('ETag', `"${document.etag}"`);
    res.set('Last-Modified', document.updated.toUTCString());
    res.status(200).end(document.content);
  };
}

function documentWrite(db: Executor, shape: ResourceShape, method: 'PUT' | 'POST'): RequestHandler {
  return async (req, res) => {
    const parameters = readParameters(req, parameterNames(shape, method));
    const scope = scopeOf(shape, parameters, req, clientOf(res));
    const documentId = requireParameter(parameters, shape.idName);
    checkLaunchDataKept(shape, documentId, clientOf(res));
    const contentType = req.get('Content-Type') ?? 'application/octet-stream';
    const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (isJsonMediaType(contentType)) {
      try {
        JSON.parse(content.toString('utf8'));
      } catch {
        throw new BadRequestError('The document is sent as application/json but is not JSON');
      }
    }
    const key: DocumentKey = { ...scope, registration: scope.registration ?? '', documentId };
    const version = req.get('X-Experience-API-Version') ?? '';
    const etag = await writeDocument({
      db,
      key,
      method,
      contentType,
      content,
      preconditions: preconditionsOf(req),
      // xAPI 2.0 Communication 3.1 extends this rule to state documents; 1.0.3 kept state out.
      requireHeaderToReplace: shape.kind !== 'state' || version.startsWith('2.'),
      // xAPI 1.0.3 Communication 2.6 and 2.7, as its conformance suite reads them: a profile
      // PUT always names what it expects to find.
      requireHeaderToCreate: shape.kind !== 'state' && method === 'PUT' && version.startsWith('1.'),
    });
    res.set('ETag', `"${etag}"`);
    res.status(204).end();
  };
}

function documentDelete(db: Executor, shape: ResourceShape): RequestHandler {
  return async (req, res) => {
    const parameters = readParameters(req, parameterNames(shape, 'DELETE'));
    const scope = scopeOf(shape, parameters, req, clientOf(res));
    const documentId = shape.canDeleteAll
      ? parameters[shape.idName]
      : requireParameter(parameters, shape.idName);
    checkLaunchDataKept(shape, documentId, clientOf(res));
    const everyRegistration =
      documentId === undefined && shape.hasRegistration && parameters.registration === undefined;
    await deleteDocuments({
      db,
      scope: everyRegistration ? { ...scope, registration: null } : scope,
      documentId,
      preconditions: preconditionsOf(req),
    });
    res.status(204).end();
  };
}

/**
 * xAPI Communication 2.4: the Person object for an agent. This LRS keeps no directory of
 * persons, so the Person combines what the agent itself says.
 */
const agentsGet: RequestHandler = (req, res) => {
  const parameters = readParameters(req, ['agent']);
  const agent = parseAgentParameter(requireParameter(parameters, 'agent'), 'agent');
  if (clientOf(res).kind === 'launch') {
    throw new XapiLaunchForbiddenError('A launch token cannot read the Agents Resource');
  }
  const identifier = identifierOf(agent) ?? {};
  const person: Record<string, unknown> = { objectType: 'Person' };
  if (agent.name !== undefined) person.name = [agent.name];
  for (const [name, value] of Object.entries(identifier)) person[name] = [value];
  res.json(person);
};

/**
 * xAPI Communication 2.5: the Activity with every definition statements gave it, later ones
 * taking precedence and language maps combined; an Activity with the id alone when none did.
 */
function activitiesGet(db: Executor): RequestHandler {
  return async (req, res) => {
    const parameters = readParameters(req, ['activityId']);
    const activityId = parseIriParameter(requireParameter(parameters, 'activityId'), 'activityId');
    const client = clientOf(res);
    if (client.kind === 'launch') checkLaunchActivity(client.grant, activityId);
    const definition = await loadActivityDefinition(db, activityId);
    res.json({ objectType: 'Activity', id: activityId, ...(definition ? { definition } : {}) });
  };
}
