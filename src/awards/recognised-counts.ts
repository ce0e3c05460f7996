import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { achievements, awards, partnerIssuers, recognisedCredentials } from '../db/schema.js';
import type { AwardEvidence } from './award-evidence.js';

/** A credential recognised for a learner, and the credentials it counted toward. */
export interface RecognisedCount {
  readonly recognitionId: string;
  readonly achievementName: string;
  readonly issuerName: string;
  /** The ECTS it counts for here, or null. */
  readonly countedEcts: number | null;
  /** The names of the learner's valid (not revoked) credentials that name it as evidence. */
  readonly countedToward: readonly string[];
}

/**
 * The learner's credentials recognised from partners (status `recognised`), oldest first, each
 * with the credentials it counted toward: those whose award evidence lists it (award-evidence.ts).
 */
export async function recognisedCountsOf(db: Executor, userId: string): Promise<RecognisedCount[]> {
  const recognised = await db
    .select({
      id: recognisedCredentials.id,
      achievementName: recognisedCredentials.achievementName,
      countedEcts: recognisedCredentials.countedEcts,
      issuerName: partnerIssuers.name,
    })
    .from(recognisedCredentials)
    .innerJoin(partnerIssuers, eq(partnerIssuers.id, recognisedCredentials.partnerIssuerId))
    .where(
      and(eq(recognisedCredentials.userId, userId), eq(recognisedCredentials.status, 'recognised')),
    )
    .orderBy(asc(recognisedCredentials.createdAt), asc(recognisedCredentials.id));
  if (recognised.length === 0) return [];
  const held = await db
    .select({ name: achievements.name, evidence: awards.evidence })
    .from(awards)
    .innerJoin(achievements, eq(achievements.id, awards.achievementId))
    .where(and(eq(awards.userId, userId), isNull(awards.revokedAt)))
    .orderBy(asc(awards.issuedAt), asc(awards.id));
  return recognised.map((credential) => ({
    recognitionId: credential.id,
    achievementName: credential.achievementName,
    issuerName: credential.issuerName,
    countedEcts: credential.countedEcts,
    countedToward: [
      ...new Set(
        held.flatMap(({ name, evidence }) =>
          ((evidence as Partial<AwardEvidence> | null)?.recognisedCredentials ?? []).some(
            (used) => used.recognitionId === credential.id,
          )
            ? [name]
            : [],
        ),
      ),
    ],
  }));
}
