import { sql, type SQL } from 'drizzle-orm';
import { makePgArray } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/database.js';
import { buildQuery, executeBuilt } from '../db/named-query.js';
import { rowsOf } from '../db/raw-rows.js';
import { platforms, users } from '../db/schema.js';
import { accountHomePage, normaliseUrl, type PlatformActorSettings } from './actor-keys.js';
import type { Actor } from './statement.js';

export { normaliseUrl } from './actor-keys.js';

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
 * - its `account.homePage` is the platform's emitter home page (`xapiAccountHomePage`, else the
 *   issuer; compared normalised: scheme and host case and a trailing slash do not matter) and
 *   `account.name` is the user's LTI `sub` or, when the platform says so (`xapiAccountName`),
 *   the user's LMS username, or
 * - its `mbox` is `mailto:` the email of exactly one user of that platform (case-insensitive),
 *   or its `mbox_sha1sum` is that of exactly one user's email.
 * Groups, other identifiers and anything ambiguous resolve to null. All the actors of a call
 * cost at most three queries: this runs for every stored statement.
 */
export function createActorResolver(platformId: string | null): ResolveActors {
  const key = platformId ?? '';
  let resolver = resolverByPlatform.get(key);
  if (!resolver) {
    resolver = resolverOfPlatform(platformId);
    resolverByPlatform.set(key, resolver);
  }
  return resolver;
}

/**
 * One resolver per platform, so the statement store can tell that writes share one and resolve
 * them together (statement-store.ts). Resolvers hold no state: one per platform id ever seen.
 */
const resolverByPlatform = new Map<string, ResolveActors>();

function resolverOfPlatform(platformId: string | null): ResolveActors {
  return async (executor, actors) => {
    if (platformId === null) return actors.map(() => null);
    const agents = actors.map((actor) => (actor.objectType === 'Group' ? null : actor));
    const distinct = (values: (string | undefined)[]) => [
      ...new Set(values.filter((value) => value !== undefined)),
    ];
    const names = distinct(agents.map((agent) => agent?.account?.name));
    const emails = distinct(
      agents.map((agent) =>
        !agent?.account && agent?.mbox
          ? agent.mbox.slice('mailto:'.length).toLowerCase()
          : undefined,
      ),
    );
    const sha1sums = distinct(
      agents.map((agent) =>
        !agent?.account && !agent?.mbox ? agent?.mbox_sha1sum?.toLowerCase() : undefined,
      ),
    );
    const [accounts, mailboxes, hashes] = await Promise.all([
      names.length === 0 ? null : usersByAccountName(executor, platformId, names),
      emails.length === 0 ? null : usersByUniqueValue(executor, platformId, 'email', emails),
      sha1sums.length === 0 ? null : usersByUniqueValue(executor, platformId, 'sha1', sha1sums),
    ]);
    return agents.map((agent) => {
      if (agent?.account) {
        if (!accounts || normaliseUrl(agent.account.homePage) !== accounts.homePage) return null;
        return accounts.ids.get(agent.account.name) ?? null;
      }
      if (agent?.mbox) {
        return mailboxes?.get(agent.mbox.slice('mailto:'.length).toLowerCase()) ?? null;
      }
      if (agent?.mbox_sha1sum) return hashes?.get(agent.mbox_sha1sum.toLowerCase()) ?? null;
      return null;
    });
  };
}

/**
 * The queries of usersByAccountName, built once and run as prepared statements: they run for
 * every statement an LMS sends, and building them with Drizzle each time cost more than running
 * them. The usual write names one learner, whose query PostgreSQL soon plans once for all names;
 * for a list of names it plans each run, knowing the list's length.
 */
const usersByAccountNameQueries = {
  one: usersByAccountNameQuery(sql`= ${sql.placeholder('name')}`),
  several: usersByAccountNameQuery(sql`= any(${sql.placeholder('names')}::text[])`),
};

function usersByAccountNameQuery(isAmongNames: SQL) {
  return buildQuery(
    sql`select ${platforms.issuer}, ${platforms.xapiAccountName}, ${platforms.xapiAccountHomePage},
        ${users.sub}, ${users.username}, ${users.id}
      from ${platforms}
      left join ${users} on ${users.platformId} = ${platforms.id}
        and (${users.sub} ${isAmongNames} or ${users.username} ${isAmongNames})
     where ${platforms.id} = ${sql.placeholder('platformId')}`,
  );
}

/**
 * The platform emitter's normalised account home page and, by account name (the `sub` or the
 * username, as the platform's `xapiAccountName` says), its users among `names`; null for no
 * platform.
 */
async function usersByAccountName(
  executor: Executor,
  platformId: string,
  names: readonly string[],
): Promise<{ homePage: string; ids: Map<string, string> } | null> {
  const rows = rowsOf<{
    issuer: string;
    xapi_account_name: PlatformActorSettings['xapiAccountName'];
    xapi_account_home_page: string | null;
    sub: string | null;
    username: string | null;
    id: string | null;
  }>(
    names.length === 1
      ? await executeBuilt(
          executor,
          usersByAccountNameQueries.one,
          { platformId, name: names[0] },
          { name: 'microcred_users_by_account_name' },
        )
      : await executeBuilt(
          executor,
          usersByAccountNameQueries.several,
          { platformId, names: makePgArray([...names]) },
          { name: 'microcred_users_by_account_names' },
        ),
  );
  const [first] = rows;
  if (!first) return null;
  const byName = new Map<string, string[]>();
  for (const row of rows) {
    const name = first.xapi_account_name === 'username' ? row.username : row.sub;
    if (name && row.id) byName.set(name, [...(byName.get(name) ?? []), row.id]);
  }
  return {
    homePage: accountHomePage({
      issuer: first.issuer,
      xapiAccountName: first.xapi_account_name,
      xapiAccountHomePage: first.xapi_account_home_page,
    }),
    // A username two users share names neither.
    ids: new Map([...byName].flatMap(([name, ids]) => (ids.length === 1 ? [[name, ids[0]!]] : []))),
  };
}

/**
 * The queries of usersByUniqueValue by kind, built once and run as prepared statements (see
 * usersByAccountNameQueries).
 */
const usersByUniqueValueQueries = {
  email: usersByUniqueValueQuery(sql`lower(${users.email})`),
  sha1: usersByUniqueValueQuery(sql`${users.mboxSha1sum}`),
};

function usersByUniqueValueQuery(value: SQL) {
  return buildQuery(
    sql`select ${value} as value, min(${users.id}::text) as id, count(*)::int as count
      from ${users}
     where ${users.platformId} = ${sql.placeholder('platformId')}
       and ${value} = any(${sql.placeholder('values')}::text[])
     group by 1`,
  );
}

/** By lower-case email or mbox_sha1sum, the platform's users among `values` no other shares. */
async function usersByUniqueValue(
  executor: Executor,
  platformId: string,
  kind: 'email' | 'sha1',
  values: readonly string[],
): Promise<Map<string, string>> {
  const rows = rowsOf<{ value: string; id: string; count: number }>(
    await executeBuilt(
      executor,
      usersByUniqueValueQueries[kind],
      { platformId, values: makePgArray([...values]) },
      { name: `microcred_users_by_${kind}` },
    ),
  );
  return new Map(rows.flatMap((row) => (row.count === 1 ? [[row.value, row.id]] : [])));
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
