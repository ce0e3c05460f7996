/** Attachment contents (xAPI Data 2.4.11), stored once each by their SHA-256. */
import { inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { xapiAttachments } from '../db/schema.js';

/** Attachment content by its SHA-256 hex (xAPI Data 2.4.11). */
export interface AttachmentContent {
  readonly sha2: string;
  readonly contentType: string;
  readonly content: Buffer;
}

/** The stored contents among `hashes`, in that order; unknown hashes are left out. */
export async function readAttachments(
  db: Executor,
  hashes: readonly string[],
): Promise<AttachmentContent[]> {
  if (hashes.length === 0) return [];
  const rows = await db
    .select()
    .from(xapiAttachments)
    .where(inArray(xapiAttachments.sha2, [...hashes]));
  const bySha2 = new Map(rows.map((row) => [row.sha2, row]));
  return hashes.flatMap((sha2) => {
    const row = bySha2.get(sha2);
    return row
      ? [{ sha2, contentType: row.contentType, content: Buffer.from(row.contentBase64, 'base64') }]
      : [];
  });
}

/** Stores the contents inside the statements' transaction; a content already stored is kept. */
export async function storeAttachmentContents(
  tx: Executor,
  attachments: readonly AttachmentContent[],
): Promise<void> {
  if (attachments.length > 0) {
    await tx
      .insert(xapiAttachments)
      .values(
        attachments.map((attachment) => ({
          sha2: attachment.sha2,
          contentType: attachment.contentType,
          contentBase64: attachment.content.toString('base64'),
        })),
      )
      .onConflictDoNothing({ target: xapiAttachments.sha2 });
  }
}
