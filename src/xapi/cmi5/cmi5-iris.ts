/**
 * The activity ids the LMS generates for a course's AUs, blocks and course (cmi5 sections 8.1
 * `activityId` and 9.4): under the tool's URL, never the publisher's ids from cmi5.xml (those
 * go in the `grouping` context activities), the same in every registration.
 */
export type Cmi5Part = 'au' | 'block' | 'course';

const PATHS: Record<Cmi5Part, string> = { au: 'aus', block: 'blocks', course: 'courses' };

export function cmi5ActivityIri(publicUrl: string, part: Cmi5Part, id: string): string {
  return `${publicUrl.replace(/\/$/, '')}/cmi5/${PATHS[part]}/${id}`;
}

/**
 * The row id behind an AU's generated activity id (any IRI ending in `/cmi5/aus/<uuid>`), or
 * null. The row id alone decides: the tool's public URL may have changed since the rule was saved.
 */
export function auIdOfActivityIri(activityIri: string): string | null {
  const match = /\/cmi5\/aus\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(
    activityIri,
  );
  return match?.[1] ?? null;
}
