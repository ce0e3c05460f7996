import { eq, sql } from 'drizzle-orm';
import { notifyChange, watchChanges } from '../db/change-notifications.js';
import type { Database, Db, Tx, Unlisten } from '../db/database.js';
import { deployments, platforms } from '../db/schema.js';

/**
 * A platform registration as launches read it: the row, the ids of its active deployments and
 * those of its deactivated ones.
 */
export type RegisteredPlatform = typeof platforms.$inferSelect & {
  readonly deploymentIds: readonly string[];
  readonly inactiveDeploymentIds: readonly string[];
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
 * read again. So a new registration or deployment counts at once; a changed or deactivated one
 * counts at once too, because every change goes through writeRegistrations, which drops what
 * every process keeps (watchRegisteredPlatforms).
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
        where ${deployments.platformId} = ${platforms.id} and ${deployments.isActive})`,
      inactiveDeploymentIds: sql<string[]>`array(select ${deployments.deploymentId}
        from ${deployments}
        where ${deployments.platformId} = ${platforms.id} and not ${deployments.isActive})`,
    })
    .from(platforms)
    .where(eq(platforms.issuer, issuer));
  const read = rows.map(({ platform, deploymentIds, inactiveDeploymentIds }) => ({
    ...platform,
    deploymentIds,
    inactiveDeploymentIds,
  }));
  if (read.length > 0) {
    if (found.size >= FOUND_CACHE_LIMIT) found.clear();
    found.set(issuer, { platforms: read, foundAt: Date.now() });
  }
  return read.filter(wanted);
}

/**
 * Runs `write` in a transaction that changes platform registrations or their deployments, and
 * makes every process drop the registrations it keeps: this one as soon as the transaction
 * commits, the others when the PostgreSQL notice sent with the commit reaches them.
 */
export async function writeRegistrations<T>(db: Db, write: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await db.transaction(async (tx) => {
      const written = await write(tx);
      await notifyChange(tx, 'platforms');
      return written;
    });
  } finally {
    foundByDatabase.delete(db);
  }
}

/** Drops the registrations kept for `database` whenever any process changes them. */
export function watchRegisteredPlatforms(database: Database): Promise<Unlisten> {
  return watchChanges(database, 'platforms', () => foundByDatabase.delete(database.db));
}
