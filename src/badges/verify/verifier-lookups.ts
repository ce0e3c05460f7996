import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { credentialRecords, credentialStatusChanges, statusLists } from '../../db/schema.js';
import type { DidResolver } from '../document-loader.js';
import { createIssuerDidResolver } from '../issuer-did-document.js';

/** A credential of ours at a status list entry: whether and why it was revoked. */
export type StatusEntry = {
  /** ISO date, or null while the credential is not revoked. */
  revokedAt: string | null;
  /** The reason given with the last revocation, when one was given. */
  revocationReason: string | null;
};

/**
 * What verification reads from our records, as plain data: our issuer DID documents and our
 * status list entries. Plain data, so that a worker thread can ask the thread that holds the
 * database (verification-pool.ts).
 */
export type VerifierLookups = {
  resolveDid: DidResolver;
  /** The entry at `index` of the status list `listId` (a UUID), or null when there is none. */
  findStatusEntry: (listId: string, index: number) => Promise<StatusEntry | null>;
};

export function createDatabaseLookups(options: {
  db: Executor;
  publicUrl: string;
}): VerifierLookups {
  const { db } = options;
  return {
    resolveDid: createIssuerDidResolver(options),
    async findStatusEntry(listId, index) {
      const [record] = await db
        .select({ id: credentialRecords.id, revokedAt: credentialRecords.revokedAt })
        .from(credentialRecords)
        .innerJoin(statusLists, eq(statusLists.id, credentialRecords.statusListId))
        .where(
          and(eq(credentialRecords.statusListId, listId), eq(credentialRecords.statusIndex, index)),
        );
      if (!record) return null;
      if (record.revokedAt === null) return { revokedAt: null, revocationReason: null };
      const [change] = await db
        .select({ reason: credentialStatusChanges.reason })
        .from(credentialStatusChanges)
        .where(
          and(
            eq(credentialStatusChanges.credentialId, record.id),
            eq(credentialStatusChanges.action, 'revoke'),
          ),
        )
        .orderBy(desc(credentialStatusChanges.id))
        .limit(1);
      return {
        revokedAt: record.revokedAt.toISOString(),
        revocationReason: change?.reason ?? null,
      };
    },
  };
}
