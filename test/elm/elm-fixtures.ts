import { buildCredential, type CredentialInput } from '../../src/badges/build-credential.js';
import {
  CREDITS_WITHHELD_SELF_STUDY,
  readElements,
  type SupervisionStatement,
} from '../../src/badges/eu-elements.js';
import type { ElmExportInput } from '../../src/elm/build-elm-credential.js';
import { ANNEX_I_ACHIEVEMENT, ANNEX_I_GERMAN } from '../support/course-world.js';

export const AWARD_ID = '0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a4b';
const PUBLIC_URL = 'https://microcred.example';
const ACHIEVEMENT_URL = `${PUBLIC_URL}/achievements/6f1e2d3c-4b5a-4978-8d6c-5b4a39281706/versions/2`;
const DID = 'did:web:microcred.example:issuers:uni-exemple';

/** The Annex I achievement with a German and a French text, as stored. */
export const ACHIEVEMENT: ElmExportInput['achievement'] = {
  ...ANNEX_I_ACHIEVEMENT,
  image: null,
  eu: {
    ...ANNEX_I_ACHIEVEMENT.eu,
    translations: {
      de: ANNEX_I_GERMAN,
      fr: {
        name: 'Économie circulaire en pratique',
        description: 'Conçoit des boucles de matières pour un produit et mesure leur effet.',
      },
    },
  },
};

/** An issuer profile with every awarding-body detail. */
export const ISSUER: ElmExportInput['issuer'] = {
  name: 'Université Exemple',
  url: 'https://uni.example',
  email: 'credentials@uni.example',
  countryCode: 'FR',
  description: 'A public research university.',
  image: null,
  address: {
    streetAddress: '1 rue de l’Exemple',
    postalCode: '75005',
    addressLocality: 'Paris',
    addressRegion: 'Île-de-France',
    addressCountryCode: 'FR',
    addressCountry: 'France',
  },
  identifiers: [
    { identifierType: 'ext:ErasmusCode', identifier: 'F PARIS001' },
    { identifierType: 'ext:PIC', identifier: '999876543' },
  ],
  parentOrg: { id: 'https://una-europa.example', name: 'Una Europa' },
  publishRecipientName: true,
};

/**
 * The award's Open Badges credential as the tool issues it (build-credential.ts), in German,
 * for a registered learner with a score of 90%.
 */
export function annexICredential(
  overrides: {
    supervision?: SupervisionStatement;
    /** The badge of a self-study learner: no credits, and the credential says why. */
    isSelfStudyBadge?: boolean;
    /** Another result and its evidence, such as a stack's average of its stacked credentials. */
    result?: Pick<CredentialInput, 'scoreScaled' | 'resultKind' | 'averageWeighting' | 'evidence'>;
  } = {},
): Record<string, unknown> {
  const eu = readElements(ACHIEVEMENT.eu);
  const { learningOutcomes, translations: _t, fieldOfStudy, ...rest } = eu;
  return buildCredential({
    credentialId: AWARD_ID,
    issuedAt: new Date('2026-11-28T10:00:05Z'),
    issuer: { did: DID, name: ISSUER.name, url: ISSUER.url, email: ISSUER.email },
    achievement: {
      id: ACHIEVEMENT_URL,
      name: eu.translations.de!.name,
      description: eu.translations.de!.description,
      criteria: eu.translations.de!.criteria!,
      ects: overrides.isSelfStudyBadge ? null : ACHIEVEMENT.ects,
      eqfLevel: ACHIEVEMENT.eqfLevel,
      language: 'de',
      fieldOfStudy: fieldOfStudy ?? null,
      microCredential: {
        ...rest,
        supervision: overrides.supervision ?? rest.supervision,
        ...(overrides.isSelfStudyBadge ? { ectsCreditsWithheld: CREDITS_WITHHELD_SELF_STUDY } : {}),
        learningOutcomes: learningOutcomes.map((outcome) => ({
          text: outcome.text,
          escoSkills: outcome.escoSkills,
        })),
      },
    },
    recipient: {
      subjectId: 'urn:uuid:6c2f1a8e-0b4d-8e3f-9a1c-2d3e4f5a6b7c',
      platformIssuer: 'https://lms.uni.example',
      sub: 'learner-42',
      name: 'Marie Curie',
      hashedEmail: null,
    },
    scoreScaled: 0.9,
    evidence: [],
    ...overrides.result,
  }) as unknown as Record<string, unknown>;
}

/** The export input of an award with every micro-credential element. */
export function annexIInput(): ElmExportInput {
  return {
    credential: annexICredential(),
    achievement: ACHIEVEMENT,
    issuer: ISSUER,
    learner: { name: 'Marie Curie', email: 'marie@example.org' },
  };
}
