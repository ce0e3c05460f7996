import { z } from 'zod';

/**
 * The EU controlled vocabularies (Europass / ELM, data.europa.eu/snb) the micro-credential
 * elements draw from, and the value types the elements' table (eu-elements.ts) is written in.
 */

/** Europass learning assessment types (http://data.europa.eu/snb/assessment/25831c2). */
export const ASSESSMENT_TYPES: Readonly<Record<string, string>> = {
  'http://data.europa.eu/snb/assessment/19a2e5e671': 'peer assessment',
  'http://data.europa.eu/snb/assessment/2939dae15f': 'marked assignment',
  'http://data.europa.eu/snb/assessment/3484bd7e51': 'continuous evaluation',
  'http://data.europa.eu/snb/assessment/4f03b91c0e': 'portfolio',
  'http://data.europa.eu/snb/assessment/56539a6507': 'group performance',
  'http://data.europa.eu/snb/assessment/6a4db9f11d': 'practical assessment',
  'http://data.europa.eu/snb/assessment/6e6cb2cc78': 'written examination',
  'http://data.europa.eu/snb/assessment/7331eb4762': 'level of attendance',
  'http://data.europa.eu/snb/assessment/795dac4096': 'project work',
  'http://data.europa.eu/snb/assessment/812e3b0ae1': 'peer review',
  'http://data.europa.eu/snb/assessment/b1b68f6735': 'quiz',
  'http://data.europa.eu/snb/assessment/c4256a2726': 'problem based learning',
  'http://data.europa.eu/snb/assessment/d30284d7df': 'oral examination',
  'http://data.europa.eu/snb/assessment/de4d165a6c': 'artefact assessment',
};

/** Europass modes of learning and assessment (http://data.europa.eu/snb/learning-assessment/25831c2). */
export const PARTICIPATION_FORMS: Readonly<Record<string, string>> = {
  'http://data.europa.eu/snb/learning-assessment/729f3bed4b': 'work-based',
  'http://data.europa.eu/snb/learning-assessment/7813801c77': 'project-based',
  'http://data.europa.eu/snb/learning-assessment/9191af2ed9': 'in person',
  'http://data.europa.eu/snb/learning-assessment/920fbb3cbe': 'online',
  'http://data.europa.eu/snb/learning-assessment/e92d221e4d': 'blended',
  'http://data.europa.eu/snb/learning-assessment/ed4c557045': 'research lab',
};

/**
 * Supervision and identity verification, as the teacher declares it per achievement: the four
 * concepts of the Europass list "supervision and verification" (scheme
 * http://data.europa.eu/snb/supervision-verification/25831c2), with their English labels. A
 * level that verifies the learner's identity needs learners an institution enrolled and
 * identified: an open self-study platform cannot declare it (supervisionRefusal).
 */
export const SUPERVISION_LEVELS = {
  'unsupervised-no-id': {
    label: 'Unsupervised without ID Verification',
    uri: 'http://data.europa.eu/snb/supervision-verification/c598449d64',
    needsRegisteredLearners: false,
  },
  'unsupervised-id': {
    label: 'Unsupervised with ID Verification',
    uri: 'http://data.europa.eu/snb/supervision-verification/df2880c5cb',
    needsRegisteredLearners: true,
  },
  'supervised-no-id': {
    label: 'Supervised without ID Verification',
    uri: 'http://data.europa.eu/snb/supervision-verification/44314532f9',
    needsRegisteredLearners: false,
  },
  'supervised-id': {
    label: 'Supervised with ID Verification',
    uri: 'http://data.europa.eu/snb/supervision-verification/70be69aaf9',
    needsRegisteredLearners: true,
  },
} as const satisfies Record<
  string,
  { label: string; uri: string; needsRegisteredLearners: boolean }
>;
export type SupervisionLevel = keyof typeof SUPERVISION_LEVELS;
export const SUPERVISION_SCHEME_URI = 'http://data.europa.eu/snb/supervision-verification/25831c2';

/**
 * What a credential states when the teacher declared no level: the element is then stated as
 * not declared, never inferred from the platform.
 */
export const SUPERVISION_NOT_DECLARED = 'not-declared';
export type SupervisionStatement = SupervisionLevel | typeof SUPERVISION_NOT_DECLARED;

/** How far the learners of an LMS platform are known: enrolled students, or open self-study. */
export type TrustLevel = 'registered' | 'self-study';

/**
 * Why learners of a platform of `trustLevel` cannot earn an achievement that declares `level`,
 * or null when they can. Pure.
 */
export function supervisionRefusal(
  level: SupervisionLevel | undefined,
  trustLevel: TrustLevel,
): string | null {
  if (level === undefined || !SUPERVISION_LEVELS[level].needsRegisteredLearners) return null;
  if (trustLevel === 'registered') return null;
  return (
    `eu.supervision "${SUPERVISION_LEVELS[level].label}" cannot be declared on a self-study ` +
    'platform: nobody verified the identity of its learners. Declare a level without ' +
    'identity verification, or none.'
  );
}

/** The value of a supervision choice in the form: the level's EU concept URI. */
export function supervisionOptionValue(level: SupervisionLevel): string {
  return SUPERVISION_LEVELS[level].uri;
}

/**
 * What a badge of an achievement with ECTS states when its learner came through an open
 * self-study platform: the credits are withheld, not forgotten.
 */
export const CREDITS_WITHHELD_SELF_STUDY =
  'No credits: self-study. Credits are awarded only through registered enrolment.';

/**
 * Europass accreditation types (http://data.europa.eu/snb/accreditation/25831c2): the types of
 * quality assurance that have an EU concept. Anything else is described in prose.
 */
export const QUALITY_ASSURANCE_TYPES: Readonly<Record<string, string>> = {
  'http://data.europa.eu/snb/accreditation/820101cba6': 'Program Quality Assurance',
  'http://data.europa.eu/snb/accreditation/bb4618238e': 'Institutional Quality Assurance',
  'http://data.europa.eu/snb/accreditation/e57dddfcf3': 'Program License',
  'http://data.europa.eu/snb/accreditation/003293d2ce': 'Institutional License',
};

export const ECTS_FRAMEWORK_URI = 'http://data.europa.eu/snb/education-credit/6fcec5c5af';
export const EQF_URI_PREFIX = 'http://data.europa.eu/snb/eqf/';
export const ESCO_SKILL_PREFIX = 'http://data.europa.eu/esco/skill/';

export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
export const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), 'must be an http(s) URL');
export const vocabulary = (terms: Readonly<Record<string, string>>, name: string) =>
  z
    .string()
    .refine(
      (value) => value in terms,
      `must be a ${name} URI from the EU vocabulary (${Object.keys(terms)[0]} ...)`,
    );
/** BCP 47 language tags such as `en`, `de`, `pt-PT`. */
export const languageTag = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as en or pt-PT');

export const learningOutcomeSchema = z.strictObject({
  text: text(2000),
  /** ESCO skill or competence URIs (http://data.europa.eu/esco/skill/...). */
  escoSkills: z
    .array(
      z
        .string()
        .refine((value) => value.startsWith(ESCO_SKILL_PREFIX), 'must be an ESCO skill URI'),
    )
    .max(20)
    .default([]),
});
export type LearningOutcome = z.output<typeof learningOutcomeSchema>;

export const stackabilitySchema = z.strictObject({
  isStackable: z.boolean(),
  description: text(2000).optional(),
  /** Public URLs of the achievements or programmes this one stacks into. */
  stacksInto: z.array(httpUrl).max(20).default([]),
});
export type Stackability = z.output<typeof stackabilitySchema>;

export const translationSchema = z.strictObject({
  name: text(200),
  description: text(5000),
  criteria: text(5000).optional(),
  /** The learning outcome texts in the same order as the default language's. */
  learningOutcomes: z.array(text(2000)).optional(),
});
