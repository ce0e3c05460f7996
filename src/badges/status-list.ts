import { gunzipSync, gzipSync } from 'node:zlib';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/database.js';
import { rowsOf } from '../db/raw-rows.js';
import { credentialRecords, credentialStatusChanges, statusLists } from '../db/schema.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { VC_V2_CONTEXT_URL } from './context-urls.js';

/**
 * Revocation with W3C Bitstring Status List v1.0: each credential gets one index in one of its
 * issuer's lists (`credentialStatus` BitstringStatusListEntry); the list is published as a
 * signed BitstringStatusListCredential whose bit at that index is 1 while it is revoked.
 */

/** §2.1: at least 16 KB (131,072 entries), so that one list hides who was revoked. */
export const STATUS_LIST_SIZE = 131_072;

export function statusListUrl(publicUrl: string, listId: string): string {
  return `${publicUrl}/status-lists/${listId}`;
}

/**
 * Hands out the next `count` free indexes of the issuer's open lists, in order, opening a new
 * list when all are full. Atomic: concurrent callers never get the same index. One round trip
 * for the whole count while the open list has room.
 */
export async function allocateStatusIndexes(
  db: Db,
  issuerProfileId: string,
  count: number,
): Promise<{ statusListId: string; statusIndex: number }[]> {
  if (!Number.isInteger(count) || count < 1)
    throw new TypeError('count must be a positive integer');
  const entries: { statusListId: string; statusIndex: number }[] = [];
  for (let attempt = 0; entries.length < count; attempt += 1) {
    if (attempt >= count + 3) {
      throw new Error(`Could not allocate status list indexes for issuer ${issuerProfileId}`);
    }
    const wanted = count - entries.length;
    // The row lock of `for update` makes the subquery see the latest next_index.
    const result = await db.execute(sql`
      update ${statusLists} set next_index = least(size, next_index + ${wanted})
      from (select id, next_index as first from ${statusLists}
             where issuer_profile_id = ${issuerProfileId} and next_index < size
             order by created_at limit 1 for update) as open
      where ${statusLists.id} = open.id
      returning open.id as id, open.first as first, ${statusLists.nextIndex} as next`);
    const [taken] = rowsOf<{ id: string; first: number; next: number }>(result);
    if (!taken) {
      await db.insert(statusLists).values({ issuerProfileId, size: STATUS_LIST_SIZE });
      continue;
    }
    for (let index = Number(taken.first); index < Number(taken.next); index += 1) {
      entries.push({ statusListId: taken.id, statusIndex: index });
    }
  }
  return entries;
}

/**
 * The status list's `encodedList` (§2.2): the bitstring, most significant bit first, GZIP
 * compressed, base64url, with the multibase prefix `u`.
 */
export function encodeBitstring(size: number, setIndexes: readonly number[]): string {
  const bytes = Buffer.alloc(Math.ceil(size / 8));
  for (const index of setIndexes) {
    const byte = bytes[index >> 3] ?? 0;
    bytes[index >> 3] = byte | (0x80 >> (index & 7));
  }
  return `u${gzipSync(bytes).toString('base64url')}`;
}

/** Reads one bit of an `encodedList`; throws TypeError for a malformed list or index. */
export function readBit(encodedList: string, index: number): boolean {
  if (!encodedList.startsWith('u')) throw new TypeError('encodedList must be multibase base64url');
  const bytes = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
  if (!Number.isInteger(index) || index < 0 || index >= bytes.length * 8) {
    throw new TypeError(`Status index ${index} is outside the list`);
  }
  return ((bytes[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;
}

/** The unsigned BitstringStatusListCredential of one list, or null for an unknown list. */
export async function buildStatusListCredential(options: {
  db: Executor;
  publicUrl: string;
  issuerDidOf: (issuerProfileId: string) => string;
  listId: string;
  now: Date;
}): Promise<Record<string, unknown> | null> {
  const { db, publicUrl, listId, now } = options;
  if (!/^[0-9a-f-]{36}$/i.test(listId)) return null;
  const [list] = await db.select().from(statusLists).where(eq(statusLists.id, listId));
  if (!list) return null;
  const revoked = await db
    .select({ index: credentialRecords.statusIndex })
    .from(credentialRecords)
    .where(
      and(
        eq(credentialRecords.statusListId, listId),
        sql`${credentialRecords.revokedAt} is not null`,
      ),
    )
    .orderBy(asc(credentialRecords.statusIndex));
  const url = statusListUrl(publicUrl, listId);
  return {
    '@context': [VC_V2_CONTEXT_URL],
    id: url,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: options.issuerDidOf(list.issuerProfileId),
    validFrom: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    credentialSubject: {
      id: `${url}#list`,
      type: 'BitstringStatusList',
      statusPurpose: list.purpose,
      encodedList: encodeBitstring(
        list.size,
        revoked.map((row) => row.index),
      ),
    },
  };
}

export type StatusChange = {
  credentialId: string;
  action: 'revoke' | 'reinstate';
  reason: string;
  actor: string | null;
};

/**
 * Revokes or reinstates a credential and records who did it and why, in one transaction; the
 * published status list reflects it at its next read. Throws NotFoundError for an unknown
 * credential, ConflictError when it is already in the asked state, TypeError without a reason.
 */
export async function changeCredentialStatus(db: Db, change: StatusChange): Promise<void> {
  if (change.reason.trim() === '') throw new TypeError('A reason is required');
  await db.transaction(async (tx) => {
    const [record] = await tx
      .select({ revokedAt: credentialRecords.revokedAt })
      .from(credentialRecords)
      .where(eq(credentialRecords.id, change.credentialId))
      .for('update');
    if (!record) throw new NotFoundError(`No credential ${change.credentialId} was issued here`);
    const isRevoked = record.revokedAt !== null;
    if ((change.action === 'revoke') === isRevoked) {
      throw new ConflictError(
        `Credential ${change.credentialId} is already ${isRevoked ? 'revoked' : 'valid'}`,
      );
    }
    await tx
      .update(credentialRecords)
      .set({ revokedAt: change.action === 'revoke' ? new Date() : null })
      .where(eq(credentialRecords.id, change.credentialId));
    await tx.insert(credentialStatusChanges).values({
      credentialId: change.credentialId,
      action: change.action,
      reason: change.reason.trim(),
      actor: change.actor,
    });
  });
}

/** The status history of a credential, oldest first. */
export async function listStatusChanges(db: Executor, credentialId: string) {
  return db
    .select()
    .from(credentialStatusChanges)
    .where(eq(credentialStatusChanges.credentialId, credentialId))
    .orderBy(asc(credentialStatusChanges.id));
}
