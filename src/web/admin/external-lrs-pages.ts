import express, { type Response, type Router } from 'express';
import { BadRequestError } from '../../errors.js';
import { listPlatforms } from '../../lti/platform-registry.js';
import {
  addExternalLrs,
  externalLrsInputSchema,
  listExternalLrs,
  removeExternalLrs,
  setExternalLrsActive,
} from '../../xapi/external/external-lrs-connections.js';
import { invalidFieldsOf, textField, type AdminPageKit } from './admin-page-kit.js';

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
    const [connections, platforms] = await Promise.all([listExternalLrs(db), listPlatforms(db)]);
    const platformNames = new Map(platforms.map((platform) => [platform.id, platform.name]));
    return render(res, 'admin/external-lrs', {
      adminPage: 'externalLrs',
      connections: connections.map((connection) => ({
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
    if (!parsed.success) {
      const errors = invalidFieldsOf(parsed.error.issues, FIELDS);
      res.status(422).send(await renderPage(res, values, errors));
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
    await setExternalLrsActive(db, String(req.params.id), isActive);
    res.redirect(303, `${PAGE}?status=${isActive ? 'resumed' : 'paused'}`);
  });

  router.post(`${PAGE}/:id/remove`, ...kit.changes, async (req, res) => {
    await removeExternalLrs(db, String(req.params.id));
    res.redirect(303, `${PAGE}?status=removed`);
  });

  return router;
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
