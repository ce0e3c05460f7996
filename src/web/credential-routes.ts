import express, { type Request, type Response, type Router } from 'express';
import { presentVerdict } from './verdict-presentation.js';
import { bakePng, bakeSvg } from '../badges/bake.js';
import { badgePng, badgeSvg } from '../badges/badge-image.js';
import { parseIssuerDid } from '../badges/did-web.js';
import type { OpenBadgeCredential } from '../badges/open-badge-credential.js';
import { listStatusChanges } from '../badges/status-list.js';
import { changeAwardStatus } from '../awards/award-actions.js';
import { findAchievementDefinition } from '../awards/course-achievements.js';
import { findIssuedCredential, type IssuedCredential } from '../awards/issued-credentials.js';
import type { CredentialVerifier } from '../badges/verify/verification-report.js';
import type { Db } from '../db/database.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { CredentialAccess } from './credential-access.js';
import {
  credentialElements,
  credentialEndorsements,
  stackedComponents,
} from './credential-page.js';
import { sendBadgeImage } from './send-badge-image.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import type { RenderView } from './views.js';
import { isUuid } from '../shared/uuid.js';

type Format = 'json' | 'jwt' | 'png' | 'svg';

/**
 * Public credential documents.
 * - `GET /credentials/:id` answers people (Accept: text/html) with a page showing every EU
 *   micro-credential element, the issuer, validity and status, and machines with the signed
 *   credential JSON;
 * - `GET /credentials/:id.json|.jwt|.png|.svg` download the Data Integrity JSON, the VC-JWT,
 *   and the achievement image with the JSON baked in (`?proof=jwt` bakes the JWT instead);
 * - `GET /credentials/:id/verification` is the page behind the verify button (the public page
 *   shows the same live verification);
 * The credential's documents answer as its learner chose (credential-access.ts): anyone with the
 * link, or only the learner; everyone else gets 404.
 * - `GET /achievements/:id/versions/:version` (JSON) and `.../image.svg|png` describe the
 *   achievement a credential points at;
 * - `POST /api/credentials/:id/revoke|reinstate` with `{ "reason": "..." }`, for teachers of
 *   the credential's course.
 */
export function createCredentialRouter(deps: {
  db: Db;
  publicUrl: string;
  render: RenderView;
  verify: CredentialVerifier;
  canSee: CredentialAccess;
}): Router {
  const { db, publicUrl, render, verify, canSee } = deps;
  const router = express.Router();

  router.get('/credentials/:id', async (req, res) => {
    const { id, format } = parseId(req.params.id);
    await canSee(req, res, id);
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
      const body = bakePng(badgePng(image), bakedText);
      sendBadgeImage(res, { type: 'png', body, fileName: `${fileName}.png` });
      return;
    }
    if (format === 'svg') {
      const body = bakeSvg(badgeSvg(image), bakedText);
      sendBadgeImage(res, { type: 'svg', body, fileName: `${fileName}.svg` });
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
    res.send(
      render(res, 'credential', await pageData(db, id, issued, credential, verify, publicUrl)),
    );
  });

  router.get('/credentials/:id/verification', async (req, res) => {
    const { id } = parseId(req.params.id);
    await canSee(req, res, id);
    const issued = await findIssued(db, id);
    const reports = await verificationReports(issued, verify);
    const credential = issued.credential as OpenBadgeCredential;
    if (req.accepts(['text/html', 'application/json']) === 'application/json') {
      const [json, jwt] = reports;
      res.json({ json: json?.report, jwt: jwt?.report ?? null });
      return;
    }
    res.send(
      render(res, 'credential-verification', {
        title: credential.credentialSubject.achievement.name,
        language: credential.credentialSubject.achievement.inLanguage ?? 'en',
        credentialUrl: `/credentials/${id}`,
        reports,
        shown: presentVerdict(reports[0]!.report, publicUrl),
      }),
    );
  });

  router.get('/achievements/:id/versions/:version{/:file}', async (req, res) => {
    const { id, version, file } = req.params as { id: string; version: string; file?: string };
    const definition = await findAchievementVersion(db, id, Number(version));
    const url = `/achievements/${id}/versions/${version}`;
    if (file === 'image.svg' || file === 'image.png') {
      const image = {
        id: `${publicUrl}${url}`,
        name: String(definition.name),
        image: (definition.image as string | null) ?? null,
      };
      if (file === 'image.svg') sendBadgeImage(res, { type: 'svg', body: badgeSvg(image) });
      else sendBadgeImage(res, { type: 'png', body: badgePng(image) });
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
        const { userId, courseId } = sessionOf(res);
        await changeAwardStatus(db, {
          courseId,
          awardId: id,
          action,
          reason: reason.trim(),
          actor: `user:${userId}`,
        });
        res.json({ id, status: action === 'revoke' ? 'revoked' : 'valid', reason: reason.trim() });
      },
    );
  }

  return router;
}

function parseId(raw: string): { id: string; format: Format | null } {
  const match = /^(.*?)(?:\.(json|jwt|png|svg))?$/.exec(raw);
  const id = match?.[1] ?? raw;
  if (!isUuid(id)) throw new NotFoundError(`No credential with id ${raw} was issued here.`);
  return { id: id.toLowerCase(), format: (match?.[2] as Format | undefined) ?? null };
}

type Issued = IssuedCredential;

async function findIssued(db: Db, id: string): Promise<Issued> {
  const issued = await findIssuedCredential(db, id);
  if (!issued) throw new NotFoundError(`No credential with id ${id} was issued here.`);
  return issued;
}

async function findAchievementVersion(
  db: Db,
  id: string,
  version: number,
): Promise<Record<string, unknown>> {
  if (!isUuid(id) || !Number.isInteger(version)) throw new NotFoundError('No such achievement');
  const definition = await findAchievementDefinition(db, id, version);
  if (!definition) throw new NotFoundError(`No version ${version} of achievement ${id}`);
  return definition;
}

async function pageData(
  db: Db,
  id: string,
  issued: Issued,
  credential: OpenBadgeCredential,
  verify: CredentialVerifier,
  publicUrl: string,
): Promise<Record<string, unknown>> {
  const profileId = parseIssuerDid(publicUrl, credential.issuer.id);
  const issuerPage = profileId ? `/issuers/${profileId}` : null;
  const validUntil = (credential as { validUntil?: string }).validUntil ?? null;
  const achievement = credential.credentialSubject.achievement;
  // The reason is public already: the status check of every verification report states it.
  const revocation = issued.revokedAt
    ? (await listStatusChanges(db, id)).findLast((change) => change.action === 'revoke')
    : undefined;
  return {
    title: achievement.name,
    description: achievement.description,
    criteria: achievement.criteria.narrative,
    language: achievement.inLanguage ?? 'en',
    imageSrc: `${new URL(achievement.id).pathname}/image.svg`,
    issuerName: credential.issuer.name,
    issuerPage,
    elements: credentialElements(credential, issuerPage),
    stacked: stackedComponents(credential),
    endorsements: credentialEndorsements(credential),
    validFrom: credential.validFrom,
    validUntil,
    status: issued.revokedAt
      ? { kind: 'revoked', date: issued.revokedAt, reason: revocation?.reason ?? null }
      : validUntil !== null && Date.parse(validUntil) < Date.now()
        ? { kind: 'expired', date: validUntil }
        : { kind: 'valid' },
    reports: await verificationReports(issued, verify),
    downloads: [
      { href: `/credentials/${id}.json`, key: 'json' },
      ...(issued.jwt ? [{ href: `/credentials/${id}.jwt`, key: 'jwt' }] : []),
      { href: `/credentials/${id}.png`, key: 'png' },
      { href: `/credentials/${id}.svg`, key: 'svg' },
    ],
    verifyUrl: `/credentials/${id}/verification`,
  };
}

/** The live verification of both signed forms, as the public pages show it. */
async function verificationReports(issued: Issued, verify: CredentialVerifier) {
  const [json, jwt] = await Promise.all([
    verify(issued.credential),
    issued.jwt ? verify(issued.jwt) : null,
  ]);
  return [{ form: 'json', report: json }, ...(jwt ? [{ form: 'jwt', report: jwt }] : [])];
}
