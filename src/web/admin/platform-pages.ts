import express, { type RequestHandler, type Response, type Router } from 'express';
import { listIssuerProfiles } from '../../badges/issuer-profile.js';
import type { Db } from '../../db/database.js';
import { BadRequestError, ForbiddenError, NotFoundError } from '../../errors.js';
import {
  platformRegistrationSchema,
  registerPlatform,
  setDeploymentActive,
  setPlatformActive,
  setPlatformTrustLevel,
  setPlatformXapiActors,
  toolUrls,
  trustLevelSchema,
  xapiActorSettingsSchema,
} from '../../lti/platform-registry.js';
import {
  createRegistrationInvitation,
  invitationRequestSchema,
  listRegistrationInvitations,
  withdrawRegistrationInvitation,
  type CreatedInvitation,
} from '../../lti/registration-invitations.js';
import { isUuid } from '../../shared/uuid.js';
import { countPendingStatements } from '../../xapi/pending-statements.js';
import {
  invalidFieldsOf,
  registryInScope,
  reaches,
  textField,
  type AdminPageKit,
} from './admin-page-kit.js';
import { adminScopeOf } from './admin-session.js';

const PAGE = '/admin/platforms';
const INVITATIONS = '/admin/invitations';
const TOOL_KEY = '/admin/tool-key';
/** The lifetimes an invitation can be given on the page, as the CLI writes them. */
export const INVITATION_LIFETIMES = ['1d', '7d', '30d', '90d'] as const;
const STATUS_MESSAGES = [
  'deactivated',
  'activated',
  'withdrawn',
  'registered',
  'xapiActorsSaved',
  'trustLevelSaved',
  'toolKeyRotated',
  'deploymentDeactivated',
  'deploymentActivated',
  'deploymentStaysDeactivated',
  'platformStaysDeactivated',
] as const;
const REGISTRATION_FIELDS = [
  'name',
  'issuer',
  'clientId',
  'deploymentId',
  'authUrl',
  'tokenUrl',
  'jwksUrl',
  'trustLevel',
  'awardingBody',
] as const;
type RegistrationValues = Record<(typeof REGISTRATION_FIELDS)[number], string>;

interface InvitationValues {
  awardingBody: string;
  trustLevel: string;
  expires: string;
}

/**
 * The LMS platforms' pages:
 * - `GET /admin/platforms`: every registered LMS with its deployments, trust level, awarding
 *   body, statements waiting for their learner and whether it is active;
 *   `POST /admin/platforms/:id/active` deactivates (`isActive=no`) or reactivates one, in every
 *   process at once;
 * - `POST /admin/invitations`: a single-use registration URL for an LMS's dynamic registration
 *   (shown this once), `POST /admin/invitations/:id/withdraw` withdraws one not used;
 * - `GET|POST /admin/platforms/new`: registers an LMS by hand, and shows the tool's URLs to
 *   paste into it; registering again an LMS an administrator deactivated leads to the list,
 *   which says that it stays deactivated, above the control that activates it, and names its
 *   deployments deactivated too (activating the LMS does not activate them); registering
 *   again a deployment an administrator deactivated leads to the LMS's page, which says that it
 *   stays deactivated, next to the control that activates it;
 * - `GET /admin/platforms/:id`: one LMS, with the tool's URLs and how its xAPI emitter names
 *   users, `POST /admin/platforms/:id/xapi-actors` changes that; `POST
 *   /admin/platforms/:id/trust-level` (confirmed) changes whether its learners earn credits;
 *   `POST /admin/platforms/:id/deployments/active` (`deploymentId`, `isActive=no|yes`)
 *   deactivates or reactivates one deployment of it (the others still launch);
 * - `POST /admin/tool-key/rotate` (confirmed; the administrator of the whole tool only, as the
 *   key signs for every LMS): a new LTI tool key signs from now on.
 * Only a signed-in administrator, within the awarding body of an LMS administrator.
 */
export function createPlatformPages(kit: AdminPageKit): Router {
  const { db, render } = kit;
  const router = express.Router();

  const renderList = async (
    res: Response,
    options: {
      invitation?: InvitationValues;
      invitationErrors?: readonly string[];
      created?: CreatedInvitation;
      toolKeyErrors?: readonly string[];
    } = {},
  ) => {
    const scope = adminScopeOf(res);
    const registry = registryInScope(db, res);
    const [platforms, pending, invitations, bodies] = await Promise.all([
      registry.platforms(),
      countPendingStatements(db),
      listRegistrationInvitations(db),
      registry.awardingBodies(),
    ]);
    const bodyNames = new Map(bodies.map((body) => [body.id, body.name]));
    const status = statusOf(res);
    const named = platforms.find((platform) => platform.id === res.req.query.platform);
    // A reload after the LMS was activated again no longer says that it stays deactivated.
    const isStatusShown = status !== 'platformStaysDeactivated' || named?.isActive === false;
    // Its deployments deactivated on their own stay so when the LMS is activated again: named too.
    const deactivatedDeployments =
      status === 'platformStaysDeactivated' && isStatusShown
        ? (named?.deployments ?? [])
            .filter((deployment) => !deployment.isActive)
            .map((deployment) => deployment.deploymentId)
        : [];
    return render(res, 'admin/platforms', {
      adminPage: 'platforms',
      platforms: platforms.map((platform) => ({
        ...platform,
        awardingBodyName: bodyNames.get(platform.issuerProfileId) ?? platform.issuerProfileId,
        pendingStatements: pending.get(platform.id) ?? 0,
      })),
      invitations: invitations.filter((invitation) => reaches(scope, invitation.awardingBody.id)),
      awardingBodies: [...bodyNames.values()].sort((a, b) => a.localeCompare(b)),
      lockedAwardingBody:
        scope.kind === 'tool' ? null : (bodyNames.get(scope.issuerProfileId) ?? null),
      mayRegisterByHand: scope.kind === 'tool',
      lifetimes: INVITATION_LIFETIMES,
      invitation: options.invitation ?? {
        awardingBody: '',
        trustLevel: 'registered',
        expires: '7d',
      },
      invitationErrors: options.invitationErrors ?? [],
      created: options.created ?? null,
      toolKey: scope.kind === 'tool' ? { kid: (await kit.keyring.current()).kid } : null,
      toolKeyErrors: options.toolKeyErrors ?? [],
      status: isStatusShown ? status : null,
      deactivatedDeployments,
      csrfToken: kit.csrfTokenOf(res),
    });
  };

  router.get(PAGE, ...kit.admin, async (_req, res) => {
    res.send(await renderList(res));
  });

  router.post(`${PAGE}/:id/active`, ...kit.changes, async (req, res) => {
    const { id } = await platformInScope(db, res, String(req.params.id));
    const isActive = (req.body as Record<string, unknown>).isActive === 'yes';
    await setPlatformActive(db, id, isActive);
    res.redirect(303, `${PAGE}?status=${isActive ? 'activated' : 'deactivated'}`);
  });

  router.post(`${TOOL_KEY}/rotate`, ...kit.changes, requireWholeTool, async (req, res) => {
    if (!isConfirmed(req.body)) {
      res.status(422).send(await renderList(res, { toolKeyErrors: ['confirm'] }));
      return;
    }
    await kit.keyring.rotate();
    res.redirect(303, `${PAGE}?status=toolKeyRotated`);
  });

  router.post(INVITATIONS, ...kit.changes, async (req, res) => {
    const form = req.body as Record<string, unknown>;
    const scope = adminScopeOf(res);
    const invitation = {
      awardingBody: scope.kind === 'tool' ? textField(form, 'awardingBody') : scope.issuerProfileId,
      trustLevel: textField(form, 'trustLevel'),
      expires: textField(form, 'expires'),
    };
    const parsed = invitationRequestSchema.safeParse(invitation);
    const errors = [
      ...(parsed.success
        ? []
        : invalidFieldsOf(parsed.error.issues, ['awardingBody', 'trustLevel'])),
      ...(INVITATION_LIFETIMES.some((lifetime) => lifetime === invitation.expires)
        ? []
        : ['expires']),
    ];
    if (errors.length > 0) {
      res.status(422).send(await renderList(res, { invitation, invitationErrors: errors }));
      return;
    }
    const created = await createRegistrationInvitation({
      db,
      publicUrl: kit.publicUrl,
      request: invitation,
    });
    res.status(201).send(await renderList(res, { created }));
  });

  router.post(`${INVITATIONS}/:id/withdraw`, ...kit.changes, async (req, res) => {
    const id = String(req.params.id);
    const invitation = isUuid(id)
      ? (await listRegistrationInvitations(db)).find((entry) => entry.id === id)
      : undefined;
    if (!invitation || !reaches(adminScopeOf(res), invitation.awardingBody.id)) {
      throw new NotFoundError(`No registration invitation has the id ${id}`);
    }
    await withdrawRegistrationInvitation(db, id);
    res.redirect(303, `${PAGE}?status=withdrawn`);
  });

  const renderRegistration = async (
    res: Response,
    values: RegistrationValues,
    errors: readonly string[] = [],
    refusal: string | null = null,
  ) =>
    render(res, 'admin/platform-new', {
      adminPage: 'platforms',
      values,
      errors,
      refusal,
      awardingBodies: (await listIssuerProfiles(db)).map((body) => body.name).sort(),
      toolUrls: toolUrls(kit.publicUrl),
      csrfToken: kit.csrfTokenOf(res),
    });

  router.get(`${PAGE}/new`, ...kit.admin, requireWholeTool, async (_req, res) => {
    const values = Object.fromEntries(
      REGISTRATION_FIELDS.map((field) => [field, field === 'trustLevel' ? 'registered' : '']),
    ) as RegistrationValues;
    res.send(await renderRegistration(res, values));
  });

  router.post(`${PAGE}/new`, ...kit.changes, requireWholeTool, async (req, res) => {
    const form = req.body as Record<string, unknown>;
    const values = Object.fromEntries(
      REGISTRATION_FIELDS.map((field) => [field, textField(form, field)]),
    ) as RegistrationValues;
    const input = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
    const parsed = platformRegistrationSchema.safeParse(input);
    if (!parsed.success) {
      const errors = invalidFieldsOf(parsed.error.issues, REGISTRATION_FIELDS);
      res.status(422).send(await renderRegistration(res, values, errors));
      return;
    }
    let registered;
    try {
      registered = await registerPlatform(db, input);
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error;
      res.status(422).send(await renderRegistration(res, values, [], error.message));
      return;
    }
    const { id, isActive, deployment } = registered;
    if (!isActive) {
      const query = new URLSearchParams({ status: 'platformStaysDeactivated', platform: id });
      res.redirect(303, `${PAGE}?${query}`);
      return;
    }
    if (!deployment.isActive) {
      const query = new URLSearchParams({
        status: 'deploymentStaysDeactivated',
        deployment: deployment.deploymentId,
      });
      res.redirect(303, `${PAGE}/${id}?${query}`);
      return;
    }
    res.redirect(303, `${PAGE}?status=registered`);
  });

  const renderPlatform = async (
    res: Response,
    id: string,
    options: {
      values?: { xapiAccountName: string; xapiAccountHomePage: string };
      errors?: string[];
      trustLevel?: string;
      trustLevelErrors?: string[];
    } = {},
  ) => {
    const platform = await platformInScope(db, res, id);
    const pending = await countPendingStatements(db);
    const status = statusOf(res);
    const statusDeployment = String(res.req.query.deployment ?? '');
    const isStatusShown =
      status !== 'deploymentStaysDeactivated' ||
      platform.deployments.some(
        (deployment) => deployment.deploymentId === statusDeployment && !deployment.isActive,
      );
    return render(res, 'admin/platform', {
      adminPage: 'platforms',
      platform,
      pendingStatements: pending.get(id) ?? 0,
      toolUrls: toolUrls(kit.publicUrl),
      values: options.values ?? {
        xapiAccountName: platform.xapiAccountName,
        xapiAccountHomePage: platform.xapiAccountHomePage ?? '',
      },
      errors: options.errors ?? [],
      trustLevel: options.trustLevel ?? platform.trustLevel,
      trustLevelErrors: options.trustLevelErrors ?? [],
      status: isStatusShown ? status : null,
      statusDeployment,
      csrfToken: kit.csrfTokenOf(res),
    });
  };

  router.get(`${PAGE}/:id`, ...kit.admin, async (req, res) => {
    res.send(await renderPlatform(res, String(req.params.id)));
  });

  router.post(`${PAGE}/:id/deployments/active`, ...kit.changes, async (req, res) => {
    const platform = await platformInScope(db, res, String(req.params.id));
    const form = req.body as Record<string, unknown>;
    const deploymentId = textField(form, 'deploymentId');
    if (!platform.deploymentIds.includes(deploymentId)) {
      throw new NotFoundError(`The platform ${platform.id} has no deployment "${deploymentId}"`);
    }
    const isActive = form.isActive === 'yes';
    await setDeploymentActive(db, platform.id, deploymentId, isActive);
    const status = isActive ? 'deploymentActivated' : 'deploymentDeactivated';
    res.redirect(303, `${PAGE}/${platform.id}?status=${status}`);
  });

  router.post(`${PAGE}/:id/xapi-actors`, ...kit.changes, async (req, res) => {
    const { id } = await platformInScope(db, res, String(req.params.id));
    const form = req.body as Record<string, unknown>;
    const values = {
      xapiAccountName: textField(form, 'xapiAccountName'),
      xapiAccountHomePage: textField(form, 'xapiAccountHomePage'),
    };
    const settings = {
      xapiAccountName: values.xapiAccountName,
      xapiAccountHomePage: values.xapiAccountHomePage || null,
    };
    const parsed = xapiActorSettingsSchema.safeParse(settings);
    if (!parsed.success) {
      const errors = invalidFieldsOf(parsed.error.issues, [
        'xapiAccountName',
        'xapiAccountHomePage',
      ]);
      res.status(422).send(await renderPlatform(res, id, { values, errors }));
      return;
    }
    await setPlatformXapiActors(db, id, settings);
    res.redirect(303, `${PAGE}/${id}?status=xapiActorsSaved`);
  });

  router.post(`${PAGE}/:id/trust-level`, ...kit.changes, async (req, res) => {
    const { id } = await platformInScope(db, res, String(req.params.id));
    const trustLevel = textField(req.body as Record<string, unknown>, 'trustLevel');
    const errors = [
      ...(trustLevelSchema.safeParse({ trustLevel }).success ? [] : ['trustLevel']),
      ...(isConfirmed(req.body) ? [] : ['confirm']),
    ];
    if (errors.length > 0) {
      const page = await renderPlatform(res, id, { trustLevel, trustLevelErrors: errors });
      res.status(422).send(page);
      return;
    }
    await setPlatformTrustLevel(db, id, { trustLevel });
    res.redirect(303, `${PAGE}/${id}?status=trustLevelSaved`);
  });

  return router;
}

/** The platform with this id, when the administrator's scope reaches it; else 404. */
async function platformInScope(db: Db, res: Response, id: string) {
  const platform = isUuid(id)
    ? (await registryInScope(db, res).platforms()).find((entry) => entry.id === id)
    : undefined;
  if (!platform) throw new NotFoundError(`No platform has the id ${id}`);
  return platform;
}

/**
 * Registering an LMS by hand can update a registration of the same issuer and client id, so it
 * is for the administrator of the whole tool only.
 */
const requireWholeTool: RequestHandler = (_req, res, next) => {
  if (adminScopeOf(res).kind !== 'tool') {
    throw new ForbiddenError(
      'Only the administrator of the whole tool may register an LMS by hand: invite it instead.',
    );
  }
  next();
};

/** Whether the form's confirmation box is ticked. */
function isConfirmed(body: unknown): boolean {
  return (body as Record<string, unknown>).confirm === 'yes';
}

function statusOf(res: Response) {
  const status = res.req.query.status;
  return STATUS_MESSAGES.find((known) => known === status) ?? null;
}
