import { eq } from 'drizzle-orm';
import type { Db } from '../../src/db/database.js';
import { cmi5Packages, courses, h5pPackages } from '../../src/db/schema.js';
import { launchInto } from '../web/teacher-course-world.js';
import type { Browser, BrowserResponse } from './http-client.js';
import type { TestLms } from './test-lms.js';
import type { TestTool } from './test-tool.js';
import { startToolWithLms } from './tool-with-lms.js';

/** Where each kind of content package is imported, and the imports a course holds. */
const KINDS = {
  cmi5: {
    api: '/api/cmi5/packages',
    imported: (db: Db, courseId: string) =>
      db
        .select({ id: cmi5Packages.id })
        .from(cmi5Packages)
        .where(eq(cmi5Packages.courseId, courseId)),
  },
  h5p: {
    api: '/api/h5p/packages',
    imported: (db: Db, courseId: string) =>
      db.select({ id: h5pPackages.id }).from(h5pPackages).where(eq(h5pPackages.courseId, courseId)),
  },
};

/**
 * A course of the test LMS whose teacher imports content packages of one kind, for the HTTP
 * tests of the import pages and API: the tool and the LMS, the teacher launched into the course,
 * and the kind's import API.
 */
export interface ContentPackageCourse {
  readonly tool: TestTool;
  readonly lms: TestLms;
  readonly teacher: Browser;
  /** The tool's id of the course. */
  readonly courseId: string;
  db(): Db;
  /** Posts a package to the kind's import API as `browser` does; a zip unless `type` says. */
  postPackage(browser: Browser, body: Buffer | string, type?: string): Promise<BrowserResponse>;
  /** How many packages of the kind the course holds. */
  packageCount(): Promise<number>;
  close(): Promise<void>;
}

export async function startContentPackageCourse(
  kind: keyof typeof KINDS,
  course: { contextId: string; teacherId: string },
): Promise<ContentPackageCourse> {
  const { tool, lms, close } = await startToolWithLms();
  const teacher = await launchInto(lms, course.contextId, { id: course.teacherId }, 'teacher');
  const db = () => tool.current().database.db;
  const [row] = await db()
    .select({ id: courses.id })
    .from(courses)
    .where(eq(courses.contextId, course.contextId));
  if (!row) throw new Error(`The launch into ${course.contextId} made no course`);
  const { api, imported } = KINDS[kind];
  return {
    tool,
    lms,
    teacher,
    courseId: row.id,
    db,
    postPackage: (browser, body, type = 'application/zip') =>
      browser.request(`${tool.url}${api}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      }),
    packageCount: async () => (await imported(db(), row.id)).length,
    close,
  };
}
