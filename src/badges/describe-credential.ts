import {
  ASSESSMENT_TYPES,
  PARTICIPATION_FORMS,
  SUPERVISION_LEVELS,
  type SupervisionLevel,
} from './eu-elements.js';
import type { OpenBadgeCredential } from './open-badge-credential.js';

/**
 * The credential in plain words for the public page: one line per EU micro-credential element
 * (Council Recommendation 2022/C 243/02, Annex I), in the order the Annex lists them, plus the
 * issuer and validity. Pure: it reads only the credential.
 */

export type Element = {
  /** The Annex I element, e.g. "Learning outcomes". */
  label: string;
  /** Plain text; several values become several lines. */
  values: { text: string; href?: string }[];
  isMandatory: boolean;
};

export type CredentialDescription = {
  title: string;
  description: string;
  language: string | null;
  issuerName: string;
  imageUrl: string | null;
  elements: Element[];
  validFrom: string;
  validUntil: string | null;
};

type Loose = Record<string, unknown>;

export function describeCredential(credential: OpenBadgeCredential): CredentialDescription {
  const subject = credential.credentialSubject;
  const achievement = subject.achievement;
  const mc = (achievement.microCredential ?? {}) as Partial<
    NonNullable<typeof achievement.microCredential>
  >;
  const issuer = credential.issuer;
  const address = (issuer.address ?? {}) as Loose;
  const elements: Element[] = [];
  const add = (
    label: string,
    isMandatory: boolean,
    values: ({ text: string; href?: string } | null | undefined | false | '')[],
  ) => {
    const present = values.filter((value): value is { text: string; href?: string } =>
      Boolean(value && value.text),
    );
    elements.push({ label, isMandatory, values: present });
  };

  const name = subject.identifier.find((identity) => identity.identityType === 'name');
  const platform = subject.identifier.find((identity) => identity.identityType === 'ltiPlatformId');
  const user = subject.identifier.find((identity) => identity.identityType === 'ltiUserId');
  add('Learner', true, [
    name && { text: name.identityHash },
    user && {
      text: `user ${user.identityHash} of ${platform?.identityHash ?? 'the learning platform'}`,
    },
  ]);
  add('Title of the micro-credential', true, [{ text: achievement.name }]);
  add('Country and region of the issuer', true, [
    {
      text: [address.addressRegion, address.addressCountry ?? address.addressCountryCode]
        .filter(Boolean)
        .join(', '),
    },
  ]);
  add('Awarding body', true, [
    { text: issuer.name, ...(issuer.url ? { href: issuer.url } : {}) },
    issuer.parentOrg && { text: `member of ${issuer.parentOrg.name}` },
    ...(issuer.otherIdentifier ?? []).map((entry) => ({
      text: `${entry.identifierType.replace(/^ext:/, '')}: ${entry.identifier}`,
    })),
  ]);
  add('Date of issuing', true, [{ text: credential.awardedDate ?? credential.validFrom }]);
  add(
    'Learning outcomes',
    true,
    (mc.learningOutcome ?? []).flatMap((outcome) => [
      { text: outcome.outcome },
      ...(outcome.escoSkill ?? []).map((skill) => ({ text: `ESCO skill ${skill}`, href: skill })),
    ]),
  );
  add('Notional workload', true, [
    achievement.creditsAvailable !== undefined && {
      text: `${achievement.creditsAvailable} ECTS credits`,
    },
    mc.workloadHours !== undefined && { text: `${mc.workloadHours} hours` },
  ]);
  add('Level', true, [
    mc.eqfLevel && {
      text: `EQF level ${mc.eqfLevel.split('/').pop() ?? ''}`,
      href: mc.eqfLevel,
    },
  ]);
  add('Type of assessment', true, [
    mc.assessmentType && {
      text: ASSESSMENT_TYPES[mc.assessmentType] ?? mc.assessmentType,
      href: mc.assessmentType,
    },
    mc.assessmentDescription && { text: mc.assessmentDescription },
  ]);
  add('Form of participation', true, [
    mc.participationForm && {
      text: PARTICIPATION_FORMS[mc.participationForm] ?? mc.participationForm,
      href: mc.participationForm,
    },
  ]);
  add('Type of quality assurance', true, [
    mc.qualityAssurance && {
      text: mc.qualityAssurance,
      ...(mc.qualityAssuranceUrl ? { href: mc.qualityAssuranceUrl } : {}),
    },
  ]);
  add('Prerequisites', false, [mc.prerequisites && { text: mc.prerequisites }]);
  const supervision = mc.supervisionAndIdentityVerification as SupervisionLevel | undefined;
  add('Supervision and identity verification', false, [
    supervision && { text: SUPERVISION_LEVELS[supervision]?.label ?? supervision },
  ]);
  const result = subject.result?.[0];
  add('Grade', false, [
    result?.value !== undefined && { text: `${result.value} %` },
    mc.gradingScheme && { text: mc.gradingScheme },
  ]);
  add('Integration and stackability', false, [
    mc.isStackable !== undefined && {
      text: mc.isStackable ? 'Can be stacked with other credentials' : 'Stand-alone',
    },
    mc.stackabilityDescription && { text: mc.stackabilityDescription },
    ...(mc.stacksInto ?? []).map((url) => ({ text: `Stacks into ${url}`, href: url })),
  ]);
  add('Further information', false, [
    mc.furtherInformation && { text: mc.furtherInformation },
    mc.furtherInformationUrl && { text: mc.furtherInformationUrl, href: mc.furtherInformationUrl },
  ]);

  const validUntil = (credential as { validUntil?: string }).validUntil ?? null;
  return {
    title: achievement.name,
    description: achievement.description,
    language: achievement.inLanguage ?? null,
    issuerName: issuer.name,
    imageUrl: achievement.image?.id ?? null,
    elements,
    validFrom: credential.validFrom,
    validUntil,
  };
}
