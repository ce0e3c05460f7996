/**
 * Storage of imported cmi5 packages (tables `cmi5_packages` and `cmi5_package_files`).
 *
 * Contract:
 * - `insertPackage` writes a package row and all its files; run it in the caller's transaction
 *   so that a failed import leaves nothing behind. It never replaces an earlier package: each
 *   import is a new package id, so launch URLs handed out before keep their content.
 * - `findPackageFile` answers a file only for the package id and exact path it was stored under.
 * - `deletePackage` removes a package of the course with its files and, when it is the package
 *   the cmi5 course currently comes from, that cmi5 course with its blocks, AUs, registrations
 *   and sessions; statements already stored stay in the LRS. Run it in a transaction.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { cmi5Courses, cmi5PackageFiles, cmi5Packages } from '../../db/schema.js';
import type { Cmi5Course } from './course-structure.js';
import type { ReadPackage } from './read-package.js';

export interface StoredPackage {
  readonly id: string;
  readonly courseId: string;
  readonly course: Cmi5Course;
  readonly hasFiles: boolean;
  readonly fileCount: number;
  readonly totalBytes: number;
  readonly createdAt: Date;
}

/** Rows per insert: keeps each statement's parameters and size moderate. */
const FILES_PER_INSERT = 200;

export async function insertPackage(
  tx: Executor,
  courseId: string,
  read: ReadPackage,
): Promise<StoredPackage> {
  const files = [...(read.files ?? new Map<string, Buffer>())];
  const totalBytes = files.reduce((sum, [, body]) => sum + body.length, 0);
  const [row] = await tx
    .insert(cmi5Packages)
    .values({
      courseId,
      cmi5CourseId: read.course.id,
      structure: read.course,
      hasFiles: read.files !== null,
      fileCount: files.length,
      totalBytes,
    })
    .returning();
  if (!row) throw new Error('inserting a cmi5 package returned no row');
  for (let start = 0; start < files.length; start += FILES_PER_INSERT) {
    await tx.insert(cmi5PackageFiles).values(
      files.slice(start, start + FILES_PER_INSERT).map(([path, body]) => ({
        packageId: row.id,
        path,
        body,
      })),
    );
  }
  return toStoredPackage(row);
}

export async function findPackageFile(
  db: Executor,
  packageId: string,
  path: string,
): Promise<Buffer | null> {
  const [row] = await db
    .select({ body: cmi5PackageFiles.body })
    .from(cmi5PackageFiles)
    .where(and(eq(cmi5PackageFiles.packageId, packageId), eq(cmi5PackageFiles.path, path)));
  return row?.body ?? null;
}

/** A course's packages, newest first. */
export async function listCoursePackages(db: Executor, courseId: string): Promise<StoredPackage[]> {
  const rows = await db
    .select()
    .from(cmi5Packages)
    .where(eq(cmi5Packages.courseId, courseId))
    .orderBy(desc(cmi5Packages.createdAt));
  return rows.map(toStoredPackage);
}

/** Resolves false when the course has no package with this id. */
export async function deletePackage(
  tx: Executor,
  courseId: string,
  packageId: string,
): Promise<boolean> {
  const deleted = await tx
    .delete(cmi5Packages)
    .where(and(eq(cmi5Packages.id, packageId), eq(cmi5Packages.courseId, courseId)))
    .returning({ id: cmi5Packages.id });
  if (deleted.length === 0) return false;
  await tx
    .delete(cmi5Courses)
    .where(and(eq(cmi5Courses.courseId, courseId), eq(cmi5Courses.packageId, packageId)));
  return true;
}

export async function findPackage(db: Executor, packageId: string): Promise<StoredPackage | null> {
  const [row] = await db.select().from(cmi5Packages).where(eq(cmi5Packages.id, packageId));
  return row ? toStoredPackage(row) : null;
}

function toStoredPackage(row: typeof cmi5Packages.$inferSelect): StoredPackage {
  return {
    id: row.id,
    courseId: row.courseId,
    course: row.structure as Cmi5Course,
    hasFiles: row.hasFiles,
    fileCount: row.fileCount,
    totalBytes: row.totalBytes,
    createdAt: row.createdAt,
  };
}
