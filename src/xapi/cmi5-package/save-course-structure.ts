import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { cmi5Aus, cmi5Blocks, cmi5Courses, type Cmi5LangStrings } from '../../db/schema.js';
import { cmi5ActivityIri } from '../cmi5/cmi5-iris.js';
import type { Cmi5Au, Cmi5Block, Cmi5Course, LangString } from './course-structure.js';

/** One part of the saved structure, with the activity id the LMS launches or reports it under. */
export interface SavedPart {
  readonly kind: 'course' | 'block' | 'au';
  /** The publisher's id from cmi5.xml. */
  readonly iri: string;
  /** The LMS-generated activity id (xapi/cmi5/cmi5-iris.ts). */
  readonly activityIri: string;
  readonly title: readonly LangString[];
}

const AUS_PER_INSERT = 200;

/**
 * Writes a course structure into the cmi5 tables (`cmi5_courses`, `cmi5_blocks`, `cmi5_aus`)
 * of a tool course, in the caller's transaction. A course IRI already in the tool course is
 * updated in place, and so are its blocks and AUs by IRI: their row ids, and so the activity
 * ids of earlier launches and rules, stay the same when a teacher imports a new version.
 * `urlOf` gives each AU's absolute launch URL. Answers the course, blocks and AUs in document
 * order.
 */
export async function saveCourseStructure(
  tx: Executor,
  options: {
    courseId: string;
    publicUrl: string;
    packageId: string;
    course: Cmi5Course;
    urlOf: (au: Cmi5Au) => string;
  },
): Promise<SavedPart[]> {
  const { course, publicUrl } = options;
  const [courseRow] = await tx
    .insert(cmi5Courses)
    .values({
      courseId: options.courseId,
      courseIri: course.id,
      ...texts(course),
      source: 'package',
      packageId: options.packageId,
    })
    .onConflictDoUpdate({
      target: [cmi5Courses.courseId, cmi5Courses.courseIri],
      set: { ...texts(course), source: 'package', packageId: options.packageId },
    })
    .returning({ id: cmi5Courses.id });
  const cmi5CourseId = courseRow!.id;
  const saved: SavedPart[] = [
    {
      kind: 'course',
      iri: course.id,
      activityIri: cmi5ActivityIri(publicUrl, 'course', cmi5CourseId),
      title: course.title,
    },
  ];

  const aus: (typeof cmi5Aus.$inferInsert)[] = [];
  let position = 0;
  const walk = async (
    children: readonly (Cmi5Au | Cmi5Block)[],
    parentBlockId: string | null,
  ): Promise<void> => {
    for (const child of children) {
      position += 1;
      if (child.kind === 'au') {
        aus.push({
          cmi5CourseId,
          auIri: child.id,
          parentBlockId,
          ...texts(child),
          url: options.urlOf(child),
          moveOn: child.moveOn,
          masteryScore: child.masteryScore,
          launchMethod: child.launchMethod,
          launchParameters: child.launchParameters,
          entitlementKey: child.entitlementKey,
          position,
        });
        continue;
      }
      const fields = { parentBlockId, ...texts(child), position };
      const [blockRow] = await tx
        .insert(cmi5Blocks)
        .values({ cmi5CourseId, blockIri: child.id, ...fields })
        .onConflictDoUpdate({ target: [cmi5Blocks.cmi5CourseId, cmi5Blocks.blockIri], set: fields })
        .returning({ id: cmi5Blocks.id });
      saved.push({
        kind: 'block',
        iri: child.id,
        activityIri: cmi5ActivityIri(publicUrl, 'block', blockRow!.id),
        title: child.title,
      });
      await walk(child.children, blockRow!.id);
    }
  };
  await walk(course.children, null);

  const titleOf = new Map<string, readonly LangString[]>();
  const collect = (children: readonly (Cmi5Au | Cmi5Block)[]): void => {
    for (const child of children) {
      if (child.kind === 'au') titleOf.set(child.id, child.title);
      else collect(child.children);
    }
  };
  collect(course.children);
  for (let start = 0; start < aus.length; start += AUS_PER_INSERT) {
    const rows = await tx
      .insert(cmi5Aus)
      .values(aus.slice(start, start + AUS_PER_INSERT))
      .onConflictDoUpdate({
        target: [cmi5Aus.cmi5CourseId, cmi5Aus.auIri],
        set: {
          parentBlockId: sql`excluded.parent_block_id`,
          title: sql`excluded.title`,
          titles: sql`excluded.titles`,
          description: sql`excluded.description`,
          descriptions: sql`excluded.descriptions`,
          url: sql`excluded.url`,
          moveOn: sql`excluded.move_on`,
          masteryScore: sql`excluded.mastery_score`,
          launchMethod: sql`excluded.launch_method`,
          launchParameters: sql`excluded.launch_parameters`,
          entitlementKey: sql`excluded.entitlement_key`,
          position: sql`excluded.position`,
        },
      })
      .returning({ id: cmi5Aus.id, auIri: cmi5Aus.auIri, position: cmi5Aus.position });
    for (const row of rows.sort((a, b) => a.position - b.position)) {
      saved.push({
        kind: 'au',
        iri: row.auIri,
        activityIri: cmi5ActivityIri(publicUrl, 'au', row.id),
        title: titleOf.get(row.auIri) ?? [],
      });
    }
  }
  return saved;
}

/** The display text (English, else the first given) and every language's text by code. */
function texts(part: Pick<Cmi5Course, 'title' | 'description'>): {
  title: string;
  titles: Cmi5LangStrings;
  description: string;
  descriptions: Cmi5LangStrings;
} {
  return {
    title: displayText(part.title),
    titles: byLanguage(part.title),
    description: displayText(part.description),
    descriptions: byLanguage(part.description),
  };
}

function displayText(texts: readonly LangString[]): string {
  const english = texts.find((text) => text.lang.toLowerCase().startsWith('en'));
  return (english ?? texts[0])?.value ?? '';
}

function byLanguage(texts: readonly LangString[]): Cmi5LangStrings {
  const map: Cmi5LangStrings = {};
  for (const text of texts) if (!(text.lang in map)) map[text.lang] = text.value;
  return map;
}
