import {
  ACHIEVEMENT_CREDENTIAL_SCHEMA_URL,
  OB_V3P0_CONTEXT_URL,
  OB_V3P0_EXTENSIONS_CONTEXT_URL,
  VC_V2_CONTEXT_URL,
} from './context-urls.js';
import {
  EU_ELEMENTS,
  valueOf,
  type MicroCredentialElements,
  type SupervisionStatement,
} from './eu-elements.js';
import type {
  Achievement,
  AchievementSubject,
  Alignment,
  AverageWeighting,
  Evidence,
  IdentityObject,
  IssuerProfile,
  MicroCredentialObject,
  OpenBadgeCredential,
} from './open-badge-credential.js';
import { AVERAGE_FRAGMENTS } from './open-badge-credential.js';
import { isUuid } from '../shared/uuid.js';

/** A salted hash of an identity, as hashEmailIdentity makes it. */
export type HashedIdentity = {
  /** `sha256$<hex>` (OB 3.0 IdentityHash). */
  identityHash: string;
  salt: string;
};

export type CredentialInput = {
  /** A UUID; the credential id is `urn:uuid:<credentialId>`. */
  credentialId: string;
  /** Becomes `validFrom` and `awardedDate`, at seconds precision. */
  issuedAt: Date;
  /** When the credential expires (`validUntil`, VC Data Model 2.0 §4.9); null or absent: never. */
  validUntil?: Date | null;
  issuer: {
    /** The issuer profile's did:web DID (did-web.ts issuerDid). */
    did: string;
    name: string;
    url: string | null;
    email: string | null;
    description?: string | null;
    /** An image URL or data URI. */
    image?: string | null;
    address?: {
      streetAddress?: string;
      postalCode?: string;
      addressLocality?: string;
      addressRegion?: string;
      addressCountryCode?: string;
      addressCountry?: string;
    } | null;
    /** Erasmus code, PIC, ROR ...: OB IdentifierEntry `identifierType` (`ext:` terms allowed). */
    identifiers?: readonly { identifierType: string; identifier: string }[];
    parentOrg?: { id: string; name: string; url?: string } | null;
    /** Signed EndorsementCredentials of the awarding body, embedded as they are. */
    endorsement?: readonly Record<string, unknown>[];
  };
  achievement: {
    /** The public URL of the achievement (definition and version). */
    id: string;
    name: string;
    description: string;
    /** How the achievement is earned, in Markdown. */
    criteria: string;
    ects: number | null;
    eqfLevel: number | null;
    /** BCP 47 language of the texts above (OB `inLanguage`). */
    language?: string;
    /** An image URL or data URI (OB Achievement `image`). */
    image?: string | null;
    /** ISCED-F field of education. */
    fieldOfStudy?: string | null;
    /** The EU elements OB 3.0 has no field for, texts already in `language`. */
    microCredential?: MicroCredentialInput | null;
    /** Signed EndorsementCredentials of the achievement, embedded as they are. */
    endorsement?: readonly Record<string, unknown>[];
  };
  recipient: {
    /** A stable pseudonymous URI for the learner (credentialSubject.id and the JWT `sub`). */
    subjectId?: string;
    /** The LTI platform's `iss`; the learner is `sub` within it (LTI 1.3 §5.3.6). */
    platformIssuer: string;
    sub: string;
    name: string | null;
    hashedEmail: HashedIdentity | null;
  };
  /** The learner's result, from 0 to 1: their xAPI `result.score.scaled`, or a stack's average. */
  scoreScaled: number | null;
  /**
   * What `scoreScaled` is: the learner's score (the default), the average of the results of the
   * stacked credentials (`CredentialEvidenceInput`) that carry one, or `pass`: a pass without a
   * score (OB `Status` result, `scoreScaled` null).
   */
  resultKind?: 'score' | 'weighted-average' | 'pass';
  /**
   * For a stack's average: how it weighed the stacked credentials, as the average was computed
   * (awards/stack-credit.ts); the result description says so. Required with a score.
   */
  averageWeighting?: AverageWeighting;
  /**
   * The xAPI statements, and for a stack the credentials, that earned the award; for an award a
   * teacher made by hand, who made it and why.
   */
  evidence: readonly (
    StatementEvidenceInput | CredentialEvidenceInput | RecognisedEvidenceInput | ManualEvidenceInput
  )[];
  /** Our extension context and schema, when the credential carries EU elements. */
  extension?: { contextUrl: string; schemaUrl: string };
  /** The credential's BitstringStatusListEntry (W3C Bitstring Status List v1.0). */
  status?: { statusListCredential: string; statusListIndex: number };
};

export type StatementEvidenceInput = { statementId: string; url: string; narrative: string };

/** A teacher awarded the credential by hand: their name and the reason they gave. */
export type ManualEvidenceInput = { awardedBy: string; reason: string };

/** A credential a stack rests on: one of the learner's credentials that met the stack's rule. */
export type CredentialEvidenceInput = {
  /** The stacked credential's UUID (its id is `urn:uuid:<credentialId>`). */
  credentialId: string;
  /** Its public verification page. */
  url: string;
  /** The name of its achievement. */
  name: string;
  issuerName: string;
  /** The ECTS it carries; null for the badge form. */
  ects: number | null;
  /** Its result from 0 to 1, or null when it has none. */
  scoreScaled: number | null;
  issuedAt: Date;
};

/**
 * A credential a stack rests on that the learner earned at a partner issuer and the awarding
 * body recognised: named by the partner's own ids, never re-issued.
 */
export type RecognisedEvidenceInput = {
  /** The partner credential's own `id` (a URI). */
  recognisedCredentialId: string;
  /** The partner issuer as its credential names it (a DID or URL), and its name. */
  issuerId: string;
  issuerName: string;
  /** The name of the partner's achievement. */
  name: string;
  /** The ECTS it counts for here, or null. */
  ects: number | null;
};

/**
 * The EU micro-credential elements, resolved to one language, with what this award states: the
 * supervision declared (or that none was), and why credits are withheld from a badge.
 */
export type MicroCredentialInput = Omit<
  MicroCredentialElements,
  'translations' | 'fieldOfStudy' | 'supervision'
> & {
  supervision?: SupervisionStatement;
  ectsCreditsWithheld?: string;
};

const CONTEXTS = [VC_V2_CONTEXT_URL, OB_V3P0_CONTEXT_URL, OB_V3P0_EXTENSIONS_CONTEXT_URL];
const SCORE_FRAGMENT = 'score';
const STATUS_FRAGMENT = 'result';

/**
 * Builds the unsigned OpenBadgeCredential (OB 3.0 on VC Data Model 2.0) for one award. Pure:
 * the same input gives the same credential. The learner appears only through identifiers
 * (their LTI user id, optionally their name and a salted email hash), never a plain email.
 * Throws TypeError for input a caller should never pass: an id that is not a UUID or URL, an
 * invalid date, empty names, ECTS ≤ 0, an EQF level outside 1–8, a score outside 0–1, a stack's
 * average without its weighting or weighted by ECTS over a stacked credential without any.
 */
export function buildCredential(input: CredentialInput): OpenBadgeCredential {
  checkInput(input);
  const issuedAt = isoSeconds(input.issuedAt);
  const achievement = buildAchievement(input);
  const credentialSchema: OpenBadgeCredential['credentialSchema'] = [
    { id: ACHIEVEMENT_CREDENTIAL_SCHEMA_URL, type: '1EdTechJsonSchemaValidator2019' },
  ];
  if (input.extension) {
    credentialSchema.push({
      id: input.extension.schemaUrl,
      type: '1EdTechJsonSchemaValidator2019',
    });
  }
  const id = `urn:uuid:${input.credentialId.toLowerCase()}`;
  return {
    '@context': input.extension ? [...CONTEXTS, input.extension.contextUrl] : [...CONTEXTS],
    id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: achievement.name,
    description: achievement.description,
    issuer: buildIssuer(input.issuer),
    validFrom: issuedAt,
    ...(input.validUntil ? { validUntil: isoSeconds(input.validUntil) } : {}),
    awardedDate: issuedAt,
    credentialSubject: buildSubject(input, achievement),
    ...(input.evidence.length > 0 ? { evidence: input.evidence.map(buildEvidence) } : {}),
    ...(input.status
      ? {
          credentialStatus: {
            id: `${input.status.statusListCredential}#${input.status.statusListIndex}`,
            type: 'BitstringStatusListEntry',
            statusPurpose: 'revocation',
            statusListIndex: String(input.status.statusListIndex),
            statusListCredential: input.status.statusListCredential,
          },
        }
      : {}),
    credentialSchema,
  };
}

function buildIssuer(issuer: CredentialInput['issuer']): IssuerProfile {
  const profile: IssuerProfile = { id: issuer.did, type: ['Profile'], name: issuer.name };
  if (issuer.url !== null) profile.url = issuer.url;
  if (issuer.email !== null) profile.email = issuer.email;
  if (issuer.description) profile.description = issuer.description;
  if (issuer.image) profile.image = { id: issuer.image, type: 'Image' };
  if (issuer.address) profile.address = { type: ['Address'], ...issuer.address };
  if (issuer.identifiers && issuer.identifiers.length > 0) {
    profile.otherIdentifier = issuer.identifiers.map((entry) => ({
      type: 'IdentifierEntry',
      identifier: entry.identifier,
      identifierType: entry.identifierType,
    }));
  }
  if (issuer.parentOrg) {
    profile.parentOrg = {
      id: issuer.parentOrg.id,
      type: ['Profile'],
      name: issuer.parentOrg.name,
      ...(issuer.parentOrg.url ? { url: issuer.parentOrg.url } : {}),
    };
  }
  if (issuer.endorsement && issuer.endorsement.length > 0) {
    profile.endorsement = [...issuer.endorsement];
  }
  return profile;
}

function buildAchievement(input: CredentialInput): Achievement {
  const { id, name, description, criteria, ects, eqfLevel } = input.achievement;
  const achievement: Achievement = {
    id,
    type: ['Achievement'],
    name,
    description,
    criteria: { narrative: criteria },
    // CTDL terms, as OB 3.0 AchievementType takes them: a credit-bearing achievement is a
    // micro-credential in the sense of the EU Council Recommendation 2022/C 243/02.
    achievementType: ects === null ? 'Badge' : 'MicroCredential',
  };
  if (ects !== null) achievement.creditsAvailable = ects;
  const { language, image, fieldOfStudy, microCredential } = input.achievement;
  if (image) achievement.image = { id: image, type: 'Image' };
  if (language) achievement.inLanguage = language;
  if (fieldOfStudy) achievement.fieldOfStudy = fieldOfStudy;
  const elements = microCredential ? elementValues(input, microCredential) : [];
  const alignment = [
    ...(eqfLevel !== null ? [eqfAlignment(eqfLevel)] : []),
    ...euAlignments(elements),
  ];
  if (alignment.length > 0) achievement.alignment = alignment;
  if (microCredential) achievement.microCredential = buildMicroCredential(elements);
  const resultDescription = resultDescriptionOf(input, id);
  if (resultDescription) achievement.resultDescription = [resultDescription];
  const { endorsement } = input.achievement;
  if (endorsement && endorsement.length > 0) achievement.endorsement = [...endorsement];
  return achievement;
}

/** The one possible result of the credential, where it states one (OB 3.0 ResultDescription). */
function resultDescriptionOf(input: CredentialInput, achievementId: string) {
  const kind = input.resultKind ?? 'score';
  if (kind === 'pass') {
    return {
      id: `${achievementId}#${STATUS_FRAGMENT}`,
      type: ['ResultDescription'] as ['ResultDescription'],
      name: 'Pass',
      resultType: 'Status',
    };
  }
  if (input.scoreScaled === null) return null;
  const weighting = kind === 'weighted-average' ? input.averageWeighting! : null;
  return {
    id: `${achievementId}#${weighting ? AVERAGE_FRAGMENTS[weighting] : SCORE_FRAGMENT}`,
    type: ['ResultDescription'] as ['ResultDescription'],
    name: weighting ? averageName(input.evidence, weighting) : 'Score',
    resultType: 'Percent',
    valueMin: '0',
    valueMax: '100',
  };
}

/**
 * What a stack's average is: weighted by ECTS, or each stacked credential counting equally; over
 * every stacked credential, or, when some carry no result of ours (credentials recognised from
 * partners never do: awards/award-evidence.ts), how many of them it covers and which are left out.
 * The ELM export carries this text as it stands (elm/build-elm-credential.ts).
 */
function averageName(evidence: CredentialInput['evidence'], weighting: AverageWeighting): string {
  const components = evidence.filter(
    (item) => 'recognisedCredentialId' in item || 'credentialId' in item,
  );
  const averaged = evidence.filter(
    (item) => 'credentialId' in item && item.scoreScaled !== null,
  ).length;
  const isOverAll = averaged === components.length;
  const over = isOverAll
    ? 'the stacked credentials'
    : `${averaged} of the ${components.length} stacked credentials`;
  const average =
    weighting === 'ects'
      ? `ECTS-weighted average of the results of ${over}`
      : `Average of the results of ${over} (each counts equally, since not all of them state ECTS)`;
  return isOverAll
    ? average
    : `${average}; credentials recognised from partners and credentials without a result are not in it`;
}

/** The table's rows with their values in this credential (rows without one left out). */
function elementValues(input: CredentialInput, microCredential: MicroCredentialInput) {
  const from = {
    eu: microCredential,
    achievement: input.achievement,
    issuer: input.issuer.address,
    award: { ectsCreditsWithheld: microCredential.ectsCreditsWithheld },
  };
  return EU_ELEMENTS.map((row) => ({ row, value: valueOf(row, from) })).filter(
    ({ value }) => value !== undefined,
  );
}
type ElementValues = ReturnType<typeof elementValues>;

/** The elements' alignments with the EU vocabularies; skills (competencies) after frameworks. */
function euAlignments(elements: ElementValues): Alignment[] {
  const alignments = elements.flatMap(({ row, value }) => row.alignments?.(value) ?? []);
  const isSkill = (alignment: Alignment) => alignment.targetType !== undefined;
  return [...alignments.filter((one) => !isSkill(one)), ...alignments.filter(isSkill)];
}

/** The `microCredential` object: single values in the table's order, then the lists and flags. */
function buildMicroCredential(elements: ElementValues): MicroCredentialObject {
  const values: Record<string, unknown> = {};
  for (const { row, value } of elements) Object.assign(values, row.credential?.(value));
  const terms = EU_ELEMENTS.flatMap((row) => row.terms ?? []).filter((term) => !term.of);
  const isLater = (type: string) => type === 'iri-set' || type === 'boolean';
  const object: Record<string, unknown> = { type: 'EuMicroCredential' };
  for (const term of [
    ...terms.filter((one) => !isLater(one.type)),
    ...terms.filter((one) => isLater(one.type)),
  ]) {
    const value = values[term.name];
    if (value !== undefined && value !== null) object[term.name] = value;
  }
  return object as MicroCredentialObject;
}

/** The level in the European Qualifications Framework, by its Europass (ELM) concept URI. */
function eqfAlignment(level: number): Alignment {
  return {
    type: ['Alignment'],
    targetName: `EQF level ${level}`,
    targetUrl: `http://data.europa.eu/snb/eqf/${level}`,
    targetFramework: 'European Qualifications Framework',
    targetCode: String(level),
  };
}

function buildSubject(input: CredentialInput, achievement: Achievement): AchievementSubject {
  const subject: AchievementSubject = {
    ...(input.recipient.subjectId ? { id: input.recipient.subjectId } : {}),
    type: ['AchievementSubject'],
    identifier: buildIdentifiers(input.recipient),
    achievement,
  };
  if (input.achievement.ects !== null) subject.creditsEarned = input.achievement.ects;
  const [description] = achievement.resultDescription ?? [];
  if (description?.resultType === 'Status') {
    subject.result = [{ type: ['Result'], resultDescription: description.id, status: 'Completed' }];
  } else if (description && input.scoreScaled !== null) {
    subject.result = [
      {
        type: ['Result'],
        resultDescription: description.id,
        value: percentText(input.scoreScaled),
      },
    ];
  }
  return subject;
}

/**
 * The person first: wallets show the first identifier as whom the credential was issued to, so
 * the learner's name leads (IdentifierTypeEnum `name`), then the hashed email. The LTI `sub`
 * is unique only within its platform, so the platform's issuer goes with it
 * (`ltiPlatformId` and `ltiUserId`); both are opaque ids, sent in the clear.
 */
function buildIdentifiers(recipient: CredentialInput['recipient']): IdentityObject[] {
  const identifiers: IdentityObject[] = [];
  if (recipient.name !== null) identifiers.push(plainIdentity('name', recipient.name));
  if (recipient.hashedEmail !== null) {
    identifiers.push({
      type: 'IdentityObject',
      identityType: 'emailAddress',
      hashed: true,
      identityHash: recipient.hashedEmail.identityHash,
      salt: recipient.hashedEmail.salt,
    });
  }
  identifiers.push(
    plainIdentity('ltiPlatformId', recipient.platformIssuer),
    plainIdentity('ltiUserId', recipient.sub),
  );
  return identifiers;
}

function plainIdentity(identityType: string, value: string): IdentityObject {
  return { type: 'IdentityObject', identityType, hashed: false, identityHash: value };
}

function buildEvidence(evidence: CredentialInput['evidence'][number]): Evidence {
  if ('awardedBy' in evidence) {
    return {
      type: ['Evidence'],
      name: `Awarded by ${evidence.awardedBy}`,
      narrative: `awarded by ${evidence.awardedBy} : ${evidence.reason}`,
      genre: 'Teacher award',
    };
  }
  if ('recognisedCredentialId' in evidence) {
    const credentialId = evidence.recognisedCredentialId;
    return {
      ...(/^https?:\/\//i.test(credentialId) ? { id: credentialId } : {}),
      type: ['Evidence'],
      name: evidence.name,
      narrative:
        'A credential the learner earned at a partner institution, recognised by the issuer, that met the rule this credential stacks.',
      description:
        `${evidence.name}, issued by ${evidence.issuerName}` +
        (evidence.ects === null ? '.' : `: ${evidence.ects} ECTS.`),
      genre: 'Recognised credential',
      stackedCredential: credentialId,
      stackedIssuer: evidence.issuerName,
      stackedIssuerId: evidence.issuerId,
      ...(evidence.ects === null ? {} : { ectsCredits: evidence.ects }),
    };
  }
  if ('statementId' in evidence) {
    return {
      id: evidence.url,
      type: ['Evidence'],
      name: `xAPI statement ${evidence.statementId}`,
      narrative: evidence.narrative,
      genre: 'xAPI statement',
    };
  }
  const awardedDate = isoSeconds(evidence.issuedAt);
  const facts = [
    ...(evidence.ects === null ? [] : [`${evidence.ects} ECTS`]),
    ...(evidence.scoreScaled === null ? [] : [`result ${percentText(evidence.scoreScaled)} %`]),
  ];
  return {
    id: evidence.url,
    type: ['Evidence'],
    name: evidence.name,
    narrative: 'A credential of the learner that met the rule this credential stacks.',
    description:
      `${evidence.name}, issued by ${evidence.issuerName} on ${awardedDate.slice(0, 10)}` +
      (facts.length > 0 ? `: ${facts.join(', ')}.` : '.'),
    genre: 'Credential',
    stackedCredential: `urn:uuid:${evidence.credentialId.toLowerCase()}`,
    stackedIssuer: evidence.issuerName,
    ...(evidence.ects === null ? {} : { ectsCredits: evidence.ects }),
    ...(evidence.scoreScaled === null
      ? {}
      : { stackedResult: Math.round(evidence.scoreScaled * 10_000) / 100 }),
    stackedAwardedDate: awardedDate,
  };
}

/** A result from 0 to 1 in percent, to hundredths, as OB `Percent` results are written. */
function percentText(scaled: number): string {
  return String(Math.round(scaled * 10_000) / 100);
}

/** ISO 8601 in UTC without milliseconds, the form OB examples and wallets use. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function checkInput(input: CredentialInput): void {
  const { achievement, issuer, recipient } = input;
  if (!isUuid(input.credentialId)) throw new TypeError('credentialId must be a UUID');
  if (!(input.issuedAt instanceof Date) || Number.isNaN(input.issuedAt.getTime())) {
    throw new TypeError('issuedAt must be a valid Date');
  }
  requireUrl(issuer.did, 'issuer.did');
  requireUrl(achievement.id, 'achievement.id');
  if (achievement.id.includes('#')) throw new TypeError('achievement.id must have no fragment');
  if (issuer.url !== null) requireUrl(issuer.url, 'issuer.url');
  if (
    input.validUntil !== undefined &&
    input.validUntil !== null &&
    !(input.validUntil instanceof Date && !Number.isNaN(input.validUntil.getTime()))
  ) {
    throw new TypeError('validUntil must be a valid Date');
  }
  for (const evidence of input.evidence) {
    if ('awardedBy' in evidence) {
      if (evidence.awardedBy.trim() === '' || evidence.reason.trim() === '') {
        throw new TypeError('evidence.awardedBy and evidence.reason must not be empty');
      }
      continue;
    }
    if ('recognisedCredentialId' in evidence) {
      requireUrl(evidence.recognisedCredentialId, 'evidence.recognisedCredentialId');
      requireUrl(evidence.issuerId, 'evidence.issuerId');
      if (evidence.ects !== null && !(Number.isFinite(evidence.ects) && evidence.ects > 0)) {
        throw new TypeError('evidence.ects must be a positive number or null');
      }
      continue;
    }
    requireUrl(evidence.url, 'evidence.url');
    if ('statementId' in evidence) continue;
    if (!isUuid(evidence.credentialId)) throw new TypeError('evidence.credentialId must be a UUID');
    if (evidence.ects !== null && !(Number.isFinite(evidence.ects) && evidence.ects > 0)) {
      throw new TypeError('evidence.ects must be a positive number or null');
    }
    if (
      evidence.scoreScaled !== null &&
      !(evidence.scoreScaled >= 0 && evidence.scoreScaled <= 1)
    ) {
      throw new TypeError('evidence.scoreScaled must be from 0 to 1 or null');
    }
  }
  if (input.resultKind === 'pass' && input.scoreScaled !== null) {
    throw new TypeError('a pass result has no scoreScaled');
  }
  if (input.resultKind === 'weighted-average' && input.scoreScaled !== null) {
    const averaged = input.evidence.filter(
      (item): item is CredentialEvidenceInput =>
        'credentialId' in item && item.scoreScaled !== null,
    );
    if (averaged.length === 0) {
      throw new TypeError('a weighted average needs a stacked credential with a result');
    }
    if (input.averageWeighting === undefined) {
      throw new TypeError('a weighted average needs its averageWeighting');
    }
    if (input.averageWeighting === 'ects' && averaged.some((item) => item.ects === null)) {
      throw new TypeError(
        'an ECTS-weighted average cannot include a stacked credential without ECTS',
      );
    }
  }
  for (const [name, value] of Object.entries({
    'issuer.name': issuer.name,
    'achievement.name': achievement.name,
    'achievement.description': achievement.description,
    'achievement.criteria': achievement.criteria,
    'recipient.platformIssuer': recipient.platformIssuer,
    'recipient.sub': recipient.sub,
  })) {
    if (value.trim() === '') throw new TypeError(`${name} must not be empty`);
  }
  if (achievement.ects !== null && !(Number.isFinite(achievement.ects) && achievement.ects > 0)) {
    throw new TypeError('achievement.ects must be a positive number or null');
  }
  if (
    achievement.eqfLevel !== null &&
    !(
      Number.isInteger(achievement.eqfLevel) &&
      achievement.eqfLevel >= 1 &&
      achievement.eqfLevel <= 8
    )
  ) {
    throw new TypeError('achievement.eqfLevel must be a whole number from 1 to 8 or null');
  }
  if (input.scoreScaled !== null && !(input.scoreScaled >= 0 && input.scoreScaled <= 1)) {
    throw new TypeError('scoreScaled must be from 0 to 1 or null');
  }
  if (recipient.hashedEmail !== null && !recipient.hashedEmail.identityHash.startsWith('sha256$')) {
    throw new TypeError('recipient.hashedEmail must be a sha256$ IdentityHash');
  }
}

function requireUrl(value: string, name: string): void {
  if (!URL.canParse(value)) throw new TypeError(`${name} must be an absolute URI`);
}
