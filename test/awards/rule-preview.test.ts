import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewRule } from '../../src/awards/rule-preview.js';
import type { Database } from '../../src/db/database.js';
import { createTestDatabase } from '../support/test-database.js';
import { exam, givenCourse, givenLearner, store } from './award-fixtures.js';

describe('previewRule', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('previews who a rule would award without awarding anyone', async () => {
    const { db } = database;
    const place = await givenCourse(db);
    await givenLearner(db, place, 'preview-done');
    await givenLearner(db, place, 'preview-not-yet');
    await store(db, place, [{ sub: 'preview-done', activity: exam('preview') }]);
    const preview = await previewRule(db, place.course.id, {
      rule: { passed: exam('preview') },
      ects: 5,
    });
    expect(preview.map((p) => [p.sub, p.wouldBeAwarded, p.form])).toEqual([
      ['preview-done', true, 'micro-credential'],
      ['preview-not-yet', false, 'micro-credential'],
    ]);
  });
});
