import { EU_ELEMENTS, PAGE_ROWS, type PageValue } from '../badges/eu-elements.js';
import type { OpenBadgeCredential } from '../badges/open-badge-credential.js';

/**
 * A credential's European micro-credential elements (Council Recommendation 2022/C 243/02,
 * Annex I) in the order the Annex lists them, for the public page: the award's own, then the
 * achievement's from the table of EU elements (badges/eu-elements.ts). Labels and vocabulary terms
 * are catalog keys of the `public` namespace (the page's language); free texts are the
 * credential's own (its language). Pure: it reads only the credential.
 */

/** One value of an element: the credential's text, or a catalog key with values. */
export type ElementValue = PageValue;

export interface CredentialElement {
  /** `public:element.<id>` is its label. */
  readonly id: string;
  readonly isMandatory: boolean;
  readonly values: readonly ElementValue[];
}

type Present<T> = T | null | undefined | false | '';

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
  for (const row of PAGE_ROWS) {
    const shown = EU_ELEMENTS.filter((element) => element.page?.row === row.id);
    add(
      row.id,
      row.isMandatory,
      shown.flatMap((element) => element.page?.values(mc, credential) ?? []),
    );
  }
  return elements;
}

/** A credential a stack rests on, as its evidence names it (badges/build-credential.ts). */
export interface StackedComponent {
  readonly name: string;
  /** Its public verification page; null for a partner's credential whose id is no web page. */
  readonly href: string | null;
  readonly issuerName: string | null;
  readonly issuedOn: string | null;
  readonly ects: number | null;
  /** Its result in percent, or null when it has none. */
  readonly resultPercent: number | null;
  /** Earned at a partner institution and recognised by the issuer (it names its own issuer). */
  readonly isRecognised: boolean;
}

/** The stacked credentials a stack's credential names as evidence; empty for other credentials. */
export function stackedComponents(credential: OpenBadgeCredential): StackedComponent[] {
  return (credential.evidence ?? []).flatMap((evidence) => {
    const isRecognised = evidence.stackedIssuerId !== undefined;
    if (evidence.stackedCredential === undefined || (evidence.id === undefined && !isRecognised)) {
      return [];
    }
    return [
      {
        name: evidence.name,
        href: evidence.id ?? null,
        issuerName: evidence.stackedIssuer ?? null,
        issuedOn: evidence.stackedAwardedDate ?? null,
        ects: evidence.ectsCredits ?? null,
        resultPercent: evidence.stackedResult ?? null,
        isRecognised,
      },
    ];
  });
}

/** An endorsement a credential embeds, as the public page shows it. */
export interface ShownEndorsement {
  readonly endorserName: string;
  readonly endorserId: string | null;
  readonly comment: string | null;
  /** What it endorses: the achievement or the awarding body. */
  readonly of: 'achievement' | 'issuer';
  /** The endorsement's own address, when it is a web address. */
  readonly href: string | null;
}

/**
 * The endorsements embedded in a credential (OB 3.0 `endorsement` of the Achievement and of the
 * issuer Profile), the achievement's first. Each was verified when the awarding body attached it
 * (badges/endorsements/check-received-endorsement.ts); the credential's proof covers them.
 */
export function credentialEndorsements(credential: OpenBadgeCredential): ShownEndorsement[] {
  const shown = (of: ShownEndorsement['of']) => (endorsement: Record<string, unknown>) => {
    const issuer = endorsement.issuer as string | { id?: unknown; name?: unknown } | undefined;
    const endorserId =
      typeof issuer === 'string' ? issuer : typeof issuer?.id === 'string' ? issuer.id : null;
    const name = typeof issuer === 'object' && typeof issuer.name === 'string' ? issuer.name : null;
    const comment = (endorsement.credentialSubject as { endorsementComment?: unknown } | undefined)
      ?.endorsementComment;
    const id = typeof endorsement.id === 'string' ? endorsement.id : '';
    return {
      endorserName: name ?? endorserId ?? '',
      endorserId,
      comment: typeof comment === 'string' ? comment : null,
      of,
      href: /^https?:\/\//.test(id) ? id : null,
    };
  };
  return [
    ...(credential.credentialSubject.achievement.endorsement ?? []).map(shown('achievement')),
    ...(credential.issuer.endorsement ?? []).map(shown('issuer')),
  ];
}
