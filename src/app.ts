import path from 'node:path';
import express, { type Express } from 'express';
import {
  EVALUATE_JOB,
  GRADE_JOB,
  enqueueEvaluations,
  reevaluateAchievement,
  runEvaluateJob,
  type EvaluateJobPayload,
  type GradeJobPayload,
} from './awards/award-service.js';
import { createAwardRouter } from './web/awards/award-routes.js';
import { REEVALUATE_JOB, syncRuleIndex, type ReevaluateJobPayload } from './awards/rule-index.js';
import { passBackGrade } from './awards/grade-passback.js';
import { startOutboxWorker, type OutboxWorker } from './awards/outbox.js';
import { createCredentialIssuer } from './badges/issue-credential.js';
import { createToolDocumentLoader } from './badges/tool-document-loader.js';
import { createHolderCredentialIssuer } from './badges/holder-credential.js';
import { createVerificationPool } from './badges/verify/verification-pool.js';
import type { Logger } from './config/logger.js';
import { projectRoot } from './config/project-root.js';
import { resolveSecret } from './config/secret.js';
import type { Settings } from './config/settings.js';
import { watchChanges } from './db/change-notifications.js';
import { openDatabase, ping, type Database, type StorageMode } from './db/database.js';
import { createLtiProvider } from './lti/lti-provider.js';
import {
  createRegistrationRouter,
  type LaunchErrorRenderer,
} from './web/lti/registration-router.js';
import { deleteExpiredIssuedNonces } from './lti/launch/issued-nonces.js';
import { deleteExpiredSessions } from './lti/sessions.js';
import { watchRegisteredPlatforms } from './lti/registered-platforms.js';
import { openToolKeyring } from './lti/tool-key.js';
import { createLrsRouter } from './web/xapi/lrs-router.js';
import { combineStatementHooks } from './xapi/external/combine-statement-hooks.js';
import {
  FORWARD_JOB,
  createForwardingHook,
  forwardStatements,
  type ForwardJobPayload,
} from './xapi/external/forward-statements.js';
import {
  PULL_JOB,
  pullStatements,
  startPullSchedule,
  type PullJobPayload,
} from './xapi/external/pull-statements.js';
import { createAdminRouter } from './web/admin-routes.js';
import { createAchievementPagesRouter } from './web/achievement-pages.js';
import { createCourseRouter } from './web/course-routes.js';
import { createTeacherCourseRouter } from './web/teacher-course-routes.js';
import { createCredentialRouter } from './web/credential-routes.js';
import { createElmRouter } from './web/elm/elm-routes.js';
import { createDeepLinkingRouter } from './web/deep-linking-routes.js';
import { jsonErrorHandler } from './web/http/json-error-handler.js';
import { createIssuerPageRouter, createIssuerRouter } from './web/issuer-routes.js';
import { createVerifyRouter } from './web/verify-routes.js';
import { createWalletPages } from './web/wallet-pages.js';
import { createWalletExchangeRouter } from './web/wallets/wallet-exchange-routes.js';
import { createOid4vciRouter } from './web/wallets/oid4vci-routes.js';
import { deleteExpiredHandOffs } from './wallets/expired-hand-offs.js';
import { createRosterRouter } from './web/roster-routes.js';
import {
  SESSION_COOKIE,
  requireSession,
  requireTeacher,
  sessionCookieOptions,
  sessionOf,
} from './web/http/session-auth.js';
import { allowAnyFrameAncestor, securityHeaders } from './web/http/security-headers.js';
import { createViewRenderer, LOCALE_COOKIE, rememberChosenLocale } from './web/views.js';
import { createCsrfProtection } from './web/http/csrf.js';
import { loadFrameAncestors } from './web/http/frame-ancestors.js';
import { pageErrorHandler } from './web/http/page-error-handler.js';
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
  const database = await openDatabase({ ...settings, logger });
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
  const keyring = await openToolKeyring(db, secret);
  const frameAncestors = await loadFrameAncestors(db);
  // Registration changes made by any process count here at once (db/change-notifications.ts).
  const stopWatchingPlatforms = await watchRegisteredPlatforms(database);
  const stopWatchingFrameAncestors = await watchChanges(database, 'platforms', () => {
    frameAncestors
      .refresh()
      .catch((error: unknown) => logger.warn('db', 'frame ancestors refresh failed', { error }));
  });
  const csrf = createCsrfProtection(secret);
  const render = createViewRenderer({ csrfTokenOf: csrf.tokenOf });
  const cookieOptions = sessionCookieOptions(publicUrl);

  const renderLaunchError: LaunchErrorRenderer = (page, _req, res) => {
    res.status(page.status).send(render(res, 'launch-error', { ...page }));
  };
  const lti = createLtiProvider({
    db,
    secret,
    publicUrl,
    logger,
    keyring,
    onLaunched: (launch, _req, res) => {
      frameAncestors.add(launch.frameOrigins);
      res.cookie(SESSION_COOKIE, launch.sessionToken, cookieOptions);
      // A new launch brings its own language (launch_presentation.locale).
      res.clearCookie(LOCALE_COOKIE, { ...cookieOptions, maxAge: undefined });
      res.redirect(
        303,
        launch.deepLinkingRequestId ? `/deep-link/${launch.deepLinkingRequestId}` : '/course',
      );
    },
    renderError: renderLaunchError,
  });
  const registrationRouter = createRegistrationRouter({
    db,
    publicUrl,
    logger,
    storage: lti.storage,
    onRegistrationStarted: (registration, _req, res) => {
      res.send(render(res, 'registration-form', registration));
    },
    onRegistered: (platform, _req, res) => {
      res.send(
        render(res, 'registration-done', {
          platformName: platform.name,
          isMoodle: platform.name.toLowerCase() === 'moodle',
        }),
      );
    },
    allowAnyFrameAncestor,
    renderError: renderLaunchError,
  });

  const issueCredential = createCredentialIssuer({ db, secret, publicUrl, logger });
  const issueHolderCredential = createHolderCredentialIssuer({ db, secret, publicUrl });
  // What the LRS does in the storing transaction, for statements sent to it and pulled alike.
  const onStatementsStored = combineStatementHooks(enqueueEvaluations, createForwardingHook(db));
  const outbox = startOutboxWorker({
    db,
    logger,
    pollIntervalMs: options.outboxPollIntervalMs ?? 1000,
    handlers: {
      [EVALUATE_JOB]: async (job) => {
        const payload = job.payload as unknown as EvaluateJobPayload;
        const created = await runEvaluateJob({ db, logger, issueCredential }, payload);
        if (created.length > 0) outbox.kick();
      },
      [REEVALUATE_JOB]: async (job) => {
        const { achievementId } = job.payload as unknown as ReevaluateJobPayload;
        const created = await reevaluateAchievement({ db, logger, issueCredential }, achievementId);
        if (created.length > 0) outbox.kick();
      },
      [GRADE_JOB]: (job) =>
        passBackGrade(
          { db, provider: lti.ltijs, logger },
          job.payload as unknown as GradeJobPayload,
        ),
      [FORWARD_JOB]: (job) =>
        forwardStatements({ db, secret, logger }, job.payload as unknown as ForwardJobPayload),
      [PULL_JOB]: (job) =>
        pullStatements(
          { db, secret, publicUrl, logger, onStatementsStored, onWorkQueued: () => outbox.kick() },
          job.payload as unknown as PullJobPayload,
        ),
    },
  });
  const pullSchedule = startPullSchedule({ db, logger, onScheduled: () => outbox.kick() });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders(frameAncestors.sources));

  app.get('/health', async (_req, res) => {
    try {
      await ping(db);
      res.json({ status: 'ok', storage: database.mode });
    } catch {
      res.status(503).json({ status: 'unavailable', storage: database.mode });
    }
  });
  app.use('/static', express.static(path.join(projectRoot, 'public'), { maxAge: '1h' }));
  app.use(
    '/xapi',
    createLrsRouter({
      db,
      publicUrl,
      logger,
      onStatementsStored,
      onWorkQueued: () => outbox.kick(),
    }),
  );
  // Pages only: the LRS, on the hot path, never reads the language.
  app.use(rememberChosenLocale(cookieOptions));
  app.use('/lti', registrationRouter, lti.router);
  app.use(
    createIssuerRouter({
      db,
      publicUrl,
      secret,
      documentLoader: createToolDocumentLoader({ db, publicUrl }),
    }),
  );
  app.use(createIssuerPageRouter({ db, publicUrl, render }));
  // A saved or changed achievement updates the rule index, which queues the re-evaluation of
  // the course's learners (awards/rule-index.ts); the maintenance timer catches any other edit.
  const syncRules = () =>
    syncRuleIndex(db)
      .then((changed) => changed.length > 0 && outbox.kick())
      .catch((error: unknown) => logger.warn('awards', 'rule index sync failed', { error }));
  app.use(['/api/achievements', '/course/achievements'], (req, res, next) => {
    res.on('finish', () => {
      if (req.method !== 'GET' && res.statusCode < 400) void syncRules();
    });
    next();
  });
  app.use(createAdminRouter({ db, publicUrl, secret, adminToken: settings.adminToken }));
  app.use(createCourseRouter({ db, publicUrl, render }));
  app.use(
    createTeacherCourseRouter({
      db,
      publicUrl,
      render,
      requireCsrfToken: csrf.requireToken,
      ltijs: lti.ltijs,
      logger,
      kickOutbox: () => outbox.kick(),
    }),
  );
  app.use(createAchievementPagesRouter({ db, render, requireCsrfToken: csrf.requireToken }));
  app.use(createWalletPages({ db, publicUrl, render, requireCsrfToken: csrf.requireToken }));
  app.use(
    createAwardRouter({
      db,
      teacherOnly: [requireSession(db), requireTeacher],
      courseIdOf: (res) => sessionOf(res).courseId,
    }),
  );
  const verification = createVerificationPool({ db, publicUrl });
  app.use(createCredentialRouter({ db, publicUrl, render, verify: verification.verify }));
  app.use(createElmRouter({ db, publicUrl }));
  app.use(createWalletExchangeRouter({ db, publicUrl, issueHolderCredential, logger }));
  app.use(createOid4vciRouter({ db, publicUrl, issueHolderCredential, logger }));
  app.use(createVerifyRouter({ verify: verification.verify, render }));
  app.use(createRosterRouter({ db, ltijs: lti.ltijs, logger }));
  app.use(createDeepLinkingRouter({ db, publicUrl, render, keyring }));
  app.use((req) => {
    throw new NotFoundError(`Nothing here: ${req.method} ${req.path}`);
  });
  app.use(pageErrorHandler(render, logger), jsonErrorHandler(logger));

  const ruleSync = setInterval(() => void syncRules(), 5000);
  ruleSync.unref();
  const maintenance = setInterval(() => {
    Promise.all([
      lti.storage.deleteExpired(),
      deleteExpiredIssuedNonces(db),
      deleteExpiredSessions(db),
      deleteExpiredHandOffs(db),
    ]).catch((error: unknown) =>
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
      frameAncestors.stop();
      await stopWatchingFrameAncestors();
      await stopWatchingPlatforms();
      clearInterval(maintenance);
      clearInterval(ruleSync);
      await pullSchedule.stop();
      await outbox.stop();
      await verification.close();
      await database.close();
    },
  };
}
