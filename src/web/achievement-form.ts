import type { z } from 'zod';
import {
  EXPIRY_UNITS,
  expiryDuration,
  readExpiryDuration,
  type ExpiryUnit,
} from '../awards/award-expiry.js';
import type { Achievement } from '../awards/create-achievement.js';
import {
  STACK_CREDITS,
  STACK_RESULTS,
  type StackCredit,
  type StackResult,
} from '../awards/stack-credit.js';
import type { BadgeImageProblem } from '../badges/badge-image-error.js';
import { badgeImageProblemOf } from '../badges/check-badge-image.js';
import {
  EU_ELEMENTS,
  FORM_SECTIONS,
  readElements,
  valueOf,
  type AnyEuElement,
  type FormControl,
} from '../badges/eu-elements.js';

/**
 * The achievement form of the teacher's pages as plain data: what the form posts (flat field
 * names such as `outcomes.2.escoSkills`, as urlencoded and multipart bodies carry them) turned
 * into the input of `achievementInputSchema`, an achievement turned back into the form's
 * values, and zod issues turned into catalog keys on the form's fields. The EU elements' controls
 * and how each reads and shows its value come from the table of EU elements (eu-elements.ts).
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
  language: string;
  outcomes: OutcomeRow[];
  translations: TranslationBlock[];
  /** On edit: keep the current image or go back to the generated one. */
  imageChoice: 'keep' | 'generated';
  /** On create only: the first condition of the rule, refined on the rule page. */
  ruleKind: 'passed' | 'completed';
  ruleActivity: string;
  /** What the LMS gradebook gets for an award (awards/grade-value.ts). */
  gradeMode: 'result' | 'pass';
  /** For a stack: its credit and its result (awards/stack-credit.ts). */
  stackCredit: StackCredit;
  stackResult: StackResult;
  /** When credentials expire: never, a period after issuing, or on a day (awards/award-expiry.ts). */
  expiryKind: 'none' | 'after' | 'on';
  expiryAmount: string;
  expiryUnit: ExpiryUnit;
  /** `YYYY-MM-DD`. */
  expiryDate: string;
  /** The texts of the EU elements' controls, by control name (FORM_SECTIONS). */
  [control: string]: string | OutcomeRow[] | TranslationBlock[];
}

/** The rows the form edits: the achievement's columns (ECTS, EQF) and its `eu` elements. */
const COLUMN_ROWS = EU_ELEMENTS.filter((row) => row.form && row.source === 'achievement');
const EU_ROWS = EU_ELEMENTS.filter((row) => row.form && row.source === 'eu');
const CONTROLS = EU_ELEMENTS.flatMap((row) => row.form?.controls ?? []);

/** The form's EU sections with their controls, for the view. */
export const FORM_LAYOUT: readonly { id: string; controls: readonly FormControl[] }[] =
  FORM_SECTIONS.map((section) => ({
    id: section.id,
    controls: section.controls.map((name) => {
      const control = CONTROLS.find((candidate) => candidate.name === name);
      if (!control) throw new Error(`FORM_SECTIONS names the unknown control "${name}"`);
      return control;
    }),
  }));

/** The texts of the controls of `rows`. */
function controlTexts(rows: readonly AnyEuElement[], textOf: (control: FormControl) => string) {
  return Object.fromEntries(
    rows
      .flatMap((row) => row.form?.controls ?? [])
      .map((control) => [control.name, textOf(control)]),
  );
}

/** The posted choice when it is one of `choices`, else the default. */
function choiceOf<T extends string>(choices: readonly T[], posted: string, fallback: T): T {
  return (choices as readonly string[]).includes(posted) ? (posted as T) : fallback;
}

/** A message of the `teacher-achievements` catalog for one field. */
export interface FieldError {
  readonly key: string;
  readonly params?: Record<string, string | number>;
}
export type FieldErrors = Record<string, FieldError>;

export function emptyFormValues(language: string): AchievementFormValues {
  return withSpareRows({
    name: '',
    description: '',
    criteria: '',
    ...controlTexts(COLUMN_ROWS, () => ''),
    language,
    ...controlTexts(EU_ROWS, () => ''),
    outcomes: [],
    translations: [],
    imageChoice: 'keep',
    ruleKind: 'passed',
    ruleActivity: '',
    gradeMode: 'result',
    stackCredit: 'components',
    stackResult: 'none',
    expiryKind: 'none',
    expiryAmount: '',
    expiryUnit: 'years',
    expiryDate: '',
  });
}

/** The form filled with a stored achievement. */
export function formValuesOf(achievement: Achievement): AchievementFormValues {
  const eu = readElements(achievement.eu);
  const shown = (rows: readonly AnyEuElement[]) =>
    Object.assign({}, ...rows.map((row) => row.form?.show(valueOf(row, { eu, achievement }))));
  return withSpareRows({
    ...emptyFormValues(achievement.language),
    name: achievement.name,
    description: achievement.description,
    criteria: achievement.criteria,
    gradeMode: achievement.gradeMode,
    stackCredit: achievement.stackCredit,
    stackResult: achievement.stackResult,
    ...expiryValuesOf(achievement),
    ...shown(COLUMN_ROWS),
    ...shown(EU_ROWS),
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
  /** A choice outside a closed control's options reads as none. */
  const control = (spec: FormControl) => {
    const text = field(spec.name);
    const isOffered = !spec.isClosed || spec.options?.some((option) => option.value === text);
    return isOffered ? text : '';
  };
  const values: AchievementFormValues = {
    name: field('name'),
    description: field('description'),
    criteria: field('criteria'),
    ...controlTexts(COLUMN_ROWS, control),
    language: field('language').trim(),
    ...controlTexts(EU_ROWS, control),
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
    gradeMode: field('gradeMode') === 'pass' ? 'pass' : 'result',
    stackCredit: choiceOf(STACK_CREDITS, field('stackCredit'), 'components'),
    stackResult: choiceOf(STACK_RESULTS, field('stackResult'), 'none'),
    expiryKind: choiceOf(['none', 'after', 'on'] as const, field('expiryKind'), 'none'),
    expiryAmount: field('expiryAmount').trim(),
    expiryUnit: choiceOf(EXPIRY_UNITS, field('expiryUnit'), 'years'),
    expiryDate: field('expiryDate').trim(),
  };

  const optional = (text: string) => (text.trim() === '' ? undefined : text.trim());
  const lines = (text: string) =>
    text
      .split(/\s*\n\s*/)
      .map((line) => line.trim())
      .filter(Boolean);
  const texts = values as Readonly<Record<string, string>>;
  const read = (rows: readonly AnyEuElement[]) =>
    Object.fromEntries(rows.map((row) => [row.field, row.form?.read(texts)]));

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
  const eu = dropUndefined({
    learningOutcomes: outcomeRows.map(({ row }) => ({
      text: row.text.trim(),
      escoSkills: row.escoSkills.split(/\s+/).filter(Boolean),
    })),
    ...read(EU_ROWS),
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
    ...read(COLUMN_ROWS),
    language: values.language === '' ? 'en' : values.language,
    image,
    eu,
    gradeMode: values.gradeMode,
    stackCredit: values.stackCredit,
    stackResult: values.stackResult,
    ...expiryInputOf(values),
  };

  const fieldOf = (path: readonly PropertyKey[]): string => {
    const [top, section, index, part] = path.map(String);
    if (top === 'expiresAfter') return 'expiryAmount';
    if (top === 'expiresOn') return 'expiryDate';
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
    const form = EU_ROWS.find((row) => row.field === section)?.form;
    if (form) return form.controlOf?.(index) ?? form.controls[0]?.name ?? section ?? 'name';
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
      return { key: isChoice(field) ? 'errors.choice' : 'errors.required' };
    case 'invalid_key':
      return { key: 'errors.languageTag' };
    case 'invalid_value':
      return { key: 'errors.choice' };
    default:
      if (field === 'expiryAmount') return { key: 'errors.expiryAmount' };
      if (field === 'expiryDate') return { key: 'errors.expiryDate' };
      if (field === 'language' || field.endsWith('.language')) return { key: 'errors.languageTag' };
      if (field === 'image') return { key: 'errors.imageType' };
      if (CONTROLS.some((control) => control.name === field && control.isUrl)) {
        return { key: 'errors.url' };
      }
      if (field.endsWith('.escoSkills')) return { key: 'errors.esco' };
      if (isChoice(field)) return { key: 'errors.choice' };
      return { key: 'errors.invalid' };
  }
}

/** The form's expiry controls for a stored expiry. */
function expiryValuesOf(achievement: Achievement) {
  if (achievement.expiresOn !== null) {
    return { expiryKind: 'on' as const, expiryDate: achievement.expiresOn };
  }
  const period =
    achievement.expiresAfter === null ? null : readExpiryDuration(achievement.expiresAfter);
  return period
    ? { expiryKind: 'after' as const, expiryAmount: String(period.amount), expiryUnit: period.unit }
    : {};
}

/**
 * The expiry the form asks for, as achievementInputSchema takes it: a period only when its
 * amount is a whole number from 1 to 999 (anything else is sent as typed, for the schema to
 * refuse on the amount), a day as typed.
 */
function expiryInputOf(values: AchievementFormValues) {
  if (values.expiryKind === 'after') {
    const amount = Number(values.expiryAmount);
    const isWhole = /^\d+$/.test(values.expiryAmount) && amount >= 1 && amount <= 999;
    return {
      expiresAfter: isWhole ? expiryDuration(amount, values.expiryUnit) : values.expiryAmount,
      expiresOn: null,
    };
  }
  if (values.expiryKind === 'on') return { expiresAfter: null, expiresOn: values.expiryDate };
  return { expiresAfter: null, expiresOn: null };
}

function isChoice(field: string): boolean {
  return CONTROLS.some((control) => control.name === field && control.kind === 'select');
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

function dropUndefined<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
