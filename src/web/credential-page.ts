import {
  ASSESSMENT_TYPES,
  PARTICIPATION_FORMS,
  SUPERVISION_LEVELS,
} from '../badges/eu-elements.js';
import type { OpenBadgeCredential } from '../badges/open-badge-credential.js';

/**
 * A credential's European micro-credential elements (Council Recommendation 2022/C 243/02,
 * Annex I) in the order the Annex lists them, for the public page. Labels and vocabulary terms
 * are catalog keys of the `public` namespace (the page's language); free texts are the
 * credential's own (its language). Pure: it reads only the credential.
 */

/** One value of an element: the credential's text, or a catalog key with values. */
export type ElementValue =
  | { readonly text: string; readonly href?: string }
  | { readonly date: string }
  /** An ISO 3166-1 alpha-2 code, named in the page's language. */
  | { readonly countryCode: string }
  | {
      readonly key: string;
      readonly values?: Record<string, string | number>;
      readonly href?: string;
    };

export interface CredentialElement {
  /** `public:element.<id>` is its label. */
  readonly id: string;
  readonly isMandatory: boolean;
  readonly values: readonly ElementValue[];
}

type Present<T> = T | null | undefined | false | '';

/** The last path segment of a vocabulary URI, the key of its term in the catalogs. */
const termOf = (uri: string) => uri.slice(uri.lastIndexOf('/') + 1);

export function credentialElements(
  credential: OpenBadgeCredential,
  /** Our page of the issuer, when we are the issuer. */
  issuerPage: string | null,
): CredentialElement[] {
  const subject = credential.credentialSubject;
  const achievement = subject.achievement;
  const mc =
    achievement.microCredential ??
    ({ learningOutcome: [] } as Partial<NonNullable<typeof achievement.microCredential>>);
  const issuer = credential.issuer;
  const address: Partial<Record<string, string | string[]>> = issuer.address ?? {};
  const elements: CredentialElement[] = [];
  const add = (id: string, isMandatory: boolean, values: Present<ElementValue>[]) => {
    elements.push({
      id,
      isMandatory,
      values: values.filter((value): value is ElementValue => Boolean(value)),
    });
  };

  // Only a plain name is shown: a hashed email identity must stay hashed.
  const name = subject.identifier.find(
    (identity) => identity.identityType === 'name' && !identity.hashed,
  );
  add('learner', true, [
    name ? { text: name.identityHash } : { key: 'public:value.learnerNotPublished' },
  ]);
  add('title', true, [{ text: achievement.name }]);
  const region = address.addressRegion ?? mc.issuerRegion;
  const countryCode = address.addressCountryCode ?? mc.issuerCountry;
  add('country', true, [
    address.addressCountry
      ? { text: String(address.addressCountry) }
      : countryCode && { countryCode: String(countryCode) },
    region && { text: String(region) },
  ]);
  add('awardingBody', true, [
    { text: issuer.name, ...(issuerPage ? { href: issuerPage } : {}) },
    issuer.url && { text: issuer.url, href: issuer.url },
    issuer.parentOrg && {
      key: 'public:value.memberOf',
      values: { name: issuer.parentOrg.name },
      ...(issuer.parentOrg.url ? { href: issuer.parentOrg.url } : {}),
    },
    ...(issuer.otherIdentifier ?? []).map((entry) => ({
      text: `${entry.identifierType.replace(/^ext:/, '')}: ${entry.identifier}`,
    })),
  ]);
  add('issuedOn', true, [{ date: credential.awardedDate ?? credential.validFrom }]);
  add(
    'learningOutcomes',
    true,
    (mc.learningOutcome ?? []).flatMap((outcome) => [
      { text: outcome.outcome },
      ...(outcome.escoSkill ?? []).map((skill) => ({
        key: 'public:value.escoSkill',
        values: { uri: skill },
        href: skill,
      })),
    ]),
  );
  const ects = subject.creditsEarned ?? achievement.creditsAvailable ?? mc.ectsCredits;
  add('workload', true, [
    ects !== undefined && { key: 'public:value.ects', values: { ects } },
    mc.workloadHours !== undefined && {
      key: 'public:value.hours',
      values: { hours: mc.workloadHours },
    },
  ]);
  add('level', true, [
    mc.eqfLevel && {
      key: 'public:value.eqfLevel',
      values: { level: termOf(mc.eqfLevel) },
      href: mc.eqfLevel,
    },
  ]);
  add('assessment', true, [
    mc.assessmentType &&
      (mc.assessmentType in ASSESSMENT_TYPES
        ? { key: `public:assessment.${termOf(mc.assessmentType)}`, href: mc.assessmentType }
        : { text: mc.assessmentType, href: mc.assessmentType }),
    mc.assessmentDescription && { text: mc.assessmentDescription },
  ]);
  add('participation', true, [
    mc.participationForm &&
      (mc.participationForm in PARTICIPATION_FORMS
        ? {
            key: `public:participation.${termOf(mc.participationForm)}`,
            href: mc.participationForm,
          }
        : { text: mc.participationForm, href: mc.participationForm }),
  ]);
  add('qualityAssurance', true, [
    mc.qualityAssurance && { text: mc.qualityAssurance },
    mc.qualityAssuranceUrl && { text: mc.qualityAssuranceUrl, href: mc.qualityAssuranceUrl },
  ]);
  add('prerequisites', false, [mc.prerequisites && { text: mc.prerequisites }]);
  const supervision = mc.supervisionAndIdentityVerification;
  const supervisionUri =
    mc.supervisionAndIdentityVerificationUri ??
    (supervision && supervision in SUPERVISION_LEVELS
      ? SUPERVISION_LEVELS[supervision as keyof typeof SUPERVISION_LEVELS].uri
      : null);
  add('supervision', false, [
    supervision &&
      (supervision in SUPERVISION_LEVELS
        ? {
            key: `public:supervision.${supervision}`,
            ...(supervisionUri ? { href: supervisionUri } : {}),
          }
        : { text: supervision }),
  ]);
  const result = subject.result?.[0];
  add('grade', false, [
    result?.value !== undefined && { key: 'public:value.percent', values: { value: result.value } },
    mc.gradingScheme && { text: mc.gradingScheme },
  ]);
  add('stackability', false, [
    mc.isStackable !== undefined && {
      key: mc.isStackable ? 'public:value.stackable' : 'public:value.standAlone',
    },
    mc.stackabilityDescription && { text: mc.stackabilityDescription },
    ...(mc.stacksInto ?? []).map((url) => ({
      key: 'public:value.stacksInto',
      values: { url },
      href: url,
    })),
  ]);
  add('fieldOfStudy', false, [achievement.fieldOfStudy && { text: achievement.fieldOfStudy }]);
  add('furtherInformation', false, [
    mc.furtherInformation && { text: mc.furtherInformation },
    mc.furtherInformationUrl && { text: mc.furtherInformationUrl, href: mc.furtherInformationUrl },
  ]);
  return elements;
}
