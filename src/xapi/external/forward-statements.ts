import { and, asc, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Logger } from '../../config/logger.js';
import type { Db, Executor } from '../../db/database.js';
import type { OutgoingFetch } from '../../outgoing/outgoing-requests.js';
import { enrolments, statements as statementsTable, users } from '../../db/schema.js';
import { enqueueJob, enqueueJobs, jobOf } from '../../jobs/enqueue-job.js';
import { defineJobKind } from '../../jobs/job-kind.js';
import { handleJob, type JobHandler } from '../../jobs/job-registry.js';
import type { LrsStatement } from '../statement.js';
import { readAttachments, type AttachmentContent } from '../attachment-contents.js';
import type { OnStatementsStored, StoredStatement } from '../statement-store.js';
import {
  createExternalLrsClient,
  ExternalLrsRequestError,
  type XapiClient,
} from './external-lrs-client.js';
import {
  externalLrsAccess,
  forwardConnections,
  isForwarding,
  pulledCredentialKey,
  readExternalLrs,
  recordConnectionError,
  type ForwardConnection,
} from './external-lrs-connections.js';

/** The job that sends stored statements (of the tool's LRS, in stored order) to an external LRS. */
export const forwardStatementsJob = defineJobKind({
  name: 'external-lrs-forward',
  payload: z.object({ connectionId: z.guid(), statementIds: z.array(z.guid()).min(1) }),
});
export type ForwardStatementsPayload = z.output<typeof forwardStatementsJob.payload>;

/** Statements per forward job: one POST when the external LRS takes them all. */
const FORWARD_BATCH_SIZE = 100;
/**
 * Statuses that say nothing about the statements but about the connection (credentials, a
 * wrong endpoint): the job is retried as a whole, like a network failure.
 */
const CONNECTION_STATUSES = new Set([401, 403, 404, 405]);
const CRLF = new TextEncoder().encode('\r\n');

/**
 * The `onStatementsStored` part that forwards: inside the storing transaction, it queues one
 * outbox job per forwarding connection and FORWARD_BATCH_SIZE statements for the newly stored
 * statements whose learner (the resolved `user_id`) is a user of the connection's platform
 * and, for a connection narrowed to a course, enrolled in that course. Statements pulled
 * through a connection are never queued for that same connection. Statements about nobody the
 * tool knows are not forwarded. Resolves true when it queued a job.
 *
 * `db` is the app's database handle: the forwarding connections are read once per few seconds
 * for it (see external-lrs-connections.ts), so a tool without any costs the LRS nothing.
 */
export function createForwardingHook(db: Db): OnStatementsStored {
  return async (tx, stored) => {
    const connections = await forwardConnections(tx, db);
    if (connections.length === 0) return false;
    const about = stored.filter(
      (statement): statement is StoredStatement & { userId: string } => statement.userId !== null,
    );
    if (about.length === 0) return false;
    const learners = await readLearners(tx, about, connections);
    const jobs = connections.flatMap((connection) => {
      const ids = about
        .filter(
          (statement) =>
            statement.credentialKey !== pulledCredentialKey(connection.id) &&
            learners.isOf(statement.userId, connection),
        )
        .map((statement) => statement.id);
      return chunks(ids, FORWARD_BATCH_SIZE).map((statementIds) =>
        forwardJob(connection.id, statementIds),
      );
    });
    if (jobs.length === 0) return false;
    await enqueueJobs(tx, jobs);
    return true;
  };
}

function forwardJob(connectionId: string, statementIds: string[]) {
  return jobOf(
    forwardStatementsJob,
    { connectionId, statementIds },
    `${connectionId}:${statementIds[0]}`,
  );
}

/** The platform of each learner, and the courses they are enrolled in among the connections'. */
async function readLearners(
  tx: Executor,
  statements: readonly { userId: string }[],
  connections: readonly ForwardConnection[],
): Promise<{ isOf(userId: string, connection: ForwardConnection): boolean }> {
  const userIds = [...new Set(statements.map((statement) => statement.userId))];
  const platformOf = new Map(
    (
      await tx
        .select({ id: users.id, platformId: users.platformId })
        .from(users)
        .where(inArray(users.id, userIds))
    ).map((user) => [user.id, user.platformId]),
  );
  const courseIds = [...new Set(connections.flatMap((connection) => connection.courseId ?? []))];
  const enrolled = new Set(
    courseIds.length === 0
      ? []
      : (
          await tx
            .select({ userId: enrolments.userId, courseId: enrolments.courseId })
            .from(enrolments)
            .where(
              and(inArray(enrolments.userId, userIds), inArray(enrolments.courseId, courseIds)),
            )
        ).map((enrolment) => `${enrolment.userId} ${enrolment.courseId}`),
  );
  return {
    isOf: (userId, connection) =>
      platformOf.get(userId) === connection.platformId &&
      (connection.courseId === null || enrolled.has(`${userId} ${connection.courseId}`)),
  };
}

/**
 * The outbox job: sends the job's statements to the connection's external LRS with
 * `@xapi/xapi`, ids included, so the external LRS keeps one copy of each however often they
 * are sent. Statements whose attachments' contents the tool holds go one at a time as
 * multipart/mixed (xAPI Communication 1.5.2), the others together.
 *
 * - Unreachable, 408, 429, 5xx, or 401/403/404/405 (credentials, endpoint): throws, so the
 *   outbox retries the whole job with its backoff.
 * - 409 for a statement: the external LRS holds one with that id already; it counts as sent.
 * - Another 4xx for a batch: the statements are sent one by one to find the refused ones. If
 *   some got through, the refused ones are queued as a job of their own and this job ends; if
 *   none did, it throws with the refusal, and the job queue gives up after its
 *   retry policy's attempts.
 * Failures and refusals are kept as the connection's `lastForwardError` until a job succeeds.
 * A removed or paused connection ends the job without sending anything.
 */
export async function forwardStatements(
  deps: { db: Db; secret: string; logger: Logger; outgoingFetch: OutgoingFetch },
  payload: ForwardStatementsPayload,
): Promise<void> {
  const { db, logger } = deps;
  const connection = await readExternalLrs(db, payload.connectionId);
  if (!connection?.isActive || !isForwarding(connection)) {
    logger.info('xapi', 'statements not forwarded: the external LRS connection is gone or paused', {
      connectionId: payload.connectionId,
      statementIds: payload.statementIds,
    });
    return;
  }
  const statements = await readStatements(db, payload.statementIds);
  const requests = await planRequests(db, statements, connection.xapiVersion);
  const client = createExternalLrsClient(
    externalLrsAccess(connection, deps.secret),
    deps.outgoingFetch,
  );
  const refusals: Refusal[] = [];
  try {
    for (const request of requests) refusals.push(...(await send(client, request, logger)));
  } catch (error) {
    await recordConnectionError(db, connection.id, 'forward', error);
    throw error;
  }
  if (refusals.length === 0) {
    if (connection.lastForwardError !== null) {
      await recordConnectionError(db, connection.id, 'forward', null);
    }
    logger.info('xapi', 'statements forwarded', {
      connectionId: connection.id,
      statementIds: statements.map((statement) => statement.id),
    });
    return;
  }
  const refusedIds = refusals.map((refusal) => refusal.statementId);
  const problem = new ExternalLrsRequestError(
    `The external LRS refused ${refusedIds.length} statement(s): ${refusals
      .slice(0, 3)
      .map((refusal) => `${refusal.statementId}: ${refusal.reason}`)
      .join('; ')}`,
    refusals[0]?.status ?? null,
  );
  await recordConnectionError(db, connection.id, 'forward', problem);
  if (refusedIds.length === statements.length) throw problem;
  await enqueueJob(
    db,
    forwardStatementsJob,
    { connectionId: connection.id, statementIds: refusedIds },
    `${connection.id}:${refusedIds[0]}:refused`,
  );
  logger.warn('xapi', 'statements forwarded, some refused and queued again', {
    connectionId: connection.id,
    refusedStatementIds: refusedIds,
    error: problem.message,
  });
}

/** The statements as the tool's LRS returns them, in stored order; unknown ids are left out. */
async function readStatements(db: Executor, ids: readonly string[]): Promise<LrsStatement[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ statement: statementsTable.statement })
    .from(statementsTable)
    .where(inArray(statementsTable.id, [...ids]))
    .orderBy(asc(statementsTable.seq));
  return rows.map((row) => row.statement as unknown as LrsStatement);
}

/** Runs the forward jobs (forwardStatements). */
export function forwardStatementsJobHandler(deps: {
  db: Db;
  secret: string;
  logger: Logger;
  outgoingFetch: OutgoingFetch;
}): JobHandler {
  return handleJob(forwardStatementsJob, (payload) => forwardStatements(deps, payload));
}

/** One POST /statements: statements, and the attachment contents when sent as multipart. */
interface ForwardRequest {
  readonly statements: readonly LrsStatement[];
  readonly contents: readonly AttachmentContent[];
}

interface Refusal {
  readonly statementId: string;
  readonly status: number | null;
  readonly reason: string;
}

/**
 * Groups the statements into requests, keeping their order: runs of statements sent as JSON
 * together, and each statement with every attachment's content at hand on its own (the
 * library writes the attachment parts of one statement only).
 */
async function planRequests(
  db: Executor,
  statements: readonly LrsStatement[],
  xapiVersion: '2.0.0' | '1.0.3',
): Promise<ForwardRequest[]> {
  const hashes = statements.flatMap((statement) =>
    (statement.attachments ?? []).map((attachment) => attachment.sha2.toLowerCase()),
  );
  const contentBySha2 = new Map(
    (await readAttachments(db, [...new Set(hashes)])).map((content) => [content.sha2, content]),
  );
  const requests: ForwardRequest[] = [];
  let run: LrsStatement[] = [];
  for (const stored of statements) {
    const statement = forVersion(stored, xapiVersion);
    const contents = (statement.attachments ?? []).map((attachment) =>
      contentBySha2.get(attachment.sha2.toLowerCase()),
    );
    if (contents.length > 0 && contents.every((content) => content !== undefined)) {
      if (run.length > 0) requests.push({ statements: run, contents: [] });
      run = [];
      requests.push({ statements: [statement], contents: contents as AttachmentContent[] });
    } else {
      run.push(statement);
    }
  }
  if (run.length > 0) requests.push({ statements: run, contents: [] });
  return requests;
}

/**
 * A 1.0.3 LRS refuses the statement version 2.0.0 that this LRS records; without a version it
 * records its own (xAPI 1.0.3 Data 2.4.10).
 */
function forVersion(statement: LrsStatement, xapiVersion: '2.0.0' | '1.0.3'): LrsStatement {
  if (xapiVersion === '2.0.0' || !statement.version?.startsWith('2.')) return statement;
  const { version: _version, ...withoutVersion } = statement;
  return withoutVersion as LrsStatement;
}

/** Sends one request; see forwardStatements for what each answer leads to. */
async function send(
  client: XapiClient,
  request: ForwardRequest,
  logger: Logger,
): Promise<Refusal[]> {
  try {
    await client.sendStatements({
      statements: request.statements as unknown as Parameters<
        XapiClient['sendStatements']
      >[0]['statements'],
      attachments: attachmentParts(request.contents),
    });
    return [];
  } catch (error) {
    if (
      !(error instanceof ExternalLrsRequestError) ||
      error.isTransient ||
      CONNECTION_STATUSES.has(error.upstreamStatus ?? 0)
    ) {
      throw error;
    }
    if (request.statements.length > 1) {
      const refusals: Refusal[] = [];
      for (const statement of request.statements) {
        refusals.push(...(await send(client, { statements: [statement], contents: [] }, logger)));
      }
      return refusals;
    }
    const statementId = request.statements[0]?.id ?? '';
    if (error.upstreamStatus === 409) {
      logger.info('xapi', 'the external LRS already holds a statement with this id', {
        statementId,
      });
      return [];
    }
    return [{ statementId, status: error.upstreamStatus, reason: error.message }];
  }
}

/**
 * The attachment contents in the statement's order, as the library takes them. The library
 * writes each part's delimiter right after the previous content, so every content but the last
 * carries the CRLF that RFC 2046 section 5.1.1 makes part of the next delimiter.
 */
function attachmentParts(contents: readonly AttachmentContent[]): ArrayBuffer[] {
  return contents.map((content, index) => {
    const isLast = index === contents.length - 1;
    const bytes = new Uint8Array(content.content.length + (isLast ? 0 : CRLF.length));
    bytes.set(content.content);
    if (!isLast) bytes.set(CRLF, content.content.length);
    return bytes.buffer;
  });
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size));
  }
  return result;
}
