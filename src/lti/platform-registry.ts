import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { deployments, issuerProfiles, platforms } from '../db/schema.js';
import { BadRequestError } from '../errors.js';

const httpUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'must be an http(s) URL',
  });

/** A platform registration as an administrator gives it (CLI or admin API). */
export const platformRegistrationSchema = z.strictObject({
  issuer: httpUrl,
  clientId: z.string().min(1, 'is required'),
  deploymentId: z.string().min(1, 'is required'),
  authUrl: httpUrl,
  tokenUrl: httpUrl,
  jwksUrl: httpUrl,
  tokenAudience: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  trustLevel: z.enum(['registered', 'self-study']).default('registered'),
  awardingBody: z.string().min(1).optional(),
});

export type PlatformRegistration = z.input<typeof platformRegistrationSchema>;
export type Platform = typeof platforms.$inferSelect;

/**
 * Registers a platform and one of its deployments, or updates them when the issuer and client
 * id are known already (adding the deployment). The platform's awarding body becomes an issuer
 * profile named after it (default: the platform's name). Throws BadRequestError naming the bad field.
 */
export async function registerPlatform(db: Db, input: unknown): Promise<Platform> {
  const parsed = platformRegistrationSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequestError(
      `${issue?.path.join('.') || 'platform'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  const registration = parsed.data;
  const name = registration.name ?? new URL(registration.issuer).host;
  const awardingBody = registration.awardingBody ?? name;
  const profileId = slugify(awardingBody);

  return db.transaction(async (tx) => {
    await tx
      .insert(issuerProfiles)
      .values({ id: profileId, name: awardingBody })
      .onConflictDoNothing();
    const fields = {
      name,
      authUrl: registration.authUrl,
      tokenUrl: registration.tokenUrl,
      jwksUrl: registration.jwksUrl,
      tokenAudience: registration.tokenAudience ?? null,
      trustLevel: registration.trustLevel,
      issuerProfileId: profileId,
    };
    const [platform] = await tx
      .insert(platforms)
      .values({ issuer: registration.issuer, clientId: registration.clientId, ...fields })
      .onConflictDoUpdate({
        target: [platforms.issuer, platforms.clientId],
        set: { ...fields, isActive: sql`true` },
      })
      .returning();
    if (!platform) throw new Error('Upsert returned no row');
    await tx
      .insert(deployments)
      .values({ platformId: platform.id, deploymentId: registration.deploymentId })
      .onConflictDoNothing();
    return platform;
  });
}

export async function listPlatforms(db: Db) {
  const rows = await db
    .select({ platform: platforms, deploymentId: deployments.deploymentId })
    .from(platforms)
    .leftJoin(deployments, eq(deployments.platformId, platforms.id))
    .orderBy(platforms.createdAt);
  const byId = new Map<string, Platform & { deploymentIds: string[] }>();
  for (const { platform, deploymentId } of rows) {
    const entry = byId.get(platform.id) ?? { ...platform, deploymentIds: [] };
    if (deploymentId) entry.deploymentIds.push(deploymentId);
    byId.set(platform.id, entry);
  }
  return [...byId.values()];
}

/** The URLs an LMS administrator pastes into the LMS when registering the tool by hand. */
export function toolUrls(publicUrl: string) {
  return {
    loginUrl: `${publicUrl}/lti/login`,
    launchUrl: `${publicUrl}/lti/launch`,
    redirectUrls: [`${publicUrl}/lti/launch`],
    jwksUrl: `${publicUrl}/lti/keys`,
    dynamicRegistrationUrl: `${publicUrl}/lti/register`,
    xapiEndpoint: `${publicUrl}/xapi/`,
  };
}

function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug || 'awarding-body';
}

/**
 * The origins a platform's pages frame the tool from: its issuer's and login URL's, and those
 * its launches were posted from (platforms.frameOrigins). Canvas, for one, frames the tool from
 * the school's own host, which no registration field names.
 */
export function platformFrameOrigins(platform: {
  issuer: string;
  authUrl: string;
  frameOrigins: readonly string[];
}): string[] {
  const origins = [platform.issuer, platform.authUrl].flatMap((url) => {
    try {
      return [new URL(url).origin];
    } catch {
      return [];
    }
  });
  return [...new Set([...origins, ...platform.frameOrigins])];
}
