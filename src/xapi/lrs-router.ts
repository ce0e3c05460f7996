import express, {
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import type { Logger } from '../config/logger.js';
import type { Executor } from '../db/database.js';
import {
  BadRequestError,
  NotFoundError,
  UnauthorizedError,
  XapiStatementInvalidError,
} from '../errors.js';
import { jsonErrorHandler } from '../web/error-handler.js';
import { authenticateBasic, type XapiCredential } from './credentials.js';
import { createActorResolver } from './resolve-actor.js';
import type { Actor, Statement } from './statement.js';
import {
  getStatement,
  queryStatements,
  storeStatements,
  type OnStatementsStored,
  type StatementQuery,
  type StatementSource,
} from './statement-store.js';
import { identifierOf, validateActor } from './validate/actor.js';
import { expectIri } from './validate/iri.js';
import { validateStatement, validateStatements } from './validate/statement.js';
import { parseTimestamp } from './validate/timestamp.js';
import { expectUuid } from './validate/uuid.js';
import { isSupportedVersion, LRS_VERSION, SUPPORTED_VERSIONS } from './validate/version.js';

/** The largest JSON body the LRS reads; larger ones get 413 (xAPI Communication 3.2). */
const BODY_LIMIT = '1mb';
const VERSION_HEADER = 'X-Experience-API-Version';
const CONSISTENT_THROUGH_HEADER = 'X-Experience-API-Consistent-Through';
const AUTHENTICATE_CHALLENGE = 'Basic realm="microcred xAPI"';

/** GET /statements parameters that may come with statementId or voidedStatementId. */
const SINGLE_STATEMENT_PARAMETERS = ['statementId', 'voidedStatementId', 'format', 'attachments'];
const QUERY_PARAMETERS = [
  'agent',
  'verb',
  'activity',
  'registration',
  'related_activities',
  'related_agents',
  'since',
  'until',
  'limit',
  'format',
  'attachments',
  'ascending',
  /** Our paging cursor, only ever sent back to us through `more`. */
  'after',
];

/**
 * The LRS's HTTP surface, to mount at `/xapi`: the Statement Resource (POST, PUT, GET) and the
 * About Resource of xAPI 2.0 Communication section 2, with HTTP Basic authentication against
 * `xapi_credentials` (section 4). Self-contained: it answers its own errors as
 * `{ error: { code, message } }` with the status xAPI names (400 invalid, 401 with a Basic
 * challenge, 404, 409 conflict, 413 too large), so it behaves the same mounted alone.
 *
 * Statements sent with platform-bound credentials are stored with source `platform` and their
 * actors resolved to that platform's users; other credentials store source `content`, the
 * least trusted (ARCHITECTURE.md, Trust), until scoped content and tool credentials exist.
 * `onStatementsStored` runs inside the storing transaction (see statement-store.ts).
 */
export function createLrsRouter({
  db,
  publicUrl,
  logger,
  onStatementsStored,
}: {
  db: Executor;
  /** The tool's public base URL; statements' authority accounts live there. */
  publicUrl: string;
  logger: Logger;
  onStatementsStored: OnStatementsStored;
}): Router {
  const router = express.Router();
  const parseJson = express.json({ limit: BODY_LIMIT });

  const postStatements: RequestHandler = async (req, res) => {
    readParameters(req, []);
    const statements = validateStatements(jsonBody(req));
    const ids = await store(req, res, statements);
    res.status(200).json(ids);
  };

  const putStatement: RequestHandler = async (req, res) => {
    const parameters = readParameters(req, ['statementId']);
    if (parameters.statementId === undefined) {
      throw new BadRequestError('PUT /statements needs the statementId parameter');
    }
    const statementId = asParameter(() => expectUuid(parameters.statementId, 'statementId'));
    const body = jsonBody(req);
    if (Array.isArray(body)) {
      throw new BadRequestError('PUT /statements takes one statement, not an array');
    }
    const statement = validateStatement(body);
    // xAPI Communication 2.1.1: a statement's id, where provided, MUST match statementId.
    if (statement.id !== undefined && statement.id !== statementId) {
      throw new XapiStatementInvalidError('statement.id must match the statementId parameter');
    }
    await store(req, res, [{ ...statement, id: statementId }]);
    res.status(204).end();
  };

  async function store(req: Request, res: Response, statements: Statement[]): Promise<string[]> {
    rejectAttachmentsWithoutFileUrl(statements);
    const credential = credentialOf(res);
    const { ids, stored } = await storeStatements({
      db,
      statements,
      credential,
      source: statementSourceFor(credential),
      publicUrl,
      resolveActor: createActorResolver(credential.platformId),
      onStatementsStored,
    });
    logger.info('xapi', 'statements received', {
      method: req.method,
      credentialKey: credential.key,
      received: ids.length,
      storedStatementIds: stored.map((statement) => statement.id),
    });
    return ids;
  }

  const getStatements: RequestHandler = async (req, res) => {
    const parameters = readParameters(req, [
      ...new Set([...SINGLE_STATEMENT_PARAMETERS, ...QUERY_PARAMETERS]),
    ]);
    rejectUnsupportedOptions(parameters);
    const { statementId, voidedStatementId } = parameters;
    if (statementId !== undefined || voidedStatementId !== undefined) {
      // xAPI Communication 2.1.3: only attachments and format may come with either id, not both.
      const extra = Object.keys(parameters).filter(
        (name) => !SINGLE_STATEMENT_PARAMETERS.includes(name),
      );
      if (statementId !== undefined && voidedStatementId !== undefined) {
        throw new BadRequestError('Send statementId or voidedStatementId, not both');
      }
      if (extra.length > 0) {
        throw new BadRequestError(
          `${extra.join(', ')} cannot be used with statementId or voidedStatementId`,
        );
      }
      const isVoided = voidedStatementId !== undefined;
      const name = isVoided ? 'voidedStatementId' : 'statementId';
      const id = asParameter(() => expectUuid(parameters[name], name));
      const statement = await getStatement(db, id, { voided: isVoided });
      if (!statement) {
        throw new NotFoundError(`No ${isVoided ? 'voided ' : ''}statement with id ${id}`);
      }
      res.set('Last-Modified', new Date(statement.stored).toUTCString());
      res.json(statement);
      return;
    }
    const query = parseStatementQuery(parameters);
    const page = await queryStatements(db, query);
    res.json({ statements: page.statements, more: moreUrl(req, parameters, page.nextAfter) });
  };

  router.use(setVersionHeader);
  router.get('/about', about);
  router.use('/statements', setConsistentThrough);
  router.use(requireVersionHeader);
  router.use(requireCredential(db));
  router.post('/statements', parseJson, postStatements);
  router.put('/statements', parseJson, putStatement);
  router.get('/statements', getStatements);
  router.use(notFound);
  router.use(challengeUnauthorized, jsonErrorHandler(logger));
  return router;
}

/** xAPI Communication 3.3: every response carries the version header, set to the latest patch. */
const setVersionHeader: RequestHandler = (_req, res, next) => {
  res.set(VERSION_HEADER, LRS_VERSION);
  next();
};

/** xAPI Communication 2.8: the About Resource needs neither credentials nor a version header. */
const about: RequestHandler = (_req, res) => {
  res.json({ version: SUPPORTED_VERSIONS });
};

/**
 * xAPI Communication 3.3: requests without a version header, or with a version this LRS does
 * not implement (anything but 1.0.x and 2.0.x), are refused with 400.
 */
const requireVersionHeader: RequestHandler = (req, _res, next) => {
  const version = req.get(VERSION_HEADER);
  if (version === undefined) throw new BadRequestError(`The ${VERSION_HEADER} header is required`);
  if (!isSupportedVersion(version.trim())) {
    throw new BadRequestError(`${VERSION_HEADER} ${version} is not supported: use 1.0.x or 2.0.x`);
  }
  next();
};

/**
 * xAPI Communication 2.1.3: every Statement Resource response says up to when stored
 * statements are available; a statement is readable once its transaction has committed.
 */
const setConsistentThrough: RequestHandler = (_req, res, next) => {
  res.set(CONSISTENT_THROUGH_HEADER, new Date().toISOString());
  next();
};

function requireCredential(db: Executor): RequestHandler {
  return async (req, res, next) => {
    res.locals.xapiCredential = await authenticateBasic(db, req.get('Authorization'));
    next();
  };
}

function credentialOf(res: Response): XapiCredential {
  return res.locals.xapiCredential as XapiCredential;
}

/** Which trust level statements sent with this credential carry (ARCHITECTURE.md, Trust). */
function statementSourceFor(credential: XapiCredential): StatementSource {
  return credential.platformId === null ? 'content' : 'platform';
}

const notFound: RequestHandler = (req) => {
  throw new NotFoundError(`This LRS has no ${req.method} ${req.baseUrl}${req.path}`);
};

/** RFC 7235: a 401 names the scheme the client should use. */
const challengeUnauthorized: ErrorRequestHandler = (error, _req, res, next) => {
  if (error instanceof UnauthorizedError) res.set('WWW-Authenticate', AUTHENTICATE_CHALLENGE);
  next(error);
};

function jsonBody(req: Request): unknown {
  if (!req.is('application/json')) {
    throw new BadRequestError(
      'Send statements as application/json (multipart/mixed attachments are not supported yet)',
    );
  }
  return req.body as unknown;
}

/**
 * xAPI Communication 1.5.2: attachment content travels in a multipart/mixed request unless the
 * attachment has a fileUrl. This LRS reads JSON only, so such statements cannot be complete.
 */
function rejectAttachmentsWithoutFileUrl(statements: readonly Statement[]): void {
  statements.forEach((statement, index) => {
    const lists = [
      { path: 'attachments', list: statement.attachments },
      {
        path: 'object.attachments',
        list:
          statement.object.objectType === 'SubStatement' ? statement.object.attachments : undefined,
      },
    ];
    for (const { path, list } of lists) {
      const missing = list?.findIndex((attachment) => attachment.fileUrl === undefined) ?? -1;
      if (missing >= 0) {
        throw new XapiStatementInvalidError(
          `statement[${index}].${path}[${missing}] has no fileUrl, so its content would need multipart/mixed, which this LRS does not accept yet`,
        );
      }
    }
  });
}

/**
 * The query parameters, each given once. xAPI Communication 3.2: the LRS MUST reject with 400
 * parameters it does not recognise, including known names in the wrong case.
 */
function readParameters(req: Request, allowed: readonly string[]): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (!allowed.includes(name)) {
      throw new BadRequestError(
        `${name} is not a parameter of ${req.method} ${req.baseUrl}${req.path}`,
      );
    }
    if (typeof value !== 'string') throw new BadRequestError(`${name} must be given once`);
    parameters[name] = value;
  }
  return parameters;
}

/** Parameter values are validated like the same values in statements, but are not statements. */
function asParameter<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof XapiStatementInvalidError) {
      throw new BadRequestError(`The parameter ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function rejectUnsupportedOptions(parameters: Record<string, string>): void {
  for (const name of ['related_activities', 'related_agents', 'attachments']) {
    const value = parameters[name];
    if (value === undefined) continue;
    const flag = parseBoolean(value, name);
    if (flag) throw new BadRequestError(`${name}=true is not supported by this LRS yet`);
  }
  const format = parameters.format;
  if (format !== undefined && !['ids', 'exact', 'canonical'].includes(format)) {
    throw new BadRequestError(`format must be ids, exact or canonical, not "${format}"`);
  }
}

/**
 * The filters of GET /statements (xAPI Communication 2.1.3). Every format is answered as
 * `exact`, the statements as they were received.
 */
function parseStatementQuery(parameters: Record<string, string>): StatementQuery {
  const { agent, verb, activity, registration, since, until, limit, ascending, after } = parameters;
  return {
    agent: agent === undefined ? undefined : parseAgentParameter(agent),
    verb: verb === undefined ? undefined : asParameter(() => expectIri(verb, 'verb')),
    activity:
      activity === undefined ? undefined : asParameter(() => expectIri(activity, 'activity')),
    registration:
      registration === undefined
        ? undefined
        : asParameter(() => expectUuid(registration, 'registration')),
    since: since === undefined ? undefined : parseTimestampParameter(since, 'since'),
    until: until === undefined ? undefined : parseTimestampParameter(until, 'until'),
    limit: limit === undefined ? 0 : parseCount(limit, 'limit'),
    ascending: ascending === undefined ? false : parseBoolean(ascending, 'ascending'),
    after: after === undefined ? undefined : parseCount(after, 'after'),
  };
}

function parseAgentParameter(text: string): Actor {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequestError('The parameter agent must be an Agent or Identified Group as JSON');
  }
  const agent = asParameter(() => validateActor(value, 'agent'));
  if (!identifierOf(agent)) {
    throw new BadRequestError(
      'The parameter agent must be an Agent or an Identified Group, not an anonymous group',
    );
  }
  return agent;
}

function parseTimestampParameter(text: string, name: string): Date {
  const instant = parseTimestamp(text);
  if (instant === null) {
    throw new BadRequestError(
      `The parameter ${name} must be an ISO 8601 timestamp with a time zone`,
    );
  }
  return new Date(instant);
}

function parseCount(text: string, name: string): number {
  if (!/^\d{1,15}$/.test(text))
    throw new BadRequestError(`The parameter ${name} must be a whole number`);
  return Number(text);
}

function parseBoolean(text: string, name: string): boolean {
  if (text !== 'true' && text !== 'false') {
    throw new BadRequestError(`The parameter ${name} must be true or false`);
  }
  return text === 'true';
}

/**
 * xAPI Data 2.5: `more` is a relative IRL (path and query, no scheme or host) to the next page,
 * or an empty string when there is none.
 */
function moreUrl(
  req: Request,
  parameters: Record<string, string>,
  nextAfter: number | null,
): string {
  if (nextAfter === null) return '';
  const query = new URLSearchParams({ ...parameters, after: String(nextAfter) });
  return `${req.baseUrl}/statements?${query.toString()}`;
}
