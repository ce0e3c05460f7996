import { createHash } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { credentialRecords, issuerProfiles, platforms, sessions, users } from '../db/schema.js';
import { NotFoundError } from '../errors.js';
import { buildCredential, type MicroCredentialInput } from './build-credential.js';
import { issuerDid } from './did-web.js';
import { createDocumentLoader, type DocumentLoader } from './document-loader.js';
import {
  readElements,
  type MicroCredentialElements,
  type SupervisionLevel,
} from './eu-elements.js';
import { hashEmailIdentity } from './hash-email-identity.js';
import { createIssuerDidResolver } from './issuer-did-document.js';
import { ensureIssuerJwtKey } from './issuer-jwt-keys.js';
import { ensureIssuerKey } from './issuer-keys.js';
import {
  microcredentialContext,
  microcredentialContextUrl,
  microcredentialSchemaUrl,
} from './microcredential-context.js';
import type { SignedOpenBadgeCredential } from './open-badge-credential.js';
import { createFastDataIntegritySigner } from './sign/data-integrity-fast.js';
import { signVcJwt } from './sign/vc-jwt.js';
import { allocateStatusIndex, statusListUrl } from './status-list.js';
import { assertValidCredential } from './validate-credential.js';

/** What the award service knows about one award. */
export type CredentialIssueRequest = {
  /** A UUID; also the credential id (`urn:uuid:<awardId>`). */
  readonly awardId: string;
  readonly issuedAt: Date;
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
  // Optional fields added by the awards part (issue 6) for the builder to use as it grows.
  /**
   * The form earned: `micro-credential` (registered learner, with ECTS) or `badge` (self-study
   * learner, no credits). For the badge form the award service also passes `achievement.ects`
   * as null.
   */
  readonly form?: 'micro-credential' | 'badge';
  /** ECTS earned: the achievement's, or for a stack the sum of the stacked credentials'. */
  readonly creditsEarned?: number | null;
  /** The outcome values that satisfied the rule, one per evidence statement. */
  readonly outcomes?: readonly {
    readonly statementId: string;
    readonly activity: string;
    readonly condition: 'passed' | 'completed' | 'scoreAtLeast';
    readonly scaled: number | null;
  }[];
  /** For a stack: the credentials (courses) chosen to meet the rule. */
  readonly stackedCredentials?: readonly {
    readonly achievementId: string;
    readonly awardId: string;
    readonly name: string;
    readonly ects: number | null;
  }[];
};

export type CredentialIssuer = (
  request: CredentialIssueRequest,
) => Promise<SignedOpenBadgeCredential>;

/**
 * The document loader the tool signs and verifies with: bundled contexts, our extension
 * context under `publicUrl`, and our own issuer DIDs from the database. Never the network.
 */
export function createToolDocumentLoader(options: { db: Db; publicUrl: string }): DocumentLoader {
  const { db, publicUrl } = options;
  return createDocumentLoader({
    resolveDid: createIssuerDidResolver({ db, publicUrl }),
    documents: new Map([[microcredentialContextUrl(publicUrl), microcredentialContext(publicUrl)]]),
  });
}

/**
 * The one way the tool issues a credential: allocate its status list entry, build it
 * (build-credential.ts) in the learner's language with every EU element the achievement has,
 * sign it twice with the issuer profile's current keys (created on first use) — a Data
 * Integrity `eddsa-rdfc-2022` proof and an ES256 VC-JWT — check it against the official OB 3.0
 * schema and ours, and record both forms in `credential_records`. Returns the Data Integrity
 * form; the caller stores it with the award.
 * The returned function throws NotFoundError for an unknown issuer profile,
 * BadgeSchemaInvalidError if the result breaks a schema, TypeError for malformed requests.
 */
export function createCredentialIssuer(options: {
  db: Db;
  secret: string;
  publicUrl: string;
}): CredentialIssuer {
  const { db, secret, publicUrl } = options;
  const documentLoader = createToolDocumentLoader({ db, publicUrl });
  const signDataIntegrity = createFastDataIntegritySigner({ documentLoader });

  return async (request) => {
    const { issuerProfileId, achievement, recipient } = request;
    const [profile] = await db
      .select()
      .from(issuerProfiles)
      .where(eq(issuerProfiles.id, issuerProfileId));
    if (!profile) throw new NotFoundError(`Issuer profile "${issuerProfileId}" does not exist`);
    const did = issuerDid(publicUrl, profile.id);
    const key = await ensureIssuerKey({ db, secret, issuerProfileId, did });
    const jwtKey = await ensureIssuerJwtKey({ db, secret, issuerProfileId, did });
    const learner = await learnerContext(db, recipient);
    const elements = readElements(achievement.eu);
    const texts = chooseLanguage(achievement, elements, recipient.language ?? learner.locale);
    const { statusListId, statusIndex } = await allocateStatusIndex(db, issuerProfileId);
    const isMicroCredential = achievement.ects !== null;

    const credential = buildCredential({
      credentialId: request.awardId,
      issuedAt: request.issuedAt,
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
        microCredential: isMicroCredential
          ? microCredentialInput(elements, texts.learningOutcomes, learner.supervision)
          : null,
      },
      recipient: {
        subjectId: pseudonymousSubjectId(recipient.platformIssuer, recipient.sub),
        platformIssuer: recipient.platformIssuer,
        sub: recipient.sub,
        name: profile.publishRecipientName ? recipient.name : null,
        hashedEmail: recipient.email === null ? null : hashEmailIdentity(recipient.email),
      },
      scoreScaled: request.scoreScaled,
      evidence: request.evidenceStatementIds.map((statementId) => ({
        statementId,
        // The xAPI 2.0 §2.1.3 single-statement GET on the tool's own LRS.
        url: `${publicUrl}/xapi/statements?statementId=${encodeURIComponent(statementId)}`,
        narrative: 'An xAPI statement recorded by the issuing tool that met the criteria.',
      })),
      extension: {
        contextUrl: microcredentialContextUrl(publicUrl),
        schemaUrl: microcredentialSchemaUrl(publicUrl),
      },
      status: {
        statusListCredential: statusListUrl(publicUrl, statusListId),
        statusListIndex: statusIndex,
      },
    });
    assertValidCredential(credential);
    const signed = await signDataIntegrity({ credential, key, now: request.issuedAt });
    const jwt = await signVcJwt({ credential, key: jwtKey });
    await db.insert(credentialRecords).values({
      id: request.awardId,
      issuerProfileId,
      credential: signed as unknown as Record<string, unknown>,
      jwt,
      statusListId,
      statusIndex,
    });
    return signed;
  };
}

/**
 * A stable pseudonym for the learner: the LTI `sub` is unique only within its platform, so
 * both are hashed into a version-8 UUID URN (RFC 9562 §5.8), the subject id and JWT `sub`.
 */
export function pseudonymousSubjectId(platformIssuer: string, sub: string): string {
  const hex = createHash('sha256').update(`${platformIssuer}\n${sub}`).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type LearnerContext = { locale: string | null; supervision: SupervisionLevel };

/** The learner's last launch locale and, from their platform's trust level, the supervision. */
async function learnerContext(
  db: Db,
  recipient: CredentialIssueRequest['recipient'],
): Promise<LearnerContext> {
  const [row] = await db
    .select({ trustLevel: platforms.trustLevel, locale: sessions.locale })
    .from(platforms)
    .innerJoin(users, and(eq(users.platformId, platforms.id), eq(users.sub, recipient.sub)))
    .leftJoin(sessions, eq(sessions.userId, users.id))
    .where(eq(platforms.issuer, recipient.platformIssuer))
    .orderBy(desc(sessions.createdAt))
    .limit(1);
  // Registered students launched from their institution's LMS: identity verified by the
  // institution; open self-study learners: nobody checked who they are.
  const supervision: SupervisionLevel =
    row?.trustLevel === 'registered' ? 'unsupervised-id' : 'unsupervised-no-id';
  return { locale: row?.locale ?? null, supervision };
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

function microCredentialInput(
  elements: MicroCredentialElements,
  outcomeTexts: readonly string[],
  derivedSupervision: SupervisionLevel,
): MicroCredentialInput {
  const { learningOutcomes, translations: _translations, fieldOfStudy: _field, ...rest } = elements;
  return {
    ...rest,
    supervision: elements.supervision ?? derivedSupervision,
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
