import { z } from 'zod';
import {
  dropUndefined,
  element,
  lines,
  nonEmpty,
  numberOrText,
  numberText,
  optional,
  prefixPattern,
  termOf,
  textElement,
  textValue,
  uri,
  urlElement,
  vocabularyElement,
  type AnyEuElement,
  type PageValue,
} from './eu-element-kinds.js';
import {
  averageWeightingOf,
  type AverageWeighting,
  type OpenBadgeCredential,
} from './open-badge-credential.js';
import {
  ASSESSMENT_TYPES,
  ECTS_FRAMEWORK_URI,
  EQF_URI_PREFIX,
  ESCO_SKILL_PREFIX,
  languageTag,
  learningOutcomeSchema,
  stackabilitySchema,
  translationSchema,
  type LearningOutcome,
  type Stackability,
  PARTICIPATION_FORMS,
  QUALITY_ASSURANCE_TYPES,
  CREDITS_WITHHELD_SELF_STUDY,
  SUPERVISION_LEVELS,
  SUPERVISION_NOT_DECLARED,
  supervisionOptionValue,
  text,
  type SupervisionLevel,
  type SupervisionStatement,
} from './eu-value-types.js';

export * from './eu-value-types.js';
export { numberOrText, valueOf } from './eu-element-kinds.js';
export { FORM_SECTIONS, PAGE_ROWS } from './eu-element-layout.js';
export type {
  AnyEuElement,
  ElmList,
  ElmNodeKind,
  ElmTarget,
  IssuedAchievement,
  ExtensionTermType,
  FormControl,
  FormOption,
  PageValue,
} from './eu-element-kinds.js';

/**
 * The elements of a European micro-credential (Council Recommendation 2022/C 243/02, Annex I)
 * as one table, EU_ELEMENTS. Each row names where its value is kept, how it is validated, the
 * terms of our JSON-LD extension context it is written with, how it goes into the Open Badges
 * credential (extension property, alignment with the EU vocabulary), its ELM mapping, its
 * controls in the teacher's form and its row on the public credential page. The stored schema,
 * the credential, the context and JSON Schema (microcredential-context.ts), the ELM export,
 * the form and the pages are derived from it; catalog keys follow from the names:
 * `teacher-achievements:fields.<control>.label` (and `.hint`), `public:element.<page row>`.
 * The learner, the title, the awarding body and the date of issuing come with every award.
 */

const supervisionLevels = Object.keys(SUPERVISION_LEVELS) as SupervisionLevel[];
const supervisionLevelOf = (statement: SupervisionStatement | undefined) =>
  statement && statement !== SUPERVISION_NOT_DECLARED ? SUPERVISION_LEVELS[statement] : undefined;

/**
 * The rows, in the order of the credential's `microCredential` object (single values, then
 * stackability's flag and list) and of our JSON Schema; the context groups the terms by type.
 */
export const EU_ELEMENTS: readonly AnyEuElement[] = [
  element<LearningOutcome[]>({
    field: 'learningOutcomes',
    source: 'eu',
    schema: z.array(learningOutcomeSchema).max(50).default([]),
    terms: [
      {
        name: 'learningOutcome',
        type: 'node-set',
        schema: { type: 'array', items: { $ref: '#/$defs/LearningOutcome' } },
        isRequired: true,
      },
      {
        name: 'outcome',
        type: 'string',
        schema: nonEmpty,
        of: 'LearningOutcome',
        isRequired: true,
      },
      {
        name: 'escoSkill',
        type: 'iri-set',
        schema: {
          type: 'array',
          items: { type: 'string', pattern: prefixPattern(ESCO_SKILL_PREFIX) },
        },
        of: 'LearningOutcome',
      },
    ],
    credential: (outcomes) => ({
      learningOutcome: outcomes.map((outcome) => ({
        type: 'LearningOutcome',
        outcome: outcome.text,
        ...(outcome.escoSkills.length > 0 ? { escoSkill: [...outcome.escoSkills] } : {}),
      })),
    }),
    alignments: (outcomes) =>
      outcomes.flatMap((outcome) =>
        outcome.escoSkills.map((skill) => ({
          type: ['Alignment'],
          targetName: outcome.text.length > 200 ? `${outcome.text.slice(0, 197)}...` : outcome.text,
          targetUrl: skill,
          targetFramework: 'ESCO',
          targetType: 'ceasn:Competency',
        })),
      ),
    elm: (outcomes, to) => {
      if (outcomes.length === 0) return;
      to.set(
        'qualification',
        'learningOutcome',
        outcomes.map((outcome, index) => ({
          id: to.id('learningOutcome', index + 1),
          type: 'LearningOutcome',
          title: to.outcomeTexts[index],
          ...(outcome.escoSkills.length > 0
            ? { relatedESCOSkill: outcome.escoSkills.map((skill) => to.escoSkill(skill)) }
            : {}),
        })),
      );
    },
    page: {
      row: 'learningOutcomes',
      values: (issued) =>
        (issued.learningOutcome ?? []).flatMap((outcome) => [
          { text: outcome.outcome },
          ...(outcome.escoSkill ?? []).map((skill) => ({
            key: 'public:value.escoSkill',
            values: { uri: skill },
            href: skill,
          })),
        ]),
    },
  }),
  element<number>({
    field: 'ects',
    source: 'achievement',
    terms: [
      {
        name: 'ectsCredits',
        type: 'number',
        schema: { type: 'number', exclusiveMinimum: 0, maximum: 60 },
        isRequired: true,
      },
    ],
    credential: (ects) => ({ ectsCredits: ects }),
    alignments: (ects) => [
      {
        type: ['Alignment'],
        targetName: `${ects} ECTS credits`,
        targetUrl: ECTS_FRAMEWORK_URI,
        targetFramework: 'European Credit Transfer and Accumulation System',
        targetCode: String(ects),
      },
    ],
    // As the Open Badges credential was issued: a self-study badge carries no credits.
    elmValue: (_ects, issued) => issued.creditsAvailable,
    elm: (credits, to) =>
      to.set(
        'qualification',
        'creditPoint',
        to.creditPoint(to.id('creditPoint', 'available'), credits),
      ),
    form: {
      controls: [{ name: 'ects', kind: 'input', inputmode: 'decimal', hint: 'ects' }],
      show: (ects) => ({ ects: numberText(ects) }),
      read: (texts) => numberOrText(texts.ects ?? '') ?? null,
    },
    page: {
      row: 'workload',
      values: (issued, credential) => {
        const subject = credential.credentialSubject;
        const ects =
          subject.creditsEarned ?? subject.achievement.creditsAvailable ?? issued.ectsCredits;
        return [ects !== undefined && { key: 'public:value.ects', values: { ects } }];
      },
    },
  }),
  element<string>({
    field: 'ectsCreditsWithheld',
    source: 'award',
    terms: [{ name: 'ectsCreditsWithheld', type: 'string', schema: nonEmpty }],
    credential: (statement) => ({ ectsCreditsWithheld: statement }),
    // As the credential was issued.
    elmValue: (_none, issued) => issued.microCredential?.ectsCreditsWithheld,
    elm: (statement, to) => to.note('credits', 'Credits', statement),
    page: {
      row: 'workload',
      values: (issued) => [
        issued.ectsCreditsWithheld &&
          (issued.ectsCreditsWithheld === CREDITS_WITHHELD_SELF_STUDY
            ? { key: 'public:value.creditsWithheldSelfStudy' }
            : { text: issued.ectsCreditsWithheld }),
      ],
    },
  }),
  element<number>({
    field: 'workloadHours',
    source: 'eu',
    /** Notional workload in hours, beside the ECTS credits. */
    schema: z.number().positive().max(10_000),
    terms: [
      { name: 'workloadHours', type: 'number', schema: { type: 'number', exclusiveMinimum: 0 } },
    ],
    credential: (hours) => ({ workloadHours: hours }),
    elm: (hours, to) => to.set('qualification', 'volumeOfLearning', to.duration(hours)),
    form: {
      controls: [
        { name: 'workloadHours', kind: 'input', inputmode: 'decimal', hint: 'workloadHours' },
      ],
      show: (hours) => ({ workloadHours: numberText(hours) }),
      read: (texts) => numberOrText(texts.workloadHours ?? ''),
    },
    page: {
      row: 'workload',
      values: (issued) => [
        issued.workloadHours !== undefined && {
          key: 'public:value.hours',
          values: { hours: issued.workloadHours },
        },
      ],
    },
  }),
  element<number>({
    field: 'eqfLevel',
    source: 'achievement',
    terms: [
      {
        name: 'eqfLevel',
        type: 'iri',
        schema: { type: 'string', pattern: `${prefixPattern(EQF_URI_PREFIX)}[1-8]$` },
      },
    ],
    credential: (level) => ({ eqfLevel: `${EQF_URI_PREFIX}${level}` }),
    elm: (level, to) => to.set('qualification', 'eqfLevel', to.concept('eqf', level)),
    form: {
      controls: [
        {
          name: 'eqfLevel',
          kind: 'select',
          hint: 'eqfLevel',
          options: [1, 2, 3, 4, 5, 6, 7, 8].map((level) => ({
            value: `${EQF_URI_PREFIX}${level}`,
            label: { key: 'eqf.level', params: { level } },
          })),
        },
      ],
      show: (level) => ({ eqfLevel: level === undefined ? '' : `${EQF_URI_PREFIX}${level}` }),
      read: ({ eqfLevel = '' }) => {
        if (eqfLevel === '') return null;
        return eqfLevel.startsWith(EQF_URI_PREFIX)
          ? Number(eqfLevel.slice(EQF_URI_PREFIX.length))
          : eqfLevel;
      },
    },
    page: {
      row: 'level',
      values: (issued) => [
        issued.eqfLevel && {
          key: 'public:value.eqfLevel',
          values: { level: termOf(issued.eqfLevel) },
          href: issued.eqfLevel,
        },
      ],
    },
  }),
  vocabularyElement('assessmentType', ASSESSMENT_TYPES, {
    name: 'assessment type',
    uriPrefix: 'http://data.europa.eu/snb/assessment/',
    alignment: { label: 'Assessment', framework: 'Europass learning assessment types' },
    catalog: 'assessment',
    page: 'assessment',
    elm: (type, to) => to.set('assessmentSpecification', 'dcType', to.concept('assessment', type)),
  }),
  textElement('assessmentDescription', 2000, {
    hint: 'assessmentDescription',
    page: 'assessment',
    elm: (description, to) =>
      to.set('assessmentSpecification', 'description', to.ownText(description)),
  }),
  vocabularyElement('participationForm', PARTICIPATION_FORMS, {
    name: 'participation form',
    uriPrefix: 'http://data.europa.eu/snb/learning-assessment/',
    alignment: {
      label: 'Form of participation',
      framework: 'Europass modes of learning and assessment',
    },
    catalog: 'participation',
    page: 'participation',
    elm: (form, to) => to.set('qualification', 'mode', to.concept('learning-assessment', form)),
  }),
  vocabularyElement('qualityAssuranceType', QUALITY_ASSURANCE_TYPES, {
    name: 'quality assurance type',
    uriPrefix: 'http://data.europa.eu/snb/accreditation/',
    alignment: { label: 'Quality assurance', framework: 'Europass accreditation types' },
    catalog: 'qualityAssuranceType',
    page: 'qualityAssurance',
    // ELM names these types only on an Accreditation, which needs the accrediting body.
    elm: (type, to) =>
      to.note(
        'quality-assurance-type',
        'Type of quality assurance',
        `${QUALITY_ASSURANCE_TYPES[type] ?? type} (${type})`,
      ),
  }),
  textElement('qualityAssurance', 2000, {
    hint: 'qualityAssurance',
    page: 'qualityAssurance',
    elm: (description, to) =>
      to.note('quality-assurance', 'Type of quality assurance', description),
  }),
  urlElement('qualityAssuranceUrl', 'qualityAssurance', {
    subject: 'quality-assurance',
    label: 'Quality assurance',
  }),
  textElement('prerequisites', 2000, {
    hint: 'prerequisites',
    page: 'prerequisites',
    elm: (prerequisites, to) =>
      to.set('qualification', 'entryRequirement', {
        id: to.id('note', 'prerequisites'),
        type: 'Note',
        noteLiteral: to.ownText(prerequisites),
      }),
  }),
  element<SupervisionStatement>({
    field: 'supervision',
    source: 'eu',
    /** Declared by the teacher; the credential states it as not declared when unset. */
    schema: z.enum(supervisionLevels as [SupervisionLevel, ...SupervisionLevel[]]),
    terms: [
      {
        name: 'supervisionAndIdentityVerification',
        type: 'string',
        schema: { enum: [...supervisionLevels, SUPERVISION_NOT_DECLARED] },
      },
      { name: 'supervisionAndIdentityVerificationUri', type: 'iri', schema: uri },
    ],
    credential: (statement) => ({
      supervisionAndIdentityVerification: statement,
      supervisionAndIdentityVerificationUri: supervisionLevelOf(statement)?.uri,
    }),
    alignments: (statement) => {
      const level = supervisionLevelOf(statement);
      if (!level) return [];
      return [
        {
          type: ['Alignment'],
          targetName: `Supervision and identity verification: ${level.label}`,
          targetUrl: level.uri,
          targetFramework: 'Europass supervision and verification',
        },
      ];
    },
    // As the credential was issued (a credential issued before levels were declared says so).
    elmValue: (stored, issued) => {
      const statement = issued.microCredential?.supervisionAndIdentityVerification;
      if (statement === SUPERVISION_NOT_DECLARED) return statement;
      return statement !== undefined && statement in SUPERVISION_LEVELS
        ? (statement as SupervisionLevel)
        : stored;
    },
    elm: (statement, to) => {
      if (statement === SUPERVISION_NOT_DECLARED) {
        to.note(
          'supervision',
          'Supervision and identity verification',
          'Not declared by the awarding body.',
        );
      } else {
        to.set('assessment', 'idVerification', to.concept('supervision', statement));
      }
    },
    form: {
      controls: [
        {
          name: 'supervision',
          kind: 'select',
          hint: 'supervision',
          options: supervisionLevels.map((level) => ({
            value: supervisionOptionValue(level),
            label: { key: `supervision.${level}` },
          })),
        },
      ],
      show: (level) => ({
        supervision: supervisionLevelOf(level)
          ? supervisionOptionValue(level as SupervisionLevel)
          : '',
      }),
      read: ({ supervision = '' }) =>
        supervision === ''
          ? undefined
          : (supervisionLevels.find((level) => supervisionOptionValue(level) === supervision) ??
            supervision),
    },
    page: {
      row: 'supervision',
      values: (issued) => {
        const statement = issued.supervisionAndIdentityVerification;
        if (!statement) return [];
        if (statement === SUPERVISION_NOT_DECLARED) {
          return [{ key: `public:supervision.${SUPERVISION_NOT_DECLARED}` }];
        }
        if (!(statement in SUPERVISION_LEVELS)) return [{ text: statement }];
        const href =
          issued.supervisionAndIdentityVerificationUri ??
          SUPERVISION_LEVELS[statement as SupervisionLevel].uri;
        return [{ key: `public:supervision.${statement}`, href }];
      },
    },
  }),
  textElement('gradingScheme', 2000, {
    hint: 'gradingScheme',
    page: 'grade',
    elm: (scheme, to) =>
      to.set('assessmentSpecification', 'gradingScheme', {
        id: to.id('gradingScheme'),
        type: 'GradingScheme',
        title: { en: 'Grading scheme' },
        description: to.ownText(scheme),
      }),
    pageValues: (issued, credential) => {
      const result = credential.credentialSubject.result?.[0];
      const weighting = averageWeightingOf(result?.resultDescription);
      return [
        result?.value !== undefined &&
          (weighting
            ? averageValue(result.value, weighting, credential)
            : { key: 'public:value.percent', values: { value: result.value } }),
        result?.status === 'Completed' && { key: 'public:value.passed', values: {} },
        textValue(issued.gradingScheme),
      ];
    },
  }),
  element<Stackability>({
    field: 'stackability',
    source: 'eu',
    schema: stackabilitySchema,
    terms: [
      { name: 'isStackable', type: 'boolean', schema: { type: 'boolean' } },
      { name: 'stackabilityDescription', type: 'string', schema: nonEmpty },
      { name: 'stacksInto', type: 'iri-set', schema: { type: 'array', items: uri } },
    ],
    credential: ({ isStackable, description, stacksInto }) => ({
      isStackable,
      stackabilityDescription: description,
      stacksInto: stacksInto.length > 0 ? [...stacksInto] : undefined,
    }),
    elm: ({ isStackable, description, stacksInto }, to) => {
      const text =
        description ??
        (isStackable
          ? 'Can be stacked with other credentials.'
          : 'A stand-alone credential: it does not stack with others.');
      to.note('stackability', 'Integration and stackability options', text);
      stacksInto.forEach((url, index) => to.document('stacks-into', 'Stacks into', url, index + 1));
    },
    form: {
      controls: [
        {
          name: 'stackable',
          kind: 'select',
          isClosed: true,
          options: [
            { value: 'yes', label: { key: 'stackable.yes' } },
            { value: 'no', label: { key: 'stackable.no' } },
          ],
        },
        { name: 'stackabilityDescription', kind: 'textarea' },
        { name: 'stacksInto', kind: 'textarea', hint: 'stacksInto', isUrl: true },
      ],
      show: (stackability) => ({
        stackable: stackability ? (stackability.isStackable ? 'yes' : 'no') : '',
        stackabilityDescription: stackability?.description ?? '',
        stacksInto: (stackability?.stacksInto ?? []).join('\n'),
      }),
      read: ({ stackable = '', stackabilityDescription = '', stacksInto = '' }) => {
        if (stackable === '' && stackabilityDescription.trim() === '' && stacksInto.trim() === '') {
          return undefined;
        }
        return dropUndefined({
          isStackable: stackable === '' ? undefined : stackable === 'yes',
          description: optional(stackabilityDescription),
          stacksInto: lines(stacksInto),
        });
      },
      controlOf: (part) =>
        part === 'description'
          ? 'stackabilityDescription'
          : part === 'stacksInto'
            ? 'stacksInto'
            : 'stackable',
    },
    page: {
      row: 'stackability',
      values: (issued) => [
        issued.isStackable !== undefined && {
          key: issued.isStackable ? 'public:value.stackable' : 'public:value.standAlone',
        },
        textValue(issued.stackabilityDescription),
        ...(issued.stacksInto ?? []).map((url) => ({
          key: 'public:value.stacksInto',
          values: { url },
          href: url,
        })),
      ],
    },
  }),
  textElement('furtherInformation', 5000, {
    page: 'furtherInformation',
    elm: (information, to) => to.note('further-information', 'Further information', information),
  }),
  urlElement('furtherInformationUrl', 'furtherInformation', {
    subject: 'further-information',
    label: 'Further information',
  }),
  element<string>({
    field: 'fieldOfStudy',
    source: 'eu',
    /** ISCED-F 2013 field of education; the credential carries it as OB `fieldOfStudy`. */
    schema: text(200),
    elm: (field, to) => {
      const concept = to.concept('isced-f', field);
      if (concept) to.set('qualification', 'thematicArea', concept);
      else to.note('field-of-study', 'Field of study', field);
    },
    form: {
      controls: [{ name: 'fieldOfStudy', kind: 'input', hint: 'fieldOfStudy' }],
      show: (field) => ({ fieldOfStudy: field ?? '' }),
      read: (texts) => optional(texts.fieldOfStudy ?? ''),
    },
    page: {
      row: 'fieldOfStudy',
      values: (_issued, credential) => [
        textValue(credential.credentialSubject.achievement.fieldOfStudy),
      ],
    },
  }),
  element<string>({
    field: 'addressCountryCode',
    source: 'issuer',
    terms: [
      { name: 'issuerCountry', type: 'string', schema: { type: 'string', pattern: '^[A-Z]{2}$' } },
    ],
    credential: (code) => ({ issuerCountry: code }),
  }),
  element<string>({
    field: 'addressRegion',
    source: 'issuer',
    terms: [{ name: 'issuerRegion', type: 'string', schema: nonEmpty }],
    credential: (region) => ({ issuerRegion: region }),
  }),
];

/** The `eu` part of an achievement; every field is optional for a plain badge. */
export const microCredentialElementsSchema = z.strictObject({
  ...(Object.fromEntries(
    EU_ELEMENTS.filter((row) => row.source === 'eu').map((row) => [
      row.field,
      row.field === 'learningOutcomes' ? row.schema : row.schema?.optional(),
    ]),
  ) as unknown as StoredShape),
  /** Texts in other languages, by BCP 47 tag. */
  translations: z.record(languageTag, translationSchema).default({}),
});

/** The stored elements' types, which the table's rows are checked against. */
type StoredShape = {
  learningOutcomes: z.ZodDefault<z.ZodArray<typeof learningOutcomeSchema>>;
  workloadHours: z.ZodOptional<z.ZodType<number>>;
  assessmentType: z.ZodOptional<z.ZodType<string>>;
  assessmentDescription: z.ZodOptional<z.ZodType<string>>;
  participationForm: z.ZodOptional<z.ZodType<string>>;
  qualityAssuranceType: z.ZodOptional<z.ZodType<string>>;
  qualityAssurance: z.ZodOptional<z.ZodType<string>>;
  qualityAssuranceUrl: z.ZodOptional<z.ZodType<string>>;
  prerequisites: z.ZodOptional<z.ZodType<string>>;
  supervision: z.ZodOptional<z.ZodType<SupervisionLevel>>;
  gradingScheme: z.ZodOptional<z.ZodType<string>>;
  stackability: z.ZodOptional<typeof stackabilitySchema>;
  furtherInformation: z.ZodOptional<z.ZodType<string>>;
  furtherInformationUrl: z.ZodOptional<z.ZodType<string>>;
  fieldOfStudy: z.ZodOptional<z.ZodType<string>>;
};

export type MicroCredentialElements = z.output<typeof microCredentialElementsSchema>;
export type MicroCredentialElementsInput = z.input<typeof microCredentialElementsSchema>;

/**
 * A stack's average on its page, weighted by ECTS or each stacked credential counting equally as
 * its result description says: over every stacked credential, or over those of them that carry a
 * result (`stackedResult`), said with how many of them that is (build-credential.ts).
 */
function averageValue(
  value: string,
  weighting: AverageWeighting,
  credential: OpenBadgeCredential,
): PageValue {
  const components = (credential.evidence ?? []).filter(
    (item) => item.stackedCredential !== undefined,
  );
  const averaged = components.filter((item) => item.stackedResult !== undefined).length;
  const keys = AVERAGE_KEYS[weighting];
  return averaged === components.length
    ? { key: keys.overAll, values: { value } }
    : { key: keys.overSome, values: { value, averaged, total: components.length } };
}

/** What a stack's average says on its page, by its weighting. */
const AVERAGE_KEYS = {
  ects: { overAll: 'public:value.weightedAverage', overSome: 'public:value.weightedAverageOfSome' },
  equal: { overAll: 'public:value.equalAverage', overSome: 'public:value.equalAverageOfSome' },
} as const satisfies Record<AverageWeighting, { overAll: string; overSome: string }>;

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
  if (!eu.qualityAssurance && !eu.qualityAssuranceType) {
    missing.push('type of quality assurance');
  }
  return missing;
}
