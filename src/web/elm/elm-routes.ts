import express, { type Router } from 'express';
import type { Db } from '../../db/database.js';
import { BadRequestError } from '../../errors.js';
import type { CredentialAccess } from '../credential-access.js';
import { requireSession, requireTeacher, sessionOf } from '../http/session-auth.js';
import { loadAchievementElm, loadAwardElm } from '../../elm/load-elm-exports.js';

/**
 * The ELM 3 export for European Digital Credentials (build-elm-credential.ts):
 * - `GET /credentials/:id/elm` downloads one credential's unsigned ELM document
 *   (`application/ld+json`, `<name>-<id>-elm.jsonld`), for its learner and anyone holding the
 *   credential's public link while the learner keeps it public, like the credential's other
 *   downloads (credential-access.ts); it names the learner only
 *   as the issuer profile allows and never carries their e-mail address. A revoked credential
 *   answers 409.
 * - `GET /course/achievements/:id/elm-export[?version=N]` downloads, for teachers of the
 *   achievement's course, the documents of every award of the achievement (of version N) that
 *   is not revoked, with the learners' e-mail addresses, which EDC delivers the sealed
 *   credentials to (`<name>[-vN]-elm.json`). The file is a JSON array of `{"credential": …}`
 *   objects, each one exactly the EDC Issuer's upload wrapper
 *   (`Sample-MC-Annex1-unsigned-uploadable.json`), so every element can be uploaded as it is.
 * Unknown credentials and achievements answer 404.
 */
export function createElmRouter(deps: {
  db: Db;
  publicUrl: string;
  canSee: CredentialAccess;
}): Router {
  const { db, publicUrl, canSee } = deps;
  const router = express.Router();

  router.get('/credentials/:id/elm', async (req, res) => {
    const awardId = req.params.id;
    await canSee(req, res, awardId);
    const { name, credential } = await loadAwardElm(db, { awardId, publicUrl });
    res
      .set('Access-Control-Allow-Origin', '*')
      .attachment(`${fileBase(name)}-${awardId.slice(0, 8).toLowerCase()}-elm.jsonld`)
      .type('application/ld+json')
      .send(JSON.stringify(credential));
  });

  router.get(
    '/course/achievements/:id/elm-export',
    requireSession(db),
    requireTeacher,
    async (req, res) => {
      const version = parseVersion(req.query.version);
      const { name, credentials } = await loadAchievementElm(db, {
        achievementId: req.params.id as string,
        courseId: sessionOf(res).courseId,
        ...(version === undefined ? {} : { version }),
        publicUrl,
      });
      res
        // Learners' e-mail addresses: for this teacher only.
        .set('Cache-Control', 'no-store')
        .attachment(`${fileBase(name)}${version === undefined ? '' : `-v${version}`}-elm.json`)
        .type('application/json')
        .send(JSON.stringify(credentials.map((credential) => ({ credential }))));
    },
  );

  return router;
}

function parseVersion(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const version = typeof raw === 'string' && /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(version)) {
    throw new BadRequestError('version must be the number of a version of the achievement');
  }
  return version;
}

/** A file name from a credential or achievement name, as the other credential downloads make it. */
function fileBase(name: string): string {
  return name.replace(/[^\p{L}\p{N}]+/gu, '-');
}
