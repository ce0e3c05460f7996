import { and, eq, inArray, notInArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Logger } from '../../config/logger.js';
import type { Db, Executor } from '../../db/database.js';
import type { OutgoingFetch } from '../../outgoing/outgoing-requests.js';
import { externalLrsConnections } from '../../db/schema.js';
import { XapiStatementConflictError, XapiStatementInvalidError } from '../../errors.js';
import { enqueueJobs, jobOf, pendingJobPayloads } from '../../jobs/enqueue-job.js';
import { defineJobKind } from '../../jobs/job-kind.js';
import { handleJob, type JobHandler } from '../../jobs/job-registry.js';
import { createActorResolver } from '../resolve-actor.js';
import type { Statement } from '../statement.js';
import { storeStatements, type OnStatementsStored } from '../statement-store.js';
import { parseTimestamp } from '../validate/timestamp.js';
import { validateStatement } from '../validate/statement.js';
import {
  createExternalLrsClient,
  ExternalLrsRequestError,
  type XapiClient,
} from './external-lrs-client.js';
import {
  externalLrsAccess,
  isPulling,
  pulledCredentialKey,
  readExternalLrs,
  recordConnectionError,
  type ExternalLrsConnection,
} from './external-lrs-connections.js';

/** The job that pulls new statements from an external LRS. */
export const pullStatementsJob = defineJobKind({
  name: 'external-lrs-pull',
  payload: z.object({ connectionId: z.guid() }),
});
export type PullStatementsPayload = z.output<typeof pullStatementsJob.payload>;

/** How often each pulling connection is asked for new statements. */
export const PULL_INTERVAL_MS = 60_000;
/** Statements asked for per page. */
const PULL_PAGE_SIZE = 100;
/**
 * A pull stops following `more` after this long, well within the outbox lease; the next one
 * continues from the cursor.
 */
const PULL_RUN_MS = 60_000;

/** Where a pull continues: after the `stored` instant, or at the `more` IRL first. */
interface PullCursor {
  since: string | null;
  more: string | null;
}

/**
 * Queues a pull job for every active pulling connection that has none pending yet, one per
 * PULL_INTERVAL_MS time slot of `now` (the slot is in the job's dedupe key, so several app
 * nodes queue one job between them). A job that keeps failing holds back its connection's next
 * pulls until the outbox gives it up. Resolves true when it queued a job.
 */
export async function schedulePulls(db: Executor, now = new Date()): Promise<boolean> {
  const slot = Math.floor(now.getTime() / PULL_INTERVAL_MS);
  const pending = (await pendingJobPayloads(db, pullStatementsJob)).map(
    (payload) => payload.connectionId,
  );
  const due = await db
    .select({ id: externalLrsConnections.id })
    .from(externalLrsConnections)
    .where(
      and(
        eq(externalLrsConnections.isActive, true),
        inArray(externalLrsConnections.direction, ['pull', 'both']),
        pending.length > 0 ? notInArray(externalLrsConnections.id, pending) : undefined,
      ),
    );
  const queued = await enqueueJobs(
    db,
    due.map(({ id }) => jobOf(pullStatementsJob, { connectionId: id }, `${id}:${slot}`)),
  );
  return queued > 0;
}

/**
 * Calls schedulePulls now and every `intervalMs`, and `onScheduled` when it queued a job.
 * `stop()` ends the timer and waits for a round under way.
 */
export function startPullSchedule({
  db,
  logger,
  onScheduled,
  intervalMs = PULL_INTERVAL_MS,
}: {
  db: Db;
  logger: Logger;
  onScheduled: () => void;
  intervalMs?: number;
}): { stop(): Promise<void> } {
  let round: Promise<void> = Promise.resolve();
  const run = () => {
    round = schedulePulls(db)
      .then((queued) => {
        if (queued) onScheduled();
      })
      .catch((error: unknown) =>
        logger.warn('xapi', 'scheduling the external LRS pulls failed', { error }),
      );
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await round;
    },
  };
}

/**
 * The outbox job: reads the statements the connection's external LRS stored after the cursor,
 * oldest first, following `more`, with `@xapi/xapi`, and stores each page through the tool's
 * statement store as the connection's platform would send them: source `platform`, actors
 * resolved to that platform's learners, the LRS's own `onStatementsStored` (so awards follow),
 * and `pulledCredentialKey` as credential (so they are not forwarded back). The cursor advances
 * only once a page is stored; statements already stored change nothing, so a page read twice
 * stores nothing twice.
 *
 * A statement the tool refuses (invalid, without an id, or a different statement with a known
 * id) is skipped with a logged reason; the cursor moves past it. A failed request throws, so
 * the outbox retries; its message is kept as the connection's `lastPullError` until a pull
 * succeeds. A `more` IRL the external LRS no longer answers is dropped, and the listing read
 * again from `since`. A removed, paused or forward-only connection ends the job quietly.
 */
export async function pullStatements(
  deps: {
    db: Db;
    secret: string;
    publicUrl: string;
    logger: Logger;
    outgoingFetch: OutgoingFetch;
    onStatementsStored: OnStatementsStored;
    onWorkQueued: () => void;
  },
  payload: PullStatementsPayload,
): Promise<void> {
  const { db, logger } = deps;
  const connection = await readExternalLrs(db, payload.connectionId);
  if (!connection?.isActive || !isPulling(connection)) {
    logger.info('xapi', 'nothing pulled: the connection is gone, paused or forward-only', {
      connectionId: payload.connectionId,
    });
    return;
  }
  const client = createExternalLrsClient(
    externalLrsAccess(connection, deps.secret),
    deps.outgoingFetch,
  );
  const startedAtMs = Date.now();
  let cursor: PullCursor = { since: connection.pullSince, more: connection.pullMore };
  let storedCount = 0;
  try {
    do {
      const page = await readPage(client, connection, cursor, logger);
      storedCount += await storePage(deps, connection, page.statements);
      cursor = { since: latestStored(cursor.since, page.statements), more: page.more };
      await db
        .update(externalLrsConnections)
        .set({
          pullSince: cursor.since,
          pullMore: cursor.more,
          lastPulledAt: new Date(),
          lastPullError: null,
        })
        .where(eq(externalLrsConnections.id, connection.id));
    } while (cursor.more !== null && Date.now() - startedAtMs < PULL_RUN_MS);
  } catch (error) {
    await recordConnectionError(db, connection.id, 'pull', error);
    throw error;
  }
  logger.info('xapi', 'statements pulled', {
    connectionId: connection.id,
    stored: storedCount,
    since: cursor.since,
  });
}

/** Runs the pull jobs (pullStatements). */
export function pullStatementsJobHandler(deps: {
  db: Db;
  secret: string;
  publicUrl: string;
  logger: Logger;
  outgoingFetch: OutgoingFetch;
  onStatementsStored: OnStatementsStored;
  onWorkQueued: () => void;
}): JobHandler {
  return handleJob(pullStatementsJob, (payload) => pullStatements(deps, payload));
}

/** One page of a statement listing: the raw statements and the next page's `more`, or null. */
interface Page {
  statements: unknown[];
  more: string | null;
}

async function readPage(
  client: XapiClient,
  connection: ExternalLrsConnection,
  cursor: PullCursor,
  logger: Logger,
): Promise<Page> {
  if (cursor.more === null) return listSince(client, cursor.since);
  try {
    return asPage(
      await client.getMoreStatements({ more: morePath(connection.endpoint, cursor.more) }),
    );
  } catch (error) {
    if (!(error instanceof ExternalLrsRequestError) || error.isTransient) throw error;
    logger.warn('xapi', 'the external LRS refused its own more IRL; listing again from since', {
      connectionId: connection.id,
      error: error.message,
    });
    return listSince(client, cursor.since);
  }
}

async function listSince(client: XapiClient, since: string | null): Promise<Page> {
  return asPage(
    await client.getStatements({
      ascending: true,
      limit: PULL_PAGE_SIZE,
      ...(since === null ? {} : { since }),
    }),
  );
}

function asPage(response: { data: unknown }): Page {
  const result = response.data as { statements?: unknown; more?: unknown } | null;
  if (typeof result !== 'object' || result === null || !Array.isArray(result.statements)) {
    throw new ExternalLrsRequestError(
      'The external LRS answered GET statements without a StatementResult',
      null,
    );
  }
  const more = typeof result.more === 'string' && result.more !== '' ? result.more : null;
  return { statements: result.statements as unknown[], more };
}

/**
 * `more` as the path and query the library appends to the endpoint's origin (xAPI Data 2.5
 * makes it relative; some LRSs give it absolute, or relative to the endpoint). A `more` on
 * another origin is refused: the Basic credentials would go there.
 */
function morePath(endpoint: string, more: string): string {
  const url = new URL(more, endpoint);
  if (url.origin !== new URL(endpoint).origin) {
    throw new ExternalLrsRequestError(
      `The external LRS's more IRL points to another origin (${url.origin})`,
      null,
    );
  }
  return `${url.pathname}${url.search}`;
}

/** The latest of `since` and the statements' `stored`, as written; null when there is none. */
function latestStored(since: string | null, statements: readonly unknown[]): string | null {
  let latest: { text: string; ms: number } | null = null;
  const storedOf = (statement: unknown) => (statement as { stored?: unknown } | null)?.stored;
  for (const stored of [since, ...statements.map(storedOf)]) {
    if (typeof stored !== 'string') continue;
    const ms = parseTimestamp(stored);
    if (ms !== null && (latest === null || ms > latest.ms)) latest = { text: stored, ms };
  }
  return latest?.text ?? null;
}

/**
 * Stores the page's valid statements in one batch, or, if the store refuses the batch, one by
 * one, skipping those it refuses. Returns how many were newly stored.
 */
async function storePage(
  deps: {
    db: Db;
    publicUrl: string;
    logger: Logger;
    onStatementsStored: OnStatementsStored;
    onWorkQueued: () => void;
  },
  connection: ExternalLrsConnection,
  rawStatements: readonly unknown[],
): Promise<number> {
  const skip = (raw: unknown, error: Error) =>
    deps.logger.warn('xapi', 'pulled statement skipped', {
      connectionId: connection.id,
      statementId: (raw as { id?: unknown } | null)?.id,
      reason: error.message,
    });
  const statements: Statement[] = [];
  for (const raw of rawStatements) {
    try {
      const statement = validateStatement(raw);
      // Without its id, a statement read twice would be stored twice.
      if (statement.id === undefined)
        throw new XapiStatementInvalidError('statement.id is missing');
      statements.push(statement);
    } catch (error) {
      if (!(error instanceof XapiStatementInvalidError)) throw error;
      skip(raw, error);
    }
  }
  if (statements.length === 0) return 0;
  const resolveActors = createActorResolver(connection.platformId);
  const store = async (batch: Statement[]) => {
    const { stored, queuedWork } = await storeStatements({
      db: deps.db,
      statements: batch,
      credential: { key: pulledCredentialKey(connection.id) },
      source: 'platform',
      publicUrl: deps.publicUrl,
      resolveActors,
      pendingPlatformId: connection.platformId,
      onStatementsStored: deps.onStatementsStored,
    });
    if (queuedWork) deps.onWorkQueued();
    return stored.length;
  };
  try {
    return await store(statements);
  } catch (error) {
    if (!isRefusal(error)) throw error;
  }
  let storedCount = 0;
  for (const statement of statements) {
    try {
      storedCount += await store([statement]);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      skip(statement, error);
    }
  }
  return storedCount;
}

function isRefusal(error: unknown): error is Error {
  return error instanceof XapiStatementInvalidError || error instanceof XapiStatementConflictError;
}
