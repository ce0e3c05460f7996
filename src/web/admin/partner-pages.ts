import express, { type Response, type Router } from 'express';
import { listIssuerProfiles } from '../../badges/issuer-profile.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import {
  addPartner,
  findPartner,
  listPartners,
  partnerInputSchema,
  removePartner,
  PartnerRemovedError,
  updatePartner,
  type PartnerIssuer,
} from '../../recognition/partner-issuers.js';
import { invalidFieldsOf, reaches, textField, type AdminPageKit } from './admin-page-kit.js';
import { adminScopeOf } from './admin-session.js';

const PAGE = '/admin/partners';
const FIELDS = [
  'issuerProfileId',
  'issuerId',
  'name',
  'countryCode',
  'qualityAssurance',
  'recognisedAchievementIds',
  'recognisedAlignments',
  'maxEcts',
] as const;
type PartnerValues = Record<(typeof FIELDS)[number], string>;
const STATUS_MESSAGES = ['added', 'saved', 'removed'] as const;

/**
 * The registry of partner issuers (docs/recognition.md): `GET /admin/partners` lists the
 * partners of each awarding body the administrator's scope reaches, with a form to add one
 * (`POST /admin/partners`); `GET|POST /admin/partners/:id` shows and changes one;
 * `POST /admin/partners/:id/remove` removes one. An LMS administrator sees and changes only
 * the partners of their LMS's awarding body. Only a signed-in administrator.
 */
export function createPartnerPages(kit: AdminPageKit): Router {
  const { db, render } = kit;
  const router = express.Router();
  // A quality-assurance statement and lists of achievements run past the 4 KB of other forms.
  const changes = [
    ...kit.admin,
    express.urlencoded({ extended: false, limit: '64kb' }),
    kit.requireFormToken,
  ];

  const bodiesInScope = async (res: Response) =>
    (await listIssuerProfiles(db))
      .filter((body) => reaches(adminScopeOf(res), body.id))
      .sort((a, b) => a.name.localeCompare(b.name));

  const renderList = async (
    res: Response,
    values?: PartnerValues,
    errors: readonly string[] = [],
  ) => {
    const bodies = await bodiesInScope(res);
    const groups = await Promise.all(
      bodies.map(async (body) => ({ body, partners: await listPartners(db, body.id) })),
    );
    return render(res, 'admin/partners', {
      adminPage: 'partners',
      groups,
      bodies,
      values: values ?? { ...emptyValues(), issuerProfileId: bodies[0]?.id ?? '' },
      errors,
      status: statusOf(res),
      csrfToken: kit.csrfTokenOf(res),
    });
  };

  const renderEdit = (
    res: Response,
    partner: PartnerIssuer,
    values: PartnerValues,
    errors: readonly string[] = [],
  ) =>
    render(res, 'admin/partner', {
      adminPage: 'partners',
      partner,
      values,
      errors,
      status: statusOf(res),
      csrfToken: kit.csrfTokenOf(res),
    });

  router.get(PAGE, ...kit.admin, async (_req, res) => {
    res.send(await renderList(res));
  });

  router.post(PAGE, ...changes, async (req, res) => {
    const values = valuesFrom(req.body as Record<string, unknown>);
    const isInScope = (await bodiesInScope(res)).some((body) => body.id === values.issuerProfileId);
    const errors = [...(isInScope ? [] : ['issuerProfileId']), ...invalidFields(values)];
    if (errors.length === 0) {
      try {
        await addPartner(db, values.issuerProfileId, inputOf(values));
        res.redirect(303, `${PAGE}?status=added`);
        return;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        errors.push('duplicate');
      }
    }
    res.status(422).send(await renderList(res, values, errors));
  });

  router.get(`${PAGE}/:id`, ...kit.admin, async (req, res) => {
    const partner = await partnerInScope(kit, res, String(req.params.id));
    res.send(renderEdit(res, partner, valuesOf(partner)));
  });

  router.post(`${PAGE}/:id`, ...changes, async (req, res) => {
    const partner = await partnerInScope(kit, res, String(req.params.id));
    const values = {
      ...valuesFrom(req.body as Record<string, unknown>),
      issuerProfileId: partner.issuerProfileId,
    };
    const errors = invalidFields(values);
    if (errors.length === 0) {
      try {
        await updatePartner(db, partner.id, inputOf(values));
        res.redirect(303, `${PAGE}/${partner.id}?status=saved`);
        return;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        errors.push(error instanceof PartnerRemovedError ? 'removedPartner' : 'duplicate');
      }
    }
    res.status(422).send(renderEdit(res, partner, values, errors));
  });

  router.post(`${PAGE}/:id/remove`, ...kit.changes, async (req, res) => {
    const partner = await partnerInScope(kit, res, String(req.params.id));
    await removePartner(db, partner.id);
    res.redirect(303, `${PAGE}?status=removed`);
  });

  return router;
}

/** The active partner with this id, when the administrator's scope reaches its body; else 404. */
async function partnerInScope(kit: AdminPageKit, res: Response, id: string) {
  const partner = await findPartner(kit.db, id);
  if (
    !partner ||
    partner.removedAt !== null ||
    !reaches(adminScopeOf(res), partner.issuerProfileId)
  ) {
    throw new NotFoundError(`No partner has the id ${id}.`);
  }
  return partner;
}

function emptyValues(): PartnerValues {
  return Object.fromEntries(FIELDS.map((field) => [field, ''])) as PartnerValues;
}

function valuesFrom(form: Record<string, unknown>): PartnerValues {
  const values = Object.fromEntries(
    FIELDS.map((field) => [field, textField(form, field)]),
  ) as PartnerValues;
  return { ...values, countryCode: values.countryCode.toUpperCase() };
}

function valuesOf(partner: PartnerIssuer): PartnerValues {
  return {
    issuerProfileId: partner.issuerProfileId,
    issuerId: partner.issuerId,
    name: partner.name,
    countryCode: partner.countryCode ?? '',
    qualityAssurance: partner.qualityAssurance,
    recognisedAchievementIds: partner.recognisedAchievementIds.join('\n'),
    recognisedAlignments: partner.recognisedAlignments.join('\n'),
    maxEcts: partner.maxEcts === null ? '' : String(partner.maxEcts),
  };
}

/** The registry's input: one id or alignment a line; a decimal comma is read as a point. */
function inputOf(values: PartnerValues) {
  const lines = (text: string) =>
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
  const maxEcts = values.maxEcts.replace(',', '.');
  return {
    issuerId: values.issuerId,
    name: values.name,
    countryCode: values.countryCode || null,
    qualityAssurance: values.qualityAssurance,
    recognisedAchievementIds: lines(values.recognisedAchievementIds),
    recognisedAlignments: lines(values.recognisedAlignments),
    maxEcts: maxEcts === '' ? null : Number(maxEcts),
  };
}

function invalidFields(values: PartnerValues): string[] {
  const parsed = partnerInputSchema.safeParse(inputOf(values));
  return parsed.success ? [] : invalidFieldsOf(parsed.error.issues, FIELDS);
}

function statusOf(res: Response) {
  const status = res.req.query.status;
  return STATUS_MESSAGES.find((known) => known === status) ?? null;
}
