import express, { type Response, type Router } from 'express';
import { NotFoundError } from '../../errors.js';
import type { Db } from '../../db/database.js';
import { listUnknownKeyRefusals, listXapiCredentialUsage } from '../../xapi/credential-usage.js';
import {
  createXapiCredential,
  MAX_XAPI_CREDENTIAL_NAME_LENGTH,
  revokeXapiCredential,
} from '../../xapi/credentials.js';
import { registryInScope, type AdminPageKit } from './admin-page-kit.js';
import { ADMIN_PATH, adminScopeOf } from './admin-session.js';

/** The scope of a credential bound to no platform: its statements count as `content`. */
const CONTENT_SCOPE = 'content';
const STATUS_MESSAGES = ['revoked'] as const;

interface CredentialFormValues {
  name: string;
  scope: string;
}

/**
 * `GET /admin/xapi-credentials`: the xAPI credentials of server-side emitters (Moodle's
 * logstore_xapi …) with their last success, last failure and refused count, and the keys no
 * credential has that requests were refused for; `POST /admin/xapi-credentials` creates one and
 * shows its secret this once; `POST /admin/xapi-credentials/revoke` revokes one.
 */
export function createXapiCredentialPages(kit: AdminPageKit): Router {
  const { db, publicUrl, render } = kit;
  const router = express.Router();

  const renderCredentials = async (
    res: Response,
    options: {
      values: CredentialFormValues;
      errors?: readonly ('nameRequired' | 'nameTooLong' | 'scopeUnknown')[];
      created?: { name: string; key: string; secret: string };
    },
  ) => {
    const isWholeTool = adminScopeOf(res).kind === 'tool';
    const [credentials, unknownKeys, platforms] = await Promise.all([
      credentialsInScope(db, res),
      isWholeTool ? listUnknownKeyRefusals(db) : [],
      registryInScope(db, res).platforms(),
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
      contentScope: isWholeTool ? CONTENT_SCOPE : null,
      endpoint: `${publicUrl.replace(/\/+$/, '')}/xapi/`,
      values: options.values,
      errors: options.errors ?? [],
      created: options.created ?? null,
      status: statusOf(res),
      csrfToken: kit.csrfTokenOf(res),
    });
  };

  router.get(`${ADMIN_PATH}/xapi-credentials`, ...kit.admin, async (_req, res) => {
    res.send(await renderCredentials(res, { values: { name: '', scope: '' } }));
  });

  router.post(`${ADMIN_PATH}/xapi-credentials`, ...kit.changes, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const values = {
      name: typeof body.name === 'string' ? body.name.trim() : '',
      scope: typeof body.scope === 'string' ? body.scope : '',
    };
    const scope = adminScopeOf(res);
    const platforms = await registryInScope(db, res).platforms();
    const platformIds = new Set(platforms.map((platform) => platform.id));
    const isKnownScope =
      platformIds.has(values.scope) || (values.scope === CONTENT_SCOPE && scope.kind === 'tool');
    const errors = [
      ...(values.name === '' ? (['nameRequired'] as const) : []),
      ...(values.name.length > MAX_XAPI_CREDENTIAL_NAME_LENGTH ? (['nameTooLong'] as const) : []),
      ...(!isKnownScope ? (['scopeUnknown'] as const) : []),
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

  router.post(`${ADMIN_PATH}/xapi-credentials/revoke`, ...kit.changes, async (req, res) => {
    const key = (req.body as Record<string, unknown>).key;
    const isInScope = (await credentialsInScope(db, res)).some(
      (credential) => credential.key === key,
    );
    const isRevoked =
      typeof key === 'string' && isInScope && (await revokeXapiCredential({ db, key }));
    if (!isRevoked) throw new NotFoundError('No active xAPI credential has this key.');
    res.redirect(303, `${ADMIN_PATH}/xapi-credentials?status=revoked`);
  });

  return router;
}

/** The credentials an administrator may see: all, or those of the LMSs of their scope. */
async function credentialsInScope(db: Db, res: Response) {
  const scope = adminScopeOf(res);
  const credentials = await listXapiCredentialUsage(db);
  if (scope.kind === 'tool') return credentials;
  const platforms = await registryInScope(db, res).platforms();
  const platformIds = new Set(platforms.map((platform) => platform.id));
  return credentials.filter(
    (credential) => credential.platform !== null && platformIds.has(credential.platform.id),
  );
}

function statusOf(res: Response) {
  const status = res.req.query.status;
  return STATUS_MESSAGES.find((known) => known === status) ?? null;
}
