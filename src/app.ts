import { claimStatementsOf } from './awards/claim-pending-statements.js';
import cluster from 'node:cluster';
import path from 'node:path';
import express, { type Express } from 'express';
import { awardJobHandlers } from './awards/award-job-handlers.js';
import { createAwardRouter } from './web/awards/award-routes.js';
import { enqueueEvaluations } from './awards/enqueue-evaluations.js';
import { indexStaleRules } from './awards/rule-index.js';
import { createCredentialIssuer } from './badges/issue-credential.js';
import { createToolDocumentLoader } from './badges/tool-document-loader.js';
import { createHolderCredentialIssuer } from './badges/holder-credential.js';
import { createVerificationPool } from './badges/verify/verification-pool.js';
import type { Logger } from './config/logger.js';
import { projectRoot } from './config/project-root.js';
import { resolveSecret } from './config/secret.js';
import type { Settings } from './config/settings.js';
import { watchChanges } from './db/change-notifications.js';
import { openDatabase, type Database, type StorageMode } from './db/database.js';
import { toolVersion } from './config/tool-version.js';
import { createJobRegistry } from './jobs/job-registry.js';
import { startJobWorker, type JobWorker } from './jobs/job-worker.js';
import { createLtiProvider } from './lti/lti-provider.js';
import {
  createRegistrationRouter,
  type LaunchErrorRenderer,
} from './web/lti/registration-router.js';
import { deleteExpiredIssuedNonces } from './lti/launch/issued-nonces.js';
import { deleteExpiredSessions } from './lti/sessions.js';
import { watchRegisteredPlatforms } from './lti/registered-platforms.js';
import { openToolKeyring } from './lti/tool-key.js';
import { createOutgoingRequests } from './outgoing/outgoing-requests.js';
import { createPublishedJsonFetcher } from './badges/verify/published-documents.js';
import { createDatabaseLookups } from './badges/verify/verifier-lookups.js';
import { createEndorsementRouter } from './web/endorsement-routes.js';
import { createLrsRouter } from './web/xapi/lrs-router.js';
import { createCmi5Pages } from './web/cmi5-pages.js';
import {
  abandonSessionsJobHandler,
  startAbandonSchedule,
} from './xapi/cmi5/abandon-sessions-job.js';
import { createCmi5Lms } from './xapi/cmi5/cmi5-lms.js';
import { combineStatementHooks } from './xapi/external/combine-statement-hooks.js';
import { watchXapiCredentials } from './xapi/credentials.js';
import {
  createForwardingHook,
  forwardStatementsJobHandler,
} from './xapi/external/forward-statements.js';
import { pullStatementsJobHandler, startPullSchedule } from './xapi/external/pull-statements.js';
import { createAdminRouter } from './web/admin-routes.js';
import { createAdminPages } from './web/admin/admin-pages.js';
import { createAchievementPagesRouter } from './web/achievement-pages.js';
import { createRuleBuilderPages } from './web/rule-builder-pages.js';
import { createCourseSetupPages } from './web/course-setup-pages.js';
import { createBadgeDesignerPages } from './web/badge-designer-pages.js';
import { createCourseRouter } from './web/course-routes.js';
import { createTeacherCourseRouter } from './web/teacher-course-routes.js';
import { createCredentialRouter } from './web/credential-routes.js';
import { createCertificateRouter } from './web/certificate-routes.js';
import { createElmRouter } from './web/elm/elm-routes.js';
import { createDeepLinkingRouter } from './web/deep-linking-routes.js';
import { jsonErrorHandler } from './web/http/json-error-handler.js';
import { createIssuerPageRouter, createIssuerRouter } from './web/issuer-routes.js';
import { createVerifyRouter } from './web/verify-routes.js';
import { createWalletPages } from './web/wallet-pages.js';
import { createWalletExchangeRouter } from './web/wallets/wallet-exchange-routes.js';
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
import { createCmi5ContentRouter } from './web/cmi5-content-router.js';
import { createH5pContentRouter } from './web/h5p-content-router.js';
import { keepContentHostApart } from './web/http/content-host.js';
import { createViewRenderer, LOCALE_COOKIE, rememberChosenLocale } from './web/views.js';
import { createCsrfProtection } from './web/http/csrf.js';
import { createCredentialAccess } from './web/credential-access.js';
import { createLearnerChoicesRouter } from './web/learner-choices-routes.js';
import { createRecognitionPages } from './web/recognition-pages.js';
import { learnerNoticeJobHandler } from './web/mail/learner-notice.js';
import { loadFrameAncestors } from './web/http/frame-ancestors.js';
import { pageErrorHandler } from './web/http/page-error-handler.js';
import { loadOnFirstRequest } from './web/http/load-on-first-request.js';
import { OID4VCI_PATH_PREFIXES } from './wallets/oid4vci/oid4vci-paths.js';
import { NotFoundError } from './errors.js';
import { createMetricsRouter, measureRequests } from './web/metrics/metrics-routes.js';
import { metricsOfAllWorkers } from './web/metrics/cluster-metrics.js';
import { createToolMetrics } from './web/metrics/tool-metrics.js';

export interface MicrocredApp {
  readonly app: Express;
  readonly storageMode: StorageMode;
  readonly database: Database;
  readonly outbox: JobWorker;
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
  const stopWatchingXapiCredentials = await watchXapiCredentials(database);
  const stopWatchingFrameAncestors = await watchChanges(database, 'platforms', () => {
    frameAncestors
      .refresh()
      .catch((error: unknown) => logger.warn('db', 'frame ancestors refresh failed', { error }));
  });
  const metrics = createToolMetrics({ db, toolVersion });
  const csrf = createCsrfProtection(secret);
  const render = createViewRenderer({ csrfTokenOf: csrf.tokenOf });
  const cookieOptions = sessionCookieOptions(publicUrl);
  const outgoing = createOutgoingRequests({ allowPrivate: settings.outgoingAllowPrivate, logger });
  const outgoingFetch = outgoing.fetch;

  const renderLaunchError: LaunchErrorRenderer = (page, _req, res) => {
    res.status(page.status).send(render(res, 'launch-error', { ...page }));
  };
  const lti = createLtiProvider({
    db,
    secret,
    publicUrl,
    logger,
    keyring,
    outgoingFetch,
    onLaunched: async (launch, _req, res) => {
      metrics.countLaunch({ isLaunched: true });
      // Results the LMS sent before this learner was known count from now on.
      try {
        if (await claimStatementsOf(db, [launch.userId])) kickOutbox();
      } catch (error) {
        logger.error('xapi', 'pending statements of a launched user not claimed', {
          userId: launch.userId,
          error,
        });
      }
      frameAncestors.add(launch.frameOrigins);
      res.cookie(SESSION_COOKIE, launch.sessionToken, cookieOptions);
      // A new launch brings its own language (launch_presentation.locale).
      res.clearCookie(LOCALE_COOKIE, { ...cookieOptions, maxAge: undefined });
      res.redirect(
        303,
        launch.deepLinkingRequestId ? `/deep-link/${launch.deepLinkingRequestId}` : '/course',
      );
    },
    renderError: (page, req, res) => {
      metrics.countLaunch({ isLaunched: false, code: page.code });
      renderLaunchError(page, req, res);
    },
  });
  const registrationRouter = createRegistrationRouter({
    db,
    publicUrl,
    logger,
    storage: lti.storage,
    outgoingFetch,
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
  const onStatementsStored = combineStatementHooks(
    enqueueEvaluations,
    createForwardingHook(db),
    metrics.countStoredStatements,
  );
  // Saving an achievement indexes its rule; this catches those an earlier version wrote without.
  await indexStaleRules(db);
  const kickOutbox = () => outbox.kick();
  // nodemailer is loaded only where email is set up.
  const mailer = settings.mail
    ? (await import('./web/mail/smtp-mailer.js')).createSmtpMailer(settings.mail)
    : null;
  const cmi5Lms = createCmi5Lms({ db, publicUrl, onStatementsStored });
  const outbox = startJobWorker({
    db,
    logger,
    pollIntervalMs: options.outboxPollIntervalMs ?? 1000,
    onJobRun: metrics.countJobRun,
    registry: createJobRegistry([
      ...awardJobHandlers({
        db,
        logger,
        issueCredential,
        services: lti.services,
        onWorkQueued: kickOutbox,
      }),
      forwardStatementsJobHandler({ db, secret, logger, outgoingFetch }),
      learnerNoticeJobHandler({ db, publicUrl, logger, mailer }),
      abandonSessionsJobHandler({ cmi5Lms, logger }),
      pullStatementsJobHandler({
        db,
        secret,
        publicUrl,
        logger,
        outgoingFetch,
        onStatementsStored,
        onWorkQueued: kickOutbox,
      }),
    ]),
  });
  const pullSchedule = startPullSchedule({ db, logger, onScheduled: kickOutbox });
  const abandonSchedule = startAbandonSchedule({ db, logger, onScheduled: kickOutbox });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(measureRequests(metrics));
  app.use(securityHeaders(frameAncestors.sources, publicUrl));
  app.use(keepContentHostApart(settings.contentUrl));

  app.use(
    createMetricsRouter({
      db,
      storageMode: database.mode,
      metrics,
      metricsToken: settings.metricsToken,
      // A worker of `serve --workers` answers for all (a cluster run by another tool: for itself).
      ...(cluster.isWorker &&
        settings.workers > 1 && { readMetrics: metricsOfAllWorkers(metrics.registry) }),
    }),
  );
  app.use('/static', express.static(path.join(projectRoot, 'public'), { maxAge: '1h' }));
  app.use(
    '/xapi',
    createLrsRouter({
      db,
      publicUrl,
      logger,
      onStatementsStored,
      onWorkQueued: kickOutbox,
    }),
  );
  app.use(createCmi5ContentRouter({ db }));
  app.use(createH5pContentRouter({ db, render }));
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
  const fetchPublishedJson = createPublishedJsonFetcher(outgoingFetch);
  const endorsementLookups = createDatabaseLookups({ db, publicUrl });
  const endorsementChecks = () => ({
    publicUrl,
    lookups: endorsementLookups,
    fetchPublishedJson,
    now: new Date(),
  });
  app.use(createEndorsementRouter({ db, endorsementChecks }));
  app.use(
    createAdminRouter({
      db,
      publicUrl,
      secret,
      adminToken: settings.adminToken,
      keyring,
      endorsementChecks,
    }),
  );
  app.use(
    createAdminPages({
      db,
      publicUrl,
      secret,
      adminToken: settings.adminToken,
      render,
      keyring,
      endorsementChecks,
    }),
  );
  app.use(
    createCourseRouter({
      db,
      publicUrl,
      render,
      kickOutbox,
      adminPagesOn: settings.adminToken !== undefined,
      isMailOn: mailer !== null,
    }),
  );
  app.use(
    createTeacherCourseRouter({
      db,
      publicUrl,
      contentUrl: settings.contentUrl,
      render,
      issueCredential,
      requireCsrfToken: csrf.requireToken,
      platformServices: lti.services,
      logger,
      kickOutbox,
    }),
  );
  app.use(
    createCmi5Pages({
      db,
      publicUrl,
      render,
      requireCsrfToken: csrf.requireToken,
      cmi5Lms,
      kickOutbox,
    }),
  );
  app.use(
    createAchievementPagesRouter({
      db,
      render,
      requireCsrfToken: csrf.requireToken,
      kickOutbox,
      platformServices: lti.services,
      logger,
    }),
  );
  app.use(
    createCourseSetupPages({
      db,
      publicUrl,
      render,
      requireCsrfToken: csrf.requireToken,
      kickOutbox,
    }),
  );
  app.use(createRuleBuilderPages({ db, render, requireCsrfToken: csrf.requireToken, kickOutbox }));
  app.use(
    createBadgeDesignerPages({ db, render, requireCsrfToken: csrf.requireToken, kickOutbox }),
  );
  app.use(createWalletPages({ db, publicUrl, render, requireCsrfToken: csrf.requireToken }));
  app.use(createLearnerChoicesRouter({ db, requireCsrfToken: csrf.requireToken }));
  const verification = createVerificationPool({ db, publicUrl });
  app.use(
    createRecognitionPages({
      db,
      publicUrl,
      render,
      requireCsrfToken: csrf.requireToken,
      outgoingFetch,
      logger,
      verify: verification.verify,
    }),
  );
  app.use(
    createAwardRouter({
      db,
      teacherOnly: [requireSession(db), requireTeacher],
      courseIdOf: (res) => sessionOf(res).courseId,
      platformServices: lti.services,
      logger,
      kickOutbox,
    }),
  );
  const canSeeCredential = createCredentialAccess(db);
  app.use(
    createCredentialRouter({
      db,
      publicUrl,
      render,
      verify: verification.verify,
      canSee: canSeeCredential,
    }),
  );
  app.use(createElmRouter({ db, publicUrl, canSee: canSeeCredential }));
  app.use(createCertificateRouter({ db, publicUrl, render }));
  app.use(createWalletExchangeRouter({ db, publicUrl, issueHolderCredential, logger }));
  // OpenID4VCI and its libraries load with the first wallet request.
  app.use(
    loadOnFirstRequest(OID4VCI_PATH_PREFIXES, async () => {
      const { createOid4vciRouter } = await import('./web/wallets/oid4vci-routes.js');
      return createOid4vciRouter({ db, publicUrl, issueHolderCredential, logger });
    }),
  );
  app.use(
    createVerifyRouter({ verify: verification.verify, render, publicUrl: settings.publicUrl }),
  );
  app.use(createRosterRouter({ db, platformServices: lti.services, logger, kickOutbox }));
  app.use(createDeepLinkingRouter({ db, publicUrl, render, keyring, kickOutbox }));
  app.use((req) => {
    throw new NotFoundError(`Nothing here: ${req.method} ${req.path}`);
  });
  app.use(pageErrorHandler(render, logger), jsonErrorHandler(logger));

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
      await stopWatchingXapiCredentials();
      clearInterval(maintenance);
      await pullSchedule.stop();
      await abandonSchedule.stop();
      await outbox.stop();
      mailer?.close();
      await verification.close();
      await outgoing.close();
      await database.close();
    },
  };
}
