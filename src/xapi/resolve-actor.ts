import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { platforms, users } from '../db/schema.js';
import type { Actor } from './statement.js';

/**
 * Finds the `users.id` each actor stands for (in the same order), or null where an actor stands
 * for no known user. Actors with the same `identityKey` stand for the same user.
 */
export type ResolveActors = (
  executor: Executor,
  actors: readonly Actor[],
) => Promise<(string | null)[]>;

/**
 * The resolver for statements sent with credentials bound to `platformId` (null: unbound
 * credentials, whose actors resolve to nobody). An Agent resolves to a user of that platform
 * when
 * - its `account.homePage` is the platform's issuer URL (compared normalised: scheme and host
 *   case and a trailing slash do not matter) and `account.name` is the user's LTI `sub`, or
 * - its `mbox` is `mailto:` the email of exactly one user of that platform (case-insensitive).
 * Groups, other identifiers and anything ambiguous resolve to null. All the actors of a call
 * cost at most two queries: this runs for every stored statement.
 */
export function createActorResolver(platformId: string | null): ResolveActors {
  return async (executor, actors) => {
    if (platformId === null) return actors.map(() => null);
    const agents = actors.map((actor) => (actor.objectType === 'Group' ? null : actor));
    const names = [
      ...new Set(agents.flatMap((agent) => (agent?.account ? [agent.account.name] : []))),
    ];
    const emails = [
      ...new Set(
        agents.flatMap((agent) =>
          !agent?.account && agent?.mbox ? [agent.mbox.slice('mailto:'.length).toLowerCase()] : [],
        ),
      ),
    ];
    const [accounts, mailboxes] = await Promise.all([
      names.length === 0 ? null : usersBySub(executor, platformId, names),
      emails.length === 0 ? null : usersByEmail(executor, platformId, emails),
    ]);
    return agents.map((agent) => {
      if (agent?.account) {
        if (!accounts || normaliseUrl(agent.account.homePage) !== accounts.issuer) return null;
        return accounts.ids.get(agent.account.name) ?? null;
      }
      if (agent?.mbox) {
        return mailboxes?.get(agent.mbox.slice('mailto:'.length).toLowerCase()) ?? null;
      }
      return null;
    });
  };
}

/** The platform's normalised issuer and, by `sub`, its users among `subs`; null for no platform. */
async function usersBySub(
  executor: Executor,
  platformId: string,
  subs: readonly string[],
): Promise<{ issuer: string; ids: Map<string, string> } | null> {
  const rows = await executor
    .select({ issuer: platforms.issuer, sub: users.sub, id: users.id })
    .from(platforms)
    .leftJoin(users, and(eq(users.platformId, platforms.id), inArray(users.sub, [...subs])))
    .where(eq(platforms.id, platformId));
  const [first] = rows;
  if (!first) return null;
  return {
    issuer: normaliseUrl(first.issuer),
    ids: new Map(rows.flatMap((row) => (row.sub && row.id ? [[row.sub, row.id]] : []))),
  };
}

/** By lower-case email, the platform's users among `emails` that no other user shares. */
async function usersByEmail(
  executor: Executor,
  platformId: string,
  emails: readonly string[],
): Promise<Map<string, string>> {
  const email = sql<string>`lower(${users.email})`;
  const rows = await executor
    .select({ email, id: sql<string>`min(${users.id}::text)`, count: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.platformId, platformId), inArray(email, [...emails])))
    .groupBy(email);
  return new Map(rows.flatMap((row) => (row.count === 1 ? [[row.email, row.id]] : [])));
}

/** The URL with scheme and host in lower case and without trailing slashes. */
export function normaliseUrl(url: string): string {
  const href = URL.canParse(url) ? new URL(url).href : url;
  return href.replace(/\/+$/, '');
}

/**
 * What an actor is resolved by: an Agent's inverse functional identifier (its other properties,
 * such as its name, change nothing), and for every Group the same key, as groups stand for no
 * single user.
 */
export function identityKey(actor: Actor): string {
  if (actor.objectType === 'Group') return 'Group';
  if (actor.mbox !== undefined) return `mbox ${actor.mbox}`;
  if (actor.mbox_sha1sum !== undefined) return `mbox_sha1sum ${actor.mbox_sha1sum}`;
  if (actor.openid !== undefined) return `openid ${actor.openid}`;
  return `account ${actor.account?.homePage ?? ''} ${actor.account?.name ?? ''}`;
}
