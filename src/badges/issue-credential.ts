import { createHash } from 'node:crypto';
import { and, desc, eq, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import {
  credentialRecords,
  issuerProfiles,
  platforms,
  sessions,
  signingKeys,
  users,
} from '../db/schema.js';
import type { Logger } from '../config/logger.js';
import { BadgeSignatureSelfCheckError, NotFoundError } from '../errors.js';
import { buildCredential, type MicroCredentialInput } from './build-credential.js';
import { issuerDid } from './did-web.js';
import {
  CREDITS_WITHHELD_SELF_STUDY,
  readElements,
  SUPERVISION_NOT_DECLARED,
  type MicroCredentialElements,
} from './eu-elements.js';
import { hashEmailIdentity } from './hash-email-identity.js';
import { groupCommit, type BatchOutcome } from '../db/group-commit.js';
import { endorsementsToEmbed } from './endorsements/received-endorsements.js';
import { ensureIssuerJwtKey, type IssuerJwtKey } from './issuer-jwt-keys.js';
import { ensureIssuerKey, type IssuerSigningKey } from './issuer-keys.js';
import { microcredentialContextUrl, microcredentialSchemaUrl } from './microcredential-context.js';
import type { AverageWeighting, SignedOpenBadgeCredential } from './open-badge-credential.js';
import { createFastDataIntegritySigner } from './sign/data-integrity-fast.js';
import { signVcJwt } from './sign/vc-jwt.js';
import { allocateStatusIndexes, statusListUrl } from './status-list.js';
import { createToolDocumentLoader } from './tool-document-loader.js';
import { assertValidCredential } from './validate-credential.js';

/** What the award service knows about one award. */
export type CredentialIssueRequest = {
  /** A UUID; also the credential id (`urn:uuid:<awardId>`). */
  readonly awardId: string;
  readonly issuedAt: Date;
  /** When the credential expires (its `validUntil`); null or absent: never. */
  readonly validUntil?: Date | null;
  /** For an award a teacher made by hand: their name and reason, stated as its evidence. */
  readonly awardedBy?: { readonly name: string; readonly reason: string } | null;
  readonly issuerProfileId: string;
  /** The `achievements` row of the version being awarded (extra columns are ignored). */
  readonly achievement: {
    readonly id: string;
    readonly version: number;
    readonly name: string;
    readonly description: string;
    readonly criteria: string;
    readonly ects: number | null;
    readonly eqfLevel: number | null;
    /** BCP 47 language of the texts above; `en` when absent. */
    readonly language?: string;
    readonly image?: string | null;
    /** The stored EU elements (`achievements.eu`). */
    readonly eu?: unknown;
  };
  readonly recipient: {
    readonly platformIssuer: string;
    readonly sub: string;
    readonly name: string | null;
    readonly email: string | null;
    /** The learner's language; when absent, the locale of their last launch is used. */
    readonly language?: string | null;
  };
  readonly evidenceStatementIds: readonly string[];
  readonly scoreScaled: number | null;
  /**
   * The form earned: `micro-credential` (registered learner, with ECTS) or `badge` (self-study
   * learner, no credits). For the badge form the award service passes `achievement.ects` as
   * null; otherwise `achievement.ects` is the credit the learner earned (for a stack, as the
   * teacher chose: the stacked credentials' ECTS or a fixed figure, capped), and every ECTS
   * figure of the credential states it.
   */
  readonly form?: 'micro-credential' | 'badge';
  /**
   * True for the badge of an achievement with ECTS earned through an open self-study platform:
   * the credential states that the credits are withheld.
   */
  readonly isCreditWithheld?: boolean;
  /** The outcome values that satisfied the rule, one per evidence statement. */
  readonly outcomes?: readonly {
    readonly statementId: string;
    readonly activity: string;
    readonly condition: 'passed' | 'completed' | 'satisfied' | 'scoreAtLeast';
    readonly scaled: number | null;
  }[];
  /** For a stack: the credentials (courses) that met its rule, named in its evidence. */
  readonly stackedCredentials?: readonly StackedCredentialInput[];
  /** For a stack: the credentials recognised from partners that met its rule. */
  readonly recognisedCredentials?: readonly RecognisedCredentialInput[];
  /**
   * For a stack: the result it carries; `scoreScaled` is the average of the results of the
   * stacked credentials that carry one for `weighted-average` (none recognised from partners),
   * and null otherwise.
   */
  readonly stackResult?: 'none' | 'pass' | 'weighted-average' | null;
  /** For a stack's average: how it weighed the stacked credentials (awards/stack-credit.ts). */
  readonly averageWeighting?: AverageWeighting | null;
};

/** A partner's credential recognised and stacked into the one being issued. */
export type RecognisedCredentialInput = {
  /** The partner credential's own `id`. */
  readonly credentialId: string;
  /** The partner issuer as the credential names it (a DID or URL), and its name. */
  readonly issuerId: string;
  readonly issuerName: string;
  readonly achievementName: string;
  readonly ects: number | null;
};

/** A credential stacked into the one being issued, as the awards part recorded it. */
export type StackedCredentialInput = {
  readonly achievementId: string;
  readonly awardId: string;
  readonly name: string;
  readonly ects: number | null;
  readonly issuerName: string;
  /** ISO 8601. */
  readonly issuedAt: string;
  readonly scoreScaled: number | null;
};

export type CredentialIssuer = (
  request: CredentialIssueRequest,
) => Promise<SignedOpenBadgeCredential>;

/** The two forms a credential is issued in. */
export type CredentialFormat = 'data-integrity' | 'vc-jwt';

/** Issuances written per INSERT at most (one row is a few kilobytes of JSON). */
const MAX_BATCH = 200;
/** Distinct achievement texts whose parsed EU elements are kept. */
const MAX_CACHED_ELEMENTS = 500;

/**
 * The one way the tool issues a credential: allocate its status list entry, build it
 * (build-credential.ts) in the learner's language with every EU element the achievement has,
 * sign it twice with the issuer profile's current keys (created on first use) — a Data
 * Integrity `eddsa-rdfc-2022` proof and an ES256 VC-JWT — check it against the official OB 3.0
 * schema and ours, and record both forms in `credential_records`. Endorsements attached to the
 * awarding body and the achievement (endorsements/received-endorsements.ts) are embedded as the
 * Profile's and the Achievement's `endorsement`. Returns the Data Integrity
 * form once its record is committed; the caller stores it with the award.
 *
 * Concurrent issuances are grouped (group-commit.ts): one query reads the issuer profile and
 * its current key ids, one reads the learners, one allocates all status indexes, one INSERT
 * writes all records. Keys are decrypted once per key id.
 * `formats` narrows the proofs made, to measure one format alone (bench/issuance.ts): without
 * `data-integrity` the stored and returned credential has an empty `proof`, without `vc-jwt`
 * the stored JWT is empty.
 * The returned function rejects with NotFoundError for an unknown issuer profile,
 * BadgeSchemaInvalidError if the result breaks a schema, BadgeSignatureSelfCheckError (logged,
 * nothing stored) if its Data Integrity proof does not verify, TypeError for malformed requests.
 */
export function createCredentialIssuer(options: {
  db: Db;
  secret: string;
  publicUrl: string;
  formats?: readonly CredentialFormat[];
  /** Where a credential refused by the signature self-check is reported. */
  logger?: Logger;
}): CredentialIssuer {
  const { db, secret, publicUrl, logger } = options;
  const formats = new Set(options.formats ?? ['data-integrity', 'vc-jwt']);
  const documentLoader = createToolDocumentLoader({ db, publicUrl });
  const signDataIntegrity = createFastDataIntegritySigner({ documentLoader });
  const signingKeysByKid = new Map<string, IssuerSigningKey>();
  // Parsing the EU elements costs a third of a VC-JWT; an achievement is awarded many times.
  const parsedElements = new Map<string, MicroCredentialElements>();
  const elementsOf = (stored: unknown): MicroCredentialElements => {
    const text = JSON.stringify(stored ?? {});
    let elements = parsedElements.get(text);
    if (!elements) {
      elements = readElements(stored);
      if (parsedElements.size >= MAX_CACHED_ELEMENTS) parsedElements.clear();
      parsedElements.set(text, elements);
    }
    return elements;
  };
  const jwtKeysByKid = new Map<string, IssuerJwtKey>();

  /** The profile and its current keys; a key is loaded and decrypted only when its id is new. */
  const loadIssuer = async (issuerProfileId: string): Promise<IssuerContext> => {
    const currentKid = (algorithm: 'Ed25519' | 'ES256') => sql<string | null>`(
      select ${signingKeys.kid} from ${signingKeys}
       where ${signingKeys.purpose} = 'issuer' and ${signingKeys.algorithm} = ${algorithm}
         and ${signingKeys.issuerProfileId} = ${issuerProfiles.id} and ${signingKeys.retiredAt} is null
       order by ${signingKeys.createdAt} desc, ${signingKeys.kid} desc limit 1)`;
    const [row] = await db
      .select({
        profile: issuerProfiles,
        signingKid: currentKid('Ed25519'),
        jwtKid: currentKid('ES256'),
      })
      .from(issuerProfiles)
      .where(eq(issuerProfiles.id, issuerProfileId));
    if (!row) throw new NotFoundError(`Issuer profile "${issuerProfileId}" does not exist`);
    const did = issuerDid(publicUrl, issuerProfileId);
    let key = row.signingKid === null ? undefined : signingKeysByKid.get(row.signingKid);
    if (!key) {
      key = await ensureIssuerKey({ db, secret, issuerProfileId, did });
      signingKeysByKid.set(key.kid, key);
    }
    let jwtKey = row.jwtKid === null ? undefined : jwtKeysByKid.get(row.jwtKid);
    if (!jwtKey) {
      jwtKey = await ensureIssuerJwtKey({ db, secret, issuerProfileId, did });
      jwtKeysByKid.set(jwtKey.kid, jwtKey);
    }
    return { profile: row.profile, did, key, jwtKey };
  };

  const issueOne = async (
    request: CredentialIssueRequest,
    issuer: IssuerContext,
    learner: LearnerContext,
    status: { statusListId: string; statusIndex: number },
    endorsements: Endorsements,
  ): Promise<{ signed: SignedOpenBadgeCredential; row: CredentialRecordRow }> => {
    const { achievement, recipient } = request;
    const { profile, did } = issuer;
    const elements = elementsOf(achievement.eu);
    const texts = chooseLanguage(achievement, elements, recipient.language ?? learner.locale);
    const credential = buildCredential({
      credentialId: request.awardId,
      issuedAt: request.issuedAt,
      validUntil: request.validUntil ?? null,
      issuer: {
        did,
        name: profile.name,
        url: profile.url,
        email: profile.email,
        description: profile.description,
        image: profile.image,
        address: addressOf(profile),
        identifiers: profile.identifiers,
        parentOrg: profile.parentOrg,
        endorsement: endorsements.profile,
      },
      achievement: {
        id: `${publicUrl}/achievements/${achievement.id}/versions/${achievement.version}`,
        name: texts.name,
        description: texts.description,
        criteria: texts.criteria,
        ects: achievement.ects,
        eqfLevel: achievement.eqfLevel,
        language: texts.language,
        image:
          achievement.image ??
          `${publicUrl}/achievements/${achievement.id}/versions/${achievement.version}/image.svg`,
        fieldOfStudy: elements.fieldOfStudy ?? null,
        microCredential: microCredentialInput(
          elements,
          texts.learningOutcomes,
          request.isCreditWithheld === true,
        ),
        endorsement: endorsements.byAchievement.get(achievement.id) ?? [],
      },
      recipient: {
        subjectId: pseudonymousSubjectId(recipient.platformIssuer, recipient.sub),
        platformIssuer: recipient.platformIssuer,
        sub: recipient.sub,
        name: profile.publishRecipientName ? recipient.name : null,
        hashedEmail: recipient.email === null ? null : hashEmailIdentity(recipient.email),
      },
      scoreScaled: request.scoreScaled,
      resultKind:
        request.stackResult === 'pass'
          ? 'pass'
          : request.stackResult === 'weighted-average'
            ? 'weighted-average'
            : 'score',
      ...(request.averageWeighting ? { averageWeighting: request.averageWeighting } : {}),
      evidence: [
        ...request.evidenceStatementIds.map((statementId) => ({
          statementId,
          // The xAPI 2.0 §2.1.3 single-statement GET on the tool's own LRS.
          url: `${publicUrl}/xapi/statements?statementId=${encodeURIComponent(statementId)}`,
          narrative: 'An xAPI statement recorded by the issuing tool that met the criteria.',
        })),
        ...(request.stackedCredentials ?? []).map((stacked) => ({
          credentialId: stacked.awardId,
          url: `${publicUrl}/credentials/${stacked.awardId}`,
          name: stacked.name,
          issuerName: stacked.issuerName,
          ects: stacked.ects,
          scoreScaled: stacked.scoreScaled,
          issuedAt: new Date(stacked.issuedAt),
        })),
        ...(request.recognisedCredentials ?? []).map((recognised) => ({
          recognisedCredentialId: recognised.credentialId,
          issuerId: recognised.issuerId,
          issuerName: recognised.issuerName,
          name: recognised.achievementName,
          ects: recognised.ects,
        })),
        ...(request.awardedBy
          ? [{ awardedBy: request.awardedBy.name, reason: request.awardedBy.reason }]
          : []),
      ],
      extension: {
        contextUrl: microcredentialContextUrl(publicUrl),
        schemaUrl: microcredentialSchemaUrl(publicUrl),
      },
      status: {
        statusListCredential: statusListUrl(publicUrl, status.statusListId),
        statusListIndex: status.statusIndex,
      },
    });
    assertValidCredential(credential);
    const signed = formats.has('data-integrity')
      ? await signDataIntegrity({ credential, key: issuer.key, now: request.issuedAt }).catch(
          (error: unknown) => {
            if (error instanceof BadgeSignatureSelfCheckError) {
              logger?.error('badges', 'credential not issued: its proof did not verify', {
                code: error.code,
                awardId: request.awardId,
                issuerProfileId: profile.id,
                kid: issuer.key.kid,
              });
            }
            throw error;
          },
        )
      : { ...credential, proof: [] };
    const jwt = formats.has('vc-jwt') ? await signVcJwt({ credential, key: issuer.jwtKey }) : '';
    return {
      signed,
      row: {
        id: request.awardId,
        issuer_profile_id: profile.id,
        credential: signed,
        jwt,
        status_list_id: status.statusListId,
        status_index: status.statusIndex,
      },
    };
  };

  const issueBatch = async (
    requests: readonly CredentialIssueRequest[],
  ): Promise<BatchOutcome<SignedOpenBadgeCredential>[]> => {
    const outcomes: BatchOutcome<SignedOpenBadgeCredential>[] = [];
    const learners = await learnerContexts(
      db,
      requests.map((request) => request.recipient),
    );
    const built: { index: number; signed: SignedOpenBadgeCredential }[] = [];
    const rows: CredentialRecordRow[] = [];
    for (const issuerProfileId of new Set(requests.map((request) => request.issuerProfileId))) {
      const indexes = requests.flatMap((request, index) =>
        request.issuerProfileId === issuerProfileId ? [index] : [],
      );
      let issuer: IssuerContext;
      let entries: { statusListId: string; statusIndex: number }[];
      let endorsements: Endorsements;
      try {
        issuer = await loadIssuer(issuerProfileId);
        entries = await allocateStatusIndexes(db, issuerProfileId, indexes.length);
        endorsements = await endorsementsToEmbed(db, {
          issuerProfileId,
          achievementIds: [...new Set(indexes.map((index) => requests[index]!.achievement.id))],
          now: new Date(),
        });
      } catch (error) {
        for (const index of indexes) outcomes[index] = { error };
        continue;
      }
      for (const [position, index] of indexes.entries()) {
        const request = requests[index]!;
        try {
          const learner = learners.get(learnerKey(request.recipient)) ?? UNKNOWN_LEARNER;
          const { signed, row } = await issueOne(
            request,
            issuer,
            learner,
            entries[position]!,
            endorsements,
          );
          built.push({ index, signed });
          rows.push(row);
        } catch (error) {
          outcomes[index] = { error };
        }
      }
    }
    if (rows.length > 0) {
      try {
        await insertRecords(db, rows);
        for (const { index, signed } of built) outcomes[index] = { value: signed };
      } catch {
        // One bad row (a repeated award id) fails the whole INSERT: write them one by one, so
        // each caller learns of its own failure only.
        for (const [position, { index, signed }] of built.entries()) {
          try {
            await insertRecords(db, [rows[position]!]);
            outcomes[index] = { value: signed };
          } catch (error) {
            outcomes[index] = { error };
          }
        }
      }
    }
    return outcomes;
  };

  return groupCommit({ maxBatch: MAX_BATCH, runBatch: issueBatch });
}

type CredentialRecordRow = {
  id: string;
  issuer_profile_id: string;
  credential: SignedOpenBadgeCredential;
  jwt: string;
  status_list_id: string;
  status_index: number;
};

/**
 * One INSERT of many credential records, sent as one JSON parameter: building a multi-row
 * INSERT value by value costs more CPU than signing a VC-JWT.
 */
async function insertRecords(db: Db, rows: readonly CredentialRecordRow[]): Promise<void> {
  await db.execute(sql`
    insert into ${credentialRecords}
      (id, issuer_profile_id, credential, jwt, status_list_id, status_index)
    select id, issuer_profile_id, credential, jwt, status_list_id, status_index
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as record(id uuid,
        issuer_profile_id text, credential jsonb, jwt text, status_list_id uuid,
        status_index integer)`);
}

type Endorsements = Awaited<ReturnType<typeof endorsementsToEmbed>>;

type IssuerContext = {
  profile: typeof issuerProfiles.$inferSelect;
  did: string;
  key: IssuerSigningKey;
  jwtKey: IssuerJwtKey;
};

/**
 * A stable pseudonym for the learner: the LTI `sub` is unique only within its platform, so
 * both are hashed into a version-8 UUID URN (RFC 9562 §5.8), the subject id and JWT `sub`.
 */
export function pseudonymousSubjectId(platformIssuer: string, sub: string): string {
  const hex = createHash('sha256').update(`${platformIssuer}\n${sub}`).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type LearnerContext = { locale: string | null };

/** A learner we know nothing of: no launch locale. */
const UNKNOWN_LEARNER: LearnerContext = { locale: null };

function learnerKey(recipient: { platformIssuer: string; sub: string }): string {
  return `${recipient.platformIssuer}\n${recipient.sub}`;
}

/** In one query, each recipient's last launch locale, by learnerKey. */
async function learnerContexts(
  db: Db,
  recipients: readonly CredentialIssueRequest['recipient'][],
): Promise<Map<string, LearnerContext>> {
  const unique = new Map(recipients.map((recipient) => [learnerKey(recipient), recipient]));
  const rows = await db
    .selectDistinctOn([platforms.issuer, users.sub], {
      platformIssuer: platforms.issuer,
      sub: users.sub,
      locale: sessions.locale,
    })
    .from(platforms)
    .innerJoin(users, eq(users.platformId, platforms.id))
    .leftJoin(sessions, eq(sessions.userId, users.id))
    .where(
      or(
        ...[...unique.values()].map((recipient) =>
          and(eq(platforms.issuer, recipient.platformIssuer), eq(users.sub, recipient.sub)),
        ),
      ),
    )
    .orderBy(platforms.issuer, users.sub, desc(sessions.createdAt));
  return new Map(rows.map((row) => [learnerKey(row), { locale: row.locale }]));
}

type Texts = {
  language: string;
  name: string;
  description: string;
  criteria: string;
  learningOutcomes: string[];
};

/**
 * The achievement's texts in `wanted` (or its primary subtag: `de-AT` finds `de`), falling
 * back to the achievement's own language. Untranslated outcomes keep the default text.
 */
export function chooseLanguage(
  achievement: CredentialIssueRequest['achievement'],
  elements: MicroCredentialElements,
  wanted: string | null | undefined,
): Texts {
  const defaultLanguage = achievement.language ?? 'en';
  const defaults: Texts = {
    language: defaultLanguage,
    name: achievement.name,
    description: achievement.description,
    criteria: achievement.criteria,
    learningOutcomes: elements.learningOutcomes.map((outcome) => outcome.text),
  };
  if (!wanted) return defaults;
  const candidates = [wanted, wanted.split('-')[0] ?? wanted];
  for (const language of candidates) {
    if (language.toLowerCase() === defaultLanguage.toLowerCase()) return defaults;
    const entry = Object.entries(elements.translations).find(
      ([tag]) => tag.toLowerCase() === language.toLowerCase(),
    );
    if (!entry) continue;
    const [tag, translation] = entry;
    return {
      language: tag,
      name: translation.name,
      description: translation.description,
      criteria: translation.criteria ?? achievement.criteria,
      learningOutcomes: defaults.learningOutcomes.map(
        (text, index) => translation.learningOutcomes?.[index] ?? text,
      ),
    };
  }
  return defaults;
}

/**
 * Every EU element the achievement describes, in whichever form it is issued: supervision as
 * the teacher declared it (or stated as not declared), and a badge's withheld credits said so.
 */
function microCredentialInput(
  elements: MicroCredentialElements,
  outcomeTexts: readonly string[],
  isCreditWithheld: boolean,
): MicroCredentialInput {
  const { learningOutcomes, translations: _translations, fieldOfStudy: _field, ...rest } = elements;
  return {
    ...rest,
    supervision: elements.supervision ?? SUPERVISION_NOT_DECLARED,
    ...(isCreditWithheld ? { ectsCreditsWithheld: CREDITS_WITHHELD_SELF_STUDY } : {}),
    learningOutcomes: learningOutcomes.map((outcome, index) => ({
      text: outcomeTexts[index] ?? outcome.text,
      escoSkills: outcome.escoSkills,
    })),
  };
}

function addressOf(profile: typeof issuerProfiles.$inferSelect) {
  const address = { ...(profile.address ?? {}) };
  if (!address.addressCountryCode && profile.countryCode) {
    address.addressCountryCode = profile.countryCode;
  }
  return Object.keys(address).length > 0 ? address : null;
}
