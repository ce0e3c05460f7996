import { JSDOM } from 'jsdom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import {
  courses,
  partnerIssuers,
  platforms,
  recognisedCredentials,
  users,
} from '../../src/db/schema.js';
import type { Browser } from '../support/http-client.js';
import {
  createAchievementAs,
  startCourseWorld,
  type CourseWorld,
} from '../support/course-world.js';

const ESCO = 'http://data.europa.eu/esco/skill/5b2d6f1c-1a2b-4c3d-8e9f-000000000001';

/** The text a person reads in an element of a page, spaces collapsed. */
function textOf(html: string, selector: string): string {
  const window = new JSDOM(html).window as unknown as {
    document: { querySelector(selector: string): { textContent: string | null } | null };
  };
  return (window.document.querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

describe('the learner page: credentials recognised from partners and what they counted toward', () => {
  let world: CourseWorld;
  let learner: Browser;

  const page = async () => {
    const { response } = await learner.request(`${world.tool.url}/course`);
    expect(response.status).toBe(200);
    return response.text();
  };

  beforeAll(async () => {
    world = await startCourseWorld();
    const registered = await world.platform('registered');
    const teacher = await registered.launch({ id: 'teacher-1', name: 'Grace Hopper' }, 'teacher');
    learner = await registered.launch({ id: 'learner-1', name: 'Ada Lovelace' }, 'learner');
    const { db } = world.tool.current().database;
    const courseId = await registered.courseId();
    const [body] = await db
      .select({ issuerProfileId: platforms.issuerProfileId, platformId: platforms.id })
      .from(courses)
      .innerJoin(platforms, eq(platforms.id, courses.platformId))
      .where(eq(courses.id, courseId));
    const [ada] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.platformId, body!.platformId), eq(users.sub, 'learner-1')));
    const [partner] = await db
      .insert(partnerIssuers)
      .values({
        issuerProfileId: body!.issuerProfileId!,
        issuerId: 'did:web:helsinki.example',
        name: 'University of Helsinki',
        qualityAssurance: 'Audited by FINEEC.',
      })
      .returning();
    for (const [name, alignment, ects] of [
      ['Climate.now', ESCO, 5],
      ['Arctic law', 'LAW-7', 3],
    ] as const) {
      const credentialId = `urn:uuid:${crypto.randomUUID()}`;
      await db.insert(recognisedCredentials).values({
        userId: ada!.id,
        partnerIssuerId: partner!.id,
        credentialId,
        credential: { id: credentialId },
        achievementId: `https://helsinki.example/achievements/${ects}`,
        achievementName: name,
        alignments: [alignment],
        countedEcts: ects,
        binding: 'identity',
        status: 'recognised',
      });
    }
    await createAchievementAs(teacher, world.tool.url, {
      name: 'Alliance climate module',
      description: 'Climate studies across the alliance.',
      criteria: 'Bring a climate course from a partner.',
      ects: 5,
      eqfLevel: 6,
      rule: { recognised: { alignment: ESCO } },
    });
    await world.tool.current().outbox.drain();
  }, 120_000);
  afterAll(() => world?.close());

  it('lists each recognised credential with its partner and the ECTS it counts for', async () => {
    const section = textOf(await page(), '#recognised');
    expect(section).toContain('Credentials recognised from partners');
    expect(section).toContain('Climate.now, from University of Helsinki, counts for 5 ECTS');
    expect(section).toContain('Arctic law, from University of Helsinki, counts for 3 ECTS');
  });

  it('says which credential a recognised one counted toward, and which counted toward none', async () => {
    const html = await page();
    const items = textOf(html, '#recognised ul');
    expect(items).toMatch(/Climate\.now.*Counted toward: Alliance climate module/);
    expect(items).toMatch(/Arctic law.*Not counted toward a credential yet\./);
  });

  it('names the credential that met the condition in the achievement’s progress', async () => {
    const html = await page();
    expect(html).toContain('A credential recognised from a partner');
    expect(html).toContain('Counted: “Climate.now” from University of Helsinki');
  });
});
