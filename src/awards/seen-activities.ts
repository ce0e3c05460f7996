/**
 * The activities a course has seen, as a teacher picks them for rules: the LMS's own activities
 * first (a Moodle quiz `…/mod/quiz/view.php?id=15`), each with its parts grouped under it (its
 * attempts, questions, reviews: the activities whose statements name it in
 * `context.contextActivities.parent`, xAPI Data 2.4.6.2), then other activities (xAPI content),
 * with the names the statements' definitions give (`object.definition.name` and the parents'),
 * whether the course's learners or only its teachers produced them, and whether a rule names
 * them. An activity the LMS names only as a parent (a quiz without completion tracking, whose
 * results sit on its attempts) is listed like the others. The LMS's containers (the site, the
 * course, a section) are left out unless a rule names one. Nothing is cut off.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { rowsOf } from '../db/raw-rows.js';
import {
  achievements,
  courseActivities,
  courses,
  enrolments,
  platforms,
  ruleReferences,
  statements,
} from '../db/schema.js';
import { activityKind, type ActivityKind } from './lms-activity-kinds.js';

/** A language map (xAPI Data 4.2.2), as the statements give it. */
export type LanguageMap = Readonly<Record<string, string>>;

export interface SeenActivity {
  readonly activityId: string;
  /** What the statements call it; `{}` when they give no name. */
  readonly definitionName: LanguageMap;
  readonly kind: ActivityKind;
  /** A learner of the course sent results about it or its parts; false: only teachers did. */
  readonly isFromLearners: boolean;
  /** Any statement of the course is about it or its parts (false: only a rule names it). */
  readonly isInStatements: boolean;
  readonly isInRules: boolean;
  /** The teacher has named it on the activities page. */
  readonly isNamed: boolean;
  /** Its attempts, questions …, in the order they were last seen, newest first. */
  readonly parts: readonly SeenActivity[];
}

interface ActivityRow {
  activityId: string;
  name: unknown;
  fromLearners: boolean;
  lastSeen: string | Date;
}

interface ParentRow {
  activityId: string;
  parentId: string;
  parentName: unknown;
  position: number;
}

const KIND_ORDER: Record<ActivityKind, number> = { lmsActivity: 0, other: 1, lmsContainer: 2 };

/** Every activity seen in the course (statements of its users, its rules), grouped and ordered. */
export async function listSeenActivities(db: Executor, courseId: string): Promise<SeenActivity[]> {
  const [activityRows, parentRows, ruleRows, namedRows, lmsAddress] = await Promise.all([
    readActivities(db, courseId),
    readParents(db, courseId),
    db
      .selectDistinct({ activityId: ruleReferences.ref })
      .from(ruleReferences)
      .innerJoin(achievements, eq(achievements.id, ruleReferences.achievementId))
      .where(and(eq(achievements.courseId, courseId), eq(ruleReferences.kind, 'activity'))),
    db
      .select({ activityId: courseActivities.activityId })
      .from(courseActivities)
      .where(
        and(eq(courseActivities.courseId, courseId), sql`${courseActivities.name} is not null`),
      ),
    db
      .select({ issuer: platforms.issuer })
      .from(courses)
      .innerJoin(platforms, eq(platforms.id, courses.platformId))
      .where(eq(courses.id, courseId))
      .then(([row]) => row?.issuer ?? null),
  ]);
  return groupSeenActivities({
    activities: activityRows.map((row) => ({
      activityId: row.activityId,
      name: asLanguageMap(row.name),
      isFromLearners: row.fromLearners,
      lastSeenAt: new Date(row.lastSeen),
    })),
    parents: parentRows.map((row) => ({
      activityId: row.activityId,
      parentId: row.parentId,
      parentName: asLanguageMap(row.parentName),
      position: Number(row.position),
    })),
    inRules: new Set(ruleRows.map((row) => row.activityId)),
    named: new Set(namedRows.map((row) => row.activityId)),
    lmsAddress,
  });
}

/**
 * Builds the grouped list from what the statements say (pure). A part is grouped under the
 * first of its parents that is an LMS activity, or else under its first parent that is no LMS
 * container; parts of parts (a question of an attempt) go under the same top activity.
 */
export function groupSeenActivities(input: {
  activities: readonly {
    activityId: string;
    name: LanguageMap;
    isFromLearners: boolean;
    lastSeenAt: Date;
  }[];
  parents: readonly {
    activityId: string;
    parentId: string;
    parentName: LanguageMap;
    position: number;
  }[];
  inRules: ReadonlySet<string>;
  named: ReadonlySet<string>;
  lmsAddress: string | null;
}): SeenActivity[] {
  interface Node {
    activityId: string;
    name: LanguageMap;
    isFromLearners: boolean;
    isInStatements: boolean;
    lastSeenAt: number;
  }
  const nodes = new Map<string, Node>();
  const nodeOf = (activityId: string): Node => {
    let node = nodes.get(activityId);
    if (!node) {
      node = { activityId, name: {}, isFromLearners: false, isInStatements: false, lastSeenAt: 0 };
      nodes.set(activityId, node);
    }
    return node;
  };
  for (const activity of input.activities) {
    Object.assign(nodeOf(activity.activityId), {
      name: activity.name,
      isFromLearners: activity.isFromLearners,
      isInStatements: true,
      lastSeenAt: activity.lastSeenAt.getTime(),
    });
  }
  const kindOf = (activityId: string) => activityKind(activityId, input.lmsAddress);
  const parentsOf = new Map<string, { parentId: string; position: number }[]>();
  for (const link of input.parents) {
    if (link.parentId === link.activityId) continue;
    const parent = nodeOf(link.parentId);
    if (Object.keys(parent.name).length === 0) parent.name = link.parentName;
    const links = parentsOf.get(link.activityId) ?? [];
    links.push(link);
    parentsOf.set(link.activityId, links);
  }
  const groupOf = (activityId: string): string | null => {
    if (kindOf(activityId) === 'lmsActivity') return null;
    const links = [...(parentsOf.get(activityId) ?? [])].sort((a, b) => a.position - b.position);
    const group =
      links.find((link) => kindOf(link.parentId) === 'lmsActivity') ??
      links.find((link) => kindOf(link.parentId) !== 'lmsContainer');
    return group?.parentId ?? null;
  };
  const topOf = (activityId: string): string => {
    const visited = new Set([activityId]);
    let current = activityId;
    for (let group = groupOf(current); group !== null && !visited.has(group);) {
      visited.add(group);
      current = group;
      group = groupOf(current);
    }
    return current;
  };

  for (const activityId of input.inRules) {
    nodeOf(activityId);
  }
  const parts = new Map<string, Node[]>();
  const tops: Node[] = [];
  for (const node of nodes.values()) {
    const top = topOf(node.activityId);
    if (top === node.activityId) {
      tops.push(node);
    } else {
      parts.set(top, [...(parts.get(top) ?? []), node]);
      const topNode = nodeOf(top);
      topNode.isFromLearners ||= node.isFromLearners;
      topNode.isInStatements ||= node.isInStatements;
      topNode.lastSeenAt = Math.max(topNode.lastSeenAt, node.lastSeenAt);
    }
  }
  const present = (node: Node, nodeParts: readonly Node[]): SeenActivity => ({
    activityId: node.activityId,
    definitionName: node.name,
    kind: kindOf(node.activityId),
    isFromLearners: node.isFromLearners,
    isInStatements: node.isInStatements,
    isInRules: input.inRules.has(node.activityId),
    isNamed: input.named.has(node.activityId),
    parts: [...nodeParts]
      .sort((a, b) => b.lastSeenAt - a.lastSeenAt || a.activityId.localeCompare(b.activityId))
      .map((part) => present(part, [])),
  });
  return tops
    .filter(
      (node) => kindOf(node.activityId) !== 'lmsContainer' || input.inRules.has(node.activityId),
    )
    .map((node) => present(node, parts.get(node.activityId) ?? []))
    .sort(
      (a, b) =>
        KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
        sortName(a).localeCompare(sortName(b)) ||
        a.activityId.localeCompare(b.activityId),
    );
}

/** What the list is sorted by: the English name the statements give, another, else the IRI. */
function sortName(activity: SeenActivity): string {
  const names = activity.definitionName;
  const english = Object.keys(names).find((tag) => /^en(-|$)/i.test(tag));
  return (english && names[english]) ?? Object.values(names)[0] ?? activity.activityId;
}

function asLanguageMap(value: unknown): LanguageMap {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/** Per activity of the course's statements: its latest definition name, and who sent them. */
async function readActivities(db: Executor, courseId: string): Promise<ActivityRow[]> {
  const name = sql`${statements.statement} -> 'object' -> 'definition' -> 'name'`;
  const result = await db.execute(sql`
    select ${statements.activityId} as "activityId",
      (array_agg(${name} order by ${statements.seq} desc)
        filter (where jsonb_typeof(${name}) = 'object'))[1] as "name",
      bool_or(${enrolments.role} = 'learner') as "fromLearners",
      max(${statements.stored}) as "lastSeen"
    from ${statements}
    join ${enrolments} on ${enrolments.userId} = ${statements.userId}
      and ${enrolments.courseId} = ${courseId}
    where ${statements.activityId} is not null and not ${statements.isVoided}
    group by ${statements.activityId}`);
  return rowsOf<ActivityRow>(result);
}

/** Per activity of the course's statements, the parents they name (xAPI Data 2.4.6.2). */
async function readParents(db: Executor, courseId: string): Promise<ParentRow[]> {
  const parents = sql`${statements.statement} -> 'context' -> 'contextActivities' -> 'parent'`;
  const result = await db.execute(sql`
    select distinct on ("activityId", "parentId") "activityId", "parentId", "parentName", "position"
    from (
      select ${statements.activityId} as "activityId", parent.value ->> 'id' as "parentId",
        parent.value -> 'definition' -> 'name' as "parentName", parent.position as "position",
        ${statements.seq} as seq
      from ${statements}
      join ${enrolments} on ${enrolments.userId} = ${statements.userId}
        and ${enrolments.courseId} = ${courseId}
      cross join lateral jsonb_array_elements(
        case when jsonb_typeof(${parents}) = 'array' then ${parents} else '[]'::jsonb end
      ) with ordinality as parent(value, position)
      where ${statements.activityId} is not null and not ${statements.isVoided}
    ) as links
    where "parentId" is not null
    order by "activityId", "parentId", seq desc`);
  return rowsOf<ParentRow>(result);
}
