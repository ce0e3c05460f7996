import { createHmac, randomUUID } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import ltijs from 'ltijs';
import type { Logger } from '../config/logger.js';
import type { Db } from '../db/database.js';
import { MicrocredError } from '../errors.js';
import type { OutgoingFetch } from '../outgoing/outgoing-requests.js';
import { LtijsStorage } from './ltijs-storage.js';
import { checkDeploymentRegistered } from './launch/check-deployment-registered.js';
import { checkIssuedAt } from './launch/check-issued-at.js';
import { checkStatePresent, nonceNotIssuedRefusal } from './launch/check-nonce-issued.js';
import { findIssuedLogin, recordIssuedNonce } from './launch/issued-nonces.js';
import { describeLaunchError, type LaunchErrorPage } from './launch/describe-launch-error.js';
import { launchPrechecks, type LaunchPrechecks } from './launch/launch-prechecks.js';
import { LaunchRefusal, readLaunchRequest } from './launch/launch-request.js';
import { createPlatformKeys } from './launch/platform-keys.js';
import { createPlatformServices, type PlatformServices } from './platform-services.js';
import { recordLaunch, type LtijsLaunchToken, type RecordedLaunch } from './record-launch.js';
import type { ToolKeyring } from './tool-key.js';

/** How far an id_token's `iat` may lie in the past: LMS clocks drift. */
export const ID_TOKEN_MAX_AGE_SECONDS = 60;

const LOGIN_PARAMETERS = [
  'iss',
  'login_hint',
  'target_link_uri',
  'lti_message_hint',
  'client_id',
  'lti_deployment_id',
];

/** The nonce and state of an authentication response, checked when the launch is recorded. */
interface LaunchAuthentication {
  nonce: string;
  state: string;
}

/**
 * The LMS username a launch carries in the `ext` claim (Moodle: `user_username`), which ltijs
 * drops. Read from the id_token before ltijs verifies it; recorded only once it has.
 */
function lmsUsernameOf(claims: Record<string, unknown>): string | undefined {
  const ext = claims['https://purl.imsglobal.org/spec/lti/claim/ext'];
  const username = (ext as { user_username?: unknown } | undefined)?.user_username;
  return typeof username === 'string' && username !== '' ? username : undefined;
}

/** The OIDC login initiation parameters (LTI 1.3 core 5.1.1) a login came with. */
function loginParameters(params: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    LOGIN_PARAMETERS.flatMap((name) => {
      const value = params[name];
      return typeof value === 'string' ? [[name, value]] : [];
    }),
  );
}

/**
 * Express 5 computes `req.query` with a getter that ltijs's Express 4 sub-app cannot see
 * through its own request prototype; pin it as a plain property before handing over.
 */
export const pinQueryForLtijs: RequestHandler = (req, _res, next) => {
  Object.defineProperty(req, 'query', {
    value: { ...req.query },
    writable: true,
    enumerable: true,
    configurable: true,
  });
  next();
};

/** Our parser read the form; tell ltijs's body-parser 1.x not to read the spent stream again. */
function markBodyParsed(req: Request): void {
  (req as unknown as { _body: boolean })._body = true;
}

export interface LtiProvider {
  /** Mount at `/lti`: login, launch, keys. */
  readonly router: Router;
  /** Access tokens and requests for the platforms' AGS and NRPS services. */
  readonly services: PlatformServices;
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
  keyring: ToolKeyring;
  /** How the tool reaches the platform (its configuration, key set and services). */
  outgoingFetch: OutgoingFetch;
  onLaunched: (launch: RecordedLaunch, req: Request, res: Response) => void | Promise<void>;
  renderError: (page: LaunchErrorPage, req: Request, res: Response) => void;
}): LtiProvider {
  const { db, logger, renderError } = options;
  const isHttps = options.publicUrl.startsWith('https:');
  const storage = new LtijsStorage({
    db,
    secret: options.secret,
    keyring: options.keyring,
  });

  const platformKeys = createPlatformKeys(options.outgoingFetch);
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

  const rejectLaunch = async (req: Request, res: Response, error: unknown) => {
    let page = describeLaunchError(error);
    const authentication = res.locals.authentication as LaunchAuthentication | undefined;
    if (page.code === 'LTI_MISSING_VALIDATION_COOKIE' && authentication) {
      try {
        const login = await findIssuedLogin(db, authentication.nonce, authentication.state);
        if (login) {
          // The browser blocked our cookie inside the LMS frame; a window of its own has first-party cookies.
          page.newWindowUrl = `${options.publicUrl}/lti/login?${new URLSearchParams(login)}`;
        } else {
          page = describeLaunchError(nonceNotIssuedRefusal());
        }
      } catch (lookupError) {
        logger.error('lti', 'issued nonce lookup failed', { error: lookupError });
      }
    }
    logger.warn('lti', 'launch rejected', { reason: page.code, path: req.path });
    renderError(page, req, res);
  };

  const launch = async (token: unknown, req: Request, res: Response) => {
    try {
      const recorded = await recordLaunch(
        db,
        { ...(token as LtijsLaunchToken), username: res.locals.lmsUsername as string | undefined },
        res.locals.authentication as LaunchAuthentication,
        webOrigin(req.get('origin')),
      );
      logger.info('lti', 'launch', {
        userId: recorded.userId,
        courseId: recorded.courseId,
        role: recorded.role,
      });
      await options.onLaunched(recorded, req, res);
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
    res.json({ keys: await options.keyring.publishedJwks() });
  });
  router.use(pinQueryForLtijs);
  router.all('/login', express.urlencoded({ extended: false, limit: '64kb' }), (req, res, next) => {
    markBodyParsed(req);
    const login = loginParameters({ ...req.query, ...(req.body as object) });
    const redirect = res.redirect.bind(res) as (url: string) => void;
    // ltijs draws the nonce inside its login handler and keeps no record of it; catch it on
    // the way out, in the redirect to the platform's authentication endpoint.
    res.redirect = ((url: string) => {
      const params = new URL(url).searchParams;
      const nonce = params.get('nonce');
      const state = params.get('state');
      if (!nonce || !state) return redirect(url);
      recordIssuedNonce(db, { nonce, state, login }).then(
        () => redirect(url),
        (error: unknown) => next(error),
      );
    }) as typeof res.redirect;
    if (isHttps) {
      // ltijs cannot mark its state cookie Partitioned (CHIPS), which embedded tools need.
      const setCookie = res.cookie.bind(res) as (
        name: string,
        value: string,
        options: object,
      ) => Response;
      res.cookie = ((name: string, value: string, cookieOptions: object = {}) =>
        setCookie(name, value, { ...cookieOptions, partitioned: true })) as typeof res.cookie;
    }
    next();
  });
  router.post(
    '/launch',
    express.urlencoded({ extended: false, limit: '64kb' }),
    async (req, res, next) => {
      let prechecks: LaunchPrechecks;
      try {
        const launch = readLaunchRequest(req.body);
        checkIssuedAt(launch, ID_TOKEN_MAX_AGE_SECONDS, new Date());
        const { jwksUrl } = await checkDeploymentRegistered(db, launch);
        checkStatePresent(launch);
        const { nonce } = launch.claims;
        const authentication = {
          nonce: typeof nonce === 'string' ? nonce : '',
          state: String(launch.state),
        };
        res.locals.authentication = authentication;
        res.locals.lmsUsername = lmsUsernameOf(launch.claims);
        const signingKey = await platformKeys.signingKeyFor(jwksUrl, launch.header);
        prechecks = { nonce: authentication.nonce, jwksUrl, signingKey };
      } catch (error) {
        if (error instanceof LaunchRefusal) return rejectLaunch(req, res, error);
        return next(error);
      }
      markBodyParsed(req);
      launchPrechecks.run(prechecks, next);
    },
  );
  router.use(provider.app);
  return {
    router,
    services: createPlatformServices({
      db,
      keyring: options.keyring,
      outgoingFetch: options.outgoingFetch,
    }),
    storage,
  };
}

/** The Origin header of a request when it names an http(s) origin (not "null"). */
function webOrigin(header: string | undefined): string | null {
  if (!header) return null;
  try {
    const url = new URL(header);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === header
      ? header
      : null;
  } catch {
    return null;
  }
}
