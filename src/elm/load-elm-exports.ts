import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { parseIssuerDid } from '../badges/did-web.js';
import type { Db } from '../db/database.js';
import {
  achievements,
  achievementVersions,
  awards,
  credentialRecords,
  issuerProfiles,
  users,
} from '../db/schema.js';
import { CredentialRevokedError, NotFoundError } from '../errors.js';
import {
  buildElmCredential,
  type ElmCredential,
  type ElmExportInput,
} from './build-elm-credential.js';
import { isUuid } from '../shared/uuid.js';

/** The columns of an award the export reads, with its learner and issuer profile id. */
const awardColumns = {
  id: awards.id,
  achievementId: awards.achievementId,
  achievementVersion: awards.achievementVersion,
  credential: awards.credential,
  revokedAt: awards.revokedAt,
  recordRevokedAt: credentialRecords.revokedAt,
  issuerProfileId: credentialRecords.issuerProfileId,
  learnerName: users.name,
  learnerEmail: users.email,
};
type AwardRow = {
  id: string;
  achievementId: string;
  achievementVersion: number;
  credential: Record<string, unknown>;
  issuerProfileId: string | null;
  learnerName: string | null;
  learnerEmail: string | null;
};

/**
 * The ELM document of one award, for its learner and anyone holding the credential's public
 * link: without the learner's e-mail address. Throws NotFoundError for an unknown award,
 * CredentialRevokedError (409) for a revoked one and ElmIssuerCountryMissingError (409) when
 * the awarding body states no country.
 */
export async function loadAwardElm(
  db: Db,
  options: { awardId: string; publicUrl: string },
): Promise<{ name: string; credential: ElmCredential }> {
  const { awardId, publicUrl } = options;
  const notFound = new NotFoundError(`No credential with id ${awardId} was issued here.`);
  if (!isUuid(awardId)) throw notFound;
  const [award] = await db
    .select(awardColumns)
    .from(awards)
    .innerJoin(users, eq(users.id, awards.userId))
    .leftJoin(credentialRecords, eq(credentialRecords.id, awards.id))
    .where(eq(awards.id, awardId.toLowerCase()));
  if (!award) throw notFound;
  if (award.revokedAt ?? award.recordRevokedAt) {
    throw new CredentialRevokedError(
      'This credential has been revoked; it can no longer be exported for European Digital Credentials.',
    );
  }
  const achievement = await achievementVersion(db, award.achievementId, award.achievementVersion);
  const issuer = await issuerProfile(db, issuerProfileIdOf(award, publicUrl));
  // The credential's own name (in the learner's language), as the other downloads are named.
  const name = typeof award.credential.name === 'string' ? award.credential.name : achievement.name;
  return {
    name,
    credential: buildElmCredential(exportInput(award, achievement, issuer, { withEmail: false })),
  };
}

/**
 * The ELM documents of every award of an achievement of the course (of one version when
 * `version` is given) that is not revoked, oldest first, for the course's teacher to hand to the
 * awarding body: with the learners' e-mail addresses, which EDC delivers sealed credentials to.
 * Throws NotFoundError for an achievement or version unknown in the course, and
 * ElmIssuerCountryMissingError (409) when the awarding body states no country.
 */
export async function loadAchievementElm(
  db: Db,
  options: { achievementId: string; courseId: string; version?: number; publicUrl: string },
): Promise<{ name: string; credentials: ElmCredential[] }> {
  const { achievementId, courseId, version, publicUrl } = options;
  if (!isUuid(achievementId)) throw new NotFoundError('No such achievement');
  const [current] = await db
    .select()
    .from(achievements)
    .where(and(eq(achievements.id, achievementId), eq(achievements.courseId, courseId)));
  if (!current) throw new NotFoundError(`No achievement ${achievementId} in this course`);
  if (version !== undefined) await achievementVersion(db, achievementId, version);

  const rows = await db
    .select(awardColumns)
    .from(awards)
    .innerJoin(users, eq(users.id, awards.userId))
    .leftJoin(credentialRecords, eq(credentialRecords.id, awards.id))
    .where(
      and(
        eq(awards.achievementId, achievementId),
        version === undefined ? undefined : eq(awards.achievementVersion, version),
        isNull(awards.revokedAt),
        isNull(credentialRecords.revokedAt),
      ),
    )
    .orderBy(asc(awards.issuedAt), asc(awards.id));

  const definitions = new Map<number, ElmExportInput['achievement']>();
  for (const row of rows) {
    if (!definitions.has(row.achievementVersion)) {
      const definition =
        row.achievementVersion === current.version
          ? current
          : await achievementVersion(db, achievementId, row.achievementVersion);
      definitions.set(row.achievementVersion, definition);
    }
  }
  const profileIds = [...new Set(rows.map((row) => issuerProfileIdOf(row, publicUrl)))];
  const profiles = new Map(
    profileIds.length === 0
      ? []
      : (await db.select().from(issuerProfiles).where(inArray(issuerProfiles.id, profileIds))).map(
          (profile) => [profile.id, profile],
        ),
  );
  const credentials = rows.map((row) => {
    const profile = profiles.get(issuerProfileIdOf(row, publicUrl));
    if (!profile) throw new Error(`Award ${row.id} names an unknown issuer profile`);
    const definition = definitions.get(row.achievementVersion)!;
    return buildElmCredential(exportInput(row, definition, profile, { withEmail: true }));
  });
  return { name: current.name, credentials };
}

function exportInput(
  award: AwardRow,
  achievement: ElmExportInput['achievement'],
  issuer: ElmExportInput['issuer'],
  options: { withEmail: boolean },
): ElmExportInput {
  return {
    credential: award.credential,
    achievement,
    issuer,
    learner: { name: award.learnerName, email: options.withEmail ? award.learnerEmail : null },
  };
}

/** The issuer profile that signed the award: its credential record's, else its issuer DID's. */
function issuerProfileIdOf(award: AwardRow, publicUrl: string): string {
  if (award.issuerProfileId) return award.issuerProfileId;
  const did = (award.credential.issuer as { id?: unknown } | undefined)?.id;
  const id = typeof did === 'string' ? parseIssuerDid(publicUrl, did) : null;
  if (!id) throw new Error(`Award ${award.id} has no issuer profile of this tool`);
  return id;
}

async function issuerProfile(db: Db, id: string): Promise<ElmExportInput['issuer']> {
  const [profile] = await db.select().from(issuerProfiles).where(eq(issuerProfiles.id, id));
  if (!profile) throw new Error(`No issuer profile "${id}"`);
  return profile;
}

/** The definition of an achievement version: the current row, or the one kept when it changed. */
async function achievementVersion(
  db: Db,
  achievementId: string,
  version: number,
): Promise<ElmExportInput['achievement']> {
  const [current] = await db.select().from(achievements).where(eq(achievements.id, achievementId));
  if (current?.version === version) return current;
  const [old] = await db
    .select({ definition: achievementVersions.definition })
    .from(achievementVersions)
    .where(
      and(
        eq(achievementVersions.achievementId, achievementId),
        eq(achievementVersions.version, version),
      ),
    );
  if (!old) throw new NotFoundError(`No version ${version} of achievement ${achievementId}`);
  const definition = old.definition as Partial<ElmExportInput['achievement']>;
  return {
    ...(definition as ElmExportInput['achievement']),
    language: definition.language ?? 'en',
    image: definition.image ?? null,
    eu: definition.eu ?? {},
  };
}
