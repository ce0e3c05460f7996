import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../db/database.js';
import { courses, deployments, platforms } from '../db/schema.js';
import { BadRequestError, LtiPlatformExistsError, NotFoundError } from '../errors.js';
import { awardingBodyIdFor } from './awarding-body.js';
import { writeRegistrations } from './registered-platforms.js';

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

/** One deployment of a platform, and whether its launches are let in. */
export interface DeploymentState {
  deploymentId: string;
  isActive: boolean;
}

/**
 * An administrator's registration (CLI, admin API or page): registers a platform and one of its
 * deployments, or updates them when the issuer and client id are known already (adding the
 * deployment). A platform or a deployment an administrator deactivated stays deactivated, as
 * deactivating it was a deliberate act that only activating it again undoes (setPlatformActive,
 * setDeploymentActive): the platform's `isActive` and `deployment` say how they stand, so that
 * the caller can tell the administrator (registrationNotice). The awarding body is the issuer profile `awardingBody`
 * names by id or exact name, or a new one of that name (default: the platform's name); an update
 * without `awardingBody` keeps the platform's body. Every process sees the change at once.
 * Throws BadRequestError naming the bad field.
 */
export async function registerPlatform(
  db: Db,
  input: unknown,
): Promise<Platform & { deployment: DeploymentState }> {
  const parsed = platformRegistrationSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequestError(
      `${issue?.path.join('.') || 'platform'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  const registration = parsed.data;
  const name = registration.name ?? new URL(registration.issuer).host;

  return writeRegistrations(db, async (tx) => {
    const [existing] = await tx
      .select({ issuerProfileId: platforms.issuerProfileId })
      .from(platforms)
      .where(
        and(
          eq(platforms.issuer, registration.issuer),
          eq(platforms.clientId, registration.clientId),
        ),
      );
    const issuerProfileId =
      existing && !registration.awardingBody
        ? existing.issuerProfileId
        : await awardingBodyIdFor(tx, registration.awardingBody ?? name);
    const fields = {
      name,
      authUrl: registration.authUrl,
      tokenUrl: registration.tokenUrl,
      jwksUrl: registration.jwksUrl,
      tokenAudience: registration.tokenAudience ?? null,
      trustLevel: registration.trustLevel,
      issuerProfileId,
    };
    const [platform] = await tx
      .insert(platforms)
      .values({ issuer: registration.issuer, clientId: registration.clientId, ...fields })
      .onConflictDoUpdate({
        target: [platforms.issuer, platforms.clientId],
        set: fields,
      })
      .returning();
    if (!platform) throw new Error('Upsert returned no row');
    await tx
      .insert(deployments)
      .values({ platformId: platform.id, deploymentId: registration.deploymentId })
      .onConflictDoNothing();
    const [deployment] = await tx
      .select({ deploymentId: deployments.deploymentId, isActive: deployments.isActive })
      .from(deployments)
      .where(
        and(
          eq(deployments.platformId, platform.id),
          eq(deployments.deploymentId, registration.deploymentId),
        ),
      );
    if (!deployment) throw new Error('The registered deployment is missing');
    return { ...platform, deployment };
  });
}

/**
 * What the admin API and the CLI say when a registration names a platform or a deployment an
 * administrator deactivated (registerPlatform keeps them deactivated): that they stay so, and
 * where to activate them again. Null when both are active.
 */
export function registrationNotice(
  publicUrl: string,
  registered: Pick<Platform, 'id' | 'isActive'> & { deployment: DeploymentState },
): string | null {
  const { id, deployment } = registered;
  const sentences = [
    ...(registered.isActive
      ? []
      : [
          `The LMS stays deactivated: an administrator deactivated it, and registering it again does not activate it, so all its launches are still refused. To let it launch, choose "Activate again" for it on ${publicUrl}/admin/platforms, or send {"isActive": true} to PATCH ${publicUrl}/api/admin/platforms/${id}.`,
        ]),
    ...(deployment.isActive
      ? []
      : [
          `Deployment "${deployment.deploymentId}" stays deactivated: an administrator deactivated it, and registering it again does not activate it, so its launches are still refused. To let it launch, choose "Activate again" for it on ${publicUrl}/admin/platforms/${id}, or send {"isActive": true} to PATCH ${publicUrl}/api/admin/platforms/${id}/deployments/${encodeURIComponent(deployment.deploymentId)}.`,
        ]),
  ];
  return sentences.length > 0 ? sentences.join(' ') : null;
}

/** The platform fields a registration stores (all but its awarding body). */
export type NewPlatform = Omit<
  typeof platforms.$inferInsert,
  'id' | 'issuerProfileId' | 'isActive' | 'frameOrigins' | 'createdAt'
>;

/**
 * Stores a platform nobody registered before, with its first deployment, in the caller's
 * transaction. Never touches an existing registration: throws LtiPlatformExistsError when
 * the issuer and client id are registered already.
 */
export async function insertNewPlatform(
  tx: Tx,
  platform: NewPlatform & { issuerProfileId: string; deploymentId: string },
): Promise<Platform> {
  const { deploymentId, ...fields } = platform;
  const [inserted] = await tx.insert(platforms).values(fields).onConflictDoNothing().returning();
  if (!inserted) {
    throw new LtiPlatformExistsError(
      `An LMS with the issuer ${platform.issuer} and the client id ${platform.clientId} is registered already; a registration never replaces it. If this is that LMS, ask the tool's administrator to update its registration.`,
    );
  }
  await tx.insert(deployments).values({ platformId: inserted.id, deploymentId });
  return inserted;
}

/**
 * Deactivates a platform (its launches are refused) or activates it again, in every process at
 * once. Throws NotFoundError for an unknown id.
 */
export async function setPlatformActive(
  db: Db,
  platformId: string,
  isActive: boolean,
): Promise<Platform> {
  const [platform] = await writeRegistrations(db, (tx) =>
    tx.update(platforms).set({ isActive }).where(eq(platforms.id, platformId)).returning(),
  );
  if (!platform) throw new NotFoundError(`No platform has the id ${platformId}`);
  return platform;
}

/** How the platform's xAPI emitter names its users (xapi/actor-keys.ts). */
export const xapiActorSettingsSchema = z
  .strictObject({
    xapiAccountName: z.enum(['lti-sub', 'username']).optional(),
    xapiAccountHomePage: z
      .url({ protocol: /^https?$/ })
      .nullable()
      .optional(),
  })
  .refine((settings) => Object.keys(settings).length > 0, 'names no setting');

/**
 * Sets how the platform's xAPI emitter names users: `xapiAccountName` `lti-sub` (account.name
 * is the LMS user id, Moodle logstore_xapi's default) or `username` (its "send username"), and
 * `xapiAccountHomePage` (null: the issuer). Statements already waiting for their learner are
 * matched with the new settings when the learner next becomes known. Throws BadRequestError
 * naming the bad field, NotFoundError for an unknown id.
 */
export async function setPlatformXapiActors(
  db: Db,
  platformId: string,
  input: unknown,
): Promise<Platform> {
  const parsed = xapiActorSettingsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequestError(
      `${issue?.path.join('.') || 'xAPI actor settings'} ${issue?.message ?? 'is invalid'}: send {"xapiAccountName": "lti-sub" or "username", "xapiAccountHomePage": URL or null}`,
    );
  }
  const [platform] = await writeRegistrations(db, (tx) =>
    tx.update(platforms).set(parsed.data).where(eq(platforms.id, platformId)).returning(),
  );
  if (!platform) throw new NotFoundError(`No platform has the id ${platformId}`);
  return platform;
}

/** A platform's trust level as the admin API and pages take it (ARCHITECTURE.md, Trust). */
export const trustLevelSchema = z.strictObject({
  trustLevel: z.enum(['registered', 'self-study']),
});

/**
 * Sets whether the platform's learners are registered students (credits count) or open
 * self-study (badges without credits), for what is awarded from now on; credentials already
 * issued keep what they state. Throws BadRequestError for another body, NotFoundError for an
 * unknown id.
 */
export async function setPlatformTrustLevel(
  db: Db,
  platformId: string,
  input: unknown,
): Promise<Platform> {
  const parsed = trustLevelSchema.safeParse(input);
  if (!parsed.success) {
    throw new BadRequestError('Send {"trustLevel": "registered"} or {"trustLevel": "self-study"}');
  }
  const [platform] = await writeRegistrations(db, (tx) =>
    tx.update(platforms).set(parsed.data).where(eq(platforms.id, platformId)).returning(),
  );
  if (!platform) throw new NotFoundError(`No platform has the id ${platformId}`);
  return platform;
}

/**
 * Deactivates one deployment of a platform (its launches are refused; the platform's other
 * deployments still launch) or activates it again, in every process at once. Throws
 * NotFoundError when the platform has no such deployment.
 */
export async function setDeploymentActive(
  db: Db,
  platformId: string,
  deploymentId: string,
  isActive: boolean,
): Promise<void> {
  const [updated] = await writeRegistrations(db, (tx) =>
    tx
      .update(deployments)
      .set({ isActive })
      .where(
        and(eq(deployments.platformId, platformId), eq(deployments.deploymentId, deploymentId)),
      )
      .returning({ deploymentId: deployments.deploymentId }),
  );
  if (!updated) {
    throw new NotFoundError(`The platform ${platformId} has no deployment "${deploymentId}"`);
  }
}

/**
 * The registered platforms with their deployment ids and deployments (whether each is active),
 * oldest first; with `issuerProfileId`, only the platforms of that awarding body.
 */
export async function listPlatforms(db: Db, filter: { issuerProfileId?: string } = {}) {
  const rows = await db
    .select({
      platform: platforms,
      deploymentId: deployments.deploymentId,
      deploymentIsActive: deployments.isActive,
    })
    .from(platforms)
    .leftJoin(deployments, eq(deployments.platformId, platforms.id))
    .where(
      filter.issuerProfileId === undefined
        ? undefined
        : eq(platforms.issuerProfileId, filter.issuerProfileId),
    )
    .orderBy(platforms.createdAt, deployments.createdAt);
  const byId = new Map<
    string,
    Platform & { deploymentIds: string[]; deployments: DeploymentState[] }
  >();
  for (const { platform, deploymentId, deploymentIsActive } of rows) {
    const entry = byId.get(platform.id) ?? { ...platform, deploymentIds: [], deployments: [] };
    if (deploymentId) {
      entry.deploymentIds.push(deploymentId);
      entry.deployments.push({ deploymentId, isActive: deploymentIsActive ?? true });
    }
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
    xapiEndpoint: `${publicUrl}/xapi/`,
  };
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

/** The origins every active platform frames the tool from (platformFrameOrigins). */
export async function activePlatformFrameOrigins(db: Db): Promise<string[]> {
  const rows = await db
    .select({
      issuer: platforms.issuer,
      authUrl: platforms.authUrl,
      frameOrigins: platforms.frameOrigins,
    })
    .from(platforms)
    .where(eq(platforms.isActive, true));
  return rows.flatMap(platformFrameOrigins);
}

/** The awarding body of the LMS a course belongs to. */
export async function awardingBodyOfCourse(db: Db, courseId: string): Promise<string> {
  const [row] = await db
    .select({ issuerProfileId: platforms.issuerProfileId })
    .from(courses)
    .innerJoin(platforms, eq(platforms.id, courses.platformId))
    .where(eq(courses.id, courseId));
  if (!row) throw new NotFoundError('The course of this launch is not known any more.');
  return row.issuerProfileId;
}
