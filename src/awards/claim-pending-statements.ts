/**
 * Statements that waited for their learner (xapi/pending-statements.ts) count as soon as the
 * learner becomes known: at their launch, or earlier when the course roster lists them.
 */
import type { Db } from '../db/database.js';
import { findCoursePlatformActors, mboxSha1sum } from '../lti/lms-users.js';
import type { CourseRoster } from '../lti/nrps/course-roster.js';
import { enrolRosterMembers } from '../lti/nrps/enrol-roster-members.js';
import { actorKeysOf } from '../xapi/actor-keys.js';
import { claimPendingStatements, pendingActorKeysAmong } from '../xapi/pending-statements.js';
import { enqueueEvaluations } from './enqueue-evaluations.js';

/**
 * Gives the users the statements waiting for them and, in the same transaction, folds them
 * into their outcome state and queues their evaluation. Resolves true when it queued work.
 */
export async function claimStatementsOf(db: Db, userIds: readonly string[]): Promise<boolean> {
  return db.transaction(async (tx) => {
    const claimed = await claimPendingStatements(tx, userIds);
    return claimed.length > 0 && (await enqueueEvaluations(tx, claimed));
  });
}

/**
 * Makes the members of a freshly fetched roster whom waiting statements name known users of
 * the course (lti/nrps/enrol-roster-members.ts) and gives them those statements, so their
 * results count before their first launch. Members no statement waits for are left alone.
 * Resolves true when it queued work.
 */
export async function claimStatementsOfRoster(db: Db, roster: CourseRoster): Promise<boolean> {
  const platform = await findCoursePlatformActors(db, roster.courseId);
  if (!platform) return false;
  const emailCounts = new Map<string, number>();
  for (const { email } of roster.members) {
    if (email)
      emailCounts.set(email.toLowerCase(), (emailCounts.get(email.toLowerCase()) ?? 0) + 1);
  }
  const keysOfMember = roster.members.map((member) =>
    actorKeysOf(
      {
        sub: member.userId,
        username: member.username,
        email: member.email,
        mboxSha1sum: member.email === null ? null : mboxSha1sum(member.email),
      },
      platform,
      member.email !== null && emailCounts.get(member.email.toLowerCase()) === 1,
    ),
  );
  const waiting = await pendingActorKeysAmong(db, platform.platformId, keysOfMember.flat());
  const named = roster.members.filter((_member, index) =>
    keysOfMember[index]!.some((key) => waiting.has(key)),
  );
  if (named.length === 0) return false;
  return db.transaction(async (tx) => {
    const userIds = await enrolRosterMembers(tx, roster.courseId, named);
    const claimed = await claimPendingStatements(tx, userIds);
    return claimed.length > 0 && (await enqueueEvaluations(tx, claimed));
  });
}
