import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/database.js';
import { rowsOf } from '../../db/raw-rows.js';
import { courses, enrolments, users } from '../../db/schema.js';
import { mboxSha1sum } from '../lms-users.js';
import { courseRoleFromLtiRoles } from '../roles.js';
import type { RosterMember } from './fetch-roster.js';

/**
 * Makes roster members known users of the course's platform before they launch: upserts them
 * (name, email and username filled where the roster has them, never cleared) and enrols those
 * not enrolled yet with the role their roster roles give, under the deployment the course was
 * launched through. A later launch updates both as usual. Returns the users' ids, in the
 * members' order. In the caller's transaction.
 */
export async function enrolRosterMembers(
  tx: Executor,
  courseId: string,
  members: readonly RosterMember[],
): Promise<string[]> {
  if (members.length === 0) return [];
  const rows = members.map((member) => ({
    sub: member.userId,
    name: member.name,
    email: member.email,
    username: member.username,
    mbox_sha1sum: member.email === null ? null : mboxSha1sum(member.email),
    role: courseRoleFromLtiRoles(member.roles),
  }));
  const result = await tx.execute(sql`
    with member as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as m(sub text, name text, email text, username text, mbox_sha1sum text, role text)
    ),
    course as (
      select ${courses.id} as id, ${courses.platformId} as platform_id,
             (select ${enrolments.deploymentId} from ${enrolments}
               where ${enrolments.courseId} = ${courses.id}
               order by ${enrolments.lastLaunchAt} desc limit 1) as deployment_id
        from ${courses} where ${courses.id} = ${courseId}::uuid
    ),
    known as (
      insert into ${users} (platform_id, sub, name, email, username, mbox_sha1sum)
      select course.platform_id, member.sub, member.name, member.email, member.username,
             member.mbox_sha1sum
        from member cross join course
      on conflict (platform_id, sub) do update
        set name = coalesce(excluded.name, ${users.name}),
            email = coalesce(excluded.email, ${users.email}),
            username = coalesce(excluded.username, ${users.username}),
            mbox_sha1sum = coalesce(excluded.mbox_sha1sum, ${users.mboxSha1sum})
      returning id, sub
    ),
    enrolled as (
      insert into ${enrolments} (course_id, user_id, role, deployment_id)
      select course.id, known.id, member.role, course.deployment_id
        from known join member on member.sub = known.sub cross join course
       where course.deployment_id is not null
      on conflict (course_id, user_id) do nothing
      returning 1
    )
    select known.id, known.sub from known`);
  const ids = new Map(rowsOf<{ id: string; sub: string }>(result).map((row) => [row.sub, row.id]));
  return members.flatMap((member) => {
    const id = ids.get(member.userId);
    return id ? [id] : [];
  });
}
