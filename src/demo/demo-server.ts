import { createServer } from 'node:http';
import path from 'node:path';
import { parse as parseCookies } from 'cookie';
import express, { type RequestHandler } from 'express';
import { createApp, type MicrocredApp } from '../app.js';
import type { Logger } from '../config/logger.js';
import { projectRoot } from '../config/project-root.js';
import type { Settings } from '../config/settings.js';
import { DEFAULT_LOCALE, isLocale } from '../web/i18n.js';
import { DEMO_ACTIVITIES, DEMO_COURSE, DEMO_PEOPLE, type DemoActivity } from './demo-course.js';
import { DemoLms } from './demo-lms.js';
import { LTI_ROLES } from './lms/lti-vocabulary.js';
import { generatePlatformSigningKey } from './lms/platform-signing-key.js';
import { renderDemoHome, renderQuiz } from './demo-pages.js';
import { demoUser, seedDemoCourse } from './seed-demo-course.js';

/** The language of the latest launch from the demo LMS, which its quiz pages speak. */
const QUIZ_LANGUAGE_COOKIE = 'demo_lang';

export interface RunningDemo {
  /** The demo LMS's course page, where a visitor starts. */
  readonly url: string;
  readonly tool: MicrocredApp;
  readonly lms: DemoLms;
  /** Stops the server, the tool and its database. */
  close(): Promise<void>;
}

/**
 * Starts the tool with the demo LMS in front of it on one HTTP server: the LMS and its pages
 * under `/demo`, the tool everywhere else, exactly as `npm start` serves it. The LMS is
 * registered with the tool and its course seeded (seed-demo-course.ts). The server listens on
 * `settings.port` and `settings.host` (every interface when unset), as `microcred serve` does.
 */
export async function startDemo({
  settings,
  logger,
}: {
  settings: Settings;
  logger: Logger;
}): Promise<RunningDemo> {
  const { publicUrl } = settings;
  const demoUrl = `${publicUrl}/demo`;
  const tool = await createApp(settings, { logger });
  const lms = new DemoLms({
    issuer: `${demoUrl}/lms`,
    clientId: 'microcred-demo-client',
    deploymentId: 'microcred-demo-deployment',
    signingKey: await generatePlatformSigningKey(),
  });
  lms.setToolEndpoints({
    loginUrl: `${publicUrl}/lti/login`,
    launchUrl: `${publicUrl}/lti/launch`,
  });
  lms.setToolJwksUrl(`${publicUrl}/lti/keys`);
  const activityUrl = (activity: DemoActivity) => `${demoUrl}/activities/${activity.slug}`;
  await seedDemoCourse({ db: tool.database.db, lms, activityUrl });

  const app = express();
  app.disable('x-powered-by');
  app.use('/demo', createDemoRouter(lms, activityUrl));
  app.use(tool.app);
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: settings.port, host: settings.host }, () => resolve());
  });
  return {
    url: `${demoUrl}/`,
    tool,
    lms,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
      await tool.close();
    },
  };
}

const demoHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy':
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
  });
  next();
};

function createDemoRouter(lms: DemoLms, activityUrl: (activity: DemoActivity) => string) {
  const router = express.Router();
  router.use(demoHeaders);
  const lmsRouter = express.Router();
  lms.mount(lmsRouter);
  router.use('/lms', lmsRouter);
  router.use('/assets', express.static(path.join(projectRoot, 'src', 'demo', 'assets')));

  router.get('/', (req, res) => {
    // The page's links are relative to /demo/.
    if (!req.originalUrl.split('?')[0]?.endsWith('/')) {
      res.redirect(308, `${req.baseUrl}/`);
      return;
    }
    res.type('html').send(renderDemoHome(activityUrl));
  });

  /** Starts the LTI 1.3 third-party initiated login of a demo person into the tool. */
  router.post('/launch', express.urlencoded({ extended: false }), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const person = DEMO_PEOPLE.find(({ id }) => id === body.person);
    if (!person) {
      res.status(400).type('text').send('Choose a person to launch as.');
      return;
    }
    const locale = isLocale(body.locale) ? body.locale : DEFAULT_LOCALE;
    // The quizzes microcred launches in this browser speak the language of the launch.
    res.cookie(QUIZ_LANGUAGE_COOKIE, locale, {
      path: req.baseUrl,
      httpOnly: true,
      sameSite: 'lax',
    });
    const { loginUrl, parameters } = lms.initiateLogin({
      user: demoUser(person),
      roles: [person.role === 'teacher' ? LTI_ROLES.instructor : LTI_ROLES.learner],
      context: { id: DEMO_COURSE.contextId, label: DEMO_COURSE.label, title: DEMO_COURSE.title },
      resourceLink: { id: 'microcred', title: 'microcred: achievements and credentials' },
      locale,
    });
    res.redirect(303, `${loginUrl}?${parameters}`);
  });

  router.get('/activities/:slug', (req, res, next) => {
    const activity = DEMO_ACTIVITIES.find(({ slug }) => slug === req.params.slug);
    if (!activity) {
      next();
      return;
    }
    const chosen = parseCookies(req.headers.cookie ?? '')[QUIZ_LANGUAGE_COOKIE];
    res.type('html').send(renderQuiz(activity, isLocale(chosen) ? chosen : DEFAULT_LOCALE));
  });
  return router;
}
