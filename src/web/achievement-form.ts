import type { z } from 'zod';
import type { Achievement } from '../awards/create-achievement.js';
import type { BadgeImageProblem } from '../badges/badge-image-error.js';
import { badgeImageProblemOf } from '../badges/check-badge-image.js';
import {
  EQF_URI_PREFIX,
  readElements,
  SUPERVISION_LEVELS,
  type SupervisionLevel,
} from '../badges/eu-elements.js';

/**
 * The achievement form of the teacher's pages as plain data: what the form posts (flat field
 * names such as `outcomes.2.escoSkills`, as urlencoded and multipart bodies carry them) turned
 * into the input of `achievementInputSchema`, an achievement turned back into the form's
 * values, and zod issues turned into catalog keys on the form's fields.
 */

export const MIN_OUTCOME_ROWS = 5;
const SPARE_TRANSLATION_BLOCKS = 1;

export interface OutcomeRow {
  text: string;
  /** ESCO skill URIs separated by spaces or new lines. */
  escoSkills: string;
}

export interface TranslationBlock {
  language: string;
  name: string;
  description: string;
  criteria: string;
  /** One learning outcome per line, in the order of the default language's. */
  learningOutcomes: string;
}

export interface AchievementFormValues {
  name: string;
  description: string;
  criteria: string;
  ects: string;
  /** The EQF level's URI (EQF_URI_PREFIX + level), or '' for none. */
  eqfLevel: string;
  language: string;
  workloadHours: string;
  assessmentType: string;
  assessmentDescription: string;
  participationForm: string;
  qualityAssurance: string;
  qualityAssuranceUrl: string;
  prerequisites: string;
  /** The level's EU URI where the vocabulary has one, else our term for it. */
  supervision: string;
  gradingScheme: string;
  stackable: '' | 'yes' | 'no';
  stackabilityDescription: string;
  /** One URL per line. */
  stacksInto: string;
  furtherInformation: string;
  furtherInformationUrl: string;
  fieldOfStudy: string;
  outcomes: OutcomeRow[];
  translations: TranslationBlock[];
  /** On edit: keep the current image or go back to the generated one. */
  imageChoice: 'keep' | 'generated';
  /** On create only: the first condition of the rule, refined on the rule page. */
  ruleKind: 'passed' | 'completed';
  ruleActivity: string;
}

/** A message of the `teacher-achievements` catalog for one field. */
export interface FieldError {
  readonly key: string;
  readonly params?: Record<string, string | number>;
}
export type FieldErrors = Record<string, FieldError>;

/** The value of a supervision choice: the EU URI where there is one, else our term. */
export function supervisionOptionValue(level: SupervisionLevel): string {
  return SUPERVISION_LEVELS[level].uri ?? level;
}

export function emptyFormValues(language: string): AchievementFormValues {
  return withSpareRows({
    name: '',
    description: '',
    criteria: '',
    ects: '',
    eqfLevel: '',
    language,
    workloadHours: '',
    assessmentType: '',
    assessmentDescription: '',
    participationForm: '',
    qualityAssurance: '',
    qualityAssuranceUrl: '',
    prerequisites: '',
    supervision: '',
    gradingScheme: '',
    stackable: '',
    stackabilityDescription: '',
    stacksInto: '',
    furtherInformation: '',
    furtherInformationUrl: '',
    fieldOfStudy: '',
    outcomes: [],
    translations: [],
    imageChoice: 'keep',
    ruleKind: 'passed',
    ruleActivity: '',
  });
}

/** The form filled with a stored achievement. */
export function formValuesOf(achievement: Achievement): AchievementFormValues {
  const eu = readElements(achievement.eu);
  const numberText = (value: number | null | undefined) =>
    value === null || value === undefined ? '' : String(value);
  return withSpareRows({
    ...emptyFormValues(achievement.language),
    name: achievement.name,
    description: achievement.description,
    criteria: achievement.criteria,
    ects: numberText(achievement.ects),
    eqfLevel: achievement.eqfLevel === null ? '' : `${EQF_URI_PREFIX}${achievement.eqfLevel}`,
    workloadHours: numberText(eu.workloadHours),
    assessmentType: eu.assessmentType ?? '',
    assessmentDescription: eu.assessmentDescription ?? '',
    participationForm: eu.participationForm ?? '',
    qualityAssurance: eu.qualityAssurance ?? '',
    qualityAssuranceUrl: eu.qualityAssuranceUrl ?? '',
    prerequisites: eu.prerequisites ?? '',
    supervision: eu.supervision ? supervisionOptionValue(eu.supervision) : '',
    gradingScheme: eu.gradingScheme ?? '',
    stackable: eu.stackability ? (eu.stackability.isStackable ? 'yes' : 'no') : '',
    stackabilityDescription: eu.stackability?.description ?? '',
    stacksInto: (eu.stackability?.stacksInto ?? []).join('\n'),
    furtherInformation: eu.furtherInformation ?? '',
    furtherInformationUrl: eu.furtherInformationUrl ?? '',
    fieldOfStudy: eu.fieldOfStudy ?? '',
    outcomes: eu.learningOutcomes.map((outcome) => ({
      text: outcome.text,
      escoSkills: outcome.escoSkills.join('\n'),
    })),
    translations: Object.entries(eu.translations).map(([language, translation]) => ({
      language,
      name: translation.name,
      description: translation.description,
      criteria: translation.criteria ?? '',
      learningOutcomes: (translation.learningOutcomes ?? []).join('\n'),
    })),
  });
}

/**
 * Reads a posted achievement form. `input` is what `achievementInputSchema` checks (without
 * the rule); `fieldOf` names the form field a zod issue path points at.
 */
export function readAchievementForm(
  body: Record<string, unknown>,
  image: string | null,
): {
  values: AchievementFormValues;
  input: Record<string, unknown>;
  fieldOf: (path: readonly PropertyKey[]) => string;
} {
  const field = (name: string) => {
    const value = body[name];
    return typeof value === 'string' ? value.replace(/\r\n/g, '\n') : '';
  };
  const rows = (prefix: string, names: readonly string[]) => {
    const count = Math.min(
      100,
      Object.keys(body).reduce((highest, key) => {
        const match = new RegExp(`^${prefix}\\.(\\d+)\\.`).exec(key);
        return match ? Math.max(highest, Number(match[1]) + 1) : highest;
      }, 0),
    );
    return Array.from({ length: count }, (_, index) =>
      Object.fromEntries(names.map((name) => [name, field(`${prefix}.${index}.${name}`)])),
    );
  };
  const stackable = field('stackable');
  const values: AchievementFormValues = {
    name: field('name'),
    description: field('description'),
    criteria: field('criteria'),
    ects: field('ects'),
    eqfLevel: field('eqfLevel'),
    language: field('language').trim(),
    workloadHours: field('workloadHours'),
    assessmentType: field('assessmentType'),
    assessmentDescription: field('assessmentDescription'),
    participationForm: field('participationForm'),
    qualityAssurance: field('qualityAssurance'),
    qualityAssuranceUrl: field('qualityAssuranceUrl'),
    prerequisites: field('prerequisites'),
    supervision: field('supervision'),
    gradingScheme: field('gradingScheme'),
    stackable: stackable === 'yes' || stackable === 'no' ? stackable : '',
    stackabilityDescription: field('stackabilityDescription'),
    stacksInto: field('stacksInto'),
    furtherInformation: field('furtherInformation'),
    furtherInformationUrl: field('furtherInformationUrl'),
    fieldOfStudy: field('fieldOfStudy'),
    outcomes: rows('outcomes', ['text', 'escoSkills']) as unknown as OutcomeRow[],
    translations: rows('translations', [
      'language',
      'name',
      'description',
      'criteria',
      'learningOutcomes',
    ]) as unknown as TranslationBlock[],
    imageChoice: field('imageChoice') === 'generated' ? 'generated' : 'keep',
    ruleKind: field('ruleKind') === 'completed' ? 'completed' : 'passed',
    ruleActivity: field('ruleActivity').trim(),
  };

  const optional = (text: string) => (text.trim() === '' ? undefined : text.trim());
  const lines = (text: string) =>
    text
      .split(/\s*\n\s*/)
      .map((line) => line.trim())
      .filter(Boolean);

  const outcomeRows = values.outcomes
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => row.text.trim() !== '' || row.escoSkills.trim() !== '');
  const translationBlocks = values.translations
    .map((block, index) => ({ block, index }))
    .filter(({ block }) =>
      [block.language, block.name, block.description, block.criteria, block.learningOutcomes].some(
        (text) => text.trim() !== '',
      ),
    );
  const isStackabilityGiven =
    values.stackable !== '' ||
    values.stackabilityDescription.trim() !== '' ||
    values.stacksInto.trim() !== '';

  const eu = dropUndefined({
    learningOutcomes: outcomeRows.map(({ row }) => ({
      text: row.text.trim(),
      escoSkills: row.escoSkills.split(/\s+/).filter(Boolean),
    })),
    workloadHours: numberOrText(values.workloadHours) ?? undefined,
    assessmentType: optional(values.assessmentType),
    assessmentDescription: optional(values.assessmentDescription),
    participationForm: optional(values.participationForm),
    qualityAssurance: optional(values.qualityAssurance),
    qualityAssuranceUrl: optional(values.qualityAssuranceUrl),
    prerequisites: optional(values.prerequisites),
    supervision: supervisionTerm(values.supervision),
    gradingScheme: optional(values.gradingScheme),
    stackability: isStackabilityGiven
      ? dropUndefined({
          isStackable: values.stackable === '' ? undefined : values.stackable === 'yes',
          description: optional(values.stackabilityDescription),
          stacksInto: lines(values.stacksInto),
        })
      : undefined,
    furtherInformation: optional(values.furtherInformation),
    furtherInformationUrl: optional(values.furtherInformationUrl),
    fieldOfStudy: optional(values.fieldOfStudy),
    translations: Object.fromEntries(
      translationBlocks.map(({ block }) => [
        block.language.trim(),
        dropUndefined({
          name: block.name.trim(),
          description: block.description.trim(),
          criteria: optional(block.criteria),
          learningOutcomes:
            lines(block.learningOutcomes).length > 0 ? lines(block.learningOutcomes) : undefined,
        }),
      ]),
    ),
  });
  const input = {
    name: values.name,
    description: values.description,
    criteria: values.criteria,
    ects: numberOrText(values.ects),
    eqfLevel: eqfLevelOf(values.eqfLevel),
    language: values.language === '' ? 'en' : values.language,
    image,
    eu,
  };

  const fieldOf = (path: readonly PropertyKey[]): string => {
    const [top, section, index, part] = path.map(String);
    if (top !== 'eu') return top ?? 'name';
    if (section === 'learningOutcomes') {
      const row = outcomeRows[Number(index)]?.index ?? 0;
      return `outcomes.${row}.${part === 'escoSkills' ? 'escoSkills' : 'text'}`;
    }
    if (section === 'translations') {
      const block = translationBlocks.findIndex(({ block }) => block.language.trim() === index);
      const at = translationBlocks[block]?.index ?? 0;
      const known = ['name', 'description', 'criteria', 'learningOutcomes'];
      return `translations.${at}.${part !== undefined && known.includes(part) ? part : 'language'}`;
    }
    if (section === 'stackability') {
      if (index === 'description') return 'stackabilityDescription';
      return index === 'stacksInto' ? 'stacksInto' : 'stackable';
    }
    return section ?? 'name';
  };
  return { values: withSpareRows(values), input, fieldOf };
}

/** The first issue on each field, as a catalog key of `teacher-achievements:errors`. */
export function fieldErrorsOf(
  issues: readonly z.core.$ZodIssue[],
  fieldOf: (path: readonly PropertyKey[]) => string,
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = fieldOf(issue.path);
    errors[field] ??= messageOf(issue, field);
  }
  return errors;
}

const URL_FIELDS = ['qualityAssuranceUrl', 'furtherInformationUrl', 'stacksInto'];

/** The form's message for an image checkBadgeImage refused. */
export function imageErrorOf(problem: BadgeImageProblem): FieldError {
  switch (problem.reason) {
    case 'too-large':
      return { key: 'errors.imageTooLarge', params: { max: problem.maxBytes / 1024 } };
    case 'unsupported-type':
      return problem.detected
        ? { key: 'errors.imageFormat', params: { format: problem.detected.toUpperCase() } }
        : { key: 'errors.imageType' };
    case 'type-mismatch':
      return { key: 'errors.imageType' };
    case 'damaged':
      return { key: 'errors.imageDamaged', params: { format: problem.type.toUpperCase() } };
    case 'too-many-pixels':
      return {
        key: 'errors.imagePixels',
        params: { width: problem.width, height: problem.height, max: problem.maxSide },
      };
    case 'svg-entities':
      return { key: 'errors.imageSvgEntities' };
    case 'svg-root':
      return problem.root === 'svg'
        ? { key: 'errors.imageSvgNamespace' }
        : { key: 'errors.imageNotSvg', params: { root: problem.root } };
    case 'svg-too-complex':
      return { key: 'errors.imageSvgComplex' };
  }
}

function messageOf(issue: z.core.$ZodIssue, field: string): FieldError {
  const imageProblem = badgeImageProblemOf(issue);
  if (imageProblem) return imageErrorOf(imageProblem);
  if (issue.code === 'custom' && issue.params?.malformedText)
    return { key: 'errors.malformedText' };
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') return { key: 'errors.required' };
      if (field === 'eqfLevel') return { key: 'errors.choice' };
      return issue.inclusive === false
        ? { key: 'errors.positive' }
        : { key: 'errors.tooSmall', params: { min: Number(issue.minimum) } };
    case 'too_big':
      if (issue.origin === 'string') {
        return { key: 'errors.tooLong', params: { max: Number(issue.maximum) } };
      }
      if (issue.origin === 'array') {
        return { key: 'errors.tooMany', params: { max: Number(issue.maximum) } };
      }
      if (field === 'eqfLevel') return { key: 'errors.choice' };
      return { key: 'errors.tooBig', params: { max: Number(issue.maximum) } };
    case 'invalid_type':
      if (issue.expected === 'number') return { key: 'errors.number' };
      if (issue.expected === 'int') return { key: 'errors.wholeNumber' };
      return { key: field === 'stackable' ? 'errors.choice' : 'errors.required' };
    case 'invalid_key':
      return { key: 'errors.languageTag' };
    case 'invalid_value':
      return { key: 'errors.choice' };
    default:
      if (field === 'language' || field.endsWith('.language')) return { key: 'errors.languageTag' };
      if (field === 'image') return { key: 'errors.imageType' };
      if (URL_FIELDS.includes(field)) return { key: 'errors.url' };
      if (field.endsWith('.escoSkills')) return { key: 'errors.esco' };
      if (field === 'assessmentType' || field === 'participationForm') {
        return { key: 'errors.choice' };
      }
      return { key: 'errors.invalid' };
  }
}

/** The form's rows plus empty ones to fill in (the page's script can add more). */
function withSpareRows(values: AchievementFormValues): AchievementFormValues {
  const emptyOutcome: OutcomeRow = { text: '', escoSkills: '' };
  const emptyTranslation: TranslationBlock = {
    language: '',
    name: '',
    description: '',
    criteria: '',
    learningOutcomes: '',
  };
  const outcomes = values.outcomes.filter((row) => row.text !== '' || row.escoSkills !== '');
  const translations = values.translations.filter((block) =>
    Object.values(block).some((text) => text !== ''),
  );
  return {
    ...values,
    outcomes: [
      ...outcomes,
      ...Array.from(
        { length: Math.max(MIN_OUTCOME_ROWS - outcomes.length, 1) },
        () => emptyOutcome,
      ),
    ],
    translations: [
      ...translations,
      ...Array.from({ length: SPARE_TRANSLATION_BLOCKS }, () => emptyTranslation),
    ],
  };
}

/** '' → null; a number (decimal comma too) → that number; else the text, for zod to refuse. */
function numberOrText(text: string): number | string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed.replace(',', '.'));
  return Number.isFinite(value) ? value : trimmed;
}

function eqfLevelOf(value: string): number | string | null {
  if (value === '') return null;
  return value.startsWith(EQF_URI_PREFIX) ? Number(value.slice(EQF_URI_PREFIX.length)) : value;
}

function supervisionTerm(value: string): string | undefined {
  if (value === '') return undefined;
  const level = (Object.keys(SUPERVISION_LEVELS) as SupervisionLevel[]).find(
    (term) => supervisionOptionValue(term) === value,
  );
  return level ?? value;
}

function dropUndefined<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
