import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, sql } from 'drizzle-orm';
import express from 'express';
import { createLogger, type Logger } from '../../../src/config/logger.js';
import type { Executor } from '../../../src/db/database.js';
import { outbox } from '../../../src/db/schema.js';
import { createXapiCredential } from '../../../src/xapi/credentials.js';
import { createLrsRouter } from '../../../src/web/xapi/lrs-router.js';
import { createTestDatabase } from '../../support/test-database.js';
import { startTestTool, type TestTool } from '../../support/test-tool.js';
import { basicAuthorization, xapiRequest } from '../lrs-test-server.js';
import { buildPlatform, buildUser } from '../xapi-factories.js';

export const ADMIN_TOKEN = 'admin-token-for-external-lrs-tests-0123456789';
export const TOOL_SECRET = 'tool-secret-for-external-lrs-tests-0123456789abcdef';
export const PASSED = 'http://adlnet.gov/expapi/verbs/passed';

/**
 * Another LRS for the tool to forward to and pull from: the tool's own LRS router, on its own
 * database and port, with one Basic credential.
 */
export interface ExternalLrs {
  readonly db: Executor;
  /** The xAPI endpoint, e.g. http://127.0.0.1:PORT/xapi */
  readonly baseUrl: string;
  readonly key: string;
  readonly secret: string;
  readonly authorization: string;
  /** The statement with this id as the external LRS answers GET statements?statementId. */
  statement(id: string): Promise<Response>;
  /** POSTs statements to the external LRS with its credential; returns the response. */
  post(statements: unknown): Promise<Response>;
  /** Starts listening, for an LRS started down. */
  bringUp(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts an external LRS on `host` (127.0.0.1 by default) and `port` (a free one by default). With `refusedVerb`, it answers 400
 * to any POST of statements holding that verb, as a stricter LRS would. With `isDown`, its
 * database and credential exist but it listens only once `bringUp()` is called.
 */
export async function startExternalLrs({
  host = '127.0.0.1',
  port = 0,
  refusedVerb,
  isDown = false,
}: {
  host?: string;
  port?: number;
  refusedVerb?: string;
  isDown?: boolean;
} = {}): Promise<ExternalLrs> {
  const database = await createTestDatabase();
  const { key, secret } = await createXapiCredential({ db: database.db, name: 'external' });
  const app = express();
  if (refusedVerb) {
    app.post('/xapi/statements', express.json({ limit: '1mb' }), (req, res, next) => {
      // Only JSON bodies are looked at; multipart ones go to the LRS as they came.
      const body: unknown = req.body;
      const batch: unknown[] = body === undefined ? [] : Array.isArray(body) ? body : [body];
      const isRefused = batch.some(
        (statement) => (statement as { verb?: { id?: string } }).verb?.id === refusedVerb,
      );
      if (!isRefused) return next();
      res.status(400).json({ error: { code: 'REFUSED', message: `${refusedVerb} is not taken` } });
    });
  }
  app.use(
    '/xapi',
    createLrsRouter({
      db: database.db,
      publicUrl: 'https://external-lrs.example.org',
      logger: createLogger('error', () => {}),
      onStatementsStored: async () => {},
      onWorkQueued: () => {},
    }),
  );
  let server: Server | undefined;
  const bringUp = async () => {
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(port, host, () => resolve(listening));
    });
  };
  if (!isDown) await bringUp();
  const baseUrl = `http://${host}:${server ? (server.address() as AddressInfo).port : port}/xapi`;
  const authorization = basicAuthorization(key, secret);
  return {
    db: database.db,
    baseUrl,
    key,
    secret,
    authorization,
    statement: (id) => xapiRequest(baseUrl, authorization, `/statements?statementId=${id}`),
    post: (statements) =>
      xapiRequest(baseUrl, authorization, '/statements', { method: 'POST', body: statements }),
    bringUp,
    async close() {
      if (server) {
        server.closeAllConnections();
        const closing = server;
        await new Promise((resolve) => closing.close(resolve));
      }
      await database.close();
    },
  };
}

/**
 * The tool, with the admin API on, one platform, one learner of it known to the tool, and
 * xAPI credentials bound to the platform, as `microcred xapi credentials create` makes them.
 */
export interface ToolWithLearner {
  readonly tool: TestTool;
  readonly db: Executor;
  readonly platform: { id: string; issuer: string };
  readonly learner: { id: string; sub: string; actor: Record<string, unknown> };
  /** The Basic Authorization header of the platform's credentials. */
  readonly platformAuthorization: string;
  /** POSTs statements to the tool's LRS as the platform. */
  post(statements: unknown): Promise<Response>;
  /** Calls the admin JSON API with the admin token. */
  admin(method: string, path: string, body?: unknown): Promise<Response>;
  /**
   * Adds a connection to `external` through the admin API (its endpoint and credentials, the
   * direction, then `connection` on top) and returns its id.
   */
  connect(
    external: ExternalLrs,
    direction: 'forward' | 'pull',
    connection?: Record<string, unknown>,
  ): Promise<string>;
  /** Removes every connection `connect` added, so the next test starts without any. */
  disconnectAll(): Promise<void>;
  /** Runs the outbox until no job is due. */
  drain(): Promise<void>;
  /** The outbox jobs of a kind, oldest first. */
  jobs(kind: string): Promise<(typeof outbox.$inferSelect)[]>;
  close(): Promise<void>;
}

export async function startToolWithLearner(
  options: { logger?: Logger } = {},
): Promise<ToolWithLearner> {
  const tool = await startTestTool({
    env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN, MICROCRED_SECRET: TOOL_SECRET },
    ...options,
  });
  const { db } = tool.current().database;
  const platform = await buildPlatform(db);
  const sub = `learner-${randomUUID().slice(0, 8)}`;
  const learnerId = await buildUser(db, { platformId: platform.id, sub });
  const { key, secret } = await createXapiCredential({
    db,
    name: 'LMS logstore',
    platformId: platform.id,
  });
  const platformAuthorization = basicAuthorization(key, secret);
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${tool.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const connected: string[] = [];
  return {
    tool,
    db,
    platform,
    learner: {
      id: learnerId,
      sub,
      actor: { objectType: 'Agent', account: { homePage: platform.issuer, name: sub } },
    },
    platformAuthorization,
    post: (statements) =>
      xapiRequest(`${tool.url}/xapi`, platformAuthorization, '/statements', {
        method: 'POST',
        body: statements,
      }),
    admin,
    async connect(external, direction, connection = {}) {
      const response = await admin('POST', '/api/admin/external-lrs', {
        platformId: platform.id,
        endpoint: external.baseUrl,
        key: external.key,
        secret: external.secret,
        direction,
        ...connection,
      });
      if (response.status !== 201) {
        throw new Error(`connect answered ${response.status}: ${await response.text()}`);
      }
      const { id } = ((await response.json()) as { externalLrs: { id: string } }).externalLrs;
      connected.push(id);
      return id;
    },
    async disconnectAll() {
      for (const id of connected.splice(0)) {
        await admin('DELETE', `/api/admin/external-lrs/${id}`);
      }
    },
    drain: () => tool.current().outbox.drain(),
    jobs: (kind) => db.select().from(outbox).where(eq(outbox.kind, kind)).orderBy(outbox.id),
    close: () => tool.close(),
  };
}

/** A `passed` statement with a fresh id about `actor`, on the activity `activityId`. */
export function passedStatement(
  actor: Record<string, unknown>,
  { activityId = 'https://courses.example.org/quiz/1', verbId = PASSED } = {},
): Record<string, unknown> & { id: string; verb: { id: string; display: Record<string, string> } } {
  return {
    id: randomUUID(),
    actor,
    verb: { id: verbId, display: { en: 'passed' } },
    object: { objectType: 'Activity', id: activityId },
    result: { score: { scaled: 0.9 }, success: true, completion: true },
  };
}

/** Makes a connection's pending jobs of a kind due now, instead of waiting out their delay. */
export async function makeJobsDue(db: Executor, kind: string, connectionId: string): Promise<void> {
  await db
    .update(outbox)
    .set({ nextAttemptAt: sql`now()` })
    .where(
      and(
        eq(outbox.kind, kind),
        eq(outbox.status, 'pending'),
        sql`${outbox.payload} ->> 'connectionId' = ${connectionId}`,
      ),
    );
}
