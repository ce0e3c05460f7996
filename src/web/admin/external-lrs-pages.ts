import express, { type Response, type Router } from 'express';
import type { Db } from '../../db/database.js';
import { BadRequestError, NotFoundError } from '../../errors.js';
import { isUuid } from '../../shared/uuid.js';
import {
  addExternalLrs,
  externalLrsInputSchema,
  listExternalLrs,
  readExternalLrs,
  removeExternalLrs,
  setExternalLrsActive,
} from '../../xapi/external/external-lrs-connections.js';
import {
  invalidFieldsOf,
  registryInScope,
  textField,
  type AdminPageKit,
} from './admin-page-kit.js';

const PAGE = '/admin/external-lrs';
const FIELDS = [
  'platformId',
  'endpoint',
  'key',
  'secret',
  'direction',
  'xapiVersion',
  'since',
] as const;
type ConnectionValues = Record<Exclude<(typeof FIELDS)[number], 'secret'>, string>;
const STATUS_MESSAGES = ['added', 'paused', 'resumed', 'removed'] as const;

/**
 * The external LRSs statements are forwarded to or pulled from: `GET /admin/external-lrs` lists
 * them with their last errors; `POST /admin/external-lrs` adds one (its Basic secret is stored
 * encrypted and never shown again); `POST /admin/external-lrs/:id/active` pauses or resumes
 * one; `POST /admin/external-lrs/:id/remove` removes one. Only a signed-in administrator.
 */
export function createExternalLrsPages(kit: AdminPageKit): Router {
  const { db, render } = kit;
  const router = express.Router();

  const renderPage = async (
    res: Response,
    values: ConnectionValues = emptyValues(),
    errors: readonly string[] = [],
    refusal: string | null = null,
  ) => {
    const [connections, platforms] = await Promise.all([
      listExternalLrs(db),
      registryInScope(db, res).platforms(),
    ]);
    const platformNames = new Map(platforms.map((platform) => [platform.id, platform.name]));
    return render(res, 'admin/external-lrs', {
      adminPage: 'externalLrs',
      connections: connections
        .filter((connection) => platformNames.has(connection.platformId))
        .map((connection) => ({
          ...connection,
          platformName: platformNames.get(connection.platformId) ?? connection.platformId,
        })),
      platforms,
      values,
      errors,
      refusal,
      status: statusOf(res),
      csrfToken: kit.csrfTokenOf(res),
    });
  };

  router.get(PAGE, ...kit.admin, async (_req, res) => {
    res.send(await renderPage(res));
  });

  router.post(PAGE, ...kit.changes, async (req, res) => {
    const form = req.body as Record<string, unknown>;
    const values = Object.fromEntries(
      FIELDS.filter((field) => field !== 'secret').map((field) => [field, textField(form, field)]),
    ) as ConnectionValues;
    const input = {
      platformId: values.platformId,
      endpoint: values.endpoint,
      key: values.key,
      secret: typeof form.secret === 'string' ? form.secret : '',
      direction: values.direction,
      xapiVersion: values.xapiVersion,
      ...(values.since ? { since: values.since } : {}),
    };
    const parsed = externalLrsInputSchema.safeParse(input);
    const inScope = (await registryInScope(db, res).platforms()).some(
      (platform) => platform.id === values.platformId,
    );
    if (!parsed.success || !inScope) {
      const errors = [
        ...(parsed.success ? [] : invalidFieldsOf(parsed.error.issues, FIELDS)),
        ...(inScope ? [] : ['platformId']),
      ];
      res.status(422).send(await renderPage(res, values, [...new Set(errors)]));
      return;
    }
    try {
      await addExternalLrs({ db, secret: kit.secret, input });
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error;
      res.status(422).send(await renderPage(res, values, [], error.message));
      return;
    }
    res.redirect(303, `${PAGE}?status=added`);
  });

  router.post(`${PAGE}/:id/active`, ...kit.changes, async (req, res) => {
    const isActive = (req.body as Record<string, unknown>).isActive === 'yes';
    await setExternalLrsActive(
      db,
      await connectionInScope(db, res, String(req.params.id)),
      isActive,
    );
    res.redirect(303, `${PAGE}?status=${isActive ? 'resumed' : 'paused'}`);
  });

  router.post(`${PAGE}/:id/remove`, ...kit.changes, async (req, res) => {
    await removeExternalLrs(db, await connectionInScope(db, res, String(req.params.id)));
    res.redirect(303, `${PAGE}?status=removed`);
  });

  return router;
}

/** The id of the connection, when it serves an LMS the administrator's scope reaches; else 404. */
async function connectionInScope(db: Db, res: Response, id: string): Promise<string> {
  const connection = isUuid(id) ? await readExternalLrs(db, id) : null;
  const platforms = await registryInScope(db, res).platforms();
  if (!connection || !platforms.some((platform) => platform.id === connection.platformId)) {
    throw new NotFoundError(`No external LRS connection has the id ${id}`);
  }
  return connection.id;
}

function emptyValues(): ConnectionValues {
  return {
    platformId: '',
    endpoint: '',
    key: '',
    direction: 'forward',
    xapiVersion: '2.0.0',
    since: '',
  };
}

function statusOf(res: Response) {
  const status = res.req.query.status;
  return STATUS_MESSAGES.find((known) => known === status) ?? null;
}
