import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { platforms, users } from '../db/schema.js';
import type { Actor } from './statement.js';

/** Finds the `users.id` a statement's actor stands for, or null when it stands for no known user. */
export type ResolveActor = (executor: Executor, actor: Actor) => Promise<string | null>;

/**
 * The resolver for statements sent with credentials bound to `platformId` (null: unbound
 * credentials, whose actors resolve to nobody). An Agent resolves to a user of that platform
 * when
 * - its `account.homePage` is the platform's issuer URL (compared normalised: scheme and host
 *   case and a trailing slash do not matter) and `account.name` is the user's LTI `sub`, or
 * - its `mbox` is `mailto:` the email of exactly one user of that platform (case-insensitive).
 * Groups, other identifiers and anything ambiguous resolve to null.
 */
export function createActorResolver(platformId: string | null): ResolveActor {
  return async (executor, actor) => {
    if (platformId === null || actor.objectType === 'Group') return null;
    if (actor.account) {
      // The platform's issuer and the user in one round trip: this runs for every statement.
      const [row] = await executor
        .select({ issuer: platforms.issuer, userId: users.id })
        .from(platforms)
        .leftJoin(users, and(eq(users.platformId, platforms.id), eq(users.sub, actor.account.name)))
        .where(eq(platforms.id, platformId))
        .limit(1);
      if (!row || normaliseUrl(actor.account.homePage) !== normaliseUrl(row.issuer)) return null;
      return row.userId;
    }
    if (actor.mbox) {
      const email = actor.mbox.slice('mailto:'.length).toLowerCase();
      const matches = await executor
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.platformId, platformId), eq(sql`lower(${users.email})`, email)))
        .limit(2);
      return matches.length === 1 ? (matches[0]?.id ?? null) : null;
    }
    return null;
  };
}

/** The URL with scheme and host in lower case and without trailing slashes. */
export function normaliseUrl(url: string): string {
  const href = URL.canParse(url) ? new URL(url).href : url;
  return href.replace(/\/+$/, '');
}
