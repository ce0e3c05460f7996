import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCourseActivity } from '../../../src/awards/course-activities.js';
import {
  awards,
  cmi5Aus,
  cmi5Blocks,
  cmi5Courses,
  courses,
  statements,
  users,
} from '../../../src/db/schema.js';
import type { Browser } from '../../support/http-client.js';
import type { TestLms } from '../../support/test-lms.js';
import type { TestTool } from '../../support/test-tool.js';
import { startToolWithLms } from '../../support/tool-with-lms.js';
import { createAchievement, launchInto } from '../teacher-course-world.js';
import { cmi5Statement, send, startAu, VERB } from './cmi5-au-client.js';

const COURSE = 'cmi5-blocks-course';

/**
 * cmi5 section 9.3.9 over a course structure with a block, written as package import writes it:
 * course ⊃ { block ⊃ { quiz (Passed), intro (NotApplicable) }, essay (Completed) }.
 */
describe('cmi5 satisfied for blocks and the course', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let learner: Browser;
  const ids = { course: '', block: '', quiz: '', intro: '', essay: '', single: '' };

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms());
    const teacher = await launchInto(lms, COURSE, { id: 'b-teacher' }, 'teacher');
    learner = await launchInto(lms, COURSE, { id: 'b-learner' }, 'learner');
    const db = tool.current().database.db;
    const [course] = await db.select().from(courses).where(eq(courses.contextId, COURSE));
    const [cmi5Course] = await db
      .insert(cmi5Courses)
      .values({
        courseId: course!.id,
        courseIri: 'https://publisher.example/course',
        title: 'Ecology',
        source: 'package',
      })
      .returning();
    const [block] = await db
      .insert(cmi5Blocks)
      .values({
        cmi5CourseId: cmi5Course!.id,
        blockIri: 'https://publisher.example/block-1',
        title: 'Basics',
        position: 0,
      })
      .returning();
    const au = (
      auIri: string,
      moveOn: 'Passed' | 'NotApplicable' | 'Completed',
      position: number,
      inBlock: boolean,
    ) => ({
      cmi5CourseId: cmi5Course!.id,
      auIri,
      title: auIri,
      url: 'https://content.example/au.html',
      moveOn,
      position,
      parentBlockId: inBlock ? block!.id : null,
    });
    const [quiz, intro, essay] = await db
      .insert(cmi5Aus)
      .values([
        au('https://publisher.example/quiz', 'Passed', 1, true),
        au('https://publisher.example/intro', 'NotApplicable', 2, true),
        au('https://publisher.example/essay', 'Completed', 3, false),
      ])
      .returning();
    const [single] = await db
      .insert(cmi5Courses)
      .values({
        courseId: course!.id,
        courseIri: 'https://publisher.example/reading',
        title: 'Reading',
        source: 'package',
      })
      .returning();
    await db.insert(cmi5Aus).values({
      cmi5CourseId: single!.id,
      auIri: 'https://publisher.example/reading-au',
      title: 'Reading',
      url: 'https://content.example/reading.html',
      moveOn: 'NotApplicable',
      position: 0,
    });
    Object.assign(ids, {
      course: cmi5Course!.id,
      block: block!.id,
      quiz: quiz!.id,
      intro: intro!.id,
      essay: essay!.id,
      single: single!.id,
    });
    await upsertCourseActivity(db, course!.id, {
      activityId: blockIri(),
      name: 'Basics',
      names: {},
      launchUrl: null,
      tags: {},
    });
    await createAchievement(tool, teacher, { name: 'Basics', rule: { satisfied: blockIri() } });
  });
  afterAll(() => close?.());

  const db = () => tool.current().database.db;
  const blockIri = () => `${tool.url}/cmi5/blocks/${ids.block}`;

  async function launch(auId: string) {
    const { response } = await learner.request(`${tool.url}/course/cmi5/launch?au=${auId}`, {
      followRedirects: false,
    });
    expect(response.status).toBe(303);
    return startAu(new URL(response.headers.get('location')!));
  }

  async function satisfiedObjects() {
    const rows = await db()
      .select()
      .from(statements)
      .where(eq(statements.verbId, VERB('satisfied')));
    return rows.map((row) => row.activityId);
  }

  async function learnerAwards() {
    const [user] = await db().select().from(users).where(eq(users.sub, 'b-learner'));
    return db()
      .select()
      .from(awards)
      .where(and(eq(awards.userId, user!.id)));
  }

  it('satisfies a course of NotApplicable AUs when the registration begins (cmi5 section 9.6.1)', async () => {
    const [single] = await db().select().from(cmi5Aus).where(eq(cmi5Aus.cmi5CourseId, ids.single));
    await launch(single!.id);
    expect(await satisfiedObjects()).toEqual([`${tool.url}/cmi5/courses/${ids.single}`]);
  });

  it('satisfies the block once its last AU meets moveOn, and not the course yet', async () => {
    const quiz = await launch(ids.quiz);
    expect(await satisfiedObjects()).not.toContain(blockIri());
    expect((await send(quiz, cmi5Statement(quiz, 'initialized'))).status).toBe(200);
    const passed = cmi5Statement(quiz, 'passed', { success: true });
    expect((await send(quiz, passed)).status).toBe(200);
    const satisfied = await satisfiedObjects();
    expect(satisfied).toContain(blockIri());
    expect(satisfied).not.toContain(`${tool.url}/cmi5/courses/${ids.course}`);
    await tool.current().outbox.drain();
    expect(await learnerAwards()).toHaveLength(1);
  });

  it('satisfies the course when the AU outside the block meets moveOn, each object once', async () => {
    const essay = await launch(ids.essay);
    expect((await send(essay, cmi5Statement(essay, 'initialized'))).status).toBe(200);
    expect(
      (await send(essay, cmi5Statement(essay, 'completed', { completion: true }))).status,
    ).toBe(200);
    const satisfied = await satisfiedObjects();
    expect(satisfied.filter((iri) => iri === blockIri())).toHaveLength(1);
    expect(
      satisfied.filter((iri) => iri === `${tool.url}/cmi5/courses/${ids.course}`),
    ).toHaveLength(1);
  });
});
