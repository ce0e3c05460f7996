import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import {
  findIssuerProfile,
  listIssuerProfiles,
  updateIssuerProfile,
} from '../badges/issuer-profile.js';
import { rotateIssuerKeys } from '../badges/rotate-issuer-keys.js';
import type { EndorsementCheckDeps } from '../badges/endorsements/check-received-endorsement.js';
import {
  issueEndorsement,
  listIssuedEndorsements,
  revokeEndorsement,
} from '../badges/endorsements/issued-endorsements.js';
import {
  achievementsOfAwardingBody,
  attachReceivedEndorsement,
  listReceivedEndorsements,
  MAX_ENDORSEMENT_BYTES,
  removeReceivedEndorsement,
} from '../badges/endorsements/received-endorsements.js';
import { endorsementUrl } from '../badges/endorsements/build-endorsement.js';
import type { Db } from '../db/database.js';
import { BadRequestError, NotFoundError, UnauthorizedError } from '../errors.js';
import {
  registrationNotice,
  listPlatforms,
  registerPlatform,
  setDeploymentActive,
  setPlatformActive,
  setPlatformTrustLevel,
  setPlatformXapiActors,
  toolUrls,
} from '../lti/platform-registry.js';
import type { ToolKeyring } from '../lti/tool-key.js';
import {
  createRegistrationInvitation,
  listRegistrationInvitations,
  withdrawRegistrationInvitation,
} from '../lti/registration-invitations.js';
import {
  addPartner,
  findPartner,
  listPartners,
  removePartner,
  updatePartner,
} from '../recognition/partner-issuers.js';
import { isUuid } from '../shared/uuid.js';
import {
  addExternalLrs,
  listExternalLrs,
  removeExternalLrs,
  setExternalLrsActive,
} from '../xapi/external/external-lrs-connections.js';
import { listUnknownKeyRefusals, listXapiCredentialUsage } from '../xapi/credential-usage.js';
import {
  createXapiCredential,
  MAX_XAPI_CREDENTIAL_NAME_LENGTH,
  revokeXapiCredential,
} from '../xapi/credentials.js';
import { countPendingStatements } from '../xapi/pending-statements.js';

/** `POST /api/admin/xapi-credentials`: a name, and the platform whose emitter sends (or null: content). */
const xapiCredentialRequestSchema = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(MAX_XAPI_CREDENTIAL_NAME_LENGTH),
  platformId: z.uuid().nullable().optional(),
});

/**
 * The admin JSON API: `GET|POST /api/admin/platforms` for LMSs without dynamic registration
 * (registering again an LMS or a deployment an administrator deactivated keeps it deactivated,
 * and the answer's `notice` says so and how to activate it),
 * `PATCH /api/admin/platforms/:id` with `{"isActive": false|true}` to deactivate or reactivate
 * one (in every process at once), `PATCH /api/admin/platforms/:id/deployments/:deploymentId`
 * (the deployment id URL-encoded) with the same body for one deployment of it, with `{"trustLevel": "registered"|"self-study"}` to say
 * whether its learners earn credits, or with `{"xapiAccountName": "lti-sub"|"username",
 * "xapiAccountHomePage": URL|null}` to say how its xAPI emitter names users; each platform
 * lists `pendingStatements`, the statements whose actor no learner answers to yet,
 * `POST|GET /api/admin/registration-invitations` and `DELETE /api/admin/registration-invitations/:id`
 * for the invitations dynamic registration needs (lti/registration-invitations.ts),
 * `GET /api/admin/issuer-profiles` and `PATCH /api/admin/issuer-profiles/:id` for the awarding
 * bodies' details (address, identifiers, parent organisation ...),
 * `POST /api/admin/issuer-profiles/:id/rotate-keys` to retire an awarding body's signing keys
 * (credentials signed before keep verifying), `POST /api/admin/tool-key/rotate` to sign LTI
 * messages with a new tool key (the old one stays in /lti/keys for an hour).
 * Endorsements (docs/endorsements.md): `GET /api/admin/issuer-profiles/:id/endorsements` lists
 * what the awarding body issued and received; `POST .../endorsements` with `{ subjectKind:
 * "achievement"|"profile", subjectId, subjectName, comment }` issues one, `POST
 * .../endorsements/:endorsementId/revoke` with `{ reason }` revokes it; `POST
 * .../received-endorsements` with `{ achievementId: <uuid>|null, endorsement: {...} }` attaches
 * a received EndorsementCredential after every check, `DELETE .../received-endorsements/:id`
 * detaches it. The admin pages (web/admin/) do the same. It answers only a bearer token equal to MICROCRED_ADMIN_TOKEN, and
 * does not exist when that setting is unset.
 *
 * `GET|POST /api/admin/issuer-profiles/:id/partners`, `PATCH|DELETE /api/admin/partners/:id`: the
 * registry of partner issuers of an awarding body, whose credentials its learners may bring
 * (recognition/partner-issuers.ts, docs/recognition.md); a removed partner answers 404.
 *
 * `GET /api/admin/xapi-credentials`: the xAPI Basic credentials of server-side emitters (Moodle's
 * logstore_xapi ...) with their use, and the keys no credential has that requests were refused
 * for; `POST /api/admin/xapi-credentials` with `{ name, platformId: <uuid>|null }` creates one
 * (null: its statements count as `content`) and answers its secret this once; `POST
 * /api/admin/xapi-credentials/:key/revoke` revokes one (404 when none active has the key).
 *
 * `GET|POST /api/admin/external-lrs`, `PATCH|DELETE /api/admin/external-lrs/:id`: the external
 * LRSs statements are forwarded to and pulled from (xapi/external); their Basic secret is
 * taken, encrypted with the tool `secret`, and never shown again.
 */
export function createAdminRouter(deps: {
  db: Db;
  publicUrl: string;
  /** The tool secret, which encrypts the external LRSs' Basic secrets. */
  secret: string;
  adminToken: string | undefined;
  keyring: ToolKeyring;
  /** What checking a received endorsement needs, fresh for each (its clock). */
  endorsementChecks: () => EndorsementCheckDeps;
}): Router {
  const router = express.Router();
  router.use('/api/admin', requireAdminToken(deps.adminToken));

  router.get('/api/admin/platforms', async (_req, res) => {
    const [platforms, pending] = await Promise.all([
      listPlatforms(deps.db),
      countPendingStatements(deps.db),
    ]);
    res.json({
      platforms: platforms.map((platform) => presentPlatform(platform, pending.get(platform.id))),
    });
  });

  router.post('/api/admin/platforms', express.json({ limit: '20kb' }), async (req, res) => {
    const registered = await registerPlatform(deps.db, req.body);
    const { deployment, ...platform } = registered;
    const notice = registrationNotice(deps.publicUrl, registered);
    res.status(201).json({
      platform: presentPlatform(
        { ...platform, deploymentIds: [deployment.deploymentId], deployments: [deployment] },
        0,
      ),
      pasteIntoYourLms: toolUrls(deps.publicUrl),
      ...(notice && { notice }),
    });
  });
  router.patch('/api/admin/platforms/:id', express.json({ limit: '1kb' }), async (req, res) => {
    const id = String(req.params.id);
    if (!isUuid(id)) throw new NotFoundError(`No platform has the id ${id}`);
    const body: unknown = req.body;
    const names = (key: string) => typeof body === 'object' && body !== null && key in body;
    const platform = names('isActive')
      ? await setPlatformActive(deps.db, id, readIsActive(body, 'platform'))
      : names('trustLevel')
        ? await setPlatformTrustLevel(deps.db, id, body)
        : await setPlatformXapiActors(deps.db, id, body);
    const [listed] = (await listPlatforms(deps.db)).filter((entry) => entry.id === platform.id);
    const pending = await countPendingStatements(deps.db);
    res.json({
      platform: presentPlatform(
        listed ?? { ...platform, deploymentIds: [], deployments: [] },
        pending.get(id),
      ),
    });
  });

  router.patch(
    '/api/admin/platforms/:id/deployments/:deploymentId',
    express.json({ limit: '1kb' }),
    async (req, res) => {
      const id = String(req.params.id);
      if (!isUuid(id)) throw new NotFoundError(`No platform has the id ${id}`);
      const deploymentId = String(req.params.deploymentId);
      await setDeploymentActive(deps.db, id, deploymentId, readIsActive(req.body, 'deployment'));
      const [listed] = (await listPlatforms(deps.db)).filter((entry) => entry.id === id);
      const pending = await countPendingStatements(deps.db);
      res.json({ platform: presentPlatform(listed!, pending.get(id)) });
    },
  );

  router.post(
    '/api/admin/registration-invitations',
    express.json({ limit: '2kb' }),
    async (req, res) => {
      res.status(201).json({
        invitation: await createRegistrationInvitation({
          db: deps.db,
          publicUrl: deps.publicUrl,
          request: req.body,
        }),
      });
    },
  );

  router.get('/api/admin/registration-invitations', async (_req, res) => {
    res.json({ invitations: await listRegistrationInvitations(deps.db) });
  });

  router.delete('/api/admin/registration-invitations/:id', async (req, res) => {
    const id = String(req.params.id);
    if (!isUuid(id)) throw new NotFoundError(`No registration invitation has the id ${id}`);
    await withdrawRegistrationInvitation(deps.db, id);
    res.status(204).end();
  });

  router.get('/api/admin/issuer-profiles', async (_req, res) => {
    res.json({ issuerProfiles: await listIssuerProfiles(deps.db) });
  });

  router.patch(
    '/api/admin/issuer-profiles/:id',
    express.json({ limit: '3mb' }),
    async (req, res) => {
      res.json({
        issuerProfile: await updateIssuerProfile(deps.db, String(req.params.id), req.body),
      });
    },
  );

  router.post('/api/admin/issuer-profiles/:id/rotate-keys', async (req, res) => {
    const id = String(req.params.id);
    if (!(await findIssuerProfile(deps.db, id))) {
      throw new NotFoundError(`No issuer profile "${id}"`);
    }
    res.json({ retiredKeys: await rotateIssuerKeys(deps.db, id) });
  });

  router.post('/api/admin/tool-key/rotate', async (_req, res) => {
    const previous = await deps.keyring.current();
    const current = await deps.keyring.rotate();
    res.json({ previousKid: previous.kid, currentKid: current.kid });
  });

  router.get('/api/admin/issuer-profiles/:id/partners', async (req, res) => {
    const id = String(req.params.id);
    if (!(await findIssuerProfile(deps.db, id))) {
      throw new NotFoundError(`No issuer profile "${id}"`);
    }
    res.json({ partners: (await listPartners(deps.db, id)).map(presentPartner) });
  });

  router.post(
    '/api/admin/issuer-profiles/:id/partners',
    express.json({ limit: '100kb' }),
    async (req, res) => {
      const partner = await addPartner(deps.db, String(req.params.id), req.body);
      res.status(201).json({ partner: presentPartner(partner) });
    },
  );

  router.patch('/api/admin/partners/:id', express.json({ limit: '100kb' }), async (req, res) => {
    res.json({
      partner: presentPartner(await updatePartner(deps.db, String(req.params.id), req.body)),
    });
  });

  router.delete('/api/admin/partners/:id', async (req, res) => {
    const partner = await findPartner(deps.db, String(req.params.id));
    if (!partner || partner.removedAt !== null) {
      throw new NotFoundError(`No partner has the id ${String(req.params.id)}`);
    }
    await removePartner(deps.db, partner.id);
    res.status(204).end();
  });
  const profileOf = async (id: string) => {
    const profile = await findIssuerProfile(deps.db, id);
    if (!profile) throw new NotFoundError(`No issuer profile "${id}"`);
    return profile;
  };

  router.get('/api/admin/issuer-profiles/:id/endorsements', async (req, res) => {
    const { id } = await profileOf(String(req.params.id));
    const [issued, received] = await Promise.all([
      listIssuedEndorsements(deps.db, id),
      listReceivedEndorsements(deps.db, id),
    ]);
    res.json({
      issued: issued.map((entry) => ({ ...entry, url: endorsementUrl(deps.publicUrl, entry.id) })),
      received,
    });
  });

  router.post(
    '/api/admin/issuer-profiles/:id/endorsements',
    express.json({ limit: '16kb' }),
    async (req, res) => {
      const { id } = await profileOf(String(req.params.id));
      const issued = await issueEndorsement({
        db: deps.db,
        secret: deps.secret,
        publicUrl: deps.publicUrl,
        issuerProfileId: id,
        request: req.body,
      });
      res.status(201).json({
        endorsement: {
          id: issued.id,
          url: endorsementUrl(deps.publicUrl, issued.id),
          credential: issued.credential,
          jwt: issued.jwt,
        },
      });
    },
  );

  router.post(
    '/api/admin/issuer-profiles/:id/endorsements/:endorsementId/revoke',
    express.json({ limit: '16kb' }),
    async (req, res) => {
      const { id } = await profileOf(String(req.params.id));
      const endorsementId = String(req.params.endorsementId);
      if (!isUuid(endorsementId)) throw new NotFoundError(`No endorsement ${endorsementId}`);
      const reason = (req.body as { reason?: unknown } | undefined)?.reason;
      if (typeof reason !== 'string' || reason.trim() === '') {
        throw new BadRequestError('reason is required: say why, it is recorded');
      }
      await revokeEndorsement(deps.db, {
        issuerProfileId: id,
        endorsementId,
        reason: reason.trim(),
        actor: 'admin',
      });
      res.json({ id: endorsementId, status: 'revoked', reason: reason.trim() });
    },
  );

  router.post(
    '/api/admin/issuer-profiles/:id/received-endorsements',
    express.json({ limit: MAX_ENDORSEMENT_BYTES }),
    async (req, res) => {
      const { id } = await profileOf(String(req.params.id));
      const body = (req.body ?? {}) as { achievementId?: unknown; endorsement?: unknown };
      const achievementId = body.achievementId ?? null;
      if (achievementId !== null) {
        const ofBody = await achievementsOfAwardingBody(deps.db, id);
        if (!ofBody.some((achievement) => achievement.id === achievementId)) {
          throw new NotFoundError(
            `Awarding body "${id}" has no achievement ${String(achievementId)}`,
          );
        }
      }
      const endorsement = await attachReceivedEndorsement({
        db: deps.db,
        document: body.endorsement,
        target: { issuerProfileId: id, achievementId: achievementId as string | null },
        attachedBy: 'admin',
        deps: deps.endorsementChecks(),
      });
      res.status(201).json({ endorsement });
    },
  );

  router.delete(
    '/api/admin/issuer-profiles/:id/received-endorsements/:receivedId',
    async (req, res) => {
      const { id } = await profileOf(String(req.params.id));
      const receivedId = String(req.params.receivedId);
      if (!isUuid(receivedId))
        throw new NotFoundError(`No endorsement ${receivedId} is attached here.`);
      await removeReceivedEndorsement(deps.db, { issuerProfileId: id, id: receivedId });
      res.status(204).end();
    },
  );

  const xapiEndpoint = `${deps.publicUrl.replace(/\/+$/, '')}/xapi/`;

  router.get('/api/admin/xapi-credentials', async (_req, res) => {
    const [xapiCredentials, unknownKeys] = await Promise.all([
      listXapiCredentialUsage(deps.db),
      listUnknownKeyRefusals(deps.db),
    ]);
    res.json({ endpoint: xapiEndpoint, xapiCredentials, unknownKeys });
  });

  router.post('/api/admin/xapi-credentials', express.json({ limit: '2kb' }), async (req, res) => {
    const parsed = xapiCredentialRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BadRequestError(
        `${issue?.path.join('.') || 'body'} ${issue?.message ?? 'is invalid'}: send {"name": "...", "platformId": a platform id or null}`,
      );
    }
    const platformId = parsed.data.platformId ?? null;
    if (
      platformId !== null &&
      !(await listPlatforms(deps.db)).some((platform) => platform.id === platformId)
    ) {
      throw new BadRequestError(`platformId ${platformId} names no registered platform`);
    }
    const { key, secret } = await createXapiCredential({
      db: deps.db,
      name: parsed.data.name,
      platformId,
    });
    res.status(201).json({
      xapiCredential: { key, secret, name: parsed.data.name, platformId, endpoint: xapiEndpoint },
    });
  });

  router.post('/api/admin/xapi-credentials/:key/revoke', async (req, res) => {
    const key = String(req.params.key);
    if (!(await revokeXapiCredential({ db: deps.db, key }))) {
      throw new NotFoundError(`No active xAPI credential has the key ${key}`);
    }
    res.json({ key, status: 'revoked' });
  });

  router.get('/api/admin/external-lrs', async (_req, res) => {
    res.json({ externalLrs: await listExternalLrs(deps.db) });
  });

  router.post('/api/admin/external-lrs', express.json({ limit: '20kb' }), async (req, res) => {
    res.status(201).json({
      externalLrs: await addExternalLrs({ db: deps.db, secret: deps.secret, input: req.body }),
    });
  });

  router.patch('/api/admin/external-lrs/:id', express.json({ limit: '1kb' }), async (req, res) => {
    res.json({
      externalLrs: await setExternalLrsActive(
        deps.db,
        String(req.params.id),
        readIsActive(req.body, 'connection'),
      ),
    });
  });

  router.delete('/api/admin/external-lrs/:id', async (req, res) => {
    await removeExternalLrs(deps.db, String(req.params.id));
    res.status(204).end();
  });
  return router;
}

/** The body `{"isActive": boolean}` and nothing else. */
function readIsActive(body: unknown, what: 'platform' | 'deployment' | 'connection'): boolean {
  const isActive = (body as { isActive?: unknown } | undefined)?.isActive;
  if (typeof isActive !== 'boolean' || Object.keys(body as object).length !== 1) {
    throw new BadRequestError(
      what !== 'connection'
        ? `Send {"isActive": false} to deactivate the ${what}, true to activate it again`
        : 'Send {"isActive": false} to pause the connection, true to resume it',
    );
  }
  return isActive;
}

function requireAdminToken(adminToken: string | undefined): RequestHandler {
  const expected = adminToken ? digest(adminToken) : null;
  return (req, _res, next) => {
    if (!expected) {
      throw new NotFoundError('The admin API is off. Set MICROCRED_ADMIN_TOKEN to turn it on.');
    }
    const match = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      throw new UnauthorizedError(
        'Send the admin token as "Authorization: Bearer <MICROCRED_ADMIN_TOKEN>".',
      );
    }
    next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function presentPlatform(
  platform: Awaited<ReturnType<typeof listPlatforms>>[number],
  pendingStatements = 0,
) {
  return {
    id: platform.id,
    issuer: platform.issuer,
    clientId: platform.clientId,
    name: platform.name,
    authUrl: platform.authUrl,
    tokenUrl: platform.tokenUrl,
    jwksUrl: platform.jwksUrl,
    trustLevel: platform.trustLevel,
    awardingBody: platform.issuerProfileId,
    isActive: platform.isActive,
    deploymentIds: platform.deploymentIds,
    /** Each deployment and whether it launches (a deactivated one is refused). */
    deployments: platform.deployments,
    xapiAccountName: platform.xapiAccountName,
    xapiAccountHomePage: platform.xapiAccountHomePage,
    /** Statements of actors no learner of the platform answers to yet (kept, never dropped). */
    pendingStatements,
  };
}

function presentPartner(partner: Awaited<ReturnType<typeof listPartners>>[number]) {
  return {
    id: partner.id,
    awardingBody: partner.issuerProfileId,
    issuerId: partner.issuerId,
    name: partner.name,
    countryCode: partner.countryCode,
    qualityAssurance: partner.qualityAssurance,
    recognisedAchievementIds: partner.recognisedAchievementIds,
    recognisedAlignments: partner.recognisedAlignments,
    maxEcts: partner.maxEcts,
  };
}
