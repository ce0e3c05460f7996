import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import { updateIssuerProfile } from '../badges/issuer-profile.js';
import type { Db } from '../db/database.js';
import { issuerProfiles } from '../db/schema.js';
import { NotFoundError, UnauthorizedError } from '../errors.js';
import { listPlatforms, registerPlatform, toolUrls } from '../lti/platform-registry.js';

/**
 * The admin JSON API: `GET|POST /api/admin/platforms` for LMSs without dynamic registration,
 * `GET /api/admin/issuer-profiles` and `PATCH /api/admin/issuer-profiles/:id` for the awarding
 * bodies' details (address, identifiers, parent organisation ...). It answers only a bearer token equal to MICROCRED_ADMIN_TOKEN, and
 * does not exist when that setting is unset.
 */
export function createAdminRouter(deps: {
  db: Db;
  publicUrl: string;
  adminToken: string | undefined;
}): Router {
  const router = express.Router();
  router.use('/api/admin', requireAdminToken(deps.adminToken));

  router.get('/api/admin/platforms', async (_req, res) => {
    const platforms = await listPlatforms(deps.db);
    res.json({ platforms: platforms.map(presentPlatform) });
  });

  router.post('/api/admin/platforms', express.json({ limit: '20kb' }), async (req, res) => {
    const platform = await registerPlatform(deps.db, req.body);
    res.status(201).json({
      platform: presentPlatform({ ...platform, deploymentIds: [req.body.deploymentId] }),
      pasteIntoYourLms: toolUrls(deps.publicUrl),
    });
  });
  router.get('/api/admin/issuer-profiles', async (_req, res) => {
    res.json({ issuerProfiles: await deps.db.select().from(issuerProfiles) });
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
  return router;
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

function presentPlatform(platform: Awaited<ReturnType<typeof listPlatforms>>[number]) {
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
  };
}
