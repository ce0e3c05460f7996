import { createHash } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Logger } from '../../config/logger.js';
import type { Executor } from '../../db/database.js';
import { BadRequestError, XapiStatementInvalidError } from '../../errors.js';
import {
  checkSignature,
  SIGNATURE_CONTENT_TYPE,
  SIGNATURE_USAGE_TYPE,
} from '../../xapi/check-signature.js';
import type { XapiCredential } from '../../xapi/credentials.js';
import { isJsonMediaType } from '../../xapi/document-store.js';
import { createCmi5Lms } from '../../xapi/cmi5/cmi5-lms.js';
import { checkLaunchStatements } from '../../xapi/launch-scope.js';
import { parseMultipart } from '../../xapi/multipart-mixed.js';
import { asParameter, readParameters } from '../../xapi/request-parameters.js';
import { createActorResolver } from '../../xapi/resolve-actor.js';
import { attachmentsOf, HASH_HEADER, type Statement } from '../../xapi/statement.js';
import {
  createStatementWriter,
  type OnStatementsStored,
  type StatementSource,
  type StatementWrite,
} from '../../xapi/statement-store.js';
import { validateStatement, validateStatements } from '../../xapi/validate/statement.js';
import { expectUuid } from '../../xapi/validate/uuid.js';
import { clientOf } from './xapi-client.js';

/** The largest JSON body the LRS reads; larger ones get 413 (xAPI Communication 3.2). */
export const BODY_LIMIT = '1mb';
/** The largest multipart/mixed body, attachments included. */
const MULTIPART_LIMIT = '20mb';

/** Attachment content that came with a request, by SHA-256 hex. */
type AttachmentParts = Map<string, { contentType: string; content: Buffer }>;

/** What the LRS's routers need: the database, the public URL and the hooks of a write. */
export interface LrsRouterDeps {
  db: Executor;
  /** The tool's public base URL; statements' authority accounts live there. */
  publicUrl: string;
  logger: Logger;
  onStatementsStored: OnStatementsStored;
  onWorkQueued: () => void;
}

/**
 * POST and PUT of the Statement Resource (xAPI Communication 2.1.1, 2.1.2), to mount inside the
 * LRS router after authentication: statements checked (attachments, signatures, and for launch
 * tokens their scope, launch-scope.ts), then stored through the group-committing writer (see
 * createLrsRouter for `onStatementsStored` and `onWorkQueued`).
 */
export function createStatementWriteRouter({
  db,
  publicUrl,
  logger,
  onStatementsStored,
  onWorkQueued,
}: LrsRouterDeps): Router {
  const router = express.Router();
  const writeStatements = createStatementWriter({ db, publicUrl, onStatementsStored });
  const cmi5Lms = createCmi5Lms({ db, publicUrl, onStatementsStored });
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
    // A cmi5 session's statements are checked against its state, so they skip group commit.
    const cmi5SessionId = client.kind === 'launch' ? client.grant.cmi5SessionId : null;
    const write =
      client.kind === 'launch' && cmi5SessionId !== null
        ? (one: StatementWrite) =>
            cmi5Lms.storeSessionStatements({ ...client.grant, cmi5SessionId }, one)
        : writeStatements;
    const { ids, stored, queuedWork } = await write({
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

  router.post('/statements', parseStatementBody, postStatements);
  router.put('/statements', parseStatementBody, putStatement);
  return router;
}

/** Which trust level statements sent with this credential carry (ARCHITECTURE.md, Trust). */
function statementSourceFor(credential: XapiCredential): StatementSource {
  return credential.platformId === null ? 'content' : 'platform';
}

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
