/**
 * What the administrator sees of each xAPI credential's use: the last request that stored
 * statements, the last refused one with its reason, and how many were refused. A server-side
 * emitter (Moodle's logstore_xapi) fails quietly on its side, so this is where a wrong secret
 * or a statement the LRS refuses shows up.
 *
 * Successes are recorded at most once per SUCCESS_RECORD_INTERVAL_MS per credential and
 * database handle, so a busy emitter costs no write per request; refusals are each counted.
 */
import { asc, desc, eq, notInArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { platforms, xapiCredentials, xapiUnknownKeyRefusals } from '../db/schema.js';

const SUCCESS_RECORD_INTERVAL_MS = 60_000;
/** Refusal messages can quote a statement; the stored reason is cut to this many characters. */
const MAX_REASON_LENGTH = 500;
/** Unknown keys are anyone's to send: only this many, the most recent, are kept, each cut short. */
const UNKNOWN_KEYS_KEPT = 20;
const MAX_UNKNOWN_KEY_LENGTH = 64;

export interface UnknownKeyRefusal {
  readonly key: string;
  readonly refusedCount: number;
  readonly lastRefusedAt: Date;
}

export interface XapiCredentialUsage {
  readonly key: string;
  readonly name: string;
  /** The platform whose statements this credential sends (source `platform`), or null: content. */
  readonly platform: { readonly id: string; readonly name: string; readonly issuer: string } | null;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  readonly lastSuccessAt: Date | null;
  readonly lastFailure: {
    readonly at: Date;
    readonly code: string;
    readonly reason: string;
  } | null;
  readonly refusedCount: number;
}

const lastRecordedByDatabase = new WeakMap<object, Map<string, number>>();

/** Records that a request with this credential stored statements. */
export async function recordCredentialSuccess({
  db,
  key,
  now = new Date(),
}: {
  db: Executor;
  key: string;
  now?: Date;
}): Promise<void> {
  let recorded = lastRecordedByDatabase.get(db);
  if (!recorded) {
    recorded = new Map();
    lastRecordedByDatabase.set(db, recorded);
  }
  const last = recorded.get(key);
  if (last !== undefined && now.getTime() - last < SUCCESS_RECORD_INTERVAL_MS) return;
  recorded.set(key, now.getTime());
  await db.update(xapiCredentials).set({ lastSuccessAt: now }).where(eq(xapiCredentials.key, key));
}

/** Counts a refused request made with this credential's key and keeps it as the last failure. */
export async function recordCredentialRefusal({
  db,
  key,
  code,
  reason,
  now = new Date(),
}: {
  db: Executor;
  key: string;
  code: string;
  reason: string;
  now?: Date;
}): Promise<void> {
  await db
    .update(xapiCredentials)
    .set({
      lastFailureAt: now,
      lastFailureCode: code,
      lastFailureReason: reason.slice(0, MAX_REASON_LENGTH),
      refusedCount: sql`${xapiCredentials.refusedCount} + 1`,
    })
    .where(eq(xapiCredentials.key, key));
}

/** Every xAPI credential, revoked ones included, oldest first. */
export async function listXapiCredentialUsage(db: Executor): Promise<XapiCredentialUsage[]> {
  const rows = await db
    .select({
      credential: xapiCredentials,
      platform: { id: platforms.id, name: platforms.name, issuer: platforms.issuer },
    })
    .from(xapiCredentials)
    .leftJoin(platforms, eq(platforms.id, xapiCredentials.platformId))
    .orderBy(asc(xapiCredentials.createdAt), asc(xapiCredentials.key));
  return rows.map(({ credential, platform }) => ({
    key: credential.key,
    name: credential.name,
    platform,
    createdAt: credential.createdAt,
    revokedAt: credential.revokedAt,
    lastSuccessAt: credential.lastSuccessAt,
    lastFailure:
      credential.lastFailureAt && credential.lastFailureCode
        ? {
            at: credential.lastFailureAt,
            code: credential.lastFailureCode,
            reason: credential.lastFailureReason ?? '',
          }
        : null,
    refusedCount: credential.refusedCount,
  }));
}

/** Counts a request refused because no credential has its key; keeps the most recent keys only. */
export async function recordUnknownKeyRefusal({
  db,
  key,
  now = new Date(),
}: {
  db: Executor;
  key: string;
  now?: Date;
}): Promise<void> {
  await db
    .insert(xapiUnknownKeyRefusals)
    .values({ key: key.slice(0, MAX_UNKNOWN_KEY_LENGTH), lastRefusedAt: now })
    .onConflictDoUpdate({
      target: xapiUnknownKeyRefusals.key,
      set: {
        refusedCount: sql`${xapiUnknownKeyRefusals.refusedCount} + 1`,
        lastRefusedAt: now,
      },
    });
  const kept = db
    .select({ key: xapiUnknownKeyRefusals.key })
    .from(xapiUnknownKeyRefusals)
    .orderBy(desc(xapiUnknownKeyRefusals.lastRefusedAt))
    .limit(UNKNOWN_KEYS_KEPT);
  await db.delete(xapiUnknownKeyRefusals).where(notInArray(xapiUnknownKeyRefusals.key, kept));
}

/** The keys no credential has that requests were refused for, most recent first. */
export async function listUnknownKeyRefusals(db: Executor): Promise<UnknownKeyRefusal[]> {
  return db
    .select()
    .from(xapiUnknownKeyRefusals)
    .orderBy(desc(xapiUnknownKeyRefusals.lastRefusedAt));
}
