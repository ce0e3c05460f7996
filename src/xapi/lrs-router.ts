import { createHash } from 'node:crypto';
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
  XapiAuthError,
  XapiLaunchForbiddenError,
  XapiStatementInvalidError,
} from '../errors.js';
import { jsonErrorHandler } from '../json-error-handler.js';
import { checkSignature, SIGNATURE_CONTENT_TYPE, SIGNATURE_USAGE_TYPE } from './check-signature.js';
import {
  authenticateLaunchToken,
  fetchLaunchToken,
  LAUNCH_KEY_PREFIX,
  XapiLaunchFetchError,
} from './content-launch.js';
import { authenticateBasic, type XapiCredential } from './credentials.js';
import { createDocumentRouter } from './document-router.js';
import { isJsonMediaType } from './document-store.js';
import { checkLaunchStatements } from './launch-scope.js';
import { formatStatement, parseAcceptLanguage, type StatementFormat } from './format-statement.js';
import { buildMultipart, parseMultipart } from './multipart-mixed.js';
import {
  asParameter,
  parseActorParameter,
  parseBoolean,
  parseCount,
  parseIriParameter,
  parseTimestampParameter,
  parseUuidParameter,
  readParameters,
} from './request-parameters.js';
import { createActorResolver } from './resolve-actor.js';
import type { Attachment, LrsStatement, Statement } from './statement.js';
import {
  getStatement,
  queryStatements,
  readAttachments,
  readConsistentThrough,
  createStatementWriter,
  type OnStatementsStored,
  type StatementQuery,
  type StatementSource,
} from './statement-store.js';
import { validateStatement, validateStatements } from './validate/statement.js';
import { expectUuid } from './validate/uuid.js';
import { LRS_VERSION, SUPPORTED_VERSIONS, isSupportedVersion } from './validate/version.js';
import type { XapiClient } from './xapi-client.js';

/** The largest JSON body the LRS reads; larger ones get 413 (xAPI Communication 3.2). */
const BODY_LIMIT = '1mb';
/** The largest multipart/mixed body, attachments included. */
const MULTIPART_LIMIT = '20mb';
const VERSION_HEADER = 'X-Experience-API-Version';
const CONSISTENT_THROUGH_HEADER = 'X-Experience-API-Consistent-Through';
const CONSISTENT_THROUGH_REUSE_MS = 100;
const HASH_HEADER = 'X-Experience-API-Hash';
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

/** Attachment content that came with a request, by SHA-256 hex. */
type AttachmentParts = Map<string, { contentType: string; content: Buffer }>;

/**
 * The LRS's HTTP surface, to mount at `/xapi`: the Statement Resource (POST, PUT, GET, HEAD),
 * the document, Agents, Activities and About Resources of xAPI 2.0 Communication section 2, and
 * the cmi5-style fetch URL of content launches, with HTTP Basic authentication against
 * `xapi_credentials` or a launch token (section 4). Self-contained: it answers its own errors
 * as `{ error: { code, message } }` with the status xAPI names (400 invalid, 401 with a Basic
 * challenge, 403, 404, 409 conflict, 412, 413 too large), so it behaves the same mounted alone.
 *
 * Statements sent with platform-bound credentials are stored with source `platform` and their
 * actors resolved to that platform's users; launch tokens store source `content` within
 * their launch's scope only (launch-scope.ts); other credentials store source `content`, the least
 * trusted (ARCHITECTURE.md, Trust). `onStatementsStored` runs inside the storing transaction
 * (see statement-store.ts); when it says it queued work, `onWorkQueued` is called after the
 * commit, so that work starts at once.
 */
export function createLrsRouter({
  db,
  publicUrl,
  logger,
  onStatementsStored,
  onWorkQueued,
}: {
  db: Executor;
  /** The tool's public base URL; statements' authority accounts live there. */
  publicUrl: string;
  logger: Logger;
  onStatementsStored: OnStatementsStored;
  onWorkQueued: () => void;
}): Router {
  const router = express.Router();
  const writeStatements = createStatementWriter({ db, publicUrl, onStatementsStored });
  const parseJson = express.json({ limit: BODY_LIMIT });
  const parseStatementBody: RequestHandler = (req, res, next) => {
    if (req.is('multipart/mixed')) {
      express.raw({ type: () => true, limit: MULTIPART_LIMIT })(req, res, next);
    } else {
      parseJson(req, res, next);
    }
  };

  const postStatements: RequestHandler = async (req, res) => {
    readParameters(req, []);
    const { body, parts } = readStatementBody(req);
    const statements = validateStatements(body);
    const ids = await store(req, res, statements, parts);
    res.status(200).json(ids);
  };

  const putStatement: RequestHandler = async (req, res) => {
    const parameters = readParameters(req, ['statementId']);
    if (parameters.statementId === undefined) {
      throw new BadRequestError('PUT /statements needs the statementId parameter');
    }
    const statementId = asParameter(() => expectUuid(parameters.statementId, 'statementId'));
    const { body, parts } = readStatementBody(req);
    if (Array.isArray(body)) {
      throw new BadRequestError('PUT /statements takes one statement, not an array');
    }
    const statement = validateStatement(body);
    // xAPI Communication 2.1.1: a statement's id, where provided, MUST match statementId.
    if (statement.id !== undefined && statement.id !== statementId) {
      throw new XapiStatementInvalidError('statement.id must match the statementId parameter');
    }
    await store(req, res, [{ ...statement, id: statementId }], parts);
    res.status(204).end();
  };

  async function store(
    req: Request,
    res: Response,
    statements: Statement[],
    parts: AttachmentParts,
  ): Promise<string[]> {
    const client = clientOf(res);
    if (client.kind === 'launch') checkLaunchStatements(client.grant, statements);
    await checkAttachments(statements, parts);
    const credentialKey = client.kind === 'launch' ? client.grant.tokenKey : client.credential.key;
    const { ids, stored, queuedWork } = await writeStatements({
      statements,
      credential: { key: credentialKey },
      source: client.kind === 'launch' ? 'content' : statementSourceFor(client.credential),
      resolveActors:
        client.kind === 'launch'
          ? async (_executor, actors) => actors.map(() => client.grant.userId)
          : createActorResolver(client.credential.platformId),
      attachments: [...parts].map(([sha2, part]) => ({ sha2, ...part })),
    });
    if (queuedWork) onWorkQueued();
    logger.info('xapi', 'statements received', {
      method: req.method,
      credentialKey,
      received: ids.length,
      storedStatementIds: stored.map((statement) => statement.id),
    });
    return ids;
  }

  const getStatements: RequestHandler = async (req, res) => {
    if (clientOf(res).kind === 'launch') {
      throw new XapiLaunchForbiddenError(
        "A launch token cannot read statements: content gets its launch data and learner's preferences from the State and Agent Profile Resources (cmi5 sections 10 and 11)",
      );
    }
    const parameters = readParameters(req, [
      ...new Set([...SINGLE_STATEMENT_PARAMETERS, ...QUERY_PARAMETERS]),
    ]);
    const format = parseFormat(parameters.format);
    const withAttachments =
      parameters.attachments === undefined
        ? false
        : parseBoolean(parameters.attachments, 'attachments');
    const languages = parseAcceptLanguage(req.get('Accept-Language'));
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
      await sendStatements(res, formatStatement(statement, format, languages), [statement], {
        withAttachments,
      });
      return;
    }
    const page = await queryStatements(db, parseStatementQuery(parameters));
    res.set(CONSISTENT_THROUGH_HEADER, page.consistentThrough.toISOString());
    const result = {
      statements: page.statements.map((statement) => formatStatement(statement, format, languages)),
      more: moreUrl(req, parameters, page.next),
    };
    await sendStatements(res, result, page.statements, { withAttachments });
  };

  /**
   * xAPI Communication 2.1.3: with attachments=true the answer is multipart/mixed, the JSON
   * first, then each attachment's content once; otherwise JSON alone.
   */
  async function sendStatements(
    res: Response,
    json: unknown,
    statements: readonly LrsStatement[],
    { withAttachments }: { withAttachments: boolean },
  ): Promise<void> {
    if (!withAttachments) {
      res.json(json);
      return;
    }
    const hashes = [
      ...new Set(
        statements.flatMap((statement) =>
          attachmentsOf(statement).map((attachment: Attachment) => attachment.sha2.toLowerCase()),
        ),
      ),
    ];
    const contents = await readAttachments(db, hashes);
    const { body, contentType } = buildMultipart([
      {
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from(JSON.stringify(json)),
      },
      ...contents.map((attachment) => ({
        headers: {
          'Content-Type': attachment.contentType,
          'Content-Transfer-Encoding': 'binary',
          [HASH_HEADER]: attachment.sha2,
        },
        body: attachment.content,
      })),
    ]);
    res.set('Content-Type', contentType);
    res.status(200).end(body);
  }

  const fetchToken: RequestHandler = async (req, res) => {
    const fetchCode = String(req.params.fetchCode);
    try {
      const { authToken } = await fetchLaunchToken({ db, fetchCode });
      res.json({ 'auth-token': authToken });
    } catch (error) {
      // cmi5 section 8.2.3: errors are a 200-free JSON answer with an error code and text.
      if (!(error instanceof XapiLaunchFetchError)) throw error;
      res.status(400).json({ 'error-code': '1', 'error-text': error.message });
    }
  };

  router.use(allowCrossOrigin);
  const parseForm = express.urlencoded({ extended: false, limit: BODY_LIMIT });
  router.use((req, res, next) => {
    const query = req.query as Record<string, unknown>;
    if (req.method !== 'POST' || query.method === undefined) {
      next();
      return;
    }
    parseForm(req, res, next);
  }, alternateRequestSyntax);
  router.use(setVersionHeader);
  router.get('/about', about);
  router.post('/launch/fetch/:fetchCode', fetchToken);
  router.use('/statements', setConsistentThrough(db));
  router.use(requireVersionHeader);
  router.use(requireClient(db));
  router.post('/statements', parseStatementBody, postStatements);
  router.put('/statements', parseStatementBody, putStatement);
  router.get('/statements', getStatements);
  router.use(createDocumentRouter({ db }));
  router.use(notFound);
  router.use(challengeUnauthorized, jsonErrorHandler(logger));
  return router;
}

/**
 * Content launched from another origin calls the LRS from the learner's browser (cmi5 section
 * 8.1), so the LRS allows any origin. It is safe: callers authenticate with an explicit
 * Authorization header, never with cookies, so no credentials mode is allowed.
 */
const allowCrossOrigin: RequestHandler = (req, res, next) => {
  res.set('Access-Control-Allow-Origin', '*');
  res.set(
    'Access-Control-Expose-Headers',
    'ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through',
  );
  if (req.method === 'OPTIONS') {
    res.set('Access-Control-Allow-Methods', 'GET, HEAD, PUT, POST, DELETE');
    res.set(
      'Access-Control-Allow-Headers',
      'Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match',
    );
    res.set('Access-Control-Max-Age', '600');
    res.status(204).end();
    return;
  }
  next();
};

/** Form fields the Alternate Request Syntax carries as headers (xAPI 1.0.3 Communication 1.3). */
const FORM_HEADERS = [
  'authorization',
  'x-experience-api-version',
  'content-type',
  'content-length',
  'if-match',
  'if-none-match',
];

/**
 * xAPI 1.0.3 Communication 1.3, Alternate Request Syntax: a POST with only `method` in its
 * query and a form body stands for that method, the form's header fields as headers,
 * `content` as the body and its other fields as parameters. xAPI 2.0 removed it, so a 2.0
 * request using it is refused with 400.
 */
const alternateRequestSyntax: RequestHandler = (req, _res, next) => {
  const query = req.query as Record<string, unknown>;
  if (req.method !== 'POST' || query.method === undefined) {
    next();
    return;
  }
  const method = String(query.method).toUpperCase();
  if (Object.keys(query).length !== 1) {
    throw new BadRequestError('The Alternate Request Syntax allows no parameter but method');
  }
  if (!['GET', 'PUT', 'POST', 'DELETE', 'HEAD'].includes(method)) {
    throw new BadRequestError(`method ${method} is not an HTTP method of the xAPI`);
  }
  if (!req.is('application/x-www-form-urlencoded')) {
    throw new BadRequestError('The Alternate Request Syntax sends an urlencoded form');
  }
  const form = { ...(req.body as Record<string, string>) };
  const parameters = new URLSearchParams();
  let content: string | undefined;
  delete req.headers['content-type'];
  for (const [name, value] of Object.entries(form)) {
    if (FORM_HEADERS.includes(name.toLowerCase())) {
      req.headers[name.toLowerCase()] = value;
    } else if (name === 'content') {
      content = value;
    } else {
      parameters.set(name, value);
    }
  }
  const version = req.get(VERSION_HEADER)?.trim() ?? '';
  if (version.startsWith('2.')) {
    throw new BadRequestError('xAPI 2.0 removed the Alternate Request Syntax');
  }
  if ((method === 'PUT' || method === 'POST') && content === undefined) {
    throw new BadRequestError('The Alternate Request Syntax needs the content form field');
  }
  req.headers['content-type'] ??= 'application/json';
  if (content !== undefined) {
    try {
      req.body = req.is('application/json') ? (JSON.parse(content) as unknown) : content;
    } catch {
      throw new BadRequestError('The content form field is not valid JSON');
    }
  }
  req.method = method;
  const search = parameters.toString();
  req.url = `${req.path}${search === '' ? '' : `?${search}`}`;
  next();
};

/** xAPI Communication 3.3: every response carries the version header, set to the latest patch. */
const setVersionHeader: RequestHandler = (req, res, next) => {
  // A 1.0.x client is answered in the latest 1.0 patch (xAPI 1.0.3 Communication 3.3).
  const isVersion1 = req.get(VERSION_HEADER)?.trim().startsWith('1.0') ?? false;
  res.set(VERSION_HEADER, isVersion1 ? '1.0.3' : LRS_VERSION);
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
 * xAPI Communication 2.1.3: every Statement Resource response, a refusal included, says up to
 * when stored statements are final (see readConsistentThrough). For writes the read runs
 * alongside the request and the header is set just before the answer goes out.
 */
function setConsistentThrough(db: Executor): RequestHandler {
  const consistentThrough = sharedReading(
    () => readConsistentThrough(db),
    CONSISTENT_THROUGH_REUSE_MS,
  );
  return async (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      res.set(CONSISTENT_THROUGH_HEADER, (await consistentThrough()).toISOString());
      next();
      return;
    }
    const through = consistentThrough().then(
      (instant) => instant.toISOString(),
      () => undefined,
    );
    let isHeld = true;
    // Hold the answer until the read is done, so the header is there whatever the outcome.
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      if (!isHeld) return end(...args);
      void through.then((value) => {
        isHeld = false;
        if (value !== undefined && !res.headersSent) res.set(CONSISTENT_THROUGH_HEADER, value);
        end(...args);
      });
      return res;
    }) as typeof res.end;
    next();
  };
}

/**
 * One reading shared by the requests that ask while it runs, and reused for `reuseMs` after:
 * an earlier consistent-through instant stays true (everything stored before it is still
 * final), and the reading scans pg_locks, which every statement request would otherwise do.
 */
function sharedReading(read: () => Promise<Date>, reuseMs: number): () => Promise<Date> {
  let reading: Promise<Date> | null = null;
  let readAt = 0;
  return () => {
    if (reading && Date.now() - readAt < reuseMs) return reading;
    readAt = Date.now();
    reading = read();
    reading.catch(() => {
      reading = null;
    });
    return reading;
  };
}

/** Authenticates the caller: a launch token or a platform credential (xAPI Communication 4). */
function requireClient(db: Executor): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('Authorization');
    const presented = parseBasicHeader(header);
    let client: XapiClient;
    if (presented?.key.startsWith(LAUNCH_KEY_PREFIX)) {
      const grant = await authenticateLaunchToken(db, presented.key, presented.secret);
      if (!grant) throw new XapiAuthError('The launch token is not valid or has expired.');
      client = { kind: 'launch', grant };
    } else {
      client = { kind: 'credential', credential: await authenticateBasic(db, header) };
    }
    res.locals.xapiClient = client;
    next();
  };
}

function parseBasicHeader(header: string | undefined): { key: string; secret: string } | null {
  const match = /^Basic[ ]+([A-Za-z0-9+/=_-]+)[ ]*$/i.exec(header ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon <= 0 ? null : { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function clientOf(res: Response): XapiClient {
  return res.locals.xapiClient as XapiClient;
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

/**
 * The statements of a request (xAPI Communication 1.5.2): application/json, or multipart/mixed
 * whose first part is the statements as application/json and whose other parts are attachment
 * contents, each with its SHA-256 in X-Experience-API-Hash.
 */
function readStatementBody(req: Request): { body: unknown; parts: AttachmentParts } {
  const parts: AttachmentParts = new Map();
  if (req.is('application/json')) return { body: req.body as unknown, parts };
  if (!req.is('multipart/mixed')) {
    throw new BadRequestError('Send statements as application/json or multipart/mixed');
  }
  const [first, ...rest] = parseMultipart(req.body as Buffer, req.get('Content-Type') ?? '');
  if (!first || !isJsonMediaType(first.headers['content-type'] ?? '')) {
    throw new BadRequestError('The first part of a multipart request must be application/json');
  }
  let body: unknown;
  try {
    body = JSON.parse(first.body.toString('utf8'));
  } catch {
    throw new BadRequestError('The first part of the multipart request is not valid JSON');
  }
  for (const [index, part] of rest.entries()) {
    const hash = part.headers[HASH_HEADER.toLowerCase()];
    if (!hash) throw new BadRequestError(`Part ${index + 2} has no ${HASH_HEADER} header`);
    const encoding = part.headers['content-transfer-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'binary') {
      throw new BadRequestError(`Part ${index + 2} must have Content-Transfer-Encoding binary`);
    }
    const actual = createHash('sha256').update(part.body).digest('hex');
    if (actual !== hash.toLowerCase()) {
      throw new BadRequestError(`Part ${index + 2} does not have the SHA-256 ${hash}`);
    }
    parts.set(actual, {
      contentType: part.headers['content-type'] ?? 'application/octet-stream',
      content: part.body,
    });
  }
  return { body, parts };
}

/** The attachments of a statement and of its sub-statement. */
function attachmentsOf(statement: Statement): Attachment[] {
  return [
    ...(statement.attachments ?? []),
    ...(statement.object.objectType === 'SubStatement' ? (statement.object.attachments ?? []) : []),
  ];
}

/**
 * xAPI Data 2.4.11 and Communication 1.5.2: every attachment without a fileUrl has its content
 * among the parts, every part belongs to an attachment, and signatures (Data 2.6) hold.
 */
async function checkAttachments(statements: readonly Statement[], parts: AttachmentParts) {
  const referenced = new Set<string>();
  for (const [index, statement] of statements.entries()) {
    for (const attachment of attachmentsOf(statement)) {
      const sha2 = attachment.sha2.toLowerCase();
      referenced.add(sha2);
      const part = parts.get(sha2);
      if (!part && attachment.fileUrl === undefined) {
        throw new XapiStatementInvalidError(
          `statement[${index}] has an attachment ${attachment.sha2} with neither fileUrl nor content in the request`,
        );
      }
      if (attachment.usageType === SIGNATURE_USAGE_TYPE) {
        if (attachment.contentType !== SIGNATURE_CONTENT_TYPE) {
          throw new XapiStatementInvalidError(
            `statement[${index}]: a signature attachment must be ${SIGNATURE_CONTENT_TYPE}`,
          );
        }
        if (!part) {
          throw new XapiStatementInvalidError(`statement[${index}]: the signature is missing`);
        }
        await checkSignature(statement, part.content.toString('utf8'), `statement[${index}]`);
      }
    }
  }
  for (const sha2 of parts.keys()) {
    if (!referenced.has(sha2)) {
      throw new BadRequestError(`The request has content ${sha2} that no attachment describes`);
    }
  }
}

function parseFormat(value: string | undefined): StatementFormat {
  if (value === undefined) return 'exact';
  if (value !== 'ids' && value !== 'exact' && value !== 'canonical') {
    throw new BadRequestError(`format must be ids, exact or canonical, not "${value}"`);
  }
  return value;
}

/** The filters of GET /statements (xAPI Communication 2.1.3). */
function parseStatementQuery(parameters: Record<string, string>): StatementQuery {
  const { agent, verb, activity, registration, since, until, limit, ascending, after } = parameters;
  const flag = (name: string) => {
    const value = parameters[name];
    return value === undefined ? false : parseBoolean(value, name);
  };
  return {
    agent: agent === undefined ? undefined : parseActorParameter(agent, 'agent'),
    verb: verb === undefined ? undefined : parseIriParameter(verb, 'verb'),
    activity: activity === undefined ? undefined : parseIriParameter(activity, 'activity'),
    registration:
      registration === undefined ? undefined : parseUuidParameter(registration, 'registration'),
    relatedActivities: flag('related_activities'),
    relatedAgents: flag('related_agents'),
    since: since === undefined ? undefined : parseTimestampParameter(since, 'since'),
    until: until === undefined ? undefined : parseTimestampParameter(until, 'until'),
    limit: limit === undefined ? 0 : parseCount(limit, 'limit'),
    ascending: ascending === undefined ? false : parseBoolean(ascending, 'ascending'),
    after,
  };
}

/**
 * xAPI Data 2.5: `more` is a relative IRL (path and query, no scheme or host) to the next page,
 * or an empty string when there is none.
 */
function moreUrl(req: Request, parameters: Record<string, string>, next: string | null): string {
  if (next === null) return '';
  const query = new URLSearchParams({ ...parameters, after: next });
  return `${req.baseUrl}/statements?${query.toString()}`;
}
