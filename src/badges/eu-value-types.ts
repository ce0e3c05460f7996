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

/** The value of a supervision choice: the EU URI where there is one, else our term. */
export function supervisionOptionValue(level: SupervisionLevel): string {
  return SUPERVISION_LEVELS[level].uri ?? level;
}

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
