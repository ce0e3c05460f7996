import path from 'node:path';
import express, { type Express } from 'express';
import {
  evaluateLearner,
  EVALUATE_JOB,
  GRADE_JOB,
  enqueueEvaluations,
  type GradeJobPayload,
} from './awards/award-service.js';
import { passBackGrade } from './awards/grade-passback.js';
import { startOutboxWorker, type OutboxWorker } from './awards/outbox.js';
import { createCredentialIssuer } from './badges/issue-credential.js';
import type { Logger } from './config/logger.js';
import { projectRoot } from './config/project-root.js';
import { resolveSecret } from './config/secret.js';
import type { Settings } from './config/settings.js';
import { openDatabase, ping, type Database, type StorageMode } from './db/database.js';
import { createLtiProvider } from './lti/lti-provider.js';
import { deleteExpiredSessions } from './lti/sessions.js';
import { ensureToolKey } from './lti/tool-key.js';
import { createLrsRouter } from './xapi/lrs-router.js';
import { createCourseRouter } from './web/course-routes.js';
import { createCredentialRouter } from './web/credential-routes.js';
import { jsonErrorHandler } from './web/error-handler.js';
import { createIssuerRouter } from './web/issuer-routes.js';
import { SESSION_COOKIE, sessionCookieOptions } from './web/session-auth.js';
import { securityHeaders } from './web/security-headers.js';
import { createViewRenderer } from './web/views.js';
import { NotFoundError } from './errors.js';

export interface MicrocredApp {
  readonly app: Express;
  readonly storageMode: StorageMode;
  readonly database: Database;
  readonly outbox: OutboxWorker;
  /** Stops background work and closes the database; the HTTP server is the caller's to close. */
  close(): Promise<void>;
}

export interface AppOptions {
  logger: Logger;
  /** How often the outbox is polled for due work (it is also kicked after each write). */
  outboxPollIntervalMs?: number;
}

const MAINTENANCE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Builds every part of the tool on one database and wires them: the LRS tells the awards part
 * about stored statements through the durable outbox, awards call the issuer and queue grade
 * passback through ltijs. Several instances can live in one process (tests start two).
 */
export async function createApp(settings: Settings, options: AppOptions): Promise<MicrocredApp> {
  const { logger } = options;
  const { publicUrl } = settings;
  const database = await openDatabase(settings);
  if (database.mode === 'pglite') {
    logger.warn(
      'db',
      'Running on the embedded PGlite database: fine to try microcred out; set DATABASE_URL to a PostgreSQL server for real use.',
      { dataDir: settings.dataDir },
    );
  }
  await database.migrate();
  const { db } = database;
  const secret = resolveSecret(settings, logger);
  const toolKey = await ensureToolKey(db, secret);
  const render = createViewRenderer();

  const lti = createLtiProvider({
    db,
    secret,
    publicUrl,
    logger,
    currentToolKey: () => toolKey,
    onLaunched: (launch, _req, res) => {
      res.cookie(SESSION_COOKIE, launch.sessionToken, sessionCookieOptions(publicUrl));
      res.redirect(303, '/course');
    },
    onRegistered: (platform, _req, res) => {
      res.send(render('registration-done', { platformName: platform.name }));
    },
    renderError: (page, _req, res) => {
      res.status(page.status).send(render('launch-error', { ...page }));
    },
  });

  const issueCredential = createCredentialIssuer({ db, secret, publicUrl });
  const outbox = startOutboxWorker({
    db,
    logger,
    pollIntervalMs: options.outboxPollIntervalMs ?? 1000,
    handlers: {
      [EVALUATE_JOB]: async (job) => {
        const { userId, activityIds } = job.payload as { userId: string; activityIds: string[] };
        const created = await evaluateLearner({ db, logger, issueCredential }, userId, activityIds);
        if (created.length > 0) outbox.kick();
      },
      [GRADE_JOB]: (job) =>
        passBackGrade(
          { db, provider: lti.ltijs, logger },
          job.payload as unknown as GradeJobPayload,
        ),
    },
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders);

  app.get('/health', async (_req, res) => {
    try {
      await ping(db);
      res.json({ status: 'ok', storage: database.mode });
    } catch {
      res.status(503).json({ status: 'unavailable', storage: database.mode });
    }
  });
  app.use('/static', express.static(path.join(projectRoot, 'public'), { maxAge: '1h' }));
  app.use('/lti', lti.router);
  app.use(
    '/xapi',
    (req, res, next) => {
      res.on('finish', () => {
        if (req.method !== 'GET' && req.method !== 'HEAD' && res.statusCode < 300) outbox.kick();
      });
      next();
    },
    createLrsRouter({ db, publicUrl, logger, onStatementsStored: enqueueEvaluations }),
  );
  app.use(createIssuerRouter({ db, publicUrl }));
  app.use(createCourseRouter({ db, publicUrl, render }));
  app.use(createCredentialRouter({ db }));
  app.use((req) => {
    throw new NotFoundError(`Nothing here: ${req.method} ${req.path}`);
  });
  app.use(jsonErrorHandler(logger));

  const maintenance = setInterval(() => {
    Promise.all([lti.storage.deleteExpired(), deleteExpiredSessions(db)]).catch((error: unknown) =>
      logger.warn('db', 'clean-up of expired records failed', { error }),
    );
  }, MAINTENANCE_INTERVAL_MS);
  maintenance.unref();

  return {
    app,
    storageMode: database.mode,
    database,
    outbox,
    async close() {
      clearInterval(maintenance);
      await outbox.stop();
      await database.close();
    },
  };
}
