import express, { type Response, type Router } from 'express';
import type { z } from 'zod';
import { BadgeImageInvalidError, type BadgeImageProblem } from '../../badges/badge-image-error.js';
import {
  badgeImageDataUri,
  badgeImageProblemOf,
  checkBadgeImage,
  MAX_BADGE_IMAGE_BYTES,
} from '../../badges/check-badge-image.js';
import {
  findIssuerProfile,
  issuerProfileDetailsSchema,
  updateIssuerProfile,
  type IssuerProfile,
  type IssuerProfileDetails,
} from '../../badges/issuer-profile.js';
import { rotateIssuerKeys } from '../../badges/rotate-issuer-keys.js';
import { NotFoundError } from '../../errors.js';
import { imageErrorOf, type FieldError } from '../achievement-form.js';
import {
  invalidFieldsOf,
  optionalTextField,
  reaches,
  registryInScope,
  textField,
  type AdminPageKit,
} from './admin-page-kit.js';
import { isUploadTooLarge, singleFileUpload } from '../http/single-file-upload.js';
import { adminScopeOf } from './admin-session.js';

const PAGE = '/admin/awarding-bodies';
/** Room for the identifiers a body has plus two new ones. */
const NEW_IDENTIFIER_ROWS = 2;
const ADDRESS_PARTS = [
  'streetAddress',
  'postalCode',
  'addressLocality',
  'addressRegion',
  'addressCountryCode',
] as const;
const STATUS_MESSAGES = ['saved', 'keysRotated'] as const;
const logoUpload = singleFileUpload({
  field: 'logo',
  maxFileBytes: MAX_BADGE_IMAGE_BYTES,
  maxFields: 100,
  maxFieldBytes: 10 * 1024,
});

/** Identifier kinds awarding bodies in the European Higher Education Area are known by. */
export const IDENTIFIER_TYPES = [
  'ext:ErasmusCode',
  'ext:PIC',
  'ext:ROR',
  'ext:SCHAC',
  'ext:NationalId',
] as const;

/** The form as the administrator filled it in: what the page shows back after a refusal. */
export interface AwardingBodyFormValues {
  name: string;
  url: string;
  email: string;
  description: string;
  countryCode: string;
  address: Record<(typeof ADDRESS_PARTS)[number], string>;
  parentOrg: { id: string; name: string; url: string };
  identifiers: { identifierType: string; identifier: string }[];
  publishRecipientName: boolean;
}

/**
 * The awarding bodies' pages: `GET /admin/awarding-bodies` lists them; `GET|POST
 * /admin/awarding-bodies/:id` shows and changes every detail the credentials state of the body
 * (name, web address, email, description, country, address and region, parent organisation,
 * identifiers such as the Erasmus code, whether learners' names appear) and its logo (uploaded,
 * checked like badge images); `POST /admin/awarding-bodies/:id/rotate-keys` retires its
 * signing keys (credentials signed before keep verifying). Only a signed-in administrator.
 */
export function createAwardingBodyPages(kit: AdminPageKit): Router {
  const { db, render } = kit;
  const router = express.Router();

  router.get(PAGE, ...kit.admin, async (_req, res) => {
    const bodies = await registryInScope(db, res).awardingBodies();
    res.send(
      render(res, 'admin/awarding-bodies', {
        adminPage: 'awardingBodies',
        bodies: [...bodies].sort((a, b) => a.name.localeCompare(b.name)),
      }),
    );
  });

  const renderForm = (
    res: Response,
    body: IssuerProfile,
    values: AwardingBodyFormValues,
    errors: readonly { field: string; message: FieldError }[] = [],
  ) =>
    render(res, 'admin/awarding-body', {
      adminPage: 'awardingBodies',
      body,
      values: withEmptyIdentifierRows(values),
      identifierTypes: IDENTIFIER_TYPES,
      errors,
      status: statusOf(res),
      csrfToken: kit.csrfTokenOf(res),
    });

  router.get(`${PAGE}/:id`, ...kit.admin, async (req, res) => {
    const body = await bodyOf(kit, res, String(req.params.id));
    res.send(renderForm(res, body, formValuesOf(body)));
  });

  router.post(`${PAGE}/:id`, ...kit.admin, logoUpload, kit.requireFormToken, async (req, res) => {
    const body = await bodyOf(kit, res, String(req.params.id));
    const form = req.body as Record<string, unknown>;
    const values = formValuesFrom(form);
    const logo = logoOf(req, res, form, body);
    if ('problem' in logo) {
      res
        .status(422)
        .send(renderForm(res, body, values, [{ field: 'logo', message: logo.problem }]));
      return;
    }
    const details = { ...detailsOf(values), image: logo.image };
    const parsed = issuerProfileDetailsSchema.safeParse(details);
    if (!parsed.success) {
      const errors = invalidFieldsOf(parsed.error.issues, FORM_FIELDS).map((field) => ({
        field,
        message: messageOf(field, parsed.error.issues),
      }));
      res.status(422).send(renderForm(res, body, values, errors));
      return;
    }
    await updateIssuerProfile(db, body.id, details);
    res.redirect(303, `${PAGE}/${encodeURIComponent(body.id)}?status=saved`);
  });

  router.post(`${PAGE}/:id/rotate-keys`, ...kit.changes, async (req, res) => {
    const body = await bodyOf(kit, res, String(req.params.id));
    await rotateIssuerKeys(db, body.id);
    res.redirect(303, `${PAGE}/${encodeURIComponent(body.id)}?status=keysRotated`);
  });

  return router;
}

const FORM_FIELDS = [
  'name',
  'url',
  'email',
  'description',
  'countryCode',
  ...ADDRESS_PARTS.map((part) => `address.${part}`),
  'address',
  'parentOrg.id',
  'parentOrg.name',
  'parentOrg.url',
  'parentOrg',
  'identifiers',
  'image',
];

/** The awarding body with this id, when the administrator's scope reaches it; else 404. */
async function bodyOf(kit: AdminPageKit, res: Response, id: string): Promise<IssuerProfile> {
  const body = reaches(adminScopeOf(res), id) ? await findIssuerProfile(kit.db, id) : undefined;
  if (!body) throw new NotFoundError(`No awarding body has the id ${id}.`);
  return body;
}

export function formValuesOf(body: IssuerProfile): AwardingBodyFormValues {
  return {
    name: body.name,
    url: body.url ?? '',
    email: body.email ?? '',
    description: body.description ?? '',
    countryCode: body.countryCode ?? '',
    address: Object.fromEntries(
      ADDRESS_PARTS.map((part) => [part, body.address?.[part] ?? '']),
    ) as AwardingBodyFormValues['address'],
    parentOrg: {
      id: body.parentOrg?.id ?? '',
      name: body.parentOrg?.name ?? '',
      url: body.parentOrg?.url ?? '',
    },
    identifiers: body.identifiers.map((entry) => ({ ...entry })),
    publishRecipientName: body.publishRecipientName,
  };
}

/** The form's fields; identifier rows are `identifierType.N` and `identifier.N`. */
export function formValuesFrom(form: Record<string, unknown>): AwardingBodyFormValues {
  const identifiers: AwardingBodyFormValues['identifiers'] = [];
  for (let row = 0; `identifierType.${row}` in form; row += 1) {
    const identifierType = textField(form, `identifierType.${row}`);
    const identifier = textField(form, `identifier.${row}`);
    if (identifierType || identifier) identifiers.push({ identifierType, identifier });
  }
  return {
    name: textField(form, 'name'),
    url: textField(form, 'url'),
    email: textField(form, 'email'),
    description: textField(form, 'description'),
    countryCode: textField(form, 'countryCode').toUpperCase(),
    address: Object.fromEntries(
      ADDRESS_PARTS.map((part) => [
        part,
        part === 'addressCountryCode'
          ? textField(form, `address.${part}`).toUpperCase()
          : textField(form, `address.${part}`),
      ]),
    ) as AwardingBodyFormValues['address'],
    parentOrg: {
      id: textField(form, 'parentOrg.id'),
      name: textField(form, 'parentOrg.name'),
      url: textField(form, 'parentOrg.url'),
    },
    identifiers,
    publishRecipientName: form.publishRecipientName === 'yes',
  };
}

/** The details updateIssuerProfile takes: empty fields clear the detail. */
export function detailsOf(values: AwardingBodyFormValues): IssuerProfileDetails {
  const address = Object.fromEntries(
    Object.entries(values.address).filter(([, value]) => value !== ''),
  );
  const { parentOrg } = values;
  return {
    name: values.name,
    url: values.url || null,
    email: values.email || null,
    description: values.description || null,
    countryCode: values.countryCode || null,
    address: Object.keys(address).length > 0 ? address : null,
    parentOrg:
      parentOrg.id || parentOrg.name || parentOrg.url
        ? {
            id: parentOrg.id,
            name: parentOrg.name,
            ...(parentOrg.url ? { url: parentOrg.url } : {}),
          }
        : null,
    identifiers: values.identifiers,
    publishRecipientName: values.publishRecipientName,
  };
}

function withEmptyIdentifierRows(values: AwardingBodyFormValues): AwardingBodyFormValues {
  const empty = Array.from({ length: NEW_IDENTIFIER_ROWS }, () => ({
    identifierType: '',
    identifier: '',
  }));
  return { ...values, identifiers: [...values.identifiers, ...empty] };
}

/** The logo to store: the uploaded file checked, the current one kept, or none (removed). */
function logoOf(
  req: express.Request,
  res: Response,
  form: Record<string, unknown>,
  body: IssuerProfile,
): { image: string | null } | { problem: FieldError } {
  if (isUploadTooLarge(res)) {
    return { problem: logoError({ reason: 'too-large', maxBytes: MAX_BADGE_IMAGE_BYTES }) };
  }
  if (req.file && req.file.size > 0) {
    try {
      return { image: badgeImageDataUri(checkBadgeImage(req.file.buffer)) };
    } catch (error) {
      if (error instanceof BadgeImageInvalidError) return { problem: logoError(error.problem) };
      throw error;
    }
  }
  if (optionalTextField(form, 'removeLogo') === 'yes') return { image: null };
  return { image: body.image };
}

function messageOf(field: string, issues: readonly z.core.$ZodIssue[]): FieldError {
  if (field === 'image') {
    const issue = issues.find((entry) => entry.path[0] === 'image');
    const problem = issue && badgeImageProblemOf(issue);
    if (problem) return logoError(problem);
  }
  return { key: `admin:awardingBodies.errors.${field.replaceAll('.', '-')}` };
}

/** The achievement form's words for an image refused, which say the same of a logo. */
function logoError(problem: BadgeImageProblem): FieldError {
  const { key, params } = imageErrorOf(problem);
  return { key: `teacher-achievements:${key}`, ...(params ? { params } : {}) };
}

function statusOf(res: Response) {
  const status = res.req.query.status;
  return STATUS_MESSAGES.find((known) => known === status) ?? null;
}
