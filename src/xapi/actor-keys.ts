/**
 * The keys by which an xAPI actor names an LMS user, and the keys a known user answers to, so
 * a statement of a learner the tool does not know yet can be matched when the learner becomes
 * known (pending-statements.ts). Pure.
 */
import type { Actor } from './statement.js';

/** How a platform's xAPI emitter names its users (platforms.xapiAccountName and …HomePage). */
export interface PlatformActorSettings {
  readonly issuer: string;
  /** `account.name` is the LTI `sub` (the LMS user id) or the LMS username. */
  readonly xapiAccountName: 'lti-sub' | 'username';
  /** The `account.homePage` the emitter sends; null: the issuer. */
  readonly xapiAccountHomePage: string | null;
}

/** What the tool knows of a user of that platform. */
export interface KnownIdentity {
  readonly sub: string;
  readonly username: string | null;
  readonly email: string | null;
  readonly mboxSha1sum: string | null;
}

/**
 * The actor's key: its inverse functional identifier, normalised (an account's homePage as
 * `normaliseUrl` makes it, an mbox and an mbox_sha1sum in lower case). Every Group has the key
 * `group`, which no user answers to.
 */
export function actorKey(actor: Actor): string {
  if (actor.objectType === 'Group') return 'group';
  if (actor.mbox !== undefined) return `mbox ${actor.mbox.toLowerCase()}`;
  if (actor.mbox_sha1sum !== undefined) return `mbox_sha1sum ${actor.mbox_sha1sum.toLowerCase()}`;
  if (actor.openid !== undefined) return `openid ${actor.openid}`;
  return `account ${normaliseUrl(actor.account?.homePage ?? '')} ${actor.account?.name ?? ''}`;
}

/**
 * The actor keys that name this user: the account the platform's settings say its emitter
 * sends, and, when no other user of the platform has the same email (`isEmailUnique`), the
 * mbox and mbox_sha1sum of that email.
 */
export function actorKeysOf(
  identity: KnownIdentity,
  platform: PlatformActorSettings,
  isEmailUnique: boolean,
): string[] {
  const keys: string[] = [];
  const name = platform.xapiAccountName === 'username' ? identity.username : identity.sub;
  if (name) keys.push(`account ${accountHomePage(platform)} ${name}`);
  if (identity.email && isEmailUnique) {
    keys.push(`mbox mailto:${identity.email.toLowerCase()}`);
    if (identity.mboxSha1sum) keys.push(`mbox_sha1sum ${identity.mboxSha1sum.toLowerCase()}`);
  }
  return keys;
}

/** The normalised `account.homePage` of the platform's emitter. */
export function accountHomePage(platform: PlatformActorSettings): string {
  return normaliseUrl(platform.xapiAccountHomePage ?? platform.issuer);
}

/** The URL with scheme and host in lower case and without trailing slashes. */
export function normaliseUrl(url: string): string {
  const href = URL.canParse(url) ? new URL(url).href : url;
  return href.replace(/\/+$/, '');
}
