import express, { type Response, type Router } from 'express';
import type { Db } from '../../db/database.js';
import { NotFoundError } from '../../errors.js';
import { listPlatforms } from '../../lti/platform-registry.js';
import { listUnknownKeyRefusals, listXapiCredentialUsage } from '../../xapi/credential-usage.js';
import { createXapiCredential, revokeXapiCredential } from '../../xapi/credentials.js';
import { createCsrfProtection } from '../http/csrf.js';
import type { RenderView } from '../views.js';
import { ADMIN_PATH, ADMIN_SESSION_COOKIE, createAdminSessions } from './admin-session.js';

const MAX_CREDENTIAL_NAME_LENGTH = 100;
/** The scope of a credential bound to no platform: its statements count as `content`. */
const CONTENT_SCOPE = 'content';
const STATUS_MESSAGES = ['revoked', 'signedOut'] as const;

interface CredentialFormValues {
  name: string;
  scope: string;
}

/**
 * The administrator's pages, under `/admin` (off, 404, while MICROCRED_ADMIN_TOKEN is unset):
 * - `GET|POST /admin/sign-in`: the admin token opens an admin session (admin-session.ts);
 *   `POST /admin/sign-out` ends it;
 * - `GET /admin/xapi-credentials`: the xAPI credentials of server-side emitters (Moodle's
 *   logstore_xapi …) with their last success, last failure and refused count, and the keys
 *   no credential has that requests were refused for;
 *   `POST /admin/xapi-credentials` creates one and shows its secret this once;
 *   `POST /admin/xapi-credentials/revoke` revokes one.
 * Every form that changes something carries a token bound to the admin session (csrf.ts).
 */
export function createAdminPages(deps: {
  db: Db;
  publicUrl: string;
  secret: string;
  adminToken: string | undefined;
  render: RenderView;
}): Router {
  const { db, publicUrl, render } = deps;
  const sessions = createAdminSessions(deps);
  const csrf = createCsrfProtection(deps.secret, ADMIN_SESSION_COOKIE);
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const admin = [sessions.requireAdmin];
  const changes = [sessions.requireAdmin, form, csrf.requireToken];
  const router = express.Router();
  router.use(ADMIN_PATH, sessions.requireAdminPagesOn, (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  const renderSignIn = (res: Response, options: { next: string; isWrongToken: boolean }) =>
    render(res, 'admin/sign-in', { ...options, status: statusOf(res) });

  router.get(`${ADMIN_PATH}`, ...admin, (_req, res) => {
    res.redirect(303, `${ADMIN_PATH}/xapi-credentials`);
  });

  router.get(`${ADMIN_PATH}/sign-in`, (req, res) => {
    res.send(renderSignIn(res, { next: safeNext(req.query.next), isWrongToken: false }));
  });

  router.post(`${ADMIN_PATH}/sign-in`, form, (req, res) => {
    const body = req.body as Record<string, unknown>;
    const next = safeNext(body.next);
    if (typeof body.token !== 'string' || !sessions.isAdminToken(body.token)) {
      res.status(401).send(renderSignIn(res, { next, isWrongToken: true }));
      return;
    }
    sessions.open(res);
    res.redirect(303, next);
  });

  router.post(`${ADMIN_PATH}/sign-out`, ...changes, (_req, res) => {
    sessions.close(res);
    res.redirect(303, `${ADMIN_PATH}/sign-in?status=signedOut`);
  });

  const renderCredentials = async (
    res: Response,
    options: {
      values: CredentialFormValues;
      errors?: readonly ('nameRequired' | 'nameTooLong' | 'scopeUnknown')[];
      created?: { name: string; key: string; secret: string };
    },
  ) => {
    const [credentials, unknownKeys, platforms] = await Promise.all([
      listXapiCredentialUsage(db),
      listUnknownKeyRefusals(db),
      listPlatforms(db),
    ]);
    return render(res, 'admin/xapi-credentials', {
      adminPage: 'xapiCredentials',
      credentials,
      unknownKeys,
      scopes: platforms.map((platform) => ({
        value: platform.id,
        name: platform.name,
        issuer: platform.issuer,
      })),
      contentScope: CONTENT_SCOPE,
      endpoint: `${publicUrl.replace(/\/+$/, '')}/xapi/`,
      values: options.values,
      errors: options.errors ?? [],
      created: options.created ?? null,
      status: statusOf(res),
      csrfToken: csrf.tokenOf(res.req),
    });
  };

  router.get(`${ADMIN_PATH}/xapi-credentials`, ...admin, async (_req, res) => {
    res.send(await renderCredentials(res, { values: { name: '', scope: '' } }));
  });

  router.post(`${ADMIN_PATH}/xapi-credentials`, ...changes, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const values = {
      name: typeof body.name === 'string' ? body.name.trim() : '',
      scope: typeof body.scope === 'string' ? body.scope : '',
    };
    const platformIds = new Set((await listPlatforms(db)).map((platform) => platform.id));
    const errors = [
      ...(values.name === '' ? (['nameRequired'] as const) : []),
      ...(values.name.length > MAX_CREDENTIAL_NAME_LENGTH ? (['nameTooLong'] as const) : []),
      ...(values.scope !== CONTENT_SCOPE && !platformIds.has(values.scope)
        ? (['scopeUnknown'] as const)
        : []),
    ];
    if (errors.length > 0) {
      res.status(422).send(await renderCredentials(res, { values, errors }));
      return;
    }
    const { key, secret } = await createXapiCredential({
      db,
      name: values.name,
      platformId: values.scope === CONTENT_SCOPE ? null : values.scope,
    });
    res.status(201).send(
      await renderCredentials(res, {
        values: { name: '', scope: '' },
        created: { name: values.name, key, secret },
      }),
    );
  });

  router.post(`${ADMIN_PATH}/xapi-credentials/revoke`, ...changes, async (req, res) => {
    const key = (req.body as Record<string, unknown>).key;
    const isRevoked = typeof key === 'string' && (await revokeXapiCredential({ db, key }));
    if (!isRevoked) throw new NotFoundError('No active xAPI credential has this key.');
    res.redirect(303, `${ADMIN_PATH}/xapi-credentials?status=revoked`);
  });

  return router;
}

function statusOf(res: Response) {
  const status = res.req.query.status;
  return STATUS_MESSAGES.find((known) => known === status) ?? null;
}

/** Where to go after signing in: an admin page of this tool, never another site. */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/admin(\/[\w\-/?=&%.]*)?$/.test(value)
    ? value
    : `${ADMIN_PATH}/xapi-credentials`;
}
