/**
 * Storage of imported H5P packages (tables `h5p_packages` and `h5p_package_files`).
 *
 * Contract:
 * - `insertH5pPackage` writes a package row and all its files; run it in the caller's
 *   transaction so that a failed import leaves nothing behind. Each import is a new package id
 *   (and so a new activity): launch URLs and rules made before keep their content.
 * - `findH5pPackageFile` answers a file only for the package id and exact path it was stored under.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { h5pPackageFiles, h5pPackages } from '../../db/schema.js';
import type { ReadH5pPackage } from './read-h5p-package.js';

export type StoredH5pPackage = Omit<typeof h5pPackages.$inferSelect, 'courseId'> & {
  readonly courseId: string;
};

/** Rows per insert: keeps each statement's parameters and size moderate. */
const FILES_PER_INSERT = 200;

/** The activity IRI of an H5P package: under the tool, one per import. */
export function h5pActivityIri(publicUrl: string, packageId: string): string {
  return `${publicUrl.replace(/\/$/, '')}/h5p/${packageId}`;
}

/**
 * The page that plays an H5P package (web/h5p-content-router.ts), on the content host: content
 * launches open it.
 */
export function h5pPlayerUrl(contentUrl: string, packageId: string): string {
  return `${contentUrl.replace(/\/$/, '')}/content/h5p/${packageId}/player`;
}

export async function insertH5pPackage(
  tx: Executor,
  courseId: string,
  read: ReadH5pPackage,
): Promise<StoredH5pPackage> {
  const files = [...read.files];
  const [row] = await tx
    .insert(h5pPackages)
    .values({
      courseId,
      title: read.title,
      mainLibrary: read.mainLibrary,
      fileCount: files.length,
      totalBytes: files.reduce((sum, [, body]) => sum + body.length, 0),
    })
    .returning();
  if (!row) throw new Error('inserting an H5P package returned no row');
  for (let start = 0; start < files.length; start += FILES_PER_INSERT) {
    await tx.insert(h5pPackageFiles).values(
      files.slice(start, start + FILES_PER_INSERT).map(([path, body]) => ({
        packageId: row.id,
        path,
        body,
      })),
    );
  }
  return row;
}

export async function findH5pPackageFile(
  db: Executor,
  packageId: string,
  path: string,
): Promise<Buffer | null> {
  const [row] = await db
    .select({ body: h5pPackageFiles.body })
    .from(h5pPackageFiles)
    .where(and(eq(h5pPackageFiles.packageId, packageId), eq(h5pPackageFiles.path, path)));
  return row?.body ?? null;
}

export async function findH5pPackage(
  db: Executor,
  packageId: string,
): Promise<StoredH5pPackage | null> {
  const [row] = await db.select().from(h5pPackages).where(eq(h5pPackages.id, packageId));
  return row ?? null;
}

/** A course's H5P packages, newest first. */
export async function listCourseH5pPackages(
  db: Executor,
  courseId: string,
): Promise<StoredH5pPackage[]> {
  return db
    .select()
    .from(h5pPackages)
    .where(eq(h5pPackages.courseId, courseId))
    .orderBy(desc(h5pPackages.createdAt));
}
