import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Executor } from '../../db/database.js';
import { BadRequestError, NotFoundError, XapiLaunchForbiddenError } from '../../errors.js';
import { readAttachments } from '../../xapi/attachment-contents.js';
import { CONSISTENT_THROUGH_HEADER } from './consistent-through-header.js';
import {
  formatStatement,
  parseAcceptLanguage,
  type StatementFormat,
} from '../../xapi/format-statement.js';
import { buildMultipart } from '../../xapi/multipart-mixed.js';
import { getStatement, queryStatements, type StatementQuery } from '../../xapi/query-statements.js';
import {
  asParameter,
  parseActorParameter,
  parseBoolean,
  parseCount,
  parseIriParameter,
  parseTimestampParameter,
  parseUuidParameter,
  readParameters,
} from '../../xapi/request-parameters.js';
import {
  attachmentsOf,
  HASH_HEADER,
  type Attachment,
  type LrsStatement,
} from '../../xapi/statement.js';
import { expectUuid } from '../../xapi/validate/uuid.js';
import { clientOf } from './xapi-client.js';

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
 * GET and HEAD of the Statement Resource (xAPI Communication 2.1.3, 2.1.4), to mount inside the
 * LRS router after authentication: one statement by id, or a page of a query.
 */
export function createStatementReadRouter({ db }: { db: Executor }): Router {
  const router = express.Router();
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
    const more = moreUrl(req, parameters, page.next);
    if (format === 'exact' && !withAttachments) {
      // The statements as stored, their text copied instead of parsed and written again.
      res
        .type('application/json')
        .send(`{"statements":[${page.statementsJson.join(',')}],"more":${JSON.stringify(more)}}`);
      return;
    }
    const statements = page.statementsJson.map((json) => JSON.parse(json) as LrsStatement);
    const result = {
      statements: statements.map((statement) => formatStatement(statement, format, languages)),
      more,
    };
    await sendStatements(res, result, statements, { withAttachments });
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

  router.get('/statements', getStatements);
  return router;
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
