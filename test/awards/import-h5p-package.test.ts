import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCourseActivity } from '../../src/awards/course-activities.js';
import { importH5pPackage } from '../../src/awards/import-h5p-package.js';
import { h5pPackageFiles, h5pPackages } from '../../src/db/schema.js';
import { H5pContentHostMissingError } from '../../src/xapi/h5p-package/h5p-package-problem.js';
import { createTestDatabase } from '../support/test-database.js';
import { h5pOf } from '../support/h5p-packages.js';
import { givenCourse, PUBLIC_URL } from './award-fixtures.js';

const CONTENT_URL = 'https://content.tool.example';

describe('importH5pPackage', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let courseId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    courseId = (await givenCourse(database.db)).course.id;
  });
  afterAll(() => database?.close());

  it('stores the package with its files and describes it as an activity played on the content host', async () => {
    const imported = await importH5pPackage({
      db: database.db,
      courseId,
      publicUrl: PUBLIC_URL,
      contentUrl: CONTENT_URL,
      bytes: await h5pOf('true-false'),
    });
    expect(imported.activityId).toBe(`${PUBLIC_URL}/h5p/${imported.stored.id}`);
    expect(imported.playerUrl).toBe(`${CONTENT_URL}/content/h5p/${imported.stored.id}/player`);
    expect(await findCourseActivity(database.db, courseId, imported.activityId)).toEqual({
      activityId: imported.activityId,
      name: 'Photosynthesis: true or false',
      names: {},
      launchUrl: imported.playerUrl,
      tags: {},
    });
    const files = await database.db
      .select({ path: h5pPackageFiles.path })
      .from(h5pPackageFiles)
      .where(eq(h5pPackageFiles.packageId, imported.stored.id));
    expect(files).toHaveLength(imported.stored.fileCount);
    expect(files.map((file) => file.path)).toContain('content/content.json');
  });

  it('refuses, storing nothing, when the tool has no content host to play H5P on', async () => {
    const before = (await database.db.select().from(h5pPackages)).length;
    const refusal = importH5pPackage({
      db: database.db,
      courseId,
      publicUrl: PUBLIC_URL,
      contentUrl: undefined,
      bytes: await h5pOf('true-false'),
    });
    await expect(refusal).rejects.toBeInstanceOf(H5pContentHostMissingError);
    await expect(refusal).rejects.toMatchObject({ code: 'H5P_CONTENT_URL_MISSING', status: 503 });
    expect((await database.db.select().from(h5pPackages)).length).toBe(before);
  });
});
