import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, Executor } from '../../db/database.js';
import { achievements, courses, platforms, receivedEndorsements } from '../../db/schema.js';
import { EndorsementRefusedError, NotFoundError } from '../../errors.js';
import {
  checkReceivedEndorsement,
  type EndorsementCheckDeps,
  type EndorsementTarget,
} from './check-received-endorsement.js';

export type ReceivedEndorsement = {
  id: string;
  achievementId: string | null;
  credentialId: string;
  endorserId: string;
  endorserName: string;
  comment: string | null;
  validUntil: Date | null;
  attachedBy: string;
  createdAt: Date;
};

/** The largest endorsement file taken (a signed endorsement is 1–3 kB). */
export const MAX_ENDORSEMENT_BYTES = 64 * 1024;

/**
 * Parses an uploaded endorsement file; throws EndorsementRefusedError
 * (`ENDORSEMENT_UNREADABLE`) when it is not JSON.
 */
export function parseEndorsementFile(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new EndorsementRefusedError(
      'ENDORSEMENT_UNREADABLE',
      'This file cannot be read as an endorsement. Send the endorsement file (.json) the endorser gave you.',
      { cause },
    );
  }
}

/**
 * Attaches a received EndorsementCredential to an awarding body or one of its achievements once
 * every check of checkReceivedEndorsement passed; from then on, the credentials the body issues
 * embed it. The caller has checked who may attach to this target. Throws what the checks throw,
 * and EndorsementRefusedError `ENDORSEMENT_ALREADY_ATTACHED` for one attached already.
 */
export async function attachReceivedEndorsement(options: {
  db: Db;
  document: unknown;
  target: EndorsementTarget;
  attachedBy: string;
  deps: EndorsementCheckDeps;
}): Promise<ReceivedEndorsement> {
  const { db, target } = options;
  const accepted = await checkReceivedEndorsement(options.document, target, options.deps);
  const alreadyAttached = () =>
    new EndorsementRefusedError(
      'ENDORSEMENT_ALREADY_ATTACHED',
      'This endorsement is attached already.',
    );
  const [existing] = await db
    .select({ id: receivedEndorsements.id })
    .from(receivedEndorsements)
    .where(
      and(
        eq(receivedEndorsements.credentialId, accepted.credentialId),
        isNull(receivedEndorsements.removedAt),
      ),
    );
  if (existing) throw alreadyAttached();
  const [row] = await db
    .insert(receivedEndorsements)
    .values({
      issuerProfileId: target.issuerProfileId,
      achievementId: target.achievementId,
      credentialId: accepted.credentialId,
      credential: accepted.credential,
      endorserId: accepted.endorserId,
      endorserName: accepted.endorserName,
      comment: accepted.comment,
      validUntil: accepted.validUntil,
      attachedBy: options.attachedBy,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw alreadyAttached();
  return present(row);
}

/** The endorsements attached to an awarding body and its achievements, oldest first. */
export async function listReceivedEndorsements(
  db: Executor,
  issuerProfileId: string,
): Promise<ReceivedEndorsement[]> {
  const rows = await db
    .select()
    .from(receivedEndorsements)
    .where(
      and(
        eq(receivedEndorsements.issuerProfileId, issuerProfileId),
        isNull(receivedEndorsements.removedAt),
      ),
    )
    .orderBy(asc(receivedEndorsements.createdAt));
  return rows.map(present);
}

/**
 * Detaches one of an awarding body's received endorsements: credentials issued later no longer
 * embed it; those issued before keep it (they are signed). Throws NotFoundError when the body
 * has no such endorsement attached.
 */
export async function removeReceivedEndorsement(
  db: Executor,
  options: { issuerProfileId: string; id: string; achievementIds?: readonly string[] },
): Promise<void> {
  const removed = await db
    .update(receivedEndorsements)
    .set({ removedAt: new Date() })
    .where(
      and(
        eq(receivedEndorsements.id, options.id),
        eq(receivedEndorsements.issuerProfileId, options.issuerProfileId),
        isNull(receivedEndorsements.removedAt),
        ...(options.achievementIds
          ? [inArray(receivedEndorsements.achievementId, [...options.achievementIds])]
          : []),
      ),
    )
    .returning({ id: receivedEndorsements.id });
  if (removed.length === 0)
    throw new NotFoundError(`No endorsement ${options.id} is attached here.`);
}

/**
 * The endorsements to embed in credentials the awarding body issues now: those of its profile,
 * and those of each of `achievementIds`, leaving out the ones expired at `now`.
 */
export async function endorsementsToEmbed(
  db: Executor,
  options: { issuerProfileId: string; achievementIds: readonly string[]; now: Date },
): Promise<{
  profile: Record<string, unknown>[];
  byAchievement: Map<string, Record<string, unknown>[]>;
}> {
  const rows = await db
    .select({
      achievementId: receivedEndorsements.achievementId,
      credential: receivedEndorsements.credential,
      validUntil: receivedEndorsements.validUntil,
    })
    .from(receivedEndorsements)
    .where(
      and(
        eq(receivedEndorsements.issuerProfileId, options.issuerProfileId),
        isNull(receivedEndorsements.removedAt),
      ),
    )
    .orderBy(asc(receivedEndorsements.createdAt));
  const profile: Record<string, unknown>[] = [];
  const byAchievement = new Map<string, Record<string, unknown>[]>();
  for (const row of rows) {
    if (row.validUntil !== null && row.validUntil <= options.now) continue;
    if (row.achievementId === null) {
      profile.push(row.credential);
    } else if (options.achievementIds.includes(row.achievementId)) {
      byAchievement.set(row.achievementId, [
        ...(byAchievement.get(row.achievementId) ?? []),
        row.credential,
      ]);
    }
  }
  return { profile, byAchievement };
}

function present(row: typeof receivedEndorsements.$inferSelect): ReceivedEndorsement {
  return {
    id: row.id,
    achievementId: row.achievementId,
    credentialId: row.credentialId,
    endorserId: row.endorserId,
    endorserName: row.endorserName,
    comment: row.comment,
    validUntil: row.validUntil,
    attachedBy: row.attachedBy,
    createdAt: row.createdAt,
  };
}

/** The achievements of an awarding body's courses (id, name, course title), by name. */
export async function achievementsOfAwardingBody(
  db: Executor,
  issuerProfileId: string,
): Promise<{ id: string; name: string; courseTitle: string | null }[]> {
  return db
    .select({ id: achievements.id, name: achievements.name, courseTitle: courses.title })
    .from(achievements)
    .innerJoin(courses, eq(courses.id, achievements.courseId))
    .innerJoin(platforms, eq(platforms.id, courses.platformId))
    .where(eq(platforms.issuerProfileId, issuerProfileId))
    .orderBy(asc(achievements.name));
}

/** Whether the achievement belongs to the course (a teacher may attach only to their own). */
export async function isAchievementOfCourse(
  db: Executor,
  achievementId: string,
  courseId: string,
): Promise<boolean> {
  const [row] = await db
    .select({ id: achievements.id })
    .from(achievements)
    .where(and(eq(achievements.id, achievementId), eq(achievements.courseId, courseId)));
  return row !== undefined;
}
