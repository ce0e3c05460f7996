/**
 * The document store: state, activity profile and agent profile documents (xAPI Communication
 * 2.2 to 2.7) in `xapi_documents`, one Drizzle implementation for PGlite and PostgreSQL.
 *
 * Contract:
 * - a document is addressed by a `DocumentKey`; parts a kind does not use are '' (see schema);
 * - `readDocument(db, key)` returns the document or null;
 * - `listDocumentIds(db, scope, since)` returns the ids in `scope` updated strictly after
 *   `since` (all when absent), in id order;
 * - `writeDocument(...)` is one atomic read-check-write (the row is locked for update):
 *   preconditions first (xAPI Communication 3.1, RFC 9110 section 13: `If-Match` fails with
 *   412 when no document or another ETag; `If-None-Match` fails with 412 when a listed ETag or
 *   `*` matches the stored one), then, when `requireHeaderToReplace` is set and a PUT finds a
 *   document without either header, 409; a POST merges JSON objects one level deep (xAPI
 *   Communication 2.2, Document Merge) or stores the document when none exists, and refuses
 *   with 400 when either document is not a JSON object; it returns the new ETag;
 * - `deleteDocuments(...)` checks `If-Match` the same way for a single document, then deletes
 *   that document, or every document of the scope when no id is given.
 * ETags are the SHA-1 hex of the content (xAPI 1.0.3 Communication 3.1 asks for SHA-1).
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { xapiDocuments } from '../db/schema.js';
import { BadRequestError, ConflictError, MicrocredError } from '../errors.js';

export type DocumentKind = (typeof xapiDocuments.$inferSelect)['kind'];

/** Which documents: a kind with its activity, agent and registration ('' where unused). */
export interface DocumentScope {
  readonly kind: DocumentKind;
  readonly activityId: string;
  readonly agentKey: string;
  /** '' for none; null, when deleting, for every registration. */
  readonly registration: string | null;
}

export interface DocumentKey extends DocumentScope {
  readonly registration: string;
  readonly documentId: string;
}

export interface XapiDocument {
  readonly contentType: string;
  readonly content: Buffer;
  readonly etag: string;
  readonly updated: Date;
}

/** The HTTP preconditions of a write, as the client sent them. */
export interface Preconditions {
  readonly ifMatch?: string | undefined;
  readonly ifNoneMatch?: string | undefined;
}

/** 412: a precondition the client sent does not hold (RFC 9110 section 15.5.13). */
export class XapiPreconditionFailedError extends MicrocredError {
  override readonly code = 'XAPI_PRECONDITION_FAILED';
  override readonly status = 412;
  override readonly expose = true;
}

/** 409: a PUT would overwrite a document the client did not say it knows. */
export class XapiDocumentConflictError extends ConflictError {
  override readonly code = 'XAPI_DOCUMENT_CONFLICT';
}

export async function readDocument(db: Executor, key: DocumentKey): Promise<XapiDocument | null> {
  const [row] = await db.select().from(xapiDocuments).where(keyCondition(key)).limit(1);
  return row ? toDocument(row) : null;
}

export async function listDocumentIds(
  db: Executor,
  scope: DocumentScope,
  since?: Date,
): Promise<string[]> {
  const rows = await db
    .select({ documentId: xapiDocuments.documentId })
    .from(xapiDocuments)
    .where(and(scopeCondition(scope), since ? gt(xapiDocuments.updated, since) : undefined) as SQL)
    .orderBy(asc(xapiDocuments.documentId));
  return rows.map((row) => row.documentId);
}

/** One atomic write; see the contract at the top of this file. */
export async function writeDocument({
  db,
  key,
  method,
  contentType,
  content,
  preconditions,
  requireHeaderToReplace,
  requireHeaderToCreate = false,
  now = new Date(),
}: {
  db: Executor;
  key: DocumentKey;
  method: 'PUT' | 'POST';
  contentType: string;
  content: Buffer;
  preconditions: Preconditions;
  requireHeaderToReplace: boolean;
  /** A PUT without If-Match or If-None-Match is refused with 400 even when nothing exists. */
  requireHeaderToCreate?: boolean;
  now?: Date;
}): Promise<string> {
  return db.transaction(async (tx) => {
    // `for update` locks a row that exists; this lock also covers the first write, so that two
    // POSTs creating a document merge instead of one replacing the other.
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtextextended(${JSON.stringify([
        key.kind,
        key.activityId,
        key.agentKey,
        key.registration,
        key.documentId,
      ])}, 0))`,
    );
    const [row] = await tx.select().from(xapiDocuments).where(keyCondition(key)).for('update');
    const existing = row ? toDocument(row) : null;
    checkPreconditions(existing, preconditions);
    let stored = { contentType, content };
    const hasHeader =
      preconditions.ifMatch !== undefined || preconditions.ifNoneMatch !== undefined;
    if (method === 'PUT' && existing && requireHeaderToReplace && !hasHeader) {
      throw new XapiDocumentConflictError(
        'A document already exists here: send If-Match with its ETag to replace it',
      );
    }
    if (method === 'PUT' && !existing && requireHeaderToCreate && !hasHeader) {
      throw new BadRequestError('Send If-None-Match: * to create this document');
    }
    if (method === 'POST') {
      const incoming = jsonObjectOf(contentType, content, 'The posted document');
      if (existing) {
        const current = jsonObjectOf(existing.contentType, existing.content, 'The stored document');
        stored = {
          contentType: 'application/json',
          content: Buffer.from(JSON.stringify({ ...current, ...incoming })),
        };
      }
    }
    const etag = etagOf(stored.content);
    const values = {
      ...key,
      contentType: stored.contentType,
      contentBase64: stored.content.toString('base64'),
      etag,
      updated: now,
    };
    await tx
      .insert(xapiDocuments)
      .values(values)
      .onConflictDoUpdate({
        target: [
          xapiDocuments.kind,
          xapiDocuments.activityId,
          xapiDocuments.agentKey,
          xapiDocuments.registration,
          xapiDocuments.documentId,
        ],
        set: {
          contentType: values.contentType,
          contentBase64: values.contentBase64,
          etag,
          updated: now,
        },
      });
    return etag;
  });
}

/** Deletes one document (`documentId` set) or all of a scope; see the contract. */
export async function deleteDocuments({
  db,
  scope,
  documentId,
  preconditions,
}: {
  db: Executor;
  scope: DocumentScope;
  documentId?: string | undefined;
  preconditions: Preconditions;
}): Promise<void> {
  await db.transaction(async (tx) => {
    if (documentId === undefined) {
      await tx.delete(xapiDocuments).where(scopeCondition(scope));
      return;
    }
    const key = { ...scope, registration: scope.registration ?? '', documentId };
    const [row] = await tx.select().from(xapiDocuments).where(keyCondition(key)).for('update');
    checkPreconditions(row ? toDocument(row) : null, preconditions);
    await tx.delete(xapiDocuments).where(keyCondition(key));
  });
}

export function etagOf(content: Buffer): string {
  return createHash('sha1').update(content).digest('hex');
}

/** Whether a media type is JSON (`application/json`, any parameters). */
export function isJsonMediaType(contentType: string): boolean {
  return contentType.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function jsonObjectOf(contentType: string, content: Buffer, what: string): Record<string, unknown> {
  if (!isJsonMediaType(contentType)) {
    throw new BadRequestError(`${what} is not application/json, so the documents cannot merge`);
  }
  let value: unknown;
  try {
    value = JSON.parse(content.toString('utf8'));
  } catch {
    throw new BadRequestError(`${what} is not valid JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadRequestError(`${what} is not a JSON object, so the documents cannot merge`);
  }
  return value as Record<string, unknown>;
}

function checkPreconditions(existing: XapiDocument | null, preconditions: Preconditions): void {
  const { ifMatch, ifNoneMatch } = preconditions;
  if (ifMatch !== undefined) {
    const tags = entityTags(ifMatch);
    if (!existing || !(tags.includes('*') || tags.includes(existing.etag))) {
      throw new XapiPreconditionFailedError('If-Match does not match the current document');
    }
  }
  if (ifNoneMatch !== undefined && existing) {
    const tags = entityTags(ifNoneMatch);
    if (tags.includes('*') || tags.includes(existing.etag)) {
      throw new XapiPreconditionFailedError('If-None-Match matches the current document');
    }
  }
}

/** The entity tags of an If-Match or If-None-Match header, without quotes or weak markers. */
function entityTags(header: string): string[] {
  return header
    .split(',')
    .map((tag) =>
      tag
        .trim()
        .replace(/^W\//, '')
        .replace(/^"(.*)"$/, '$1'),
    )
    .filter((tag) => tag !== '');
}

function scopeCondition(scope: DocumentScope): SQL {
  return and(
    eq(xapiDocuments.kind, scope.kind),
    eq(xapiDocuments.activityId, scope.activityId),
    eq(xapiDocuments.agentKey, scope.agentKey),
    scope.registration === null ? undefined : eq(xapiDocuments.registration, scope.registration),
  ) as SQL;
}

function keyCondition(key: DocumentKey): SQL {
  return and(scopeCondition(key), eq(xapiDocuments.documentId, key.documentId)) as SQL;
}

function toDocument(row: typeof xapiDocuments.$inferSelect): XapiDocument {
  return {
    contentType: row.contentType,
    content: Buffer.from(row.contentBase64, 'base64'),
    etag: row.etag,
    updated: row.updated,
  };
}
