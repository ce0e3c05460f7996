import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../db/database.js';
import { issuerProfiles } from '../db/schema.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { BadgeImageInvalidError } from './badge-image-error.js';
import { badgeImageProblemOf, badgeImageReferenceSchema } from './check-badge-image.js';
import { refuseMalformedText } from './malformed-text.js';

const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), 'must be an http(s) URL');
const country = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR');

/**
 * The awarding-body details of an issuer profile (EU elements "awarding body" and "country /
 * region of the issuer"). `identifiers` take OB IdentifierEntry types; identifiers OB does not
 * name (Erasmus code, PIC, ROR) use the `ext:` prefix the OB schema allows. No text may be
 * malformed (malformed-text.ts).
 */
export const issuerProfileDetailsSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    url: httpUrl.nullable().optional(),
    email: z.email().nullable().optional(),
    description: z.string().trim().min(1).max(5000).nullable().optional(),
    /** The awarding body's logo: an http(s) URL, or a PNG, JPEG or SVG `data:` URI checked. */
    image: badgeImageReferenceSchema.nullable().optional(),
    countryCode: country.nullable().optional(),
    address: z
      .strictObject({
        streetAddress: z.string().trim().min(1).optional(),
        postalCode: z.string().trim().min(1).optional(),
        addressLocality: z.string().trim().min(1).optional(),
        addressRegion: z.string().trim().min(1).optional(),
        addressCountryCode: country.optional(),
        addressCountry: z.string().trim().min(1).optional(),
      })
      .nullable()
      .optional(),
    identifiers: z
      .array(
        z.strictObject({
          identifierType: z
            .string()
            .regex(
              /^(ext:[A-Za-z0-9._-]+|[a-zA-Z]+)$/,
              'must be an OB identifier type or ext:Name',
            ),
          identifier: z.string().trim().min(1).max(200),
        }),
      )
      .max(20)
      .optional(),
    parentOrg: z
      .strictObject({ id: httpUrl, name: z.string().trim().min(1), url: httpUrl.optional() })
      .nullable()
      .optional(),
    publishRecipientName: z.boolean().optional(),
  })
  .superRefine(refuseMalformedText);

export type IssuerProfileDetails = z.input<typeof issuerProfileDetailsSchema>;

/**
 * Changes the given details of an issuer profile; credentials issued before keep theirs.
 * Throws BadRequestError naming the bad field, BadgeImageInvalidError for a refused image,
 * NotFoundError for an unknown profile.
 */
export async function updateIssuerProfile(
  db: Executor,
  issuerProfileId: string,
  details: unknown,
): Promise<typeof issuerProfiles.$inferSelect> {
  const parsed = issuerProfileDetailsSchema.safeParse(details);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const imageProblem = issue && badgeImageProblemOf(issue);
    if (imageProblem) throw new BadgeImageInvalidError(imageProblem);
    throw new BadRequestError(
      `${issue?.path.join('.') || 'profile'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  const [updated] = await db
    .update(issuerProfiles)
    .set(parsed.data)
    .where(eq(issuerProfiles.id, issuerProfileId))
    .returning();
  if (!updated) throw new NotFoundError(`No issuer profile "${issuerProfileId}"`);
  return updated;
}

export type IssuerProfile = typeof issuerProfiles.$inferSelect;

/** The awarding bodies; with `issuerProfileId`, only that one (none when it is unknown). */
export async function listIssuerProfiles(
  db: Executor,
  filter: { issuerProfileId?: string } = {},
): Promise<IssuerProfile[]> {
  return db
    .select()
    .from(issuerProfiles)
    .where(
      filter.issuerProfileId === undefined
        ? undefined
        : eq(issuerProfiles.id, filter.issuerProfileId),
    );
}

export async function findIssuerProfile(
  db: Executor,
  issuerProfileId: string,
): Promise<IssuerProfile | undefined> {
  const [profile] = await db
    .select()
    .from(issuerProfiles)
    .where(eq(issuerProfiles.id, issuerProfileId));
  return profile;
}
