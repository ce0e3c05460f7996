import express, { type RequestHandler, type Response, type Router } from 'express';
import multer from 'multer';
import { endorsementUrl } from '../../badges/endorsements/build-endorsement.js';
import {
  endorsementRequestSchema,
  issueEndorsement,
  listIssuedEndorsements,
  revokeEndorsement,
} from '../../badges/endorsements/issued-endorsements.js';
import {
  achievementsOfAwardingBody,
  attachReceivedEndorsement,
  listReceivedEndorsements,
  MAX_ENDORSEMENT_BYTES,
  parseEndorsementFile,
  removeReceivedEndorsement,
} from '../../badges/endorsements/received-endorsements.js';
import {
  findIssuerProfile,
  listIssuerProfiles,
  type IssuerProfile,
} from '../../badges/issuer-profile.js';
import { EndorsementRefusedError, NotFoundError } from '../../errors.js';
import { isUuid } from '../../shared/uuid.js';
import { invalidFieldsOf, reaches, textField, type AdminPageKit } from './admin-page-kit.js';
import { adminScopeOf } from './admin-session.js';

const PAGE = '/admin/endorsements';
const STATUS_MESSAGES = ['issued', 'revoked', 'attached', 'removed'] as const;
const ISSUE_FIELDS = ['subjectKind', 'subjectId', 'subjectName', 'comment'] as const;
/** The target value of the attach form that stands for the awarding body itself. */
const BODY_TARGET = 'awarding-body';

type IssueValues = Record<(typeof ISSUE_FIELDS)[number], string>;
const EMPTY_ISSUE: IssueValues = {
  subjectKind: 'achievement',
  subjectId: '',
  subjectName: '',
  comment: '',
};

/**
 * The endorsements pages (docs/endorsements.md): `GET /admin/endorsements` lists the awarding
 * bodies in the administrator's scope; `GET /admin/endorsements/:id` shows what one body
 * endorsed and which endorsements it received. `POST .../issue` endorses another issuer's
 * achievement or awarding body, `POST .../issued/:endorsementId/revoke` revokes one with a
 * reason, `POST .../received` attaches an uploaded endorsement file to the body or one of its
 * achievements after every check (a refusal says why in plain words), `POST
 * .../received/:receivedId/remove` detaches one. Only a signed-in administrator whose scope
 * reaches the body; every form carries the session's form token.
 */
export function createEndorsementPages(kit: AdminPageKit): Router {
  const { db, render } = kit;
  const router = express.Router();

  router.get(PAGE, ...kit.admin, async (_req, res) => {
    const scope = adminScopeOf(res);
    const bodies = (await listIssuerProfiles(db)).filter((body) => reaches(scope, body.id));
    res.send(
      render(res, 'admin/endorsements', {
        adminPage: 'endorsements',
        bodies: [...bodies].sort((a, b) => a.name.localeCompare(b.name)),
      }),
    );
  });

  const renderBody = async (
    res: Response,
    body: IssuerProfile,
    form: {
      issue?: IssueValues;
      issueErrors?: string[];
      target?: string;
      refusal?: { code: string; message: string } | null;
    } = {},
  ) => {
    const [issued, received, achievements] = await Promise.all([
      listIssuedEndorsements(db, body.id),
      listReceivedEndorsements(db, body.id),
      achievementsOfAwardingBody(db, body.id),
    ]);
    const achievementName = new Map(achievements.map((entry) => [entry.id, entry.name]));
    return render(res, 'admin/endorsement-body', {
      adminPage: 'endorsements',
      body,
      issued: issued.map((entry) => ({ ...entry, url: endorsementUrl(kit.publicUrl, entry.id) })),
      received: received.map((entry) => ({
        ...entry,
        targetName:
          entry.achievementId === null ? null : (achievementName.get(entry.achievementId) ?? ''),
      })),
      targets: [
        { value: BODY_TARGET, label: body.name },
        ...achievements.map((entry) => ({
          value: entry.id,
          label: entry.courseTitle ? `${entry.name} (${entry.courseTitle})` : entry.name,
        })),
      ],
      issue: form.issue ?? EMPTY_ISSUE,
      issueErrors: form.issueErrors ?? [],
      target: form.target ?? BODY_TARGET,
      refusal: form.refusal ?? null,
      status: statusOf(res),
      csrfToken: kit.csrfTokenOf(res),
    });
  };

  router.get(`${PAGE}/:id`, ...kit.admin, async (req, res) => {
    res.send(await renderBody(res, await bodyOf(kit, res, String(req.params.id))));
  });

  router.post(`${PAGE}/:id/issue`, ...kit.changes, async (req, res) => {
    const body = await bodyOf(kit, res, String(req.params.id));
    const form = req.body as Record<string, unknown>;
    const values = Object.fromEntries(
      ISSUE_FIELDS.map((field) => [field, textField(form, field)]),
    ) as IssueValues;
    const parsed = endorsementRequestSchema.safeParse(values);
    if (!parsed.success) {
      const issueErrors = invalidFieldsOf(parsed.error.issues, ISSUE_FIELDS);
      res.status(422).send(await renderBody(res, body, { issue: values, issueErrors }));
      return;
    }
    await issueEndorsement({
      db,
      secret: kit.secret,
      publicUrl: kit.publicUrl,
      issuerProfileId: body.id,
      request: parsed.data,
    });
    res.redirect(303, `${PAGE}/${encodeURIComponent(body.id)}?status=issued`);
  });

  router.post(`${PAGE}/:id/issued/:endorsementId/revoke`, ...kit.changes, async (req, res) => {
    const body = await bodyOf(kit, res, String(req.params.id));
    const endorsementId = String(req.params.endorsementId);
    if (!isUuid(endorsementId)) throw new NotFoundError(`No endorsement ${endorsementId}.`);
    const reason = textField(req.body as Record<string, unknown>, 'reason');
    await revokeEndorsement(db, {
      issuerProfileId: body.id,
      endorsementId,
      reason: reason || 'Revoked on the admin pages',
      actor: 'admin',
    });
    res.redirect(303, `${PAGE}/${encodeURIComponent(body.id)}?status=revoked`);
  });

  router.post(
    `${PAGE}/:id/received`,
    ...kit.admin,
    endorsementUpload(),
    kit.requireFormToken,
    async (req, res) => {
      const body = await bodyOf(kit, res, String(req.params.id));
      const target = textField(req.body as Record<string, unknown>, 'target') || BODY_TARGET;
      const achievementId = target === BODY_TARGET ? null : target;
      if (
        achievementId !== null &&
        !(await achievementsOfAwardingBody(db, body.id)).some((entry) => entry.id === achievementId)
      ) {
        throw new NotFoundError(`${body.name} has no achievement ${achievementId}.`);
      }
      try {
        if (res.locals.endorsementTooLarge === true || !req.file) {
          throw new EndorsementRefusedError(
            'ENDORSEMENT_UNREADABLE',
            'Choose the endorsement file to upload.',
          );
        }
        await attachReceivedEndorsement({
          db,
          document: parseEndorsementFile(req.file.buffer.toString('utf8')),
          target: { issuerProfileId: body.id, achievementId },
          attachedBy: 'admin',
          deps: kit.endorsementChecks(),
        });
      } catch (error) {
        if (!(error instanceof EndorsementRefusedError)) throw error;
        res.status(error.status).send(
          await renderBody(res, body, {
            target,
            refusal: { code: error.code, message: error.message },
          }),
        );
        return;
      }
      res.redirect(303, `${PAGE}/${encodeURIComponent(body.id)}?status=attached`);
    },
  );

  router.post(`${PAGE}/:id/received/:receivedId/remove`, ...kit.changes, async (req, res) => {
    const body = await bodyOf(kit, res, String(req.params.id));
    const receivedId = String(req.params.receivedId);
    if (!isUuid(receivedId)) throw new NotFoundError(`No endorsement ${receivedId} is attached.`);
    await removeReceivedEndorsement(db, { issuerProfileId: body.id, id: receivedId });
    res.redirect(303, `${PAGE}/${encodeURIComponent(body.id)}?status=removed`);
  });

  return router;
}

/** The awarding body with this id, when the administrator's scope reaches it; else 404. */
async function bodyOf(kit: AdminPageKit, res: Response, id: string): Promise<IssuerProfile> {
  const body = reaches(adminScopeOf(res), id) ? await findIssuerProfile(kit.db, id) : undefined;
  if (!body) throw new NotFoundError(`No awarding body has the id ${id}.`);
  return body;
}

/** Parses the multipart form with at most one endorsement file; too large a file is refused. */
function endorsementUpload(): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_ENDORSEMENT_BYTES, files: 1, fields: 10, fieldSize: 1024 },
  }).single('endorsement');
  return (req, res, next) => {
    upload(req, res, (error: unknown) => {
      if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
        res.locals.endorsementTooLarge = true;
        next();
        return;
      }
      next(error);
    });
  };
}

function statusOf(res: Response) {
  const status = res.req.query.status;
  return STATUS_MESSAGES.find((known) => known === status) ?? null;
}
