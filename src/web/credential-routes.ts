import { and, eq } from 'drizzle-orm';
import express, { type Request, type Response, type Router } from 'express';
import { bakePng, bakeSvg } from '../badges/bake.js';
import { badgePng, badgeSvg } from '../badges/badge-image.js';
import { describeCredential } from '../badges/describe-credential.js';
import type { OpenBadgeCredential } from '../badges/open-badge-credential.js';
import { changeCredentialStatus, listStatusChanges } from '../badges/status-list.js';
import type { CredentialVerifier } from '../badges/verify-credential.js';
import type { Db } from '../db/database.js';
import {
  achievements,
  achievementVersions,
  awards,
  credentialRecords,
  users,
} from '../db/schema.js';
import { BadRequestError, ForbiddenError, NotFoundError } from '../errors.js';
import { requireSession, requireTeacher, sessionOf } from './session-auth.js';
import type { RenderView } from './views.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Format = 'json' | 'jwt' | 'png' | 'svg';

/**
 * Public credential documents.
 * - `GET /credentials/:id` answers people (Accept: text/html) with a page showing every EU
 *   micro-credential element, the issuer, validity and status, and machines with the signed
 *   credential JSON;
 * - `GET /credentials/:id.json|.jwt|.png|.svg` download the Data Integrity JSON, the VC-JWT,
 *   and the achievement image with the JSON baked in (`?proof=jwt` bakes the JWT instead);
 * - `GET /credentials/:id/verification` is the page behind the verify button;
 * - `GET /achievements/:id/versions/:version` (JSON) and `.../image.svg|png` describe the
 *   achievement a credential points at;
 * - `POST /api/credentials/:id/revoke|reinstate` with `{ "reason": "..." }`, for teachers of
 *   the credential's course.
 */
export function createCredentialRouter(deps: {
  db: Db;
  render: RenderView;
  verify: CredentialVerifier;
}): Router {
  const { db, render, verify } = deps;
  const router = express.Router();

  router.get('/credentials/:id', async (req, res) => {
    const { id, format } = parseId(req.params.id);
    const issued = await findIssued(db, id);
    const credential = issued.credential as OpenBadgeCredential & Record<string, unknown>;
    const fileName = `${credential.name.replace(/[^\p{L}\p{N}]+/gu, '-')}-${id.slice(0, 8)}`;
    res.set('Access-Control-Allow-Origin', '*');
    if (format === 'jwt') {
      if (!issued.jwt) throw new NotFoundError('This credential has no VC-JWT form');
      res.attachment(`${fileName}.jwt`).type('application/jwt').send(issued.jwt);
      return;
    }
    const bakedText =
      req.query.proof === 'jwt' && issued.jwt ? issued.jwt : JSON.stringify(credential);
    const image = {
      id: credential.credentialSubject.achievement.id,
      name: credential.credentialSubject.achievement.name,
      image: credential.credentialSubject.achievement.image?.id ?? null,
    };
    if (format === 'png') {
      res
        .type('image/png')
        .attachment(`${fileName}.png`)
        .send(bakePng(badgePng(image), bakedText));
      return;
    }
    if (format === 'svg') {
      res
        .type('image/svg+xml')
        .attachment(`${fileName}.svg`)
        .send(bakeSvg(badgeSvg(image), bakedText));
      return;
    }
    const wantsHtml =
      format === null &&
      req.accepts(['application/json', 'application/vc+ld+json', 'text/html']) === 'text/html';
    res.vary('Accept');
    if (!wantsHtml) {
      if (format === 'json') res.attachment(`${fileName}.json`);
      res.type('application/vc+ld+json').send(JSON.stringify(credential));
      return;
    }
    res.send(render('credential', await pageData(db, id, issued, credential)));
  });

  router.get('/credentials/:id/verification', async (req, res) => {
    const { id } = parseId(req.params.id);
    const issued = await findIssued(db, id);
    const report = await verify(issued.credential);
    const jwtReport = issued.jwt ? await verify(issued.jwt) : null;
    const credential = issued.credential as OpenBadgeCredential;
    if (req.accepts(['text/html', 'application/json']) === 'application/json') {
      res.json({ json: report, jwt: jwtReport });
      return;
    }
    res.send(
      render('credential-verification', {
        title: credential.name,
        credentialUrl: `/credentials/${id}`,
        reports: [
          { name: 'Data Integrity proof (JSON)', report },
          ...(jwtReport ? [{ name: 'VC-JWT', report: jwtReport }] : []),
        ],
      }),
    );
  });

  router.get('/achievements/:id/versions/:version{/:file}', async (req, res) => {
    const { id, version, file } = req.params as { id: string; version: string; file?: string };
    const definition = await findAchievementVersion(db, id, Number(version));
    const url = `/achievements/${id}/versions/${version}`;
    if (file === 'image.svg' || file === 'image.png') {
      const image = {
        id: `${req.protocol}://${req.get('host') ?? ''}${url}`,
        name: String(definition.name),
        image: (definition.image as string | null) ?? null,
      };
      if (file === 'image.svg') res.type('image/svg+xml').send(badgeSvg(image));
      else res.type('image/png').send(badgePng(image));
      return;
    }
    if (file !== undefined) throw new NotFoundError(`Nothing here: ${req.path}`);
    res.set('Access-Control-Allow-Origin', '*').json({
      id: url,
      version: definition.version,
      name: definition.name,
      description: definition.description,
      criteria: definition.criteria,
      ects: definition.ects,
      eqfLevel: definition.eqfLevel,
      language: definition.language,
      microCredential: definition.eu,
    });
  });

  const session = requireSession(db);
  for (const action of ['revoke', 'reinstate'] as const) {
    router.post(
      `/api/credentials/:id/${action}`,
      session,
      requireTeacher,
      express.json({ limit: '16kb' }),
      async (req: Request, res: Response) => {
        const { id } = parseId(String(req.params.id));
        const reason = (req.body as { reason?: unknown } | undefined)?.reason;
        if (typeof reason !== 'string' || reason.trim() === '') {
          throw new BadRequestError('reason is required: say why, it is recorded');
        }
        await assertTeacherOfCredential(db, id, sessionOf(res).courseId);
        const { userId } = sessionOf(res);
        const [actor] = await db.select({ sub: users.sub }).from(users).where(eq(users.id, userId));
        try {
          await changeCredentialStatus(db, {
            credentialId: id,
            action,
            reason,
            actor: actor ? `user:${userId}` : null,
          });
        } catch (error) {
          if (error instanceof TypeError) throw new BadRequestError(error.message);
          throw error;
        }
        res.json({ id, status: action === 'revoke' ? 'revoked' : 'valid', reason: reason.trim() });
      },
    );
  }

  return router;
}

function parseId(raw: string): { id: string; format: Format | null } {
  const match = /^(.*?)(?:\.(json|jwt|png|svg))?$/.exec(raw);
  const id = match?.[1] ?? raw;
  if (!UUID.test(id)) throw new NotFoundError(`No credential with id ${raw} was issued here.`);
  return { id: id.toLowerCase(), format: (match?.[2] as Format | undefined) ?? null };
}

type Issued = {
  credential: Record<string, unknown>;
  jwt: string | null;
  revokedAt: Date | null;
};

async function findIssued(db: Db, id: string): Promise<Issued> {
  const [record] = await db
    .select({
      credential: credentialRecords.credential,
      jwt: credentialRecords.jwt,
      revokedAt: credentialRecords.revokedAt,
    })
    .from(credentialRecords)
    .where(eq(credentialRecords.id, id));
  const [award] = await db
    .select({ credential: awards.credential })
    .from(awards)
    .where(eq(awards.id, id));
  // A credential is public once its award exists; a record without one lost an award race.
  if (!award) throw new NotFoundError(`No credential with id ${id} was issued here.`);
  return record ?? { credential: award.credential, jwt: null, revokedAt: null };
}

async function findAchievementVersion(
  db: Db,
  id: string,
  version: number,
): Promise<Record<string, unknown>> {
  if (!UUID.test(id) || !Number.isInteger(version)) throw new NotFoundError('No such achievement');
  const [current] = await db.select().from(achievements).where(eq(achievements.id, id));
  if (current?.version === version) return current as unknown as Record<string, unknown>;
  const [old] = await db
    .select({ definition: achievementVersions.definition })
    .from(achievementVersions)
    .where(
      and(eq(achievementVersions.achievementId, id), eq(achievementVersions.version, version)),
    );
  if (!old) throw new NotFoundError(`No version ${version} of achievement ${id}`);
  return old.definition;
}

async function assertTeacherOfCredential(db: Db, id: string, courseId: string): Promise<void> {
  const [award] = await db
    .select({ courseId: achievements.courseId })
    .from(awards)
    .innerJoin(achievements, eq(achievements.id, awards.achievementId))
    .where(eq(awards.id, id));
  if (!award) throw new NotFoundError(`No credential with id ${id} was issued here.`);
  if (award.courseId !== courseId) {
    throw new ForbiddenError('Only teachers of the course that issued it may change it.');
  }
}

async function pageData(
  db: Db,
  id: string,
  issued: Issued,
  credential: OpenBadgeCredential,
): Promise<Record<string, unknown>> {
  const description = describeCredential(credential);
  const changes = await listStatusChanges(db, id);
  const lastChange = changes.at(-1);
  const now = Date.now();
  const isExpired = description.validUntil !== null && Date.parse(description.validUntil) < now;
  return {
    ...description,
    lang: description.language ?? 'en',
    status: issued.revokedAt
      ? {
          kind: 'revoked',
          text: `Revoked on ${issued.revokedAt.toISOString().slice(0, 10)}${lastChange ? `: ${lastChange.reason}` : ''}`,
        }
      : isExpired
        ? { kind: 'expired', text: `Expired on ${description.validUntil}` }
        : { kind: 'valid', text: 'Valid: not revoked' },
    downloads: [
      { href: `/credentials/${id}.json`, text: 'Credential (JSON, Data Integrity proof)' },
      ...(issued.jwt ? [{ href: `/credentials/${id}.jwt`, text: 'Credential (VC-JWT)' }] : []),
      { href: `/credentials/${id}.png`, text: 'Badge image with the credential (PNG)' },
      { href: `/credentials/${id}.svg`, text: 'Badge image with the credential (SVG)' },
    ],
    verifyUrl: `/credentials/${id}/verification`,
  };
}
