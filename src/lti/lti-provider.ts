import { createHmac, randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import ltijs from 'ltijs';
import type { Logger } from '../config/logger.js';
import type { Db } from '../db/database.js';
import { BadRequestError, MicrocredError } from '../errors.js';
import { LtiRegistrationError, registerDynamically } from './dynamic-registration.js';
import { LtijsStorage } from './ltijs-storage.js';
import type { Platform } from './platform-registry.js';
import { checkDeploymentRegistered } from './launch/check-deployment-registered.js';
import { checkIssuedAt } from './launch/check-issued-at.js';
import { checkNonceIssued } from './launch/check-nonce-issued.js';
import { LaunchRefusal, readLaunchRequest } from './launch/launch-request.js';
import { recordLaunch, type LtijsLaunchToken, type RecordedLaunch } from './record-launch.js';
import { listToolPublicJwks, type ToolKey } from './tool-key.js';

/** How far an id_token's `iat` may lie in the past: LMS clocks drift. */
export const ID_TOKEN_MAX_AGE_SECONDS = 60;

export interface LaunchErrorPage {
  status: number;
  code: string;
  message: string;
}

export interface LtiProvider {
  /** Mount at `/lti`: login, launch, keys, dynamic registration. */
  readonly router: Router;
  /** The ltijs instance, for its AGS client. */
  readonly ltijs: typeof ltijs.Provider;
  readonly storage: LtijsStorage;
}

/**
 * Our own ltijs instance (never the module singleton, never `deploy()`, which can exit the
 * process), on our storage plugin, in "ltiaas" mode: ltijs validates the OIDC login and the
 * id_token, then hands the launch to `recordLaunch`, which opens microcred's own session, so
 * no `ltik` and no ltijs session cookie outlive the launch.
 */
export function createLtiProvider(options: {
  db: Db;
  secret: string;
  publicUrl: string;
  logger: Logger;
  currentToolKey: () => ToolKey;
  onLaunched: (launch: RecordedLaunch, req: Request, res: Response) => void;
  onRegistered: (platform: Platform, req: Request, res: Response) => void;
  renderError: (page: LaunchErrorPage, req: Request, res: Response) => void;
}): LtiProvider {
  const { db, logger, renderError } = options;
  const isHttps = options.publicUrl.startsWith('https:');
  const storage = new LtijsStorage({
    db,
    secret: options.secret,
    currentToolKey: options.currentToolKey,
  });

  const provider = new ltijs.Provider.constructor();
  provider.setup(
    createHmac('sha256', options.secret).update('microcred:ltijs').digest('base64url'),
    { plugin: storage },
    {
      appRoute: '/launch',
      loginRoute: '/login',
      keysetRoute: '/keys',
      dynRegRoute: '/register',
      ltiaas: true,
      cors: false,
      tokenMaxAge: ID_TOKEN_MAX_AGE_SECONDS,
      // Cross-site iframes only send cookies marked SameSite=None; Secure, which need HTTPS.
      cookies: isHttps ? { secure: true, sameSite: 'None' } : { secure: false, sameSite: 'Lax' },
    },
  );

  const rejectLaunch = (req: Request, res: Response, error: unknown) => {
    const page = describeLaunchError(error);
    logger.warn('lti', 'launch rejected', { reason: page.code, path: req.path });
    renderError(page, req, res);
  };

  const launch = async (token: unknown, req: Request, res: Response) => {
    try {
      const recorded = await recordLaunch(db, token as LtijsLaunchToken);
      logger.info('lti', 'launch', {
        userId: recorded.userId,
        courseId: recorded.courseId,
        role: recorded.role,
      });
      options.onLaunched(recorded, req, res);
    } catch (error) {
      if (error instanceof MicrocredError && error.expose) return rejectLaunch(req, res, error);
      // ltijs runs this callback on Express 4, which would leave a rejection unhandled.
      const requestId = randomUUID();
      logger.error('lti', 'launch failed', { requestId, error });
      renderError(
        {
          status: 500,
          code: 'INTERNAL_ERROR',
          message: `Something went wrong on our side. Try again in a moment; if it keeps failing, give your administrator this reference: ${requestId}.`,
        },
        req,
        res,
      );
    }
  };
  provider.onConnect(launch);
  provider.onDeepLinking(launch);
  provider.onInvalidToken((req, res) => rejectLaunch(req, res, res.locals.err));
  provider.onSessionTimeout((req, res) => rejectLaunch(req, res, res.locals.err));
  provider.onUnregisteredPlatform((req, res) =>
    renderError(
      {
        status: 400,
        code: 'LTI_PLATFORM_UNKNOWN',
        message:
          'This LMS is not registered with microcred. Ask your LMS administrator to register it (see the installation guide).',
      },
      req,
      res,
    ),
  );
  provider.onInactivePlatform((req, res) =>
    renderError(
      {
        status: 401,
        code: 'LTI_PLATFORM_INACTIVE',
        message: 'This LMS registration is not active yet.',
      },
      req,
      res,
    ),
  );

  const router = express.Router();
  router.get('/keys', async (_req, res) => {
    res.json({ keys: await listToolPublicJwks(db) });
  });
  router.get('/register', async (req, res) => {
    try {
      const platform = await registerDynamically({
        db,
        publicUrl: options.publicUrl,
        openIdConfigurationUrl: req.query.openid_configuration,
        registrationToken: req.query.registration_token,
        referer: req.get('referer'),
      });
      logger.info('lti', 'platform registered dynamically', { platform: platform.issuer });
      options.onRegistered(platform, req, res);
    } catch (error) {
      if (!(error instanceof LtiRegistrationError) && !(error instanceof BadRequestError))
        throw error;
      logger.warn('lti', 'dynamic registration refused', { reason: error.message });
      renderError({ status: error.status, code: error.code, message: error.message }, req, res);
    }
  });
  // Express 5 computes req.query with a getter that ltijs's Express 4 sub-app cannot see
  // through its own request prototype; pin it as a plain property before handing over.
  router.use((req, _res, next) => {
    Object.defineProperty(req, 'query', {
      value: { ...req.query },
      writable: true,
      enumerable: true,
      configurable: true,
    });
    next();
  });
  router.all('/login', (_req, res, next) => {
    const redirect = res.redirect.bind(res) as (url: string) => void;
    // ltijs draws the nonce inside its login handler and keeps no record of it; catch it on
    // the way out, in the redirect to the platform's authentication endpoint.
    res.redirect = ((url: string) => {
      const params = new URL(url).searchParams;
      const nonce = params.get('nonce');
      const state = params.get('state');
      if (!nonce || !state) return redirect(url);
      storage.recordIssuedNonce(nonce, state).then(
        () => redirect(url),
        (error: unknown) => next(error),
      );
    }) as typeof res.redirect;
    next();
  });
  router.post(
    '/launch',
    express.urlencoded({ extended: false, limit: '64kb' }),
    async (req, res, next) => {
      try {
        const launch = readLaunchRequest(req.body);
        checkIssuedAt(launch, ID_TOKEN_MAX_AGE_SECONDS, new Date());
        await checkDeploymentRegistered(db, launch);
        await checkNonceIssued(storage, launch);
      } catch (error) {
        if (error instanceof LaunchRefusal) return rejectLaunch(req, res, error);
        return next(error);
      }
      // The body is parsed; tell ltijs's body-parser 1.x not to read the spent stream again.
      (req as unknown as { _body: boolean })._body = true;
      next();
    },
  );
  router.use(provider.app);
  return { router, ltijs: provider, storage };
}

/** ltijs reports failures as `{ status, details: { message: CODE } }`; make them readable. */
function describeLaunchError(error: unknown): LaunchErrorPage {
  if (error instanceof MicrocredError && error.expose) {
    return { status: error.status, code: error.code, message: error.message };
  }
  const reason = (error as { details?: { message?: string } } | undefined)?.details?.message ?? '';
  // ltijs gives codes (TOKEN_TOO_OLD) or jsonwebtoken's words (jwt expired); make both codes.
  const words = reason
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  const code = words ? `LTI_${words.slice(0, 60)}` : 'LTI_LAUNCH_INVALID';
  return { status: 401, code, message: LAUNCH_ERROR_MESSAGES[reason] ?? DEFAULT_LAUNCH_MESSAGE };
}

const DEFAULT_LAUNCH_MESSAGE =
  'The launch from your LMS could not be verified. Go back to your course and open the activity again; if it keeps failing, tell your LMS administrator.';

const LAUNCH_ERROR_MESSAGES: Record<string, string> = {
  MISSING_VALIDATION_COOKIE:
    'Your browser did not send back the cookie set when the launch began (it may block cookies in embedded pages). Open the activity in a new window, or allow cookies for this tool.',
  TOKEN_TOO_OLD:
    'The launch took too long to arrive or your LMS clock is off. Go back to your course and open the activity again.',
  NONCE_ALREADY_RECEIVED:
    'This launch was already used. Go back to your course and open the activity again.',
  UNREGISTERED_PLATFORM:
    'This LMS is not registered with microcred. Ask your LMS administrator to register it.',
  NO_LTIK_OR_IDTOKEN_FOUND:
    'This page must be opened from your LMS course. Go back to your course and open the activity there.',
};
