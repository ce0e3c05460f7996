import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { refuseMalformedText } from '../badges/malformed-text.js';
import type { Executor } from '../db/database.js';
import { issuerProfiles, partnerIssuers } from '../db/schema.js';
import { BadRequestError, ConflictError, NotFoundError } from '../errors.js';
import { isUuid } from '../shared/uuid.js';

/**
 * The registry of partner issuers of each awarding body (docs/recognition.md): the issuers whose
 * credentials its learners may bring. Contract:
 * - one entry per awarding body and issuer id; adding an issuer that was removed brings its
 *   entry back with the new details (credentials recognised through it stay linked to it);
 * - removing keeps the row (`removedAt`): credentials recognised while the partner was trusted
 *   keep their record, and no new credential of it is recognised;
 * - every change is one statement, so callers may pass their transaction.
 */

export type PartnerIssuer = typeof partnerIssuers.$inferSelect;

/** A DID (`did:web:…`, `did:key:…`) or an http(s) issuer profile URL, as credentials name it. */
const issuerIdSchema = z
  .string()
  .trim()
  .max(500)
  .refine(
    (value) =>
      /^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$/.test(value) ||
      (/^https?:\/\//.test(value) && URL.canParse(value)),
    'must be a DID or an http(s) URL',
  );

/** What an administrator states of a partner; one source for the admin API and the admin page. */
export const partnerInputSchema = z
  .strictObject({
    issuerId: issuerIdSchema,
    name: z.string().trim().min(1).max(200),
    countryCode: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR')
      .nullable()
      .optional(),
    qualityAssurance: z.string().trim().min(1).max(5000),
    recognisedAchievementIds: z.array(z.string().trim().min(1).max(500)).max(200).optional(),
    recognisedAlignments: z.array(z.string().trim().min(1).max(500)).max(200).optional(),
    maxEcts: z.number().positive().max(60).nullable().optional(),
  })
  .superRefine(refuseMalformedText);

export type PartnerInput = z.infer<typeof partnerInputSchema>;

/** The partners an awarding body trusts now, by name. */
export async function listPartners(
  db: Executor,
  issuerProfileId: string,
): Promise<PartnerIssuer[]> {
  return db
    .select()
    .from(partnerIssuers)
    .where(
      and(eq(partnerIssuers.issuerProfileId, issuerProfileId), isNull(partnerIssuers.removedAt)),
    )
    .orderBy(asc(partnerIssuers.name));
}

/** The partner entry with this id, removed or not, or null. */
export async function findPartner(db: Executor, id: string): Promise<PartnerIssuer | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(partnerIssuers).where(eq(partnerIssuers.id, id));
  return row ?? null;
}

/** The active partner entry of an awarding body for an issuer id, or null when it trusts none. */
export async function findActivePartner(
  db: Executor,
  issuerProfileId: string,
  issuerId: string,
): Promise<PartnerIssuer | null> {
  const entry = await findEntryOfIssuer(db, issuerProfileId, issuerId);
  return entry?.removedAt === null ? entry : null;
}

/** An awarding body's entry for an issuer id, removed or not (one per issuer), or null. */
async function findEntryOfIssuer(
  db: Executor,
  issuerProfileId: string,
  issuerId: string,
): Promise<PartnerIssuer | null> {
  const [row] = await db
    .select()
    .from(partnerIssuers)
    .where(
      and(
        eq(partnerIssuers.issuerProfileId, issuerProfileId),
        eq(partnerIssuers.issuerId, issuerId),
      ),
    );
  return row ?? null;
}

/** The issuer of a partner removed from the registry, named for another partner. */
export class PartnerRemovedError extends ConflictError {}

/**
 * Adds a partner to an awarding body's registry. Throws BadRequestError for input the schema
 * refuses, NotFoundError for an unknown awarding body and ConflictError when the body trusts
 * this issuer already.
 */
export async function addPartner(
  db: Executor,
  issuerProfileId: string,
  input: unknown,
): Promise<PartnerIssuer> {
  const details = parsePartnerInput(input);
  const [body] = await db
    .select({ id: issuerProfiles.id })
    .from(issuerProfiles)
    .where(eq(issuerProfiles.id, issuerProfileId));
  if (!body) throw new NotFoundError(`No awarding body has the id ${issuerProfileId}.`);
  const existing = await findEntryOfIssuer(db, issuerProfileId, details.issuerId);
  if (existing && existing.removedAt === null) {
    throw new ConflictError(`${details.issuerId} is a partner of this awarding body already.`);
  }
  const values = { ...columnsOf(details), removedAt: null, updatedAt: new Date() };
  const [row] = existing
    ? await db
        .update(partnerIssuers)
        .set(values)
        .where(eq(partnerIssuers.id, existing.id))
        .returning()
    : await db
        .insert(partnerIssuers)
        .values({ issuerProfileId, ...values })
        .onConflictDoNothing()
        .returning();
  // None when the same partner was added at the same moment (a double click, a script's retry).
  if (!row)
    throw new ConflictError(`${details.issuerId} is a partner of this awarding body already.`);
  return row;
}

/** Replaces what the registry states of an active partner. Throws as addPartner does. */
export async function updatePartner(
  db: Executor,
  id: string,
  input: unknown,
): Promise<PartnerIssuer> {
  const partner = await findPartner(db, id);
  if (!partner || partner.removedAt !== null)
    throw new NotFoundError(`No partner has the id ${id}.`);
  const details = parsePartnerInput(input);
  if (details.issuerId !== partner.issuerId) {
    const other = await findEntryOfIssuer(db, partner.issuerProfileId, details.issuerId);
    if (other?.removedAt === null) {
      throw new ConflictError(`${details.issuerId} is a partner of this awarding body already.`);
    }
    // Its row stays for the credentials recognised while it was trusted (see the contract).
    if (other) {
      throw new PartnerRemovedError(
        `${details.issuerId} was a partner of this awarding body and was removed: add it again instead.`,
      );
    }
  }
  const [row] = await db
    .update(partnerIssuers)
    .set({ ...columnsOf(details), updatedAt: new Date() })
    .where(eq(partnerIssuers.id, id))
    .returning();
  return row as PartnerIssuer;
}

/** Removes a partner from the registry (the row stays, see the contract). Idempotent. */
export async function removePartner(db: Executor, id: string): Promise<void> {
  const partner = await findPartner(db, id);
  if (!partner) throw new NotFoundError(`No partner has the id ${id}.`);
  if (partner.removedAt !== null) return;
  await db
    .update(partnerIssuers)
    .set({ removedAt: new Date(), updatedAt: new Date() })
    .where(eq(partnerIssuers.id, id));
}

function parsePartnerInput(input: unknown): PartnerInput {
  const parsed = partnerInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new BadRequestError(`The partner is not valid: ${where}${issue?.message ?? 'invalid'}.`);
  }
  return parsed.data;
}

function columnsOf(details: PartnerInput) {
  return {
    issuerId: details.issuerId,
    name: details.name,
    countryCode: details.countryCode ?? null,
    qualityAssurance: details.qualityAssurance,
    recognisedAchievementIds: details.recognisedAchievementIds ?? [],
    recognisedAlignments: details.recognisedAlignments ?? [],
    maxEcts: details.maxEcts ?? null,
  };
}
