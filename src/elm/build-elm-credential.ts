import { badgePng } from '../badges/badge-image.js';
import { readElements, type MicroCredentialElements } from '../badges/eu-elements.js';
import { averageWeightingOf, type OpenBadgeCredential } from '../badges/open-badge-credential.js';
import type { IssuerAddress } from '../db/schema.js';
import type { ErrorCode } from '../error-codes.js';
import { ConflictError } from '../errors.js';
import {
  base64EncodingConcept,
  countryConcept,
  fileTypeConcept,
  genericCredentialProfile,
  languageConcept,
  type ElmConcept,
} from './eu-vocabularies.js';
import {
  creditPoint,
  mapElements,
  note,
  type ElmNode,
  type LanguageMap,
  type MappedElements,
  type NodeIds,
} from './map-eu-elements.js';

export { hoursDuration } from './map-eu-elements.js';

/** The W3C Verifiable Credentials 1.1 context, which EDC credentials are written in. */
export const VC_V1_CONTEXT_URL = 'https://www.w3.org/2018/credentials/v1';
/** The JSON-LD context of the EDC application profile of ELM 3. */
export const EDC_AP_CONTEXT_URL = 'http://data.europa.eu/snb/model/context/edc-ap';

/**
 * The `credentialSchema` of an EDC credential checked against the generic EDC application
 * profile with its controlled-vocabulary constraints (EDC-generic-full.ttl).
 */
export const EDC_GENERIC_FULL_SCHEMA = 'http://data.europa.eu/snb/model/ap/edc-generic-full';

/** The ELM export of a credential cannot be made (409). */
export class ElmExportUnavailableError extends ConflictError {
  override readonly code: ErrorCode = 'ELM_EXPORT_UNAVAILABLE';
}

/** The awarding body's issuer profile names no country, or one the EU list lacks. */
export class ElmIssuerCountryMissingError extends ElmExportUnavailableError {
  override readonly code = 'ELM_ISSUER_COUNTRY_MISSING';
}

/** What the ELM export of one award is built from, all of it as stored. */
export type ElmExportInput = {
  /** The award's Open Badges 3.0 credential as issued (`awards.credential`). */
  credential: Readonly<Record<string, unknown>>;
  /** The achievement version the award was issued from (`achievements` row or version). */
  achievement: {
    name: string;
    description: string;
    criteria: string;
    ects: number | null;
    eqfLevel: number | null;
    /** BCP 47 language of the texts above and of the untranslated EU elements. */
    language: string;
    image: string | null;
    /** The stored EU elements (`achievements.eu`, badges/eu-elements.ts). */
    eu: unknown;
  };
  /** The awarding body: its issuer profile (`issuer_profiles` row) as it is now. */
  issuer: {
    name: string;
    url: string | null;
    email: string | null;
    countryCode: string | null;
    description: string | null;
    image: string | null;
    address: IssuerAddress | null;
    identifiers: readonly { identifierType: string; identifier: string }[];
    parentOrg: { id: string; name: string; url?: string } | null;
    publishRecipientName: boolean;
  };
  /**
   * The learner as the tool knows them now. The name appears only when the issuer profile
   * publishes recipient names; the e-mail address whenever it is given (callers give it only to
   * the course's teachers, for the awarding body to deliver the sealed credential).
   */
  learner: { name: string | null; email: string | null };
};

/** An unsigned European Digital Credential (ELM 3, EDC application profile, VC 1.1) in JSON-LD. */
export type ElmCredential = {
  '@context': [typeof VC_V1_CONTEXT_URL, typeof EDC_AP_CONTEXT_URL];
  id: string;
  type: ['VerifiableCredential', 'EuropeanDigitalCredential'];
  validFrom: string;
  credentialSubject: ElmNode;
  issuer: ElmNode;
  credentialSchema: { id: typeof EDC_GENERIC_FULL_SCHEMA; type: 'ShaclValidator2017' };
} & ElmNode;

/**
 * Builds the unsigned ELM 3 document of one award, in the EDC application profile, for the
 * awarding body to seal and issue through European Digital Credentials. Pure: the same input
 * gives the same document. It follows the Commission's unsigned Annex I sample
 * (`Sample-MC-Annex1-unsigned.jsonld`): a Person owning a LearningAchievement specified by a
 * Qualification, proven by a LearningAssessment and awarded by the issuer's Organisation, with
 * the EU vocabularies as Concepts and every text as a language map (the achievement's language
 * and its translations). It leaves out what sealing adds (`issued`, the sealing issuer's eIDAS
 * identifier, the proof) and the revocation status of the Open Badges credential.
 *
 * The award's own Annex I elements: learner → `credentialSubject` (Person: pseudonymous id, LTI
 * user id, name, e-mail); title → `title`s and `displayParameter`; awarding body, country and
 * region of the issuer → `awardedBy.awardingBody` and `issuer` (Organisation with `location`);
 * date of issuing → `validFrom` and `awardedBy.awardingDate`; credits earned → `creditReceived`;
 * grade → `grade`. The achievement's elements go where their row of the table of EU elements
 * (badges/eu-elements.ts) maps them, through mapElements.
 *
 * Throws ElmIssuerCountryMissingError (409) when the issuer profile has no country ELM knows
 * (every EDC organisation needs one), TypeError for a stored credential that is not ours.
 */
export function buildElmCredential(input: ElmExportInput): ElmCredential {
  const ob = readCredential(input.credential);
  const { achievement, issuer, learner } = input;
  const eu = readElements(achievement.eu);
  const awardId = ob.id.slice('urn:uuid:'.length);
  const ids = nodeIds(awardId);
  const texts = languageTexts(achievement, eu);
  const own = texts.defaultLanguage;
  const primaryLanguage = texts.languages.find(
    (tag) => tag.toLowerCase() === ob.credentialSubject.achievement.inLanguage?.toLowerCase(),
  );

  const organisation = buildOrganisation(issuer, ob.issuer.id, ids, own);
  const awardingProcess: ElmNode = {
    id: ids('awardingProcess'),
    type: 'AwardingProcess',
    awardingBody: organisation,
    awardingDate: ob.validFrom,
    description: texts.criteria,
  };
  const elements = mapElements(ob.credentialSubject.achievement, { eu, achievement }, texts, ids);
  const qualification = buildQualification(ob, elements, texts);
  const assessment = buildAssessment(ob, elements, texts, ids, { organisation, awardingProcess });
  const creditsEarned = ob.credentialSubject.creditsEarned;
  const learningAchievement: ElmNode = {
    id: ids('learningAchievement'),
    type: 'LearningAchievement',
    title: texts.name,
    description: texts.description,
    awardedBy: awardingProcess,
    provenBy: assessment,
    specifiedBy: qualification,
    ...(creditsEarned !== undefined
      ? { creditReceived: creditPoint(ids('creditPoint', 'received'), creditsEarned) }
      : {}),
    ...stackedParts(ob, organisation, ids, ob.credentialSubject.achievement.inLanguage ?? own),
  };

  return {
    '@context': [VC_V1_CONTEXT_URL, EDC_AP_CONTEXT_URL],
    id: `urn:credential:${awardId}`,
    type: ['VerifiableCredential', 'EuropeanDigitalCredential'],
    credentialProfiles: genericCredentialProfile(),
    displayParameter: buildDisplay(ob, achievement, texts, primaryLanguage ?? own, ids),
    identifier: {
      id: ids('identifier', 'credential'),
      type: 'Identifier',
      schemeName: 'Open Badges 3.0 credential id',
      notation: ob.id,
    },
    credentialSchema: { id: EDC_GENERIC_FULL_SCHEMA, type: 'ShaclValidator2017' },
    credentialSubject: buildPerson(ob, issuer, learner, learningAchievement, ids, own),
    issuer: organisation,
    validFrom: ob.validFrom,
  };
}

/** The ids of one document's own nodes, `urn:epass:<kind>:<award id>[:<part>]`, as EDC names them. */
function nodeIds(awardId: string): NodeIds {
  return (kind, ...parts) => ['urn:epass', kind, awardId, ...parts].join(':');
}

type Texts = {
  defaultLanguage: string;
  /** The default language first, then the translations'. */
  languages: string[];
  name: LanguageMap;
  description: LanguageMap;
  criteria: LanguageMap;
  outcomes: LanguageMap[];
};

/** The achievement's translatable texts as language maps: its own language, then each translation. */
function languageTexts(
  achievement: ElmExportInput['achievement'],
  eu: MicroCredentialElements,
): Texts {
  const own = achievement.language;
  const texts: Texts = {
    defaultLanguage: own,
    languages: [own],
    name: { [own]: achievement.name },
    description: { [own]: achievement.description },
    criteria: { [own]: achievement.criteria },
    outcomes: eu.learningOutcomes.map((outcome) => ({ [own]: outcome.text })),
  };
  for (const [tag, translation] of Object.entries(eu.translations)) {
    if (texts.languages.some((known) => known.toLowerCase() === tag.toLowerCase())) continue;
    texts.languages.push(tag);
    texts.name[tag] = translation.name;
    texts.description[tag] = translation.description;
    if (translation.criteria) texts.criteria[tag] = translation.criteria;
    translation.learningOutcomes?.forEach((text, index) => {
      const outcome = texts.outcomes[index];
      if (outcome) outcome[tag] = text;
    });
  }
  return texts;
}

function buildOrganisation(
  issuer: ElmExportInput['issuer'],
  did: string,
  ids: NodeIds,
  language: string,
): ElmNode {
  const countryCode = issuer.address?.addressCountryCode ?? issuer.countryCode;
  if (!countryCode) {
    throw new ElmIssuerCountryMissingError(
      `The awarding body "${issuer.name}" states no country in its issuer profile; European Digital Credentials require one. An administrator can add it to the issuer profile.`,
    );
  }
  const country = countryConcept(countryCode);
  if (!country) {
    throw new ElmIssuerCountryMissingError(
      `The country "${countryCode}" of the awarding body "${issuer.name}" is not in the EU country list.`,
    );
  }
  const address = issuer.address ?? {};
  const fullAddress = [
    address.streetAddress,
    [address.postalCode, address.addressLocality].filter(Boolean).join(' '),
    address.addressRegion,
    address.addressCountry,
  ].filter((part) => part !== undefined && part.trim() !== '');
  const location: ElmNode = {
    id: ids('location', 'issuer'),
    type: 'Location',
    address: {
      id: ids('address', 'issuer'),
      type: 'Address',
      countryCode: country,
      ...(fullAddress.length > 0
        ? {
            fullAddress: note(ids('note', 'issuer-address'), {
              [language]: fullAddress.join(', '),
            }),
          }
        : {}),
    },
    // The EU element "region(s) of the issuer".
    ...(address.addressRegion ? { geographicName: { [language]: address.addressRegion } } : {}),
  };
  const logo = issuer.image ? mediaObject(ids('mediaObject', 'logo'), issuer.image) : null;
  return {
    id: did,
    type: 'Organisation',
    legalName: { [language]: issuer.name },
    location,
    ...(issuer.identifiers.length > 0
      ? {
          identifier: issuer.identifiers.map((entry, index) => ({
            id: ids('identifier', 'issuer', index + 1),
            type: 'Identifier',
            // OB IdentifierEntry types (`ext:ErasmusCode`, `ext:PIC`, `ext:ROR` ...) name the scheme.
            schemeName: entry.identifierType.replace(/^ext:/, ''),
            notation: entry.identifier,
          })),
        }
      : {}),
    ...(issuer.url
      ? {
          homepage: {
            id: ids('webResource', 'issuer'),
            type: 'WebResource',
            contentURL: issuer.url,
          },
        }
      : {}),
    ...(isEmail(issuer.email)
      ? {
          contactPoint: {
            id: ids('contactPoint', 'issuer'),
            type: 'ContactPoint',
            emailAddress: { id: `mailto:${issuer.email}`, type: 'Mailbox' },
          },
        }
      : {}),
    ...(issuer.description
      ? { additionalNote: note(ids('note', 'issuer'), { [language]: issuer.description }) }
      : {}),
    ...(logo ? { logo } : {}),
    // The parent organisation, such as a university alliance, as the sample's Group.
    ...(issuer.parentOrg
      ? {
          groupMemberOf: {
            id: issuer.parentOrg.id,
            type: 'Group',
            prefLabel: { [language]: issuer.parentOrg.name },
          },
        }
      : {}),
  };
}

function buildQualification(
  ob: OpenBadgeCredential,
  elements: MappedElements,
  texts: Texts,
): ElmNode {
  return {
    id: ob.credentialSubject.achievement.id,
    type: 'Qualification',
    title: texts.name,
    description: texts.description,
    language: languageConcept(texts.defaultLanguage),
    ...elements.qualification,
  };
}

function buildAssessment(
  ob: OpenBadgeCredential,
  elements: MappedElements,
  texts: Texts,
  ids: NodeIds,
  parties: { organisation: ElmNode; awardingProcess: ElmNode },
): ElmNode {
  const own = texts.defaultLanguage;
  const type = elements.assessmentSpecification.dcType as ElmConcept | undefined;
  const typeLabel = type?.prefLabel?.en;
  const title = {
    en: typeLabel ? typeLabel.charAt(0).toUpperCase() + typeLabel.slice(1) : 'Assessment',
  };
  return {
    id: ids('learningAssessment'),
    type: 'LearningAssessment',
    title,
    ...averageDescription(ob),
    grade: note(ids('note', 'grade'), grade(ob, own)),
    ...elements.assessment,
    assessedBy: parties.organisation,
    awardedBy: parties.awardingProcess,
    specifiedBy: {
      id: ids('learningAssessmentSpec'),
      type: 'LearningAssessmentSpecification',
      title,
      language: languageConcept(own),
      ...elements.assessmentSpecification,
    },
  };
}

/**
 * A stack's components, the credentials its evidence names (build-credential.ts), as the parts
 * (`hasPart`) of its learning achievement: each with its title, its own award (same awarding
 * body, its date), the ECTS it carries and its Open Badges credential id.
 */
function stackedParts(
  ob: OpenBadgeCredential,
  organisation: ElmNode,
  ids: NodeIds,
  language: string,
): { hasPart?: ElmNode[] } {
  const parts = (ob.evidence ?? []).filter(
    (evidence) => evidence.stackedCredential !== undefined && evidence.stackedAwardedDate,
  );
  if (parts.length === 0) return {};
  return {
    hasPart: parts.map((part, index) => ({
      id: ids('learningAchievement', 'part', index + 1),
      type: 'LearningAchievement',
      title: { [language]: part.name },
      identifier: {
        id: ids('identifier', 'part', index + 1),
        type: 'Identifier',
        schemeName: 'Open Badges 3.0 credential id',
        notation: part.stackedCredential,
      },
      awardedBy: {
        id: ids('awardingProcess', 'part', index + 1),
        type: 'AwardingProcess',
        awardingBody: organisation,
        awardingDate: part.stackedAwardedDate,
      },
      ...(part.ectsCredits === undefined
        ? {}
        : { creditReceived: creditPoint(ids('creditPoint', 'part', index + 1), part.ectsCredits) }),
    })),
  };
}

/**
 * For a stack's average, what it is as the credential's result description states it
 * (build-credential.ts): weighted by ECTS or each stacked credential counting equally, and over
 * which of them. A score or a pass needs no such words.
 */
function averageDescription(ob: OpenBadgeCredential): { description?: LanguageMap } {
  const result = ob.credentialSubject.result?.[0];
  if (averageWeightingOf(result?.resultDescription) === null) return {};
  const described = ob.credentialSubject.achievement.resultDescription?.find(
    (description) => description.id === result?.resultDescription,
  );
  return described ? { description: { en: described.name } } : {};
}

/** The learner's score as a percentage in the achievement's language; "Pass" without one. */
function grade(ob: OpenBadgeCredential, language: string): LanguageMap {
  const value = Number(ob.credentialSubject.result?.[0]?.value);
  if (!Number.isFinite(value)) return { en: 'Pass' };
  return {
    [language]: new Intl.NumberFormat(language, {
      style: 'percent',
      maximumFractionDigits: 2,
    }).format(value / 100),
  };
}

function buildPerson(
  ob: OpenBadgeCredential,
  issuer: ElmExportInput['issuer'],
  learner: ElmExportInput['learner'],
  claim: ElmNode,
  ids: NodeIds,
  language: string,
): ElmNode {
  const subject = ob.credentialSubject;
  const identity = (type: string) =>
    subject.identifier.find((entry) => entry.identityType === type && !entry.hashed)?.identityHash;
  const platform = identity('ltiPlatformId');
  const sub = identity('ltiUserId');
  return {
    // The pseudonymous subject id of the Open Badges credential.
    id: subject.id ?? ids('person'),
    type: 'Person',
    ...(sub && platform
      ? {
          // The LTI `sub` is unique within its platform, whose issuer identifies the scheme.
          identifier: {
            id: ids('identifier', 'learner'),
            type: 'Identifier',
            schemeName: 'LTI 1.3 user id (sub)',
            ...(URL.canParse(platform) ? { schemeId: platform } : {}),
            notation: sub,
          },
        }
      : {}),
    ...(issuer.publishRecipientName && learner.name
      ? { fullName: { [language]: learner.name } }
      : {}),
    ...(isEmail(learner.email)
      ? {
          contactPoint: {
            id: ids('contactPoint', 'learner'),
            type: 'ContactPoint',
            emailAddress: { id: `mailto:${learner.email}`, type: 'Mailbox' },
          },
        }
      : {}),
    hasClaim: claim,
  };
}

function buildDisplay(
  ob: OpenBadgeCredential,
  achievement: ElmExportInput['achievement'],
  texts: Texts,
  primaryLanguage: string,
  ids: NodeIds,
): ElmNode {
  const primary = languageConcept(primaryLanguage);
  const languages = new Map(texts.languages.map((tag) => [languageConcept(tag).id, tag]));
  const image = displayImage({
    id: ob.credentialSubject.achievement.id,
    name: ob.credentialSubject.achievement.name,
    image: achievement.image,
  });
  return {
    id: ids('displayParameter'),
    type: 'DisplayParameter',
    title: texts.name,
    description: texts.description,
    primaryLanguage: primary,
    language: [...languages.values()].map(languageConcept),
    individualDisplay: {
      id: ids('individualDisplay'),
      type: 'IndividualDisplay',
      language: primary,
      displayDetail: {
        id: ids('displayDetail'),
        type: 'DisplayDetail',
        image: {
          id: ids('mediaObject', 'display'),
          type: 'MediaObject',
          content: image,
          contentEncoding: base64EncodingConcept(),
          contentType: fileTypeConcept('PNG'),
        },
        page: 1,
      },
    },
  };
}

let lastDisplayImage:
  { id: string; name: string; image: string | null; base64: string } | undefined;

/**
 * The achievement's badge as a base64 PNG (badge-image.ts), the credential's display image. The
 * last one is kept: a bulk export draws the same badge for every award.
 */
function displayImage(achievement: { id: string; name: string; image: string | null }): string {
  const last = lastDisplayImage;
  if (
    last?.id === achievement.id &&
    last.name === achievement.name &&
    last.image === achievement.image
  ) {
    return last.base64;
  }
  const base64 = badgePng(achievement).toString('base64');
  lastDisplayImage = { ...achievement, base64 };
  return base64;
}

/** An address that makes a valid `mailto:` IRI, as the sample's Mailbox ids. */
function isEmail(value: string | null): value is string {
  return value !== null && /^[^\s<>"{}|\\^`@]+@[^\s<>"{}|\\^`@]+$/.test(value);
}

/** A PNG or JPEG `data:` image as a MediaObject; other images are left out. */
function mediaObject(id: string, image: string): ElmNode | null {
  const match = /^data:image\/(png|jpeg);base64,([A-Za-z0-9+/=]+)$/.exec(image);
  if (!match) return null;
  return {
    id,
    type: 'MediaObject',
    content: match[2],
    contentEncoding: base64EncodingConcept(),
    contentType: fileTypeConcept(match[1] === 'png' ? 'PNG' : 'JPEG'),
  };
}

/** The parts of a stored Open Badges credential the export reads, checked. */
function readCredential(stored: Readonly<Record<string, unknown>>): OpenBadgeCredential {
  const credential = stored as unknown as OpenBadgeCredential;
  const subject = credential.credentialSubject as
    OpenBadgeCredential['credentialSubject'] | undefined;
  if (
    typeof credential.id !== 'string' ||
    !/^urn:uuid:[0-9a-f-]{36}$/i.test(credential.id) ||
    typeof credential.validFrom !== 'string' ||
    typeof credential.issuer?.id !== 'string' ||
    typeof subject?.achievement?.id !== 'string' ||
    !Array.isArray(subject.identifier)
  ) {
    throw new TypeError('Not an Open Badges credential issued by this tool');
  }
  return credential;
}
