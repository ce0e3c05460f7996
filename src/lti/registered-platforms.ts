import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { deployments, platforms } from '../db/schema.js';

/** A platform registration as launches read it: the row and its deployment ids. */
export type RegisteredPlatform = typeof platforms.$inferSelect & {
  readonly deploymentIds: readonly string[];
};

/** How long registrations read for an issuer are used without reading them again. */
const FOUND_CACHE_MS = 60_000;
const FOUND_CACHE_LIMIT = 1_000;
/** Per database handle: the registrations of each issuer, and when they were read. */
const foundByDatabase = new WeakMap<
  object,
  Map<string, { platforms: RegisteredPlatform[]; foundAt: number }>
>();

/**
 * The registrations of `issuer` that are `wanted`. Every launch reads them several times (the
 * deployment precheck, ltijs at login and at the id_token post), so an issuer's registrations
 * are kept for a minute once one was found; when none wanted is among those kept, they are
 * read again. So a new registration or deployment counts at once, and a changed or deactivated
 * one within a minute.
 */
export async function findRegisteredPlatforms(
  db: Db,
  issuer: string,
  wanted: (platform: RegisteredPlatform) => boolean,
): Promise<RegisteredPlatform[]> {
  let found = foundByDatabase.get(db);
  if (!found) {
    found = new Map();
    foundByDatabase.set(db, found);
  }
  const known = found.get(issuer);
  if (known && Date.now() - known.foundAt < FOUND_CACHE_MS) {
    const matching = known.platforms.filter(wanted);
    if (matching.length > 0) return matching;
  }
  const rows = await db
    .select({
      platform: platforms,
      deploymentIds: sql<string[]>`array(select ${deployments.deploymentId} from ${deployments}
        where ${deployments.platformId} = ${platforms.id})`,
    })
    .from(platforms)
    .where(eq(platforms.issuer, issuer));
  const read = rows.map(({ platform, deploymentIds }) => ({ ...platform, deploymentIds }));
  if (read.length > 0) {
    if (found.size >= FOUND_CACHE_LIMIT) found.clear();
    found.set(issuer, { platforms: read, foundAt: Date.now() });
  }
  return read.filter(wanted);
}
