import { z } from 'zod';

/**
 * The elements of a European micro-credential (Council Recommendation 2022/C 243/02, Annex I)
 * that an achievement carries beyond OB 3.0's name, description, criteria, ECTS and EQF level,
 * and the EU controlled vocabularies (Europass / ELM, data.europa.eu/snb) they draw from.
 * The learner, issuer country/region, awarding body and date of issuing come from the award
 * and the issuer profile, not from here.
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
 * Supervision and identity verification. The EU list (snb/supervision-verification) is not
 * bundled here except for the one concept the Commission's own sample uses; the others are
 * named by our terms and labelled in plain words.
 */
export const SUPERVISION_LEVELS = {
  'unsupervised-no-id': {
    label: 'unsupervised, without identity verification',
    uri: 'http://data.europa.eu/snb/supervision-verification/c598449d64',
  },
  'unsupervised-id': { label: 'unsupervised, with identity verification', uri: null },
  'supervised-no-id': { label: 'supervised, without identity verification', uri: null },
  'supervised-id': {
    label: 'supervised, with identity verification (online or on site)',
    uri: null,
  },
} as const satisfies Record<string, { label: string; uri: string | null }>;
export type SupervisionLevel = keyof typeof SUPERVISION_LEVELS;

export const ECTS_FRAMEWORK_URI = 'http://data.europa.eu/snb/education-credit/6fcec5c5af';
export const EQF_URI_PREFIX = 'http://data.europa.eu/snb/eqf/';
export const ESCO_SKILL_PREFIX = 'http://data.europa.eu/esco/skill/';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), 'must be an http(s) URL');
const vocabulary = (terms: Readonly<Record<string, string>>, name: string) =>
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

export const translationSchema = z.strictObject({
  name: text(200),
  description: text(5000),
  criteria: text(5000).optional(),
  /** The learning outcome texts in the same order as the default language's. */
  learningOutcomes: z.array(text(2000)).optional(),
});

/** The `eu` part of an achievement; every field is optional for a plain badge. */
export const microCredentialElementsSchema = z.strictObject({
  learningOutcomes: z.array(learningOutcomeSchema).max(50).default([]),
  /** Notional workload in hours, beside the ECTS credits. */
  workloadHours: z.number().positive().max(10_000).optional(),
  assessmentType: vocabulary(ASSESSMENT_TYPES, 'assessment type').optional(),
  /** How the assessment is carried out, in the author's words. */
  assessmentDescription: text(2000).optional(),
  participationForm: vocabulary(PARTICIPATION_FORMS, 'participation form').optional(),
  /** The type of quality assurance used to underpin the micro-credential. */
  qualityAssurance: text(2000).optional(),
  qualityAssuranceUrl: httpUrl.optional(),
  prerequisites: text(2000).optional(),
  /** When unset, the issuer derives it from the learner's platform trust level. */
  supervision: z
    .enum(Object.keys(SUPERVISION_LEVELS) as [SupervisionLevel, ...SupervisionLevel[]])
    .optional(),
  /** How the grade is given (the learner's grade itself is the credential's result). */
  gradingScheme: text(2000).optional(),
  /** Integration / stackability options. */
  stackability: z
    .strictObject({
      isStackable: z.boolean(),
      description: text(2000).optional(),
      /** Public URLs of the achievements or programmes this one stacks into. */
      stacksInto: z.array(httpUrl).max(20).default([]),
    })
    .optional(),
  furtherInformation: text(5000).optional(),
  furtherInformationUrl: httpUrl.optional(),
  /** ISCED-F 2013 field of education (for OB `fieldOfStudy`). */
  fieldOfStudy: text(200).optional(),
  /** Texts in other languages, by BCP 47 tag. */
  translations: z.record(languageTag, translationSchema).default({}),
});

export type MicroCredentialElements = z.output<typeof microCredentialElementsSchema>;
export type MicroCredentialElementsInput = z.input<typeof microCredentialElementsSchema>;

/** Reads the stored `achievements.eu` JSON (already validated when it was written). */
export function readElements(stored: unknown): MicroCredentialElements {
  return microCredentialElementsSchema.parse(stored ?? {});
}

/**
 * The Annex I mandatory elements an achievement does not define yet (learner, issuer country,
 * awarding body and date of issuing come with every award and are not checked here).
 */
export function missingMandatoryElements(achievement: {
  ects: number | null;
  eqfLevel: number | null;
  eu: MicroCredentialElements;
}): string[] {
  const { eu } = achievement;
  const missing: string[] = [];
  if (eu.learningOutcomes.length === 0) missing.push('learning outcomes');
  if (achievement.ects === null && eu.workloadHours === undefined)
    missing.push('notional workload');
  if (achievement.eqfLevel === null) missing.push('level (EQF)');
  if (!eu.assessmentType) missing.push('type of assessment');
  if (!eu.participationForm) missing.push('form of participation');
  if (!eu.qualityAssurance) missing.push('type of quality assurance');
  return missing;
}
